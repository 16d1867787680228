/**
 * Requests in flight on the fast path (FastSimulation), as a struct-of-arrays table of
 * reusable slots; Simulation's FlightTable adds what retries and faults need.
 *
 * A slot lives from the arrival at the client until the response (or the rejection) comes
 * back to it, so the table's size follows the number of requests in flight, never the number
 * simulated. A slot's generation changes on every release, which lets lazily discarded
 * references (timeout queues) recognise a slot that has since been reused.
 */
export const PENDING_AT_CLIENT = 1;

export class RequestPool {
  /** The request's arrival number, from 0 (its id for the onRequestEnd hook). */
  serial: Float64Array;
  arrival: Float64Array;
  demand: Float64Array;
  returnLatency: Float64Array;
  client: Int32Array;
  instance: Int32Array;
  generation: Int32Array;
  flags: Uint8Array;
  counted: Uint8Array;
  /** 1 when the response on its way back is a rejection (503 from a full queue). */
  rejected: Uint8Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  inUse = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.serial = new Float64Array(n);
    this.arrival = new Float64Array(n);
    this.demand = new Float64Array(n);
    this.returnLatency = new Float64Array(n);
    this.client = new Int32Array(n);
    this.instance = new Int32Array(n);
    this.generation = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.counted = new Uint8Array(n);
    this.rejected = new Uint8Array(n);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n;
  }

  allocate(): number {
    if (this.freeCount === 0) this.grow();
    this.inUse++;
    return this.freeSlots[--this.freeCount]!;
  }

  release(slot: number): void {
    this.generation[slot]!++;
    this.flags[slot] = 0;
    this.inUse--;
    this.freeSlots[this.freeCount++] = slot;
  }

  private grow(): void {
    const old = this.arrival.length;
    const n = old * 2;
    this.serial = grown(new Float64Array(n), this.serial);
    this.arrival = grown(new Float64Array(n), this.arrival);
    this.demand = grown(new Float64Array(n), this.demand);
    this.returnLatency = grown(new Float64Array(n), this.returnLatency);
    this.client = grown(new Int32Array(n), this.client);
    this.instance = grown(new Int32Array(n), this.instance);
    this.generation = grown(new Int32Array(n), this.generation);
    this.flags = grown(new Uint8Array(n), this.flags);
    this.counted = grown(new Uint8Array(n), this.counted);
    this.rejected = grown(new Uint8Array(n), this.rejected);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < old; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = old;
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
