/**
 * Limits on retries across a cluster: Envoy's retry circuit breaker or retry budget, and
 * Linkerd's ratio budget.
 *
 * 1. `EnvoyRetryBudget` implements Envoy's `retries` resource of a cluster's
 *    `CircuitBreakers.Thresholds` (source/common/upstream/resource_manager_impl.h:
 *    `RetryBudgetImpl::max()` / `canCreate()`; cluster.v3 circuit_breaker.proto):
 *    - with a `retry_budget`: concurrent retries < max(min_retry_concurrency,
 *      ⌊budget_percent/100 · (active requests + pending requests)⌋), defaults 20 % and 3
 *      (PR #9069: 20 % of 25 active gives 5; of 2 active, still 3). The budget overrides
 *      `max_retries`;
 *    - without one: concurrent retries < max_retries (default 3).
 *    A refused retry is counted (`upstream_rq_retry_overflow`) and not sent. A retry holds its
 *    slot from the decision to the end of the retried attempt (Envoy's RetryStateImpl frees it
 *    at the next shouldRetry or when the request ends). Note the budget shrinks as requests
 *    turn into retries (envoy-mobile #811): the caller passes the live counts.
 *    Reference notes: failure-detection-and-recovery.md §4, B4, B9, (c)11.
 *
 * 2. `LinkerdRetryBudget` implements the ServiceProfile `retryBudget` as the proxy does it:
 *    tower's `TpsBudget` (tower/src/retry/budget/tps_budget.rs), a token bucket over `ttl`
 *    split into 10 slots. Each original request deposits, each retry withdraws; with ratio r ≤ 1
 *    a deposit is 1 token and a withdrawal ⌊1/r⌋ (computed in f32, as Rust's), with r > 1 they are
 *    1000 and ⌊1000/r⌋, and r = 0 makes deposits worthless. A reserve of
 *    minRetriesPerSecond · ⌊ttl in s⌋ withdrawals' worth of tokens is always added. Slots expire
 *    as tower's do: a slot rolls over when a call comes at least ttl/10 after the slot began, and
 *    the slot that becomes current keeps its old (ten-slots-ago) value until it is committed.
 *    Defaults retryRatio 0.2, minRetriesPerSecond 10, ttl 10 s (linkerd configuring-retries,
 *    tower's Default). Reference notes: §6, B6, (c)19.
 *
 * Complexity: O(1) per call (Linkerd: O(10) per slot roll-over); no allocation.
 */
import { checkInteger, checkRange, checkTime } from '../detect/_internals/config-checks.js';

/** What a retry policy asks before sending a retry. */
export interface RetryAdmission {
  /** Takes one retry slot if the limit allows it at these cluster counts, counting a refusal otherwise. */
  tryAcquire(activeRequests: number, pendingRequests: number): boolean;
  /** Gives back a slot taken by `tryAcquire`. */
  release(): void;
}

// ---------------------------------------------------------------------------------------
// Envoy

export interface EnvoyRetryBudgetSettings {
  /** Percent of active + pending requests that may be retries at once. Envoy 20. */
  budgetPercent: number;
  /** Concurrent retries always allowed. Envoy 3. */
  minRetryConcurrency: number;
}

export interface EnvoyRetryBudgetConfig {
  /** Concurrent retries without a budget (circuit breaker `max_retries`). Envoy 3. */
  maxRetries: number;
  /** The retry budget; null when none is configured (Envoy's default), so maxRetries applies. */
  budget: EnvoyRetryBudgetSettings | null;
}

export const DEFAULT_ENVOY_RETRY_BUDGET_SETTINGS: Readonly<EnvoyRetryBudgetSettings> = Object.freeze({
  budgetPercent: 20,
  minRetryConcurrency: 3,
});

export const DEFAULT_ENVOY_RETRY_BUDGET_CONFIG: Readonly<EnvoyRetryBudgetConfig> = Object.freeze({
  maxRetries: 3,
  budget: null,
});

export type EnvoyRetryBudgetInput = Partial<Omit<EnvoyRetryBudgetConfig, 'budget'>> & {
  budget?: Partial<EnvoyRetryBudgetSettings> | null;
};

const ENVOY = 'retry budget';

/** Fills defaults (a given budget gets 20 % and 3 for what it leaves out) and validates. */
export function resolveEnvoyRetryBudgetConfig(partial: EnvoyRetryBudgetInput = {}): EnvoyRetryBudgetConfig {
  const maxRetries = partial.maxRetries ?? DEFAULT_ENVOY_RETRY_BUDGET_CONFIG.maxRetries;
  checkInteger(ENVOY, 'maxRetries', maxRetries, 0);
  let budget: EnvoyRetryBudgetSettings | null = null;
  if (partial.budget !== undefined && partial.budget !== null) {
    budget = { ...DEFAULT_ENVOY_RETRY_BUDGET_SETTINGS, ...partial.budget };
    checkRange(ENVOY, 'budgetPercent', budget.budgetPercent, 0, 100);
    checkInteger(ENVOY, 'minRetryConcurrency', budget.minRetryConcurrency, 0);
  }
  return { maxRetries, budget };
}

export class EnvoyRetryBudget implements RetryAdmission {
  readonly config: Readonly<EnvoyRetryBudgetConfig>;
  private activeRetries = 0;
  private acquired = 0;
  private refused = 0;

  constructor(config: Readonly<EnvoyRetryBudgetConfig>) {
    this.config = config;
  }

  /** The concurrent-retry limit at these cluster counts (`max()`). */
  limit(activeRequests: number, pendingRequests: number): number {
    const budget = this.config.budget;
    if (budget === null) return this.config.maxRetries;
    const scaled = Math.floor((budget.budgetPercent / 100) * (activeRequests + pendingRequests));
    return Math.max(scaled, budget.minRetryConcurrency);
  }

  tryAcquire(activeRequests: number, pendingRequests: number): boolean {
    if (this.activeRetries < this.limit(activeRequests, pendingRequests)) {
      this.activeRetries++;
      this.acquired++;
      return true;
    }
    this.refused++;
    return false;
  }

  release(): void {
    if (this.activeRetries === 0) throw new Error(`${ENVOY}: release without a retry in progress`);
    this.activeRetries--;
  }

  /** Retries in progress (the `retries` resource count). */
  get active(): number {
    return this.activeRetries;
  }

  /** Retries admitted (`upstream_rq_retry`). */
  get admitted(): number {
    return this.acquired;
  }

  /** Retries refused by the limit (`upstream_rq_retry_overflow`). */
  get overflows(): number {
    return this.refused;
  }
}

// ---------------------------------------------------------------------------------------
// Linkerd

export interface LinkerdRetryBudgetConfig {
  /** Retries allowed per original request, in [0, 1000]. Linkerd 0.2. */
  retryRatio: number;
  /** Retries always allowed per second of ttl. Linkerd 10. */
  minRetriesPerSecond: number;
  /** How long a deposit counts (ms), 1 s to 60 s. Linkerd 10 s. */
  ttl: number;
}

export const DEFAULT_LINKERD_RETRY_BUDGET_CONFIG: Readonly<LinkerdRetryBudgetConfig> = Object.freeze({
  retryRatio: 0.2,
  minRetriesPerSecond: 10,
  ttl: 10_000,
});

const LINKERD = 'linkerd retry budget';
const SLOTS = 10;

/** Fills defaults and validates with tower's assertions. */
export function resolveLinkerdRetryBudgetConfig(partial: Partial<LinkerdRetryBudgetConfig> = {}): LinkerdRetryBudgetConfig {
  const config: LinkerdRetryBudgetConfig = { ...DEFAULT_LINKERD_RETRY_BUDGET_CONFIG, ...partial };
  checkRange(LINKERD, 'retryRatio', config.retryRatio, 0, 1000);
  checkInteger(LINKERD, 'minRetriesPerSecond', config.minRetriesPerSecond, 0);
  if (config.minRetriesPerSecond >= 2 ** 31 - 1) throw new RangeError(`${LINKERD}: minRetriesPerSecond must be below 2^31 − 1`);
  checkRange(LINKERD, 'ttl', config.ttl, 1_000, 60_000);
  return config;
}

export class LinkerdRetryBudget {
  readonly config: Readonly<LinkerdRetryBudgetConfig>;
  /** Tokens a deposit adds. */
  readonly depositAmount: number;
  /** Tokens a withdrawal takes. */
  readonly withdrawAmount: number;
  /** Tokens always available: minRetriesPerSecond · ⌊ttl s⌋ · withdrawAmount. */
  readonly reserve: number;
  private readonly window: number;
  private readonly slots = new Float64Array(SLOTS);
  private writer = 0;
  private index = 0;
  private generationStart: number;
  private lastTime: number;
  private deposited = 0;
  private withdrawn = 0;
  private refused = 0;

  constructor(config: Readonly<LinkerdRetryBudgetConfig>, now = 0) {
    this.config = config;
    const ratio = Math.fround(config.retryRatio);
    if (ratio === 0) {
      this.depositAmount = 0;
      this.withdrawAmount = 1;
    } else if (ratio <= 1) {
      this.depositAmount = 1;
      this.withdrawAmount = Math.trunc(Math.fround(1 / ratio));
    } else {
      this.depositAmount = 1000;
      this.withdrawAmount = Math.trunc(Math.fround(1000 / ratio));
    }
    this.reserve = config.minRetriesPerSecond * Math.floor(config.ttl / 1000) * this.withdrawAmount;
    this.window = config.ttl / SLOTS;
    this.generationStart = now;
    this.lastTime = now;
  }

  /** An original request: adds its share of retry tokens. */
  deposit(now: number): void {
    this.expire(now);
    this.writer += this.depositAmount;
    this.deposited++;
  }

  /** A retry wants to go: takes its tokens if the balance allows, else counts a refusal. */
  tryWithdraw(now: number): boolean {
    this.expire(now);
    if (this.balance() >= this.withdrawAmount) {
      this.writer -= this.withdrawAmount;
      this.withdrawn++;
      return true;
    }
    this.refused++;
    return false;
  }

  /** The tokens a withdrawal at `now` would see (tower's `sum()`). */
  balanceAt(now: number): number {
    this.expire(now);
    return this.balance();
  }

  get deposits(): number {
    return this.deposited;
  }

  get withdrawals(): number {
    return this.withdrawn;
  }

  /** Retries refused by the budget. */
  get refusals(): number {
    return this.refused;
  }

  private balance(): number {
    let sum = this.writer + this.reserve;
    for (let i = 0; i < SLOTS; i++) sum += this.slots[i]!;
    return sum;
  }

  private expire(now: number): void {
    checkTime(LINKERD, now, this.lastTime);
    this.lastTime = now;
    let diff = now - this.generationStart;
    if (diff < this.window) return;
    this.slots[this.index] = this.writer;
    this.writer = 0;
    let index = (this.index + 1) % SLOTS;
    if (diff > (SLOTS + 1) * this.window) {
      // tower clears one slot per elapsed window: every slot, landing (⌈diff/window⌉ − 1) slots on.
      this.slots.fill(0);
      index = (index + Math.ceil(diff / this.window) - 1) % SLOTS;
    } else {
      while (diff > this.window) {
        this.slots[index] = 0;
        diff -= this.window;
        index = (index + 1) % SLOTS;
      }
    }
    this.index = index;
    this.generationStart = now;
  }
}

