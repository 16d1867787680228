/**
 * Envoy priority load and panic: which share of traffic each priority level takes, and which
 * levels are in panic.
 *
 * Implements: `LoadBalancerBase::recalculatePerPriorityState`, `distributeLoad`,
 * `recalculatePerPriorityPanic`, `isHostSetInPanic`, `recalculateLoadInTotalPanic` and
 * `choosePriority` (envoyproxy/envoy
 * source/extensions/load_balancing_policies/common/load_balancer_impl.cc @00cf9a05; docs
 * priority.rst and panic_threshold.rst); reference notes: balancers.md §1.8, §1.9 and B1.
 *
 * Variant, exactly, in Envoy's integer arithmetic:
 * - `health(P) = min(100, ⌊opf · healthy_P / hosts_P⌋)` with `opf` the overprovisioning factor
 *   in percent (140); host counts, not weights (`weighted_priority_health` is not modelled).
 * - `norm = min(100, Σ health)`; `load(P) = min(remaining, ⌊health(P) · 100 / norm⌋)` from P0
 *   down, the rounding remainder to the first level with health > 0.
 * - A level is in panic when `norm < 100` and `100 · healthy_P / hosts_P < threshold` (an
 *   empty level counts as 0 % healthy). With every level in panic ("total panic") the loads
 *   follow raw host counts, `⌊100 · hosts_P / Σ hosts⌋`, remainder to the first non-empty
 *   level. With threshold 0 and nothing healthy, P0 takes 100 % (and has no host to give).
 * - Not modelled: degraded hosts (an endpoint is healthy or not), excluded hosts, and
 *   per-request priority load overrides (retry priority plugins).
 *
 * The caller draws Envoy's `h = hash % 100 + 1` as `⌊100u⌋ + 1` for a uniform draw u.
 */

export interface PriorityState {
  /** Integer percent of traffic per priority level; sums to 100. */
  readonly load: readonly number[];
  /** Whether each level balances over all its hosts, healthy or not. */
  readonly panic: readonly boolean[];
}

/**
 * Loads and panic flags for levels with `hosts[p]` endpoints of which `healthy[p]` are healthy.
 * `overprovisioningPercent` is Envoy's integer factor (140); `panicThreshold` an integer percent.
 */
export function priorityState(
  hosts: readonly number[],
  healthy: readonly number[],
  overprovisioningPercent: number,
  panicThreshold: number,
): PriorityState {
  const levels = hosts.length;
  const health = hosts.map((count, p) => (count > 0 ? Math.min(100, Math.floor((overprovisioningPercent * healthy[p]!) / count)) : 0));
  const normalizedTotal = Math.min(100, health.reduce((a, b) => a + b, 0));
  const load = new Array<number>(levels).fill(0);
  if (normalizedTotal > 0) {
    let remaining = 100;
    for (let p = 0; p < levels; p++) {
      load[p] = Math.min(remaining, Math.floor((health[p]! * 100) / normalizedTotal));
      remaining -= load[p]!;
    }
    // The remainder is rounding only: it goes to the first level with any health.
    if (remaining > 0) load[health.findIndex((h) => h > 0)]! += remaining;
  }

  const threshold = Math.min(100, panicThreshold);
  const panic = new Array<boolean>(levels).fill(false);
  if (threshold === 0 && normalizedTotal === 0) {
    if (levels > 0) load[0] = 100;
    return { load, panic };
  }
  let totalPanic = levels > 0;
  for (let p = 0; p < levels; p++) {
    const healthyPercent = hosts[p]! === 0 ? 0 : (100 * healthy[p]!) / hosts[p]!;
    panic[p] = normalizedTotal < 100 && healthyPercent < threshold;
    totalPanic &&= panic[p]!;
  }
  if (totalPanic) loadInTotalPanic(hosts, load);
  return { load, panic };
}

/** Envoy `recalculateLoadInTotalPanic`: loads by raw host counts, health ignored. */
function loadInTotalPanic(hosts: readonly number[], load: number[]): void {
  const total = hosts.reduce((a, b) => a + b, 0);
  load.fill(0);
  if (total === 0) {
    load[0] = 100;
    return;
  }
  let remaining = 100;
  for (let p = 0; p < hosts.length; p++) {
    load[p] = Math.floor((100 * hosts[p]!) / total);
    remaining -= load[p]!;
  }
  load[hosts.findIndex((count) => count > 0)]! += remaining;
}

/**
 * Envoy `choosePriority` over cumulative loads (`cumulative[p]` = Σ load up to p, the last
 * being 100) for `h` = Envoy's `hash % 100 + 1`, an integer in 1…100.
 */
export function choosePriority(cumulative: Int32Array, h: number): number {
  let p = 0;
  while (h > cumulative[p]!) p++;
  return p;
}
