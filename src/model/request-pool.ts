/**
 * Requests in flight at the clients, as a struct-of-arrays table of reusable slots.
 *
 * A request lives from its arrival at the client until it ends there: success, final
 * failure, timeout or rejection. Its attempts (one, or more with retries) live in the
 * AttemptPool. The table's size follows the number of requests in flight, never the number
 * simulated. A slot's generation changes on every release, which lets lazily discarded
 * references (timeout queues, attempts that outlive their request) recognise a reused slot.
 */
export const PENDING_AT_CLIENT = 1;

/** Hosts remembered per request for `avoidPreviousHosts`; later attempts may repeat a host. */
export const TRIED_HOSTS = 8;

export class RequestPool {
  arrival: Float64Array;
  client: Int32Array;
  generation: Int32Array;
  flags: Uint8Array;
  counted: Uint8Array;
  /** Attempts sent so far. */
  attempts: Uint8Array;
  /** 1 once an attempt has failed: a later success is a recovered request (r). */
  hadFailure: Uint8Array;
  key: Int32Array;
  /** The attempt the client waits for, or -1 (between attempts, during a retry back-off). */
  liveAttempt: Int32Array;
  /** Outcome code of the last failed attempt (what the request ends with if it gives up). */
  lastFailure: Uint8Array;
  /** 1 while a retry of this request is scheduled or in flight (it counts against the budget). */
  retryActive: Uint8Array;
  /** Instances tried, TRIED_HOSTS per slot. */
  tried: Int32Array;
  private freeSlots: Int32Array;
  private freeCount: number;
  inUse = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.arrival = new Float64Array(n);
    this.client = new Int32Array(n);
    this.generation = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.counted = new Uint8Array(n);
    this.attempts = new Uint8Array(n);
    this.hadFailure = new Uint8Array(n);
    this.key = new Int32Array(n);
    this.liveAttempt = new Int32Array(n);
    this.lastFailure = new Uint8Array(n);
    this.retryActive = new Uint8Array(n);
    this.tried = new Int32Array(n * TRIED_HOSTS);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n;
  }

  allocate(): number {
    if (this.freeCount === 0) this.grow();
    this.inUse++;
    const slot = this.freeSlots[--this.freeCount]!;
    this.attempts[slot] = 0;
    this.hadFailure[slot] = 0;
    this.liveAttempt[slot] = -1;
    this.retryActive[slot] = 0;
    return slot;
  }

  release(slot: number): void {
    this.generation[slot]!++;
    this.flags[slot] = 0;
    this.inUse--;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Whether `instance` is among the hosts this request already tried. */
  hasTried(slot: number, instance: number): boolean {
    const n = Math.min(this.attempts[slot]!, TRIED_HOSTS);
    const base = slot * TRIED_HOSTS;
    for (let i = 0; i < n; i++) if (this.tried[base + i] === instance) return true;
    return false;
  }

  /** Records the host of attempt number `this.attempts[slot]` (call before incrementing it). */
  recordTried(slot: number, instance: number): void {
    const index = this.attempts[slot]!;
    if (index < TRIED_HOSTS) this.tried[slot * TRIED_HOSTS + index] = instance;
  }

  private grow(): void {
    const old = this.arrival.length;
    const n = old * 2;
    this.arrival = grown(new Float64Array(n), this.arrival);
    this.client = grown(new Int32Array(n), this.client);
    this.generation = grown(new Int32Array(n), this.generation);
    this.flags = grown(new Uint8Array(n), this.flags);
    this.counted = grown(new Uint8Array(n), this.counted);
    this.attempts = grown(new Uint8Array(n), this.attempts);
    this.hadFailure = grown(new Uint8Array(n), this.hadFailure);
    this.key = grown(new Int32Array(n), this.key);
    this.liveAttempt = grown(new Int32Array(n), this.liveAttempt);
    this.lastFailure = grown(new Uint8Array(n), this.lastFailure);
    this.retryActive = grown(new Uint8Array(n), this.retryActive);
    this.tried = grown(new Int32Array(n * TRIED_HOSTS), this.tried);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < old; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = old;
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
