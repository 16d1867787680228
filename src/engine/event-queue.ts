/**
 * The future-event list: a binary min-heap stored as struct-of-arrays on typed arrays.
 *
 * Order: (time, priority, insertion sequence), a total order, so ties are never broken by
 * chance or by heap layout (SimPy's `(now + delay, priority, eid)` rule). Priority and
 * sequence share one float64 key, `priority · 2^44 + seq`, exact while seq < 2^44 (1.7·10^13
 * events), which keeps the comparison to two loads.
 *
 * Events are plain integers: a kind, a target (an entity index) and an aux word (e.g. a
 * generation number to recognise stale events). No closure or object is allocated per event.
 * Cost: push and pop O(log n); capacity doubles when full.
 */
const SEQ_SPAN = 2 ** 44;

export class EventQueue {
  private time: Float64Array;
  private order: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private auxes: Int32Array;
  private count = 0;
  private seq = 0;

  /** Fields of the event most recently removed by pop(). */
  popTime = 0;
  popKind = 0;
  popTarget = 0;
  popAux = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.order = new Float64Array(n);
    this.kinds = new Int32Array(n);
    this.targets = new Int32Array(n);
    this.auxes = new Int32Array(n);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.time[0]! : Infinity;
  }

  push(time: number, priority: number, kind: number, target: number, aux = 0): void {
    if (this.count === this.time.length) this.grow();
    const key = priority * SEQ_SPAN + this.seq++;
    const t = this.time;
    const o = this.order;
    // Sift up with a hole: move parents down until the new entry's place is found.
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = t[p]!;
      if (pt < time || (pt === time && o[p]! < key)) break;
      this.move(p, i);
      i = p;
    }
    t[i] = time;
    o[i] = key;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.auxes[i] = aux;
  }

  /** Removes the earliest event into popTime/popKind/popTarget/popAux; false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const t = this.time;
    const o = this.order;
    this.popTime = t[0]!;
    this.popKind = this.kinds[0]!;
    this.popTarget = this.targets[0]!;
    this.popAux = this.auxes[0]!;
    const last = --this.count;
    if (last === 0) return true;
    const lt = t[last]!;
    const lo = o[last]!;
    // Sift the last entry down from the root, moving smaller children up into the hole.
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (t[r]! < t[c]! || (t[r] === t[c] && o[r]! < o[c]!))) c = r;
      const ct = t[c]!;
      if (lt < ct || (lt === ct && lo < o[c]!)) break;
      this.move(c, i);
      i = c;
    }
    t[i] = lt;
    o[i] = lo;
    this.kinds[i] = this.kinds[last]!;
    this.targets[i] = this.targets[last]!;
    this.auxes[i] = this.auxes[last]!;
    return true;
  }

  clear(): void {
    this.count = 0;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.order[to] = this.order[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.targets[to] = this.targets[from]!;
    this.auxes[to] = this.auxes[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    this.time = copyInto(new Float64Array(n), this.time);
    this.order = copyInto(new Float64Array(n), this.order);
    this.kinds = copyInto(new Int32Array(n), this.kinds);
    this.targets = copyInto(new Int32Array(n), this.targets);
    this.auxes = copyInto(new Int32Array(n), this.auxes);
  }
}

function copyInto<T extends Float64Array | Int32Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
