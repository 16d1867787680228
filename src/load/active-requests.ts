/**
 * One caller's in-flight request count per endpoint: Envoy's `rq_active` as a single proxy sees
 * it, and the load signal least_request reads. The simulator keeps one per client; a real proxy
 * keeps one per process and calls `start` when it sends a request and `end` when the response
 * completes, fails or is cancelled.
 *
 * Backed by an Int32Array indexed by endpoint id, sized to the expected number of endpoints and
 * doubled when a larger id appears, so the hot path (`start`, `end`, `active`) is an array access
 * and allocates only on growth. Ids are therefore expected to be small non-negative integers.
 */
import type { LoadView } from '../balancers/types.js';

export class ActiveRequests implements LoadView {
  private counts: Int32Array;

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
    this.counts[id]!++;
  }

  /** Counts a request to `id` as finished. Throws if none is in flight: an unmatched end is a caller bug. */
  end(id: number): void {
    const active = this.counts[id] ?? 0;
    if (active <= 0) throw new RangeError(`ActiveRequests.end(${id}) without a matching start`);
    this.counts[id] = active - 1;
  }

  /** Forgets every in-flight request (e.g. the caller's connections were all reset). */
  reset(): void {
    this.counts.fill(0);
  }

  private grow(id: number): void {
    if (id >>> 0 !== id) throw new RangeError(`endpoint id must be an integer in [0, 2^32), got ${id}`);
    const grown = new Int32Array(Math.max(id + 1, this.counts.length * 2));
    grown.set(this.counts);
    this.counts = grown;
  }
}
