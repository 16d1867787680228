/**
 * Earliest-deadline-first scheduler: Envoy's weighted round robin core.
 *
 * Implements: Envoy `EdfScheduler` (source/common/upstream/edf_scheduler.h, as used by
 * `EdfLoadBalancerBase` in source/extensions/load_balancing_policies/common/load_balancer_impl.cc;
 * reference notes: balancers.md §1.2 and B3).
 *
 * Variant, exactly:
 * - Every entry carries a deadline `current_time + 1/weight` and an insertion sequence number.
 *   A pick pops the minimum (deadline, sequence), sets `current_time` to that deadline and
 *   re-adds the same entry with its weight recomputed by the weight function *at pick time*:
 *   weights are dynamic, a change takes effect the next time that entry is picked
 *   (least_request uses this for `weight / (active + 1)^bias`).
 * - Ties are FIFO by the sequence number.
 * - No removal: the scheduler is rebuilt in full on every membership change, as Envoy does.
 * - Start randomisation follows newer Envoy, `EdfScheduler::createWithPicks(entries, weightFn,
 *   seed)` (PRs #31592/#32233, the path guarded by `edf_lb_host_scheduler_init_fix`, now the only
 *   one): the scheduler starts as if `P = seed mod 429496729` picks had already been made.
 *   Each entry is credited `floor(P · w_i / W)` picks directly (weights plus 1e-13, Envoy's guard
 *   against weights that are multiples of each other; one pick fewer when floating point rounds
 *   the floor above the exact value), `current_time` becomes the latest emulated pick time, and
 *   the remaining `P − Σ floor` (< n, at most 2n) picks are made one by one. Because an EDF
 *   schedule over integer weights repeats every W = Σw picks, a 32-bit seed lands the start
 *   uniformly (to within 2^32 mod W) anywhere in the cycle: ranged over the sum of weights, not
 *   over the host count as the old `seed % hosts.size()` dummy picks were (the first-pick
 *   problem, envoyproxy/envoy#31378). Envoy's own test vectors for this are in the unit tests.
 *
 * Representation: an implicit binary min-heap over three parallel typed arrays (slot, deadline,
 * sequence). The heap always holds every slot exactly once, so a pick rewrites the root in place
 * and sifts it down; pop-then-push would yield the same pick order, since (deadline, sequence)
 * keys are unique.
 *
 * Complexity: pick O(log n), no allocation. rebuild O(n) plus the leftover picks,
 * O(n log n) in the worst case; allocates only when the capacity grows.
 *
 * Determinism: no randomness of its own; the pre-pick count comes from the caller's seed.
 */

/** Returns the current (positive, finite) weight of a slot. Called at rebuild and on every pick. */
export type SlotWeight = (slot: number) => number;

/** Envoy caps pre-picks at UINT32_MAX / 10 (`picks % 429496729`). */
export const MAX_PRE_PICKS = 429_496_729;

/** Envoy's augmentation of every weight while emulating pre-picks (PR #31592 review). */
const PRE_PICK_WEIGHT_EPSILON = 1e-13;

export class EdfScheduler {
  private slots = new Int32Array(0);
  private deadlines = new Float64Array(0);
  private sequences = new Float64Array(0);
  private count = 0;
  private currentTime = 0;
  private nextSequence = 0;

  /** `weightOf` is fixed for the scheduler's life, so a pick creates no closure. */
  constructor(private readonly weightOf: SlotWeight) {}

  /** Number of scheduled slots (0 until the first rebuild). */
  get size(): number {
    return this.count;
  }

  /**
   * Schedules slots `0 … size − 1` from scratch, as if `picks` picks had already been made
   * (Envoy `createWithPicks`). `picks` is a non-negative integer, reduced modulo MAX_PRE_PICKS.
   */
  rebuild(size: number, picks: number): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`EDF size must be a non-negative integer, got ${size}`);
    if (!Number.isSafeInteger(picks) || picks < 0) throw new RangeError(`EDF pre-picks must be a non-negative integer, got ${picks}`);
    this.ensureCapacity(size);
    this.count = size;
    this.currentTime = 0;
    this.nextSequence = 0;
    if (size === 0) return;

    const prePicks = picks % MAX_PRE_PICKS;
    let weightSum = 0;
    for (let slot = 0; slot < size; slot++) weightSum += this.checkedWeight(slot) + PRE_PICK_WEIGHT_EPSILON;

    // Credit each slot floor(P·w/W) picks at once: its next deadline is (floor + 1)/w.
    let emulatedPicks = 0;
    let latestPickTime = 0;
    for (let slot = 0; slot < size; slot++) {
      const weight = this.checkedWeight(slot) + PRE_PICK_WEIGHT_EPSILON;
      let floorPicks = Math.floor((weight * prePicks) / weightSum);
      // Envoy: floating point can make floor(A·B) exceed A·B; one pick fewer keeps the
      // emulated time at or below the true pick time, and the loop below makes it up.
      if (floorPicks > 0 && floorPicks / weight >= prePicks / weightSum) floorPicks--;
      this.slots[slot] = slot;
      this.deadlines[slot] = (floorPicks + 1) / weight;
      this.sequences[slot] = slot;
      latestPickTime = Math.max(latestPickTime, floorPicks / weight);
      emulatedPicks += floorPicks;
    }
    this.currentTime = latestPickTime;
    this.nextSequence = size;
    for (let i = (size >> 1) - 1; i >= 0; i--) this.siftDown(i);

    for (; emulatedPicks < prePicks; emulatedPicks++) this.pick();
  }

  /** Returns the slot with the earliest deadline and re-adds it with its current weight; -1 when empty. */
  pick(): number {
    if (this.count === 0) return -1;
    // Root exists because count > 0.
    const slot = this.slots[0]!;
    this.currentTime = this.deadlines[0]!;
    this.deadlines[0] = this.currentTime + 1 / this.checkedWeight(slot);
    this.sequences[0] = this.nextSequence++;
    this.siftDown(0);
    return slot;
  }

  private checkedWeight(slot: number): number {
    const weight = this.weightOf(slot);
    // Envoy ASSERTs weight > 0: a zero weight would give an infinite deadline, NaN would corrupt the heap.
    if (!(weight > 0 && weight < Infinity)) throw new RangeError(`EDF weight of slot ${slot} must be finite and positive, got ${weight}`);
    return weight;
  }

  private ensureCapacity(size: number): void {
    if (this.slots.length >= size) return;
    this.slots = new Int32Array(size);
    this.deadlines = new Float64Array(size);
    this.sequences = new Float64Array(size);
  }

  /** Moves the entry at `start` down to its place (hole technique: one write per level). */
  private siftDown(start: number): void {
    const { slots, deadlines, sequences } = this;
    const n = this.count;
    // Every index read below is < n ≤ capacity.
    const slot = slots[start]!;
    const deadline = deadlines[start]!;
    const sequence = sequences[start]!;
    let hole = start;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && precedes(deadlines[right]!, sequences[right]!, deadlines[child]!, sequences[child]!)) child = right;
      if (!precedes(deadlines[child]!, sequences[child]!, deadline, sequence)) break;
      slots[hole] = slots[child]!;
      deadlines[hole] = deadlines[child]!;
      sequences[hole] = sequences[child]!;
      hole = child;
    }
    slots[hole] = slot;
    deadlines[hole] = deadline;
    sequences[hole] = sequence;
  }
}

/** The (deadline, sequence) order: earlier deadline first, FIFO among equal deadlines. */
function precedes(deadlineA: number, sequenceA: number, deadlineB: number, sequenceB: number): boolean {
  return deadlineA < deadlineB || (deadlineA === deadlineB && sequenceA < sequenceB);
}
