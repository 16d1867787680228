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
}

/** What the caller tells the balancer about load: its OWN view, never global truth. */
export interface LoadView {
  /** Requests this caller has in flight on endpoint `id` (Envoy `rq_active`). */
  active(id: number): number;
}

export interface BalancerDeps {
  readonly random: RandomSource;
  /** Current time in milliseconds (simulated time in meshsim, wall time in a proxy). */
  readonly now: () => number;
  readonly load: LoadView;
}

/**
 * Per-request inputs. The caller reuses one object per client, so pick() allocates nothing.
 */
export interface PickContext {
  /** Request hash key for hashing balancers; -1 when the request carries none. */
  key: number;
}

export interface Balancer {
  /** Replaces the set of endpoints eligible for picks (membership, health or weight change). */
  setEndpoints(endpoints: readonly Endpoint[]): void;
  /** Returns the id of the chosen endpoint, or -1 when there is none to choose. */
  pick(ctx: PickContext): number;
}
