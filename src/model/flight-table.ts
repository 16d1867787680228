/**
 * Requests and attempts in flight, as one struct-of-arrays table of reusable slots.
 *
 * A request lives from its arrival at the client until it ends there (success, final
 * failure, timeout, rejection). An attempt (the request sent to one instance) lives from its
 * send until its response reaches the client or the network loses it, and may outlive its
 * request (a timed-out request's attempt is still served). A request's first attempt shares
 * the request's slot; retries take slots of their own. A slot is free again once neither part
 * holds it, so the table's size follows what is in flight, never the number simulated.
 *
 * A slot's generation changes whenever it is freed, which lets lazily discarded references
 * (timeout queues, a retry's link to its request) recognise a reused slot.
 */

/** The request part of a slot is waiting at its client. */
export const PENDING_AT_CLIENT = 1;
/** Attempt flags: the client still waits for this attempt (not timed out, not abandoned). */
export const ATTEMPT_LIVE = 1;
/** Attempt flags: in service on one of its instance's servers (not waiting in the queue). */
export const ATTEMPT_IN_SERVICE = 2;
/** Attempt flags: held at the client by the circuit breaker, not sent yet. */
export const ATTEMPT_PENDING = 4;

/** Hosts remembered per request for `avoidPreviousHosts`; later attempts may repeat a host. */
export const TRIED_HOSTS = 8;

const HOLDS_REQUEST = 1;
const HOLDS_ATTEMPT = 2;

export class FlightTable {
  generation: Int32Array;
  private holds: Uint8Array;
  /**
   * Service completions scheduled for the slot's attempt and not yet popped. A crash or a hang
   * leaves a completion event behind that no longer applies; the slot stays taken until it has
   * been popped, so a stale event never meets a newer attempt in the same slot.
   */
  private pendingCompletions: Uint8Array;
  /** When the request's retry is due (NaN when none): the retry event's identity check. */
  retryAt: Float64Array;

  // ----- the request part -----
  /** The request's arrival number, from 0 (its id for the onRequestEnd hook). */
  serial: Float64Array;
  arrival: Float64Array;
  client: Int32Array;
  flags: Uint8Array;
  counted: Uint8Array;
  /** Attempts sent so far. */
  attempts: Uint8Array;
  /** 1 once an attempt has failed: a later success is a recovered request (r). */
  hadFailure: Uint8Array;
  key: Int32Array;
  /** The attempt the client waits for, or -1 (between attempts, during a retry back-off). */
  liveAttempt: Int32Array;
  /** 1 while a retry of this request is scheduled or in flight (it counts against the budget). */
  retryActive: Uint8Array;
  /** Instances tried, TRIED_HOSTS per slot. */
  tried: Int32Array;

  // ----- the attempt part -----
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
  attemptFlags: Uint8Array;
  /** What the instance answered (an Outcome code), set when the response leaves it. */
  outcome: Uint8Array;

  private freeSlots: Int32Array;
  private freeCount: number;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.generation = new Int32Array(n);
    this.holds = new Uint8Array(n);
    this.pendingCompletions = new Uint8Array(n);
    this.retryAt = new Float64Array(n);
    this.serial = new Float64Array(n);
    this.arrival = new Float64Array(n);
    this.client = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.counted = new Uint8Array(n);
    this.attempts = new Uint8Array(n);
    this.hadFailure = new Uint8Array(n);
    this.key = new Int32Array(n);
    this.liveAttempt = new Int32Array(n);
    this.retryActive = new Uint8Array(n);
    this.tried = new Int32Array(n * TRIED_HOSTS);
    this.request = new Int32Array(n);
    this.requestGeneration = new Int32Array(n);
    this.instance = new Int32Array(n);
    this.demand = new Float64Array(n);
    this.returnLatency = new Float64Array(n);
    this.sentAt = new Float64Array(n);
    this.serviceEnd = new Float64Array(n);
    this.epoch = new Int32Array(n);
    this.attemptFlags = new Uint8Array(n);
    this.outcome = new Uint8Array(n);
    this.freeSlots = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeSlots[i] = n - 1 - i;
    this.freeCount = n;
  }

  /** A slot for a new request, ready for its first attempt in the same slot. */
  allocateRequest(): number {
    const slot = this.take();
    this.holds[slot] = HOLDS_REQUEST;
    this.attempts[slot] = 0;
    this.hadFailure[slot] = 0;
    this.liveAttempt[slot] = -1;
    this.retryActive[slot] = 0;
    this.retryAt[slot] = NaN;
    return slot;
  }

  /** The slot for request `slot`'s next attempt: its own slot for the first, a new one after. */
  allocateAttempt(slot: number): number {
    const a = this.attempts[slot] === 0 ? slot : this.take();
    this.holds[a]! |= HOLDS_ATTEMPT;
    return a;
  }

  releaseRequest(slot: number): void {
    this.flags[slot] = 0;
    this.retryAt[slot] = NaN;
    this.holds[slot]! &= ~HOLDS_REQUEST;
    if (this.holds[slot] === 0 && this.pendingCompletions[slot] === 0) this.free(slot);
  }

  releaseAttempt(a: number): void {
    this.attemptFlags[a] = 0;
    this.holds[a]! &= ~HOLDS_ATTEMPT;
    if (this.holds[a] === 0 && this.pendingCompletions[a] === 0) this.free(a);
  }

  /** A service completion event was scheduled for attempt `a`. */
  completionScheduled(a: number): void {
    this.pendingCompletions[a]!++;
  }

  /** A completion event of attempt `a` was popped; true while the slot is still in use. */
  completionPopped(a: number): boolean {
    this.pendingCompletions[a]!--;
    if (this.holds[a] !== 0) return true;
    if (this.pendingCompletions[a] === 0) this.free(a);
    return false;
  }

  /** Whether `instance` is among the hosts request `slot` already tried. */
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

  private take(): number {
    if (this.freeCount === 0) this.grow();
    return this.freeSlots[--this.freeCount]!;
  }

  private free(slot: number): void {
    this.generation[slot]!++;
    this.freeSlots[this.freeCount++] = slot;
  }

  private grow(): void {
    const old = this.arrival.length;
    const n = old * 2;
    this.generation = grown(new Int32Array(n), this.generation);
    this.holds = grown(new Uint8Array(n), this.holds);
    this.pendingCompletions = grown(new Uint8Array(n), this.pendingCompletions);
    this.retryAt = grown(new Float64Array(n), this.retryAt);
    this.serial = grown(new Float64Array(n), this.serial);
    this.arrival = grown(new Float64Array(n), this.arrival);
    this.client = grown(new Int32Array(n), this.client);
    this.flags = grown(new Uint8Array(n), this.flags);
    this.counted = grown(new Uint8Array(n), this.counted);
    this.attempts = grown(new Uint8Array(n), this.attempts);
    this.hadFailure = grown(new Uint8Array(n), this.hadFailure);
    this.key = grown(new Int32Array(n), this.key);
    this.liveAttempt = grown(new Int32Array(n), this.liveAttempt);
    this.retryActive = grown(new Uint8Array(n), this.retryActive);
    this.tried = grown(new Int32Array(n * TRIED_HOSTS), this.tried);
    this.request = grown(new Int32Array(n), this.request);
    this.requestGeneration = grown(new Int32Array(n), this.requestGeneration);
    this.instance = grown(new Int32Array(n), this.instance);
    this.demand = grown(new Float64Array(n), this.demand);
    this.returnLatency = grown(new Float64Array(n), this.returnLatency);
    this.sentAt = grown(new Float64Array(n), this.sentAt);
    this.serviceEnd = grown(new Float64Array(n), this.serviceEnd);
    this.epoch = grown(new Int32Array(n), this.epoch);
    this.attemptFlags = grown(new Uint8Array(n), this.attemptFlags);
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
