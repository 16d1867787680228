/**
 * Attempts in flight: one request sent to one instance. A request has one attempt, or more
 * with retries. Struct-of-arrays slots like RequestPool; an attempt lives from its send until
 * its response reaches the client (or the network loses it), independently of its request,
 * which may have ended (timed out) meanwhile.
 */

/** The client still waits for this attempt (not timed out, not abandoned). */
export const ATTEMPT_LIVE = 1;
/** In service on one of its instance's servers (not waiting in the queue). */
export const ATTEMPT_IN_SERVICE = 2;

export class AttemptPool {
  request: Int32Array;
  requestGeneration: Int32Array;
  instance: Int32Array;
  demand: Float64Array;
  returnLatency: Float64Array;
  sentAt: Float64Array;
  /** Service end time while in service; the remaining service time while its instance hangs. */
  serviceEnd: Float64Array;
  /** The instance epoch the service was scheduled in: a crash or a hang makes older DONE events stale. */
  epoch: Int32Array;
  generation: Int32Array;
  flags: Uint8Array;
  /** What the instance answered (an Outcome code), set when the response leaves it. */
  outcome: Uint8Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  inUse = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.request = new Int32Array(n);
    this.requestGeneration = new Int32Array(n);
    this.instance = new Int32Array(n);
    this.demand = new Float64Array(n);
    this.returnLatency = new Float64Array(n);
    this.sentAt = new Float64Array(n);
    this.serviceEnd = new Float64Array(n);
    this.epoch = new Int32Array(n);
    this.generation = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.outcome = new Uint8Array(n);
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
    const old = this.request.length;
    const n = old * 2;
    this.request = grown(new Int32Array(n), this.request);
    this.requestGeneration = grown(new Int32Array(n), this.requestGeneration);
    this.instance = grown(new Int32Array(n), this.instance);
    this.demand = grown(new Float64Array(n), this.demand);
    this.returnLatency = grown(new Float64Array(n), this.returnLatency);
    this.sentAt = grown(new Float64Array(n), this.sentAt);
    this.serviceEnd = grown(new Float64Array(n), this.serviceEnd);
    this.epoch = grown(new Int32Array(n), this.epoch);
    this.generation = grown(new Int32Array(n), this.generation);
    this.flags = grown(new Uint8Array(n), this.flags);
    this.outcome = grown(new Uint8Array(n), this.outcome);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < old; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = old;
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
