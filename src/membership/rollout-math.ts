/**
 * The Deployment controller's arithmetic: maxSurge / maxUnavailable as counts or percentages,
 * and the proportion of a scaling event each ReplicaSet takes.
 *
 * Implements: `intstr.GetScaledValueFromIntOrPercent`, `deploymentutil.ResolveFenceposts`,
 * `MaxSurge`, `MaxUnavailable`, `GetProportion` / `getReplicaSetFraction`
 * (kubernetes pkg/controller/deployment/util/deployment_util.go; apimachinery
 * pkg/util/intstr). Reference notes: discovery-and-control-plane.md §1.1, §2.4.
 *
 * Complexity: O(1).
 */

/** An absolute count, or a percentage of the desired replicas written `"25%"`. */
export type IntOrPercent = number | `${number}%`;

/** `GetScaledValueFromIntOrPercent`: a percentage of `total`, rounded up or down. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.slice(0, -1));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function checkIntOrPercent(owner: string, field: string, value: IntOrPercent): void {
  const ok =
    typeof value === 'number'
      ? Number.isSafeInteger(value) && value >= 0
      : /^\d+(\.\d+)?%$/.test(value) && Number(value.slice(0, -1)) >= 0 && Number(value.slice(0, -1)) <= 100;
  if (!ok) throw new RangeError(`${owner}: ${field} must be a whole number ≥ 0 or a percentage such as "25%", got ${String(value)}`);
}

/**
 * `ResolveFenceposts`: (surge rounded up, unavailable rounded down); when both come out 0,
 * unavailable is 1 "on the theory that surge might not work due to quota".
 */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** `MaxUnavailable`: the fencepost, at most the desired replicas, 0 for 0 replicas. */
export function maxUnavailable(maxSurge: IntOrPercent, maxUnavail: IntOrPercent, desired: number): number {
  if (desired === 0) return 0;
  return Math.min(resolveFenceposts(maxSurge, maxUnavail, desired).unavailable, desired);
}

/** Go's `math.Round` (half away from zero), as `integer.RoundToInt32` uses it. */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * `GetProportion`: how many of `toAdd` (negative: to remove) a ReplicaSet of `replicas` takes
 * when the Deployment goes to `desired` (+ `surge`), given the max-replicas annotation the
 * ReplicaSet was last scaled under (`maxBefore`; the Deployment's total when absent or 0).
 */
export function proportion(replicas: number, maxBefore: number, desired: number, surge: number, total: number, toAdd: number, added: number): number {
  if (replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (desired === 0) fraction = -replicas;
  else {
    const before = maxBefore > 0 ? maxBefore : total;
    fraction = before === 0 ? 0 : roundHalfAway((replicas * (desired + surge)) / before) - replicas;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
