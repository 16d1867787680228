/**
 * HAProxy's consistent-hash tree as `balance random` uses it: each server owns `eweight`
 * points (16 per unit of weight) on a 32-bit ring, and a hash maps to the server of the
 * NEAREST point, before or after it.
 *
 * Implements: src/lb_chash.c (`chash_init_server_tree`, `chash_get_server_hash`) with
 * `full_hash` (Bob Jenkins' 32-bit avalanche, include/haproxy/tools.h) and
 * `SRV_EWGHT_RANGE = 256 × BE_WEIGHT_SCALE (16)`; haproxy @004e045f for the lookup and node
 * keys (the default `hash-key id`), reference notes: balancers.md §5, B17.
 *
 * Variant, exactly:
 * - A server's effective weight is `eweight = weight × 16` (BE_WEIGHT_SCALE; HAProxy weights
 *   are integers 1–256, here rounded to the nearest point, at least one).
 * - Point k (0 ≤ k < eweight) of the server with numeric id `puid` has the key
 *   `full_hash(puid × 4096 + k)` in 32-bit unsigned arithmetic. `puid` is the endpoint id + 1
 *   (HAProxy numbers servers from 1), so an endpoint keeps its points across rebuilds.
 * - Lookup of h: `next` = the first point with key ≥ h (wrapping to the first), `prev` = the
 *   point before it (wrapping to the last); if both belong to one server, that server;
 *   otherwise the nearer one by unsigned distance, `prev` on a tie (`dp <= dn`). Equal keys
 *   keep insertion order (ebtree duplicates queue at the end): servers in endpoint order,
 *   points in k order.
 * - A server's share of uniform hashes is therefore the length of the arcs nearest its points,
 *   only approximately proportional to its weight (`arcShares()` computes it exactly).
 * - Not modelled: `hash-balance-factor` (bounded loads), backup servers, the `avoid` server of
 *   a redispatch.
 *
 * Complexity: build O(P log P) for P = Σ eweight points, allocating; lookup O(log P), none.
 */

/** HAProxy BE_WEIGHT_SCALE: effective weight per unit of user weight. */
export const BE_WEIGHT_SCALE = 16;
/** SRV_EWGHT_RANGE = SRV_UWGHT_RANGE (256) × BE_WEIGHT_SCALE. */
export const SRV_EWGHT_RANGE = 256 * BE_WEIGHT_SCALE;

/** Bob Jenkins' full-avalanche 32-bit integer hash, as HAProxy's `full_hash`. */
export function fullHash(input: number): number {
  let a = input >>> 0;
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0;
  // "multiplying by a large prime close to 3/4 of the tree"
  return Math.imul(a, 3221225473) >>> 0;
}

/** HAProxy's effective weight of a user weight (at least one point). */
export function effectiveWeight(weight: number): number {
  return Math.max(1, Math.round(weight * BE_WEIGHT_SCALE));
}

/** Points are sorted as key · 2^21 + insertion index while that stays an exact double. */
const PACK = 2 ** 21;

export class ChashRing {
  /** Point keys in ring order. */
  private keys = new Uint32Array(0);
  /** Point → server slot, in ring order. */
  private owners = new Int32Array(0);

  get points(): number {
    return this.keys.length;
  }

  /** Builds the ring of servers `ids` (slot i = ids[i]) with effective weights `eweights`. */
  build(ids: Int32Array, eweights: Int32Array): void {
    let total = 0;
    for (const eweight of eweights) total += eweight;
    const pointKey = new Uint32Array(total);
    const pointOwner = new Int32Array(total);
    let point = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      const base = Math.imul(ids[slot]! + 1, SRV_EWGHT_RANGE);
      for (let k = 0; k < eweights[slot]!; k++, point++) {
        pointKey[point] = fullHash((base + k) >>> 0);
        pointOwner[point] = slot;
      }
    }
    const order = sortedPoints(pointKey);
    this.keys = Uint32Array.from(order, (p) => pointKey[p]!);
    this.owners = Int32Array.from(order, (p) => pointOwner[p]!);
  }

  /** `chash_get_server_hash`: the slot of the server nearest `hash` (a uint32); -1 if empty. */
  lookup(hash: number): number {
    const { keys, owners } = this;
    const n = keys.length;
    if (n === 0) return -1;
    // First point with key ≥ hash (the first of equal keys), else wrap to the first point.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    const next = lo === n ? 0 : lo;
    const prev = next === 0 ? n - 1 : next - 1;
    const nextOwner = owners[next]!;
    const prevOwner = owners[prev]!;
    if (nextOwner === prevOwner) return nextOwner;
    const dp = (hash - keys[prev]!) >>> 0;
    const dn = (keys[next]! - hash) >>> 0;
    return dp <= dn ? prevOwner : nextOwner;
  }

  /**
   * Each slot's exact share of uniformly random 32-bit hashes under `lookup` (n = servers).
   * O(P); for tests and documentation.
   */
  arcShares(servers: number): number[] {
    const { keys, owners } = this;
    const n = keys.length;
    const shares = new Array<number>(servers).fill(0);
    if (n === 0) return shares;
    // Hashes h in (keys[i-1], keys[i]] have next = i (h equal to a key is next's too; the
    // lookup goes to next then, since dn = 0 < dp unless both points coincide).
    for (let i = 0; i < n; i++) {
      const prev = i === 0 ? n - 1 : i - 1;
      const lowKey = keys[prev]!;
      const highKey = keys[i]!;
      // Gap length in hashes, 2^32 when a single point covers the whole ring.
      const gap = n === 1 ? 2 ** 32 : (highKey - lowKey + 2 ** 32) % 2 ** 32;
      if (owners[prev] === owners[i]) {
        shares[owners[i]!]! += gap;
        continue;
      }
      // h = lowKey + d for d in 1..gap: prev wins while d <= gap − d, i.e. d <= gap / 2.
      const toPrev = Math.floor(gap / 2);
      shares[owners[prev]!]! += toPrev;
      shares[owners[i]!]! += gap - toPrev;
    }
    return shares.map((s) => s / 2 ** 32);
  }
}

/** Point indices in (key, insertion) order. */
function sortedPoints(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  if (n < PACK) {
    // A numeric typed-array sort of packed (key, index) values: stable by construction.
    const packed = new Float64Array(n);
    for (let p = 0; p < n; p++) packed[p] = keys[p]! * PACK + p;
    packed.sort();
    for (let p = 0; p < n; p++) order[p] = packed[p]! % PACK;
    return order;
  }
  for (let p = 0; p < n; p++) order[p] = p;
  return order.sort((a, b) => keys[a]! - keys[b]! || a - b);
}
