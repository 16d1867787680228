/**
 * The future-event list: a binary min-heap stored as struct-of-arrays on typed arrays.
 *
 * Order: (time, priority, insertion sequence), a total order, so ties are never broken by
 * chance or by heap layout (SimPy's `(now + delay, priority, eid)` rule). Priority and
 * sequence share one float64 key, `priority · 2^44 + seq`, exact while seq < 2^44 (1.7·10^13
 * events), which keeps the comparison to two loads. The priority doubles as the event's kind:
 * give each kind its own priority.
 *
 * An event is two numbers: its kind (= priority) and a target (an entity index, int32). Three
 * arrays per entry keep every sift step to three moves; no closure or object is allocated per
 * event. Cost: push and pop O(log n); capacity doubles when full.
 */
const SEQ_SPAN = 2 ** 44;

export const MAX_PRIORITY = 255;

export class EventQueue {
  private time: Float64Array;
  private order: Float64Array;
  private targets: Int32Array;
  private count = 0;
  private seq = 0;

  /** Fields of the event most recently removed by pop(). */
  popTime = 0;
  popKind = 0;
  popTarget = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.order = new Float64Array(n);
    this.targets = new Int32Array(n);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.time[0]! : Infinity;
  }

  /** Key (priority and sequence) of the earliest event; only meaningful when not empty. */
  peekKey(): number {
    return this.order[0]!;
  }

  /** Schedules an event; `priority` (0 … 255) orders equal times and is returned as the kind. */
  push(time: number, priority: number, target: number): void {
    this.pushKeyed(time, priority * SEQ_SPAN + this.seq++, target);
  }

  /** Schedules an event under a key made elsewhere (`priority · 2^44 + sequence`, see TieredEventQueue). */
  pushKeyed(time: number, key: number, target: number): void {
    if (this.count === this.time.length) this.grow();
    const t = this.time;
    const o = this.order;
    const d = this.targets;
    // Sift up with a hole: move parents down until the new entry's place is found.
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = t[p]!;
      if (pt < time || (pt === time && o[p]! < key)) break;
      t[i] = pt;
      o[i] = o[p]!;
      d[i] = d[p]!;
      i = p;
    }
    t[i] = time;
    o[i] = key;
    d[i] = target;
  }

  /** Removes the earliest event into popTime/popKind/popTarget; false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const t = this.time;
    const o = this.order;
    const d = this.targets;
    this.popTime = t[0]!;
    this.popKind = Math.floor(o[0]! / SEQ_SPAN);
    this.popTarget = d[0]!;
    const last = --this.count;
    if (last === 0) return true;
    const lt = t[last]!;
    const lo = o[last]!;
    const ld = d[last]!;
    // Sift the last entry down from the root, moving smaller children up into the hole.
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (t[r]! < t[c]! || (t[r] === t[c] && o[r]! < o[c]!))) c = r;
      const ct = t[c]!;
      if (lt < ct || (lt === ct && lo < o[c]!)) break;
      t[i] = ct;
      o[i] = o[c]!;
      d[i] = d[c]!;
      i = c;
    }
    t[i] = lt;
    o[i] = lo;
    d[i] = ld;
    return true;
  }

  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    const order = new Float64Array(n);
    const targets = new Int32Array(n);
    time.set(this.time);
    order.set(this.order);
    targets.set(this.targets);
    this.time = time;
    this.order = order;
    this.targets = targets;
  }
}

/**
 * Two heaps that pop as one queue: the foreground (traffic and faults) and the background
 * (detectors' recurring events: health checks, heartbeats, sweeps). Both take their keys from
 * one sequence, so the pop order is exactly that of a single EventQueue holding everything;
 * but the foreground heap, which every request pushes to and pops from several times, stays
 * as small as the traffic in flight instead of growing with clients × instances check
 * sessions, and the background heap is touched only by the detectors' own events. (A 4-ary
 * heap with times and keys interleaved was tried for the background and was no faster at 65536
 * pending checks.)
 *
 * Cost: push O(log n) in its heap; pop and peek compare the two heads, then O(log n).
 */
export class TieredEventQueue {
  private readonly foreground: EventQueue;
  private readonly background: EventQueue;
  private seq = 0;

  popTime = 0;
  popKind = 0;
  popTarget = 0;

  constructor(initialCapacity = 256) {
    this.foreground = new EventQueue(initialCapacity);
    this.background = new EventQueue(initialCapacity);
  }

  /** Events in the foreground heap. */
  get foregroundSize(): number {
    return this.foreground.size;
  }

  push(time: number, priority: number, target: number): void {
    this.foreground.pushKeyed(time, priority * SEQ_SPAN + this.seq++, target);
  }

  pushBackground(time: number, priority: number, target: number): void {
    this.background.pushKeyed(time, priority * SEQ_SPAN + this.seq++, target);
  }

  /** Time of the earliest event in either heap, or Infinity. */
  peekTime(): number {
    return Math.min(this.foreground.peekTime(), this.background.peekTime());
  }

  /** Removes the earliest event of the two heaps into popTime/popKind/popTarget; false when both are empty. */
  pop(): boolean {
    const front = this.foreground;
    const back = this.background;
    const frontTime = front.peekTime();
    const backTime = back.peekTime();
    const fromBack = backTime < frontTime || (backTime === frontTime && backTime !== Infinity && back.peekKey() < front.peekKey());
    const heap = fromBack ? back : front;
    if (!heap.pop()) return false;
    this.popTime = heap.popTime;
    this.popKind = heap.popKind;
    this.popTarget = heap.popTarget;
    return true;
  }
}

