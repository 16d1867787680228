/**
 * Envoy's normalised host weights for the hashing balancers (`normalizeHostWeights` in
 * source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc): each weight over
 * their sum, so they sum to 1. Ring size, Maglev fill turns and bounded-load capacities are all
 * computed from these doubles, in this order, as Envoy computes them.
 */

/** `weight / Σ weights`, in endpoint order. */
export function normalizeWeights(weights: Float64Array): Float64Array {
  let sum = 0;
  for (let slot = 0; slot < weights.length; slot++) sum += weights[slot]!;
  const normalized = new Float64Array(weights.length);
  for (let slot = 0; slot < weights.length; slot++) normalized[slot] = weights[slot]! / sum;
  return normalized;
}

/** The smallest and largest value, both 0 when empty (Envoy's min/max per-host gauges). */
export function minAndMax(values: ArrayLike<number>): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  return { min, max };
}
