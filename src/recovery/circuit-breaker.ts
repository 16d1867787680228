/**
 * Envoy circuit breaking: the per-cluster resource limits of one proxy (one priority).
 *
 * Implements: Envoy `ResourceManagerImpl` (source/common/upstream/resource_manager_impl.h:
 * `ManagedResourceImpl::canCreate()` is `count < max`), configured by cluster.v3
 * `CircuitBreakers.Thresholds` (circuit_breaker.proto); reference notes:
 * failure-detection-and-recovery.md §4, B9, guarantee (c)14.
 *
 * Variant, exactly:
 * - Four resources with counts and limits: connections (max_connections 1024), pending
 *   requests waiting for a connection (max_pending_requests 1024), active requests
 *   (max_requests 1024) and retries in progress (max_retries 3, or a retry budget that
 *   overrides it: see retry-budget.ts).
 * - Admission succeeds while `count < max` and takes one unit; a refusal takes nothing and is
 *   counted as an overflow. The caller fails the request fast (Envoy answers 503 with
 *   `x-envoy-overloaded`, response flag UO) and gives the unit back when the request,
 *   connection or retry ends. Envoy counts refused requests and refused pending requests in
 *   the one `upstream_rq_pending_overflow` statistic, refused connections in
 *   `upstream_cx_overflow`, refused retries in `upstream_rq_retry_overflow`; they are kept
 *   apart here.
 *
 * Not modelled: per-host thresholds (max_connections and max_requests per host), priorities
 * other than DEFAULT, max_connection_pools, runtime overrides.
 *
 * Complexity: O(1) per call, no allocation.
 */
import { checkInteger } from '../detect/_internals/config-checks.js';
import {
  EnvoyRetryBudget,
  resolveEnvoyRetryBudgetConfig,
  type EnvoyRetryBudgetSettings,
} from './retry-budget.js';

export interface CircuitBreakerConfig {
  /** Open connections to the cluster. Envoy 1024. */
  maxConnections: number;
  /** Requests waiting for a connection. Envoy 1024. */
  maxPendingRequests: number;
  /** Requests in flight. Envoy 1024. */
  maxRequests: number;
  /** Retries in progress without a budget. Envoy 3. */
  maxRetries: number;
  /** A retry budget, overriding maxRetries; null for none (Envoy's default). */
  retryBudget: EnvoyRetryBudgetSettings | null;
}

export const DEFAULT_CIRCUIT_BREAKER_CONFIG: Readonly<CircuitBreakerConfig> = Object.freeze({
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
  retryBudget: null,
});

export type CircuitBreakerInput = Partial<Omit<CircuitBreakerConfig, 'retryBudget'>> & {
  retryBudget?: Partial<EnvoyRetryBudgetSettings> | null;
};

const OWNER = 'circuit breaker';

/** Fills Envoy's defaults and validates; a given retry budget gets 20 % and 3 for what it leaves out. */
export function resolveCircuitBreakerConfig(partial: CircuitBreakerInput = {}): CircuitBreakerConfig {
  const { retryBudget, ...limits } = partial;
  const retries = resolveEnvoyRetryBudgetConfig({ maxRetries: limits.maxRetries ?? DEFAULT_CIRCUIT_BREAKER_CONFIG.maxRetries, budget: retryBudget ?? null });
  const config: CircuitBreakerConfig = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG, ...limits, maxRetries: retries.maxRetries, retryBudget: retries.budget };
  checkInteger(OWNER, 'maxConnections', config.maxConnections, 0);
  checkInteger(OWNER, 'maxPendingRequests', config.maxPendingRequests, 0);
  checkInteger(OWNER, 'maxRequests', config.maxRequests, 0);
  return config;
}

/** One limited resource: a count, a limit, and the refusals. */
class Resource {
  count = 0;
  overflows = 0;
  constructor(
    readonly max: number,
    private readonly name: string,
  ) {}

  tryCreate(): boolean {
    if (this.count < this.max) {
      this.count++;
      return true;
    }
    this.overflows++;
    return false;
  }

  release(): void {
    if (this.count === 0) throw new Error(`${OWNER}: ${this.name} released more often than admitted`);
    this.count--;
  }
}

export class CircuitBreaker {
  readonly config: Readonly<CircuitBreakerConfig>;
  /** The retries resource: max_retries, or the retry budget over active + pending requests. */
  readonly retries: EnvoyRetryBudget;
  private readonly requests: Resource;
  private readonly pending: Resource;
  private readonly connections: Resource;

  constructor(config: Readonly<CircuitBreakerConfig>) {
    this.config = config;
    this.requests = new Resource(config.maxRequests, 'a request');
    this.pending = new Resource(config.maxPendingRequests, 'a pending request');
    this.connections = new Resource(config.maxConnections, 'a connection');
    this.retries = new EnvoyRetryBudget({ maxRetries: config.maxRetries, budget: config.retryBudget });
  }

  /** A request is about to be sent upstream: admitted while active requests < maxRequests. */
  tryAdmitRequest(): boolean {
    return this.requests.tryCreate();
  }

  /** The request ended (response, reset, timeout). */
  releaseRequest(): void {
    this.requests.release();
  }

  /** A request must wait for a connection: queued while pending requests < maxPendingRequests. */
  tryAdmitPending(): boolean {
    return this.pending.tryCreate();
  }

  /** The pending request got a connection or gave up. */
  releasePending(): void {
    this.pending.release();
  }

  /** A new connection: allowed while open connections < maxConnections. */
  tryOpenConnection(): boolean {
    return this.connections.tryCreate();
  }

  releaseConnection(): void {
    this.connections.release();
  }

  /** A retry: admitted by max_retries or the budget, at the current request counts. */
  tryAdmitRetry(): boolean {
    return this.retries.tryAcquire(this.requests.count, this.pending.count);
  }

  /** The retried attempt ended, or its request did. */
  releaseRetry(): void {
    this.retries.release();
  }

  get activeRequests(): number {
    return this.requests.count;
  }

  get pendingRequests(): number {
    return this.pending.count;
  }

  get activeConnections(): number {
    return this.connections.count;
  }

  /** Requests refused by maxRequests. */
  get requestOverflows(): number {
    return this.requests.overflows;
  }

  /** Pending requests refused by maxPendingRequests. */
  get pendingOverflows(): number {
    return this.pending.overflows;
  }

  /** Connections refused by maxConnections (`upstream_cx_overflow`). */
  get connectionOverflows(): number {
    return this.connections.overflows;
  }

  /** Retries refused (`upstream_rq_retry_overflow`). */
  get retryOverflows(): number {
    return this.retries.overflows;
  }
}
