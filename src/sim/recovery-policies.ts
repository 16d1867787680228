/**
 * The recovery decisions of a run: whether and when a failed attempt is retried (Envoy's
 * retry policy, its back-off, the retry budget or max_retries of each client, and the request
 * deadline), and when the supervisor restarts a crashed instance (Kubernetes
 * CrashLoopBackOff). The mechanisms live in src/recovery; this class binds them to the
 * scenario's keys and to the clients.
 */
import type { RngStream } from '../engine/rng.js';
import { CrashLoopBackOff } from '../recovery/crash-loop-backoff.js';
import { EnvoyRetryBudget, resolveEnvoyRetryBudgetConfig } from '../recovery/retry-budget.js';
import { RetryPolicy, resolveRetryPolicyConfig, type AttemptFailure } from '../recovery/retry-policy.js';
import type { Scenario } from '../scenario/schema.js';
import { Outcome } from './outcome.js';

/** How the retry policy names each attempt outcome. */
const FAILURE: Readonly<Record<Outcome, AttemptFailure | null>> = {
  [Outcome.Ok]: null,
  [Outcome.Error5xx]: 'error5xx',
  [Outcome.Rejected]: 'gateway',
  [Outcome.Reset]: 'reset',
  [Outcome.Refused]: 'connect_failure',
  [Outcome.Timeout]: 'per_try_timeout',
  [Outcome.NoEndpoint]: null,
  [Outcome.Overflow]: null,
};

export class RecoveryPolicies {
  /** retryDelay(): the attempt is not retried (not retryable, attempts or time exhausted). */
  static readonly NOT_RETRIED = -1;
  /** retryDelay(): a retry was due but the budget (or max_retries) refused it. */
  static readonly REFUSED_BY_BUDGET = -2;

  readonly perTryTimeout: number;
  readonly avoidPreviousHosts: boolean;
  readonly hostSelectionAttempts: number;
  private readonly policy: RetryPolicy | null;
  /** Each client's retry admission: its budget, or its max_retries circuit breaker. */
  private readonly budgets: EnvoyRetryBudget[];
  private readonly restarts: CrashLoopBackOff[];

  constructor(scenario: Scenario) {
    const retries = scenario.retries;
    this.policy =
      retries === undefined
        ? null
        : new RetryPolicy(
            resolveRetryPolicyConfig({
              numRetries: retries.attempts,
              retryOn: retries.retryOn,
              perTryTimeout: retries.perTryTimeout ?? 0,
              baseInterval: retries.backoff.base,
              maxInterval: retries.backoff.max ?? 10 * retries.backoff.base,
              hostSelectionRetryMaxAttempts: retries.hostSelectionAttempts,
            }),
          );
    this.perTryTimeout = retries?.perTryTimeout ?? Infinity;
    this.avoidPreviousHosts = retries?.avoidPreviousHosts ?? false;
    this.hostSelectionAttempts = retries?.hostSelectionAttempts ?? 1;
    const budget = resolveEnvoyRetryBudgetConfig({
      maxRetries: retries?.maxRetries ?? 3,
      budget: retries?.budget ? { budgetPercent: retries.budget.percent, minRetryConcurrency: retries.budget.minConcurrency } : null,
    });
    this.budgets = Array.from({ length: scenario.clients.count }, () => new EnvoyRetryBudget(budget));
    const backoff = scenario.restart.backoff;
    this.restarts = Array.from(
      { length: scenario.service.instances },
      () => new CrashLoopBackOff({ initial: backoff.initial, max: backoff.max, resetAfter: backoff.resetAfter }),
    );
  }

  /**
   * The back-off before retrying a request whose attempt number `attemptsMade` failed with
   * `outcome`, or NOT_RETRIED / REFUSED_BY_BUDGET. On a delay, the client holds one retry slot
   * until `endRetry`. Envoy's order: retry condition, retries left, then the budget; a retry
   * that could not start before the request deadline is not sent.
   */
  retryDelay(attemptsMade: number, outcome: Outcome, client: number, activeRequests: number, random: RngStream, deadline: number, now: number): number {
    const failure = FAILURE[outcome];
    if (this.policy === null || failure === null) return RecoveryPolicies.NOT_RETRIED;
    const budget = this.budgets[client]!;
    const decision = this.policy.shouldRetry(failure, attemptsMade - 1, budget, activeRequests, 0);
    if (decision === 'overflow') return RecoveryPolicies.REFUSED_BY_BUDGET;
    if (decision !== 'retry') return RecoveryPolicies.NOT_RETRIED;
    const delay = this.policy.backoff(attemptsMade, random);
    if (now + delay >= deadline) {
      budget.release();
      return RecoveryPolicies.NOT_RETRIED;
    }
    return delay;
  }

  /** The client's retry is over (its attempt ended, or its request did). */
  endRetry(client: number): void {
    this.budgets[client]!.release();
  }

  /** Retries the client has in progress, and its allowance now (property tests). */
  retryState(client: number, activeRequests: number): { active: number; allowed: number } {
    const budget = this.budgets[client]!;
    return { active: budget.active, allowed: budget.limit(activeRequests, 0) };
  }

  /** The earliest time the supervisor restarts `instance`, which exited at `now`. */
  nextRestart(instance: number, now: number): number {
    return this.restarts[instance]!.onExit(now);
  }

  /** The instance really started at `now` (later than planned: a fault window held it). */
  restarted(instance: number, now: number): void {
    this.restarts[instance]!.onRestart(now);
  }
}
