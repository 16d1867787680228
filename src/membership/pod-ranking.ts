/**
 * Which pods a ReplicaSet deletes first when it scales down.
 *
 * Implements: `controller.ActivePodsWithRanks.Less` with LogarithmicScaleDown on (default
 * since Kubernetes 1.22; kubernetes pkg/controller/controller_utils.go), for the pod facts the
 * simulator has:
 * 1. Pending before Running (unscheduled pods are Pending here too).
 * 2. Not Ready before Ready.
 * 3. Both Ready: the one Ready for less time first, compared on a log2 scale of the time
 *    since it became Ready (`logarithmicRankDiff`), so pods Ready for 1 h 10 min and 1 h 20 min
 *    tie.
 * 4. The newer pod first, on the same log2 scale of age.
 * 5. Ties: Kubernetes compares random UIDs; here the higher pod id (the newer pod) goes first,
 *    which keeps runs deterministic.
 * Colocation ranks and restart counts do not apply (one node, no restarts).
 *
 * Complexity: O(1) per comparison.
 */

export interface RankedPod {
  readonly id: number;
  readonly pending: boolean;
  readonly ready: boolean;
  /** When the Ready condition last changed (ms). */
  readonly readySince: number;
  readonly createdAt: number;
}

/** `logarithmicRankDiff` on times in ms (Kubernetes takes the log2 of nanoseconds). */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.trunc(Math.log2(ns)) : -1;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  if (a.pending !== b.pending) return a.pending ? -1 : 1;
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.ready && b.ready && a.readySince !== b.readySince) {
    const diff = logRank(a.readySince, now) - logRank(b.readySince, now);
    if (diff !== 0) return diff;
    return b.id - a.id;
  }
  if (a.createdAt !== b.createdAt) {
    const diff = logRank(a.createdAt, now) - logRank(b.createdAt, now);
    if (diff !== 0) return diff;
  }
  return b.id - a.id;
}
