/**
 * A growable FIFO of int32 values on a ring buffer: instance wait queues and the clients'
 * timeout queues. No allocation per push or shift once grown to the working size.
 */
export class IntFifo {
  private items: Int32Array;
  private head = 0;
  length = 0;

  constructor(initialCapacity = 16) {
    // Power-of-two capacity, so the ring index is a mask rather than a division.
    let n = 4;
    while (n < initialCapacity) n *= 2;
    this.items = new Int32Array(n);
  }

  push(value: number): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length++) & (this.items.length - 1)] = value;
  }

  /** The value `offset` places behind the oldest; offset must be below length. */
  peek(offset = 0): number {
    return this.items[(this.head + offset) & (this.items.length - 1)]!;
  }

  shift(): number {
    const value = this.items[this.head]!;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.length--;
    return value;
  }

  private grow(): void {
    const n = this.items.length * 2;
    const next = new Int32Array(n);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)]!;
    this.items = next;
    this.head = 0;
  }
}
