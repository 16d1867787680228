/**
 * Linkerd consecutive-failure accrual (circuit breaking), one per endpoint per proxy.
 *
 * Implements: linkerd2-proxy's consecutive-failures breaker
 * (linkerd/app/outbound/src/http/breaker/consecutive_failures.rs, and its successor
 * unified.rs in consecutive-only mode) with `linkerd_exp_backoff::ExponentialBackoff`
 * (linkerd/exp-backoff/src/lib.rs); annotation defaults from linkerd.io 2-edge
 * reference/circuit-breaking.md; reference notes: failure-detection-and-recovery.md §6, B6,
 * guarantee (c)18.
 *
 * Variant, exactly:
 * - Available (gate open): a failure increments the streak, a success clears it; when the
 *   streak reaches `maxFailures` (7) the endpoint becomes unavailable (gate shut).
 * - Unavailable: responses are ignored (drained). A new back-off stream starts at each trip;
 *   the k-th wait (k = 0, 1, …) is `base_k + jitter_k` with base_k = min(minPenalty·2^k,
 *   maxPenalty) and jitter_k = min(J, maxPenalty − base_k), where J is
 *   `u·jitterRatio·base_k` computed as linkerd does, on the seconds and the sub-second
 *   nanoseconds of base_k separately, each truncated: `⌊⌊base_s⌋·u·ratio⌋` s +
 *   `⌊nanos·u·ratio⌋` ns. So the fractional seconds are dropped, and with the defaults the
 *   1 s and 2 s waits get no jitter at all; the waits are 1, 2, 4–5, 8–11, 16–23, 32–47, 60,
 *   60 … s, never above maxPenalty.
 * - After the wait: probation (gate limited to one permit): exactly one request is admitted.
 *   The first response that arrives then decides: a success makes the endpoint available with
 *   a clear streak; a failure shuts it again for the next, longer wait.
 * - What counts as a failure is the caller's (Linkerd: 5xx, and the gRPC codes DATA_LOSS,
 *   DEADLINE_EXCEEDED, INTERNAL, PERMISSION_DENIED, UNAVAILABLE).
 *
 * Not modelled: the success-rate (EWMA) half of the unified breaker, Retry-After hints, and
 * the balancer's failfast when every endpoint is unavailable.
 *
 * The caller drives time: `tryAdmit(now)` and `onResponse` first apply a probation that is
 * due; `nextChangeAt` says when the next timed change (end of the wait) is due, to schedule it.
 *
 * Complexity: O(1) per call, no allocation.
 */
import type { RandomSource } from '../engine/rng.js';
import { checkInteger, checkPositive, checkRange, checkTime } from '../detect/_internals/config-checks.js';

export type AccrualState = 'available' | 'unavailable' | 'probation';

/** What a response did. */
export type AccrualEvent =
  /** Nothing changed. */
  | 'none'
  /** The streak reached maxFailures: the endpoint is unavailable until `nextChangeAt`. */
  | 'tripped'
  /** The probation response was a success: the endpoint is available again. */
  | 'recovered'
  /** The probation response was a failure: unavailable again, for longer, until `nextChangeAt`. */
  | 'probe_failed';

export interface FailureAccrualConfig {
  /** Consecutive failures that make the endpoint unavailable. Linkerd 7. */
  maxFailures: number;
  /** First wait before probation (ms). Linkerd 1 s. */
  minPenalty: number;
  /** Cap on the wait between probes (ms). Linkerd 1 min. */
  maxPenalty: number;
  /** Largest fraction of a wait that may be added as jitter, 0 to 100. Linkerd 0.5. */
  jitterRatio: number;
}

export const DEFAULT_FAILURE_ACCRUAL_CONFIG: Readonly<FailureAccrualConfig> = Object.freeze({
  maxFailures: 7,
  minPenalty: 1_000,
  maxPenalty: 60_000,
  jitterRatio: 0.5,
});

const OWNER = 'failure accrual';

/** Fills Linkerd's defaults and validates as linkerd's ExponentialBackoff::try_new does. */
export function resolveFailureAccrualConfig(partial: Partial<FailureAccrualConfig> = {}): FailureAccrualConfig {
  const config: FailureAccrualConfig = { ...DEFAULT_FAILURE_ACCRUAL_CONFIG, ...partial };
  checkInteger(OWNER, 'maxFailures', config.maxFailures, 1);
  checkPositive(OWNER, 'minPenalty', config.minPenalty);
  checkPositive(OWNER, 'maxPenalty', config.maxPenalty);
  if (config.maxPenalty < config.minPenalty) {
    throw new RangeError(`${OWNER}: maxPenalty (${config.maxPenalty}) must not be less than minPenalty (${config.minPenalty})`);
  }
  checkRange(OWNER, 'jitterRatio', config.jitterRatio, 0, 100);
  return config;
}

/** linkerd_exp_backoff `base(iterations)`: min·2^k, capped at max. */
export function penaltyBase(config: Readonly<FailureAccrualConfig>, iteration: number): number {
  return Math.min(config.minPenalty * 2 ** iteration, config.maxPenalty);
}

/**
 * linkerd_exp_backoff `jitter(base)` for a draw u in [0, 1): seconds and sub-second
 * nanoseconds of `base` scaled by u·ratio and truncated separately, capped at max − base.
 */
export function penaltyJitter(config: Readonly<FailureAccrualConfig>, base: number, u: number): number {
  if (config.jitterRatio === 0) return 0;
  const factor = u * config.jitterRatio;
  const totalNanos = Math.round(base * 1e6);
  const seconds = Math.floor(totalNanos / 1e9);
  const subsecNanos = totalNanos - seconds * 1e9;
  const jitterSeconds = Math.trunc(seconds * factor);
  const jitterNanos = Math.min(Math.trunc(subsecNanos * factor), 2 ** 32 - 1); // `as u32` saturates
  return Math.min(jitterSeconds * 1000 + jitterNanos / 1e6, config.maxPenalty - base);
}

export class ConsecutiveFailureAccrual {
  readonly config: Readonly<FailureAccrualConfig>;
  private readonly random: RandomSource;
  private current: AccrualState = 'available';
  private streak = 0;
  private iteration = 0;
  private waitEnds = Infinity;
  private probeAdmitted = false;
  private lastTime = -Infinity;
  private probeCount = 0;

  constructor(config: Readonly<FailureAccrualConfig>, random: RandomSource) {
    this.config = config;
    this.random = random;
  }

  /** The state as of the last call (call `advance(now)` to apply a due probation first). */
  get state(): AccrualState {
    return this.current;
  }

  /** Consecutive failures counted while available. */
  get consecutiveFailures(): number {
    return this.streak;
  }

  /** When the current wait ends and probation starts; Infinity unless unavailable. */
  get nextChangeAt(): number {
    return this.current === 'unavailable' ? this.waitEnds : Infinity;
  }

  /** Probe requests admitted so far. */
  get probes(): number {
    return this.probeCount;
  }

  /**
   * The endpoint left (Linkerd drops the endpoint's stack with its accrual): the state starts
   * afresh, available with no streak and no backoff, for whatever endpoint comes next.
   */
  forget(): void {
    this.current = 'available';
    this.streak = 0;
    this.iteration = 0;
    this.waitEnds = Infinity;
    this.probeAdmitted = false;
  }

  /** Applies a probation that is due at `now`; returns true if the state changed. */
  advance(now: number): boolean {
    checkTime(OWNER, now, this.lastTime);
    this.lastTime = now;
    if (this.current === 'unavailable' && now >= this.waitEnds) {
      this.current = 'probation';
      this.probeAdmitted = false;
      return true;
    }
    return false;
  }

  /** May a request go to this endpoint now? In probation, exactly one does (the probe). */
  tryAdmit(now: number): boolean {
    this.advance(now);
    if (this.current === 'available') return true;
    if (this.current === 'probation' && !this.probeAdmitted) {
      this.probeAdmitted = true;
      this.probeCount++;
      return true;
    }
    return false;
  }

  /** A response from this endpoint (any request, probe or straggler) was classified. */
  onResponse(success: boolean, now: number): AccrualEvent {
    this.advance(now);
    switch (this.current) {
      case 'available':
        if (success) {
          this.streak = 0;
          return 'none';
        }
        if (++this.streak < this.config.maxFailures) return 'none';
        this.iteration = 0;
        this.shut(now);
        return 'tripped';
      case 'unavailable':
        return 'none'; // drained while shut
      case 'probation':
        if (success) {
          this.current = 'available';
          this.streak = 0;
          this.waitEnds = Infinity;
          return 'recovered';
        }
        this.iteration++;
        this.shut(now);
        return 'probe_failed';
    }
  }

  private shut(now: number): void {
    const base = penaltyBase(this.config, this.iteration);
    const jitter = this.config.jitterRatio === 0 ? 0 : penaltyJitter(this.config, base, this.random.next());
    this.current = 'unavailable';
    this.waitEnds = now + base + jitter;
    this.probeAdmitted = false;
  }
}
