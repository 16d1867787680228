/**
 * The recovery decisions of a run: whether and when a failed attempt is retried (Envoy's
 * retry policy with its back-off, budget or max_retries, and the request deadline), and when
 * the supervisor restarts a crashed instance (Kubernetes CrashLoopBackOff). The mechanisms
 * live in src/recovery; this class binds them to the scenario and the clients.
 */
import { CrashLoopBackOff } from '../recovery/crash-loop-backoff.js';
import { fullJitterBackoff } from '../recovery/retry-policy.js';
import { allowedConcurrentRetries } from '../recovery/retry-budget.js';
import type { RngStream } from '../engine/rng.js';
import type { Scenario } from '../scenario/schema.js';
import { retryable, type Outcome, type RetryOn } from './outcome.js';

interface RetryingClient {
  readonly activeRequests: number;
  readonly activeRetries: number;
  readonly retryRandom: RngStream | null;
}

export class RecoveryPolicies {
  /** retryDelay(): the attempt is not retried (not retryable, attempts or time exhausted). */
  static readonly NOT_RETRIED = -1;
  /** retryDelay(): a retry was due but the budget (or max_retries) refused it. */
  static readonly REFUSED_BY_BUDGET = -2;

  readonly perTryTimeout: number;
  readonly avoidPreviousHosts: boolean;
  readonly hostSelectionAttempts: number;
  private readonly retries: Scenario['retries'];
  private readonly retryOn: ReadonlySet<RetryOn>;
  private readonly backoffMax: number;
  private readonly restarts: CrashLoopBackOff[];

  constructor(scenario: Scenario) {
    this.retries = scenario.retries;
    this.perTryTimeout = scenario.retries?.perTryTimeout ?? Infinity;
    this.avoidPreviousHosts = scenario.retries?.avoidPreviousHosts ?? false;
    this.hostSelectionAttempts = scenario.retries?.hostSelectionAttempts ?? 1;
    this.retryOn = new Set(scenario.retries?.retryOn ?? []);
    this.backoffMax = scenario.retries ? (scenario.retries.backoff.max ?? 10 * scenario.retries.backoff.base) : 0;
    const backoff = scenario.restart.backoff;
    this.restarts = Array.from(
      { length: scenario.service.instances },
      () => new CrashLoopBackOff({ initial: backoff.initial, max: backoff.max, resetAfter: backoff.resetAfter }),
    );
  }

  /**
   * The back-off before retrying a request whose attempt number `attemptsMade` failed with
   * `outcome`, or NOT_RETRIED / REFUSED_BY_BUDGET. Envoy's order: retry condition, attempts
   * left, then the budget; a retry that could not start before the deadline is not sent.
   */
  retryDelay(attemptsMade: number, outcome: Outcome, client: RetryingClient, deadline: number, now: number): number {
    const policy = this.retries;
    if (policy === undefined || !retryable(outcome, this.retryOn) || attemptsMade >= 1 + policy.attempts) {
      return RecoveryPolicies.NOT_RETRIED;
    }
    if (client.activeRetries >= this.allowedRetries(client)) return RecoveryPolicies.REFUSED_BY_BUDGET;
    const delay = fullJitterBackoff(attemptsMade, policy.backoff.base, this.backoffMax, client.retryRandom!);
    return now + delay < deadline ? delay : RecoveryPolicies.NOT_RETRIED;
  }

  /** Concurrent retries the client may have: the budget's allowance, or max_retries. */
  allowedRetries(client: RetryingClient): number {
    const policy = this.retries;
    if (policy === undefined) return 0;
    return policy.budget
      ? allowedConcurrentRetries(policy.budget.percent, policy.budget.minConcurrency, client.activeRequests, 0)
      : policy.maxRetries;
  }

  /** The earliest time the supervisor restarts `instance`, which exited at `now`. */
  nextRestart(instance: number, now: number): number {
    return this.restarts[instance]!.onExit(now);
  }
}
