/**
 * Recovery mechanisms as plain state machines, usable without the simulator: the caller passes
 * time (`now`, ms) and randomness (`{ next(): number }`), and schedules what they return.
 *
 * - Kubernetes CrashLoopBackOff, one per container: crash-loop-backoff.ts
 * - Envoy retry policy, one per route: retry-policy.ts
 * - Envoy retry circuit breaker / budget and Linkerd's ratio budget, one per cluster per proxy:
 *   retry-budget.ts
 * - Envoy circuit-breaker thresholds, one per cluster per proxy: circuit-breaker.ts
 * - Linkerd consecutive-failure accrual, one per endpoint per proxy: failure-accrual.ts
 */
export {
  CrashLoopBackOff,
  DEFAULT_CRASH_LOOP_BACKOFF_CONFIG,
  resolveCrashLoopBackOffConfig,
  type CrashLoopBackOffConfig,
} from './crash-loop-backoff.js';
export {
  DEFAULT_RETRY_POLICY_CONFIG,
  RetryPolicy,
  resolveRetryPolicyConfig,
  type AttemptFailure,
  type BackoffFormula,
  type RetryDecision,
  type RetryOn,
  type RetryPolicyConfig,
} from './retry-policy.js';
export {
  DEFAULT_ENVOY_RETRY_BUDGET_CONFIG,
  DEFAULT_ENVOY_RETRY_BUDGET_SETTINGS,
  DEFAULT_LINKERD_RETRY_BUDGET_CONFIG,
  EnvoyRetryBudget,
  LinkerdRetryBudget,
  resolveEnvoyRetryBudgetConfig,
  resolveLinkerdRetryBudgetConfig,
  type EnvoyRetryBudgetConfig,
  type EnvoyRetryBudgetInput,
  type EnvoyRetryBudgetSettings,
  type LinkerdRetryBudgetConfig,
  type RetryAdmission,
} from './retry-budget.js';
export {
  CircuitBreaker,
  DEFAULT_CIRCUIT_BREAKER_CONFIG,
  resolveCircuitBreakerConfig,
  type CircuitBreakerConfig,
  type CircuitBreakerInput,
} from './circuit-breaker.js';
export {
  ConsecutiveFailureAccrual,
  DEFAULT_FAILURE_ACCRUAL_CONFIG,
  penaltyBase,
  penaltyJitter,
  resolveFailureAccrualConfig,
  type AccrualEvent,
  type AccrualState,
  type FailureAccrualConfig,
} from './failure-accrual.js';
