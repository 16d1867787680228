/**
 * The balancer contract. Nothing here knows about the simulator: a balancer is a plain object
 * that a real proxy can drive with the wall clock and Math.random-free randomness of its own.
 *
 * Division of labour (after tower's `balance` / `load` split): the caller owns the load signal
 * (its own in-flight counts, EWMA, …) and the balancer only reads it.
 */

/** A uniform random source on [0, 1) with 53-bit resolution. */
export interface RandomSource {
  next(): number;
}

/** One upstream endpoint as the balancer sees it. `id` is stable across rebuilds. */
export interface Endpoint {
  readonly id: number;
  /** Positive load-balancing weight (Envoy's `load_balancing_weight`, NGINX/HAProxy `weight`). */
  readonly weight: number;
  readonly zone: string;
  /** Envoy priority level: 0 (the default) is the highest; higher levels take traffic as lower ones fail. */
  readonly priority?: number;
  /**
   * False when health checking or outlier detection has taken the endpoint out of rotation
   * (default true). Balancers with Envoy's host selection still receive such endpoints: they
   * count towards priority loads and the panic threshold, and are picked only in panic.
   */
  readonly healthy?: boolean;
  /**
   * When the endpoint last became healthy (ms), the start of Envoy's slow-start window; absent
   * (or undefined) when unknown, and the balancer then uses the time it first saw the endpoint.
   */
  readonly healthySince?: number | undefined;
}

/** What the caller tells the balancer about load: its OWN view, never global truth. */
export interface LoadView {
  /** Requests this caller has in flight on endpoint `id` (Envoy `rq_active`). */
  active(id: number): number;
  /**
   * Optional, a shortcut for scans over few endpoints: of the endpoints in `members` (a bit mask
   * over ids 0–31, bit i for id i), those with the fewest active requests, as a bit mask; 0 when
   * the view cannot tell cheaply, and the caller then scans `active` itself. Must agree with
   * `active`. ActiveRequests keeps it in O(1) per start and end.
   */
  leastActiveOf?(members: number): number;
}

export interface BalancerDeps {
  readonly random: RandomSource;
  /** Current time in milliseconds (simulated time in meshsim, wall time in a proxy). */
  readonly now: () => number;
  readonly load: LoadView;
  /** The caller's own zone, for zone-aware routing; absent when unknown. */
  readonly localZone?: string;
  /**
   * Global knowledge no real proxy has: the true number of requests at each endpoint (in
   * service and waiting), over every client. Only research reference policies (JSQ) read it;
   * undefined outside the simulator.
   */
  readonly global?: GlobalView;
}

/** The simulator's true instance state, for research reference policies only. */
export interface GlobalView {
  /** Requests at endpoint `id` from every client: in service plus waiting in its queue. */
  queueLength(id: number): number;
}

/**
 * Load an endpoint reports about itself with a response (gRPC ORCA-style per-request
 * reports): what gRPC's weighted_round_robin turns into weights.
 */
export interface BackendReport {
  /** Busy fraction of the endpoint's servers, recent time average, in [0, 1]. */
  readonly utilization: number;
  /** Responses per second the endpoint served recently, over every client. */
  readonly qps: number;
  /** Error responses per second the endpoint served recently. */
  readonly eps: number;
}

/**
 * Per-request inputs. The caller reuses one object per client, so pick() allocates nothing.
 */
export interface PickContext {
  /** Request hash key for hashing balancers; -1 when the request carries none. */
  key: number;
}

export interface Balancer {
  /**
   * True when the balancer does its own host selection over health (Envoy's priority and
   * panic logic): the caller then passes every endpoint with its `healthy` flag. Otherwise the
   * caller passes only the healthy endpoints (and none at all when none is healthy).
   */
  readonly healthAware?: boolean;
  /** Replaces the set of endpoints eligible for picks (membership, health or weight change). */
  setEndpoints(endpoints: readonly Endpoint[]): void;
  /**
   * Optional incremental form of `setEndpoints`, after Envoy's host-set update callback
   * (`hosts_added`, `hosts_removed`): the endpoints in `changed` join the set or replace the
   * endpoint with the same id (a health, weight, zone or priority change), and the ids in
   * `removed` leave it (an id not in the set is ignored). The effect is exactly that of
   * `setEndpoints` with the resulting set in ascending id order, pick for pick and draw for
   * draw; with both lists empty, that of `setEndpoints` with the same set again (Envoy rebuilds
   * a host set's schedulers when any of its hosts changes). An id may not be in both lists.
   * Callers that have no such method use `endpointUpdater` (endpoint-updates.ts), which keeps
   * the set and calls `setEndpoints`.
   */
  updateEndpoints?(changed: readonly Endpoint[], removed: readonly number[]): void;
  /**
   * Optional: the endpoints with these ids have left for good (discovery removed them; the
   * caller has already taken them out of the set). The balancer drops whatever it keeps per id
   * across removals (NGINX's peer weights, Envoy slow start's first sighting), so that an
   * endpoint given later with one of these ids is a new host, as Envoy builds a new host for
   * an address that comes back. Ids still in the set are left alone. Removal alone (health, a
   * caller that passes only healthy endpoints) does not forget: a peer NGINX has marked down
   * keeps its fields. Balancers that keep nothing per removed id need not implement it.
   */
  forgetEndpoints?(ids: readonly number[]): void;
  /** Returns the id of the chosen endpoint, or -1 when there is none to choose. */
  pick(ctx: PickContext): number;
  /**
   * Optional feedback, called once for every request this balancer picked `id` for, when it
   * ends at the caller: a response (`ok` true for success, false for an error or a
   * rejection) or a timeout (`ok` false, `rttMs` the time waited). Latency-aware policies
   * (peak EWMA) learn from it. Called after the caller's LoadView has counted the end.
   */
  onComplete?(id: number, rttMs: number, ok: boolean): void;
  /** Optional: the endpoint's own load report that came with a response (gRPC ORCA). */
  onBackendReport?(id: number, report: BackendReport): void;
  /**
   * Optional, research policies (JIQ): endpoint `id` has just become idle and chose this
   * caller's idle queue to announce it.
   */
  onIdle?(id: number): void;
  /**
   * Optional, for callers that report on health (the simulator's events and checks). With
   * `id`, the endpoint the balancer has just picked: whether that pick was made in panic, so
   * that it may be an unhealthy endpoint (Envoy: the endpoint's priority level is in panic;
   * Finagle: the effort loop found no healthy node). Without: whether the balancer is in a
   * panic state now (Envoy: a priority level that takes traffic is in panic).
   */
  inPanic?(id?: number): boolean;
}
