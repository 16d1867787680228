/**
 * A small priority queue of timed items for the timed models (control plane, pods, DNS):
 * ordered by (time, insertion sequence), so equal times keep the order they were scheduled
 * in and nothing is decided by heap layout.
 *
 * Not the simulator's event list (event-queue.ts, typed arrays, per-request events): these
 * queues hold a few items per endpoint change or pod, and carry an object payload.
 *
 * Complexity: push and pop O(log n), peek O(1).
 */
interface Entry<T> {
  readonly time: number;
  readonly seq: number;
  readonly item: T;
}

export class DueQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.time : Infinity;
  }

  push(time: number, item: T): void {
    if (Number.isNaN(time)) throw new RangeError('DueQueue: time is NaN');
    const heap = this.heap;
    const entry: Entry<T> = { time, seq: this.seq++, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(entry, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = entry;
  }

  /** Removes and returns the earliest item due at or before `now`, or undefined. */
  popDue(now: number): T | undefined {
    const heap = this.heap;
    if (heap.length === 0 || heap[0]!.time > now) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top.item;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
