/**
 * The typed-array copy of an endpoint set that every balancer's hot path reads.
 *
 * `setEndpoints` may allocate; `pick` may not. So the caller's `Endpoint[]` is validated and
 * copied once per rebuild into parallel typed arrays (slot → id, slot → weight). A slot is a
 * position in the current set; balancers work in slots and return `ids[slot]`.
 *
 * Ids are int32 (0 … 2^31 − 1): they index load arrays on the hot path, and an integer-typed
 * index is several times faster there than a float64 one.
 */
import type { Endpoint } from '../types.js';

/** Largest endpoint id: ids are stored as int32. */
export const MAX_ENDPOINT_ID = 2 ** 31 - 1;

export interface EndpointArrays {
  readonly ids: Int32Array<ArrayBuffer>;
  readonly weights: Float64Array<ArrayBuffer>;
}

/**
 * Copies `endpoints` into typed arrays, rejecting what no production balancer accepts:
 * non-integer or negative ids, duplicate ids, and weights that are not finite and positive
 * (Envoy asserts `weight > 0` before an EDF insertion; NGINX requires `weight >= 1`).
 */
export function copyEndpoints(endpoints: readonly Endpoint[]): EndpointArrays {
  const n = endpoints.length;
  const ids = new Int32Array(n);
  const weights = new Float64Array(n);
  const seen = new Set<number>();
  for (let slot = 0; slot < n; slot++) {
    const { id, weight } = endpoints[slot]!;
    if (!Number.isInteger(id) || id < 0 || id > MAX_ENDPOINT_ID) {
      throw new RangeError(`endpoint id must be an integer from 0 to ${MAX_ENDPOINT_ID}, got ${id}`);
    }
    if (seen.has(id)) throw new RangeError(`duplicate endpoint id ${id}`);
    seen.add(id);
    if (!(weight > 0 && weight < Infinity)) {
      throw new RangeError(`endpoint ${id}: weight must be finite and positive, got ${weight}`);
    }
    ids[slot] = id;
    weights[slot] = weight;
  }
  return { ids, weights };
}
