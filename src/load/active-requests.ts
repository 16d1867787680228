/**
 * One caller's in-flight request count per endpoint: Envoy's `rq_active` as a single proxy sees
 * it, and the load signal least_request reads. The simulator keeps one per client; a real proxy
 * keeps one per process and calls `start` when it sends a request and `end` when the response
 * completes, fails or is cancelled.
 *
 * Backed by an Int32Array indexed by endpoint id, sized to the expected number of endpoints and
 * doubled when a larger id appears, so the hot path (`start`, `end`, `active`) is an array access
 * and allocates only on growth. Ids are therefore expected to be small non-negative integers.
 *
 * From the first `leastActiveOf` on, it also keeps for ids 0–31, per count, the bit mask of the
 * ids at that count, and the lowest count held. A full scan for the least loaded of up to 32
 * endpoints (least_request full_scan, JSQ) then becomes one or two mask lookups instead of a
 * pass over every endpoint. Counts move by one per start or end, so the lowest count moves by
 * at most one too, and keeping the masks costs a few integer operations.
 */
import type { LoadView } from '../balancers/types.js';

/** Ids below this are kept in the per-count masks (one bit each in an int32). */
const MASKED_IDS = 32;
/** How many counts above the lowest one `leastActiveOf` looks through before leaving it to a scan. */
const LEVELS_SEARCHED = 64;

export class ActiveRequests implements LoadView {
  private counts: Int32Array;
  /** levels[c]: bit i set when id i (< 32) has c requests in flight. */
  private levels = new Int32Array(16);
  /** The ids in the masks: those below both 32 and the length of `counts`. */
  private masked = 0;
  /** The lowest count among the masked ids (0 when none is masked). */
  private floor = 0;
  /** Whether the masks are kept: from the first `leastActiveOf` on. */
  private masking = false;

  constructor(endpointCount = 0) {
    if (!Number.isSafeInteger(endpointCount) || endpointCount < 0) {
      throw new RangeError(`endpointCount must be a non-negative integer, got ${endpointCount}`);
    }
    this.counts = new Int32Array(endpointCount);
  }

  /** In-flight requests on endpoint `id`; 0 for ids never started. */
  active(id: number): number {
    return this.counts[id] ?? 0;
  }

  /** Counts a request sent to `id`. */
  start(id: number): void {
    // `id >>> 0 !== id` catches negative, fractional and huge ids, which grow() then rejects.
    if (id >>> 0 !== id || id >= this.counts.length) this.grow(id);
    const count = this.counts[id]!;
    this.counts[id] = count + 1;
    if (this.masking && id < MASKED_IDS) this.raise(id, count);
  }

  /** Counts a request to `id` as finished. Throws if none is in flight: an unmatched end is a caller bug. */
  end(id: number): void {
    const count = this.counts[id] ?? 0;
    if (count <= 0) throw new RangeError(`ActiveRequests.end(${id}) without a matching start`);
    this.counts[id] = count - 1;
    if (this.masking && id < MASKED_IDS) this.lower(id, count);
  }

  /** See LoadView: the members with the fewest requests in flight, or 0 to ask for a scan. */
  leastActiveOf(members: number): number {
    if (!this.masking) this.startMasking();
    // Members never started have 0 in flight: the least there can be.
    const unmasked = members & ~this.masked;
    if (unmasked !== 0) return unmasked | (this.levels[0]! & members);
    const levels = this.levels;
    const end = Math.min(levels.length, this.floor + LEVELS_SEARCHED);
    for (let count = this.floor; count < end; count++) {
      const least = levels[count]! & members;
      if (least !== 0) return least;
    }
    return 0;
  }

  /** Id `id` (< 32) went from `count` to count + 1 in flight. */
  private raise(id: number, count: number): void {
    const levels = count + 1 < this.levels.length ? this.levels : this.growLevels();
    const bit = 1 << id;
    levels[count]! ^= bit;
    levels[count + 1]! |= bit;
    if (count === this.floor && levels[count] === 0) this.floor = count + 1;
  }

  /** Id `id` (< 32) went from `count` to count − 1 in flight. */
  private lower(id: number, count: number): void {
    const bit = 1 << id;
    this.levels[count]! ^= bit;
    this.levels[count - 1]! |= bit;
    if (count - 1 < this.floor) this.floor = count - 1;
  }

  /**
   * The masks are built on the first question, not before: callers whose balancer never asks
   * (all but full-scan least request) pay one untaken branch per start and end.
   */
  private startMasking(): void {
    this.masking = true;
    this.masked = 0;
    this.levels.fill(0);
    this.maskIdsBelow(this.counts.length);
    for (let id = 0; id < Math.min(this.counts.length, MASKED_IDS); id++) {
      for (let count = 0; count < this.counts[id]!; count++) this.raise(id, count);
    }
  }

  /** Forgets every in-flight request (e.g. the caller's connections were all reset). */
  reset(): void {
    this.counts.fill(0);
    this.levels.fill(0);
    this.levels[0] = this.masked;
    this.floor = 0;
  }

  private grow(id: number): void {
    if (id >>> 0 !== id) throw new RangeError(`endpoint id must be an integer in [0, 2^32), got ${id}`);
    const grown = new Int32Array(Math.max(id + 1, this.counts.length * 2));
    grown.set(this.counts);
    this.counts = grown;
    if (this.masking) this.maskIdsBelow(grown.length);
  }

  /** Adds the ids below `length` (and 32) to the masks; new ids have nothing in flight. */
  private maskIdsBelow(length: number): void {
    const all = length >= MASKED_IDS ? -1 : (1 << length) - 1;
    const added = all & ~this.masked;
    if (added === 0) return;
    this.masked = all;
    this.levels[0]! |= added;
    this.floor = 0;
  }

  private growLevels(): Int32Array {
    const grown = new Int32Array(this.levels.length * 2);
    grown.set(this.levels);
    this.levels = grown;
    return grown;
  }
}
