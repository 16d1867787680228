/**
 * Envoy's ketama hash ring: build from (host key, normalised weight) pairs, look up by hash.
 *
 * Implements: `RingHashLoadBalancer::Ring` (source/extensions/load_balancing_policies/ring_hash/
 * ring_hash_lb.cc @0d2acde2; balancers.md §1.6, B8), with the XX_HASH hash function.
 *
 * Build, exactly as Envoy:
 * - `scale = min(ceil(minWeight · minimumRingSize) / minWeight, maximumRingSize)`, where the
 *   weights are normalised to sum to 1, so the lightest host gets a whole number of entries
 *   (equal weights: `ceil(minimumRingSize / n)` each).
 * - Hosts are walked in the given order with running sums `target += scale · weight` and
 *   `current`; while `current < target` the host gets the entry `xxHash64("<key>_<i>")`,
 *   i = 0, 1, …. A host may get no entry when the scale is smaller than the host count.
 * - The entries are sorted by hash. Envoy's `std::sort` leaves equal hashes (never seen with
 *   64-bit xxHash) in unspecified order; here a stable radix sort keeps them in build order.
 *
 * Lookup (ketama `ketama_get_server`, as Envoy ports it): the first entry whose hash is ≥ the
 * request hash, wrapping to entry 0 past the last. Retries (`(index + attempt) % size`) are not
 * modelled: the simulator has no host-selection retry predicate.
 *
 * Representation: parallel typed arrays sorted by (hashHi, hashLo), 12 bytes per entry, plus a
 * bucket index over the top b bits of the hash (2^b ≈ R, at most 2^20 buckets): bucket k holds
 * the entries whose hash starts with k, so the first entry ≥ h lies in h's bucket or is the
 * first entry after it. The answer is the ketama one; only the search is shorter.
 * Complexity: build O(R) hashes + O(R) radix sort (6 passes of 11 bits), R the ring size;
 * lookup a binary search within one bucket: O(1) expected (about one entry per bucket up to
 * 2^20 entries), O(log R) at worst; no allocation.
 */
import { writeDecimal } from './hash-keys.js';
import { xxHash64 } from './xxhash64.js';

/** Envoy `DefaultMinRingSize`. */
export const DEFAULT_MINIMUM_RING_SIZE = 1024;
/** Envoy `DefaultMaxRingSize`, also the proto's upper limit for both bounds. */
export const MAXIMUM_RING_SIZE_LIMIT = 8_388_608;

/** At most 2^20 buckets (4 MiB): rings beyond a million entries search a few entries per bucket. */
const MAXIMUM_BUCKET_BITS = 20;

export class HashRing {
  /** Entry hashes, high and low halves, sorted ascending. */
  readonly hashHi: Uint32Array;
  readonly hashLo: Uint32Array;
  /** Entry → host slot (the host's index in the build order). */
  readonly slots: Int32Array;
  /** Entries per host slot (Envoy's min/max_hashes_per_host stats come from these). */
  readonly entriesPerHost: Uint32Array;
  /** bucketStart[k]: the first entry whose top `32 − bucketShift` hash bits are ≥ k. */
  private readonly bucketStart: Int32Array;
  private readonly bucketShift: number;

  private constructor(hashHi: Uint32Array, hashLo: Uint32Array, slots: Int32Array, entriesPerHost: Uint32Array) {
    this.hashHi = hashHi;
    this.hashLo = hashLo;
    this.slots = slots;
    this.entriesPerHost = entriesPerHost;
    const size = slots.length;
    const bits = Math.min(MAXIMUM_BUCKET_BITS, Math.max(1, Math.ceil(Math.log2(Math.max(size, 2)))));
    this.bucketShift = 32 - bits;
    const buckets = 2 ** bits;
    this.bucketStart = new Int32Array(buckets + 1);
    let entry = 0;
    for (let bucket = 0; bucket <= buckets; bucket++) {
      while (entry < size && hashHi[entry]! >>> this.bucketShift < bucket) entry++;
      this.bucketStart[bucket] = entry;
    }
  }

  static readonly EMPTY = new HashRing(new Uint32Array(0), new Uint32Array(0), new Int32Array(0), new Uint32Array(0));

  get size(): number {
    return this.slots.length;
  }

  /**
   * Builds the ring. `weights` are normalised (sum 1, each > 0), `hostKeys` the UTF-8 host keys
   * in the same order; 1 ≤ minimumRingSize ≤ maximumRingSize.
   */
  static build(hostKeys: readonly Uint8Array[], weights: Float64Array, minimumRingSize: number, maximumRingSize: number): HashRing {
    const hosts = weights.length;
    if (hosts === 0) return HashRing.EMPTY;
    // Envoy starts the minimum at 1.0 and lowers it host by host.
    let minWeight = 1;
    for (let slot = 0; slot < hosts; slot++) minWeight = Math.min(minWeight, weights[slot]!);
    const scale = Math.min(Math.ceil(minWeight * minimumRingSize) / minWeight, maximumRingSize);

    // Entries per host from Envoy's running sums: `while (current < target) { …; ++current }`
    // leaves current = ceil(target) whenever target > current.
    const entriesPerHost = new Uint32Array(hosts);
    let current = 0;
    let target = 0;
    for (let slot = 0; slot < hosts; slot++) {
      target += scale * weights[slot]!;
      const entries = Math.max(0, Math.ceil(target) - current);
      entriesPerHost[slot] = entries;
      current += entries;
    }

    const size = current;
    let hashHi = new Uint32Array(size);
    let hashLo = new Uint32Array(size);
    let slots = new Int32Array(size);
    const hash = new Uint32Array(2);
    let longestKey = 0;
    for (const key of hostKeys) longestKey = Math.max(longestKey, key.length);
    // "<key>_<i>": the key, an underscore, then i in decimal (i < 2^24, at most 8 digits).
    const buffer = new Uint8Array(longestKey + 1 + 16);
    let entry = 0;
    for (let slot = 0; slot < hosts; slot++) {
      const key = hostKeys[slot]!;
      buffer.set(key, 0);
      buffer[key.length] = 95; // '_'
      const entries = entriesPerHost[slot]!;
      for (let i = 0; i < entries; i++) {
        const end = writeDecimal(i, buffer, key.length + 1);
        xxHash64(buffer, end, 0, hash);
        hashHi[entry] = hash[0]!;
        hashLo[entry] = hash[1]!;
        slots[entry] = slot;
        entry++;
      }
    }
    ({ hashHi, hashLo, slots } = sortByHash(hashHi, hashLo, slots));
    return new HashRing(hashHi, hashLo, slots, entriesPerHost);
  }

  /** The index of the first entry with hash ≥ (hi, lo), or 0 past the last (ketama wrap). -1 when empty. */
  lowerBound(hi: number, lo: number): number {
    const { hashHi, hashLo } = this;
    const size = hashHi.length;
    if (size === 0) return -1;
    const bucket = hi >>> this.bucketShift;
    let low = this.bucketStart[bucket]!;
    let high = this.bucketStart[bucket + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midHi = hashHi[mid]!;
      if (midHi < hi || (midHi === hi && hashLo[mid]! < lo)) low = mid + 1;
      else high = mid;
    }
    return low === size ? 0 : low;
  }

  /** The host slot that owns hash (hi, lo): the first ring entry at or after it. */
  slotFor(hi: number, lo: number): number {
    return this.slots[this.lowerBound(hi, lo)]!;
  }
}

const RADIX_BITS = 11;
const RADIX_BUCKETS = 1 << RADIX_BITS;

/**
 * Stable LSD radix sort of (hi, lo, slot) triples by the 64-bit key hi·2^32 + lo: three digits
 * of 11, 11 and 10 bits per half, low half first. Returns the sorted arrays (which may be the
 * inputs or the scratch copies).
 */
function sortByHash(
  hashHi: Uint32Array<ArrayBuffer>,
  hashLo: Uint32Array<ArrayBuffer>,
  slots: Int32Array<ArrayBuffer>,
): { hashHi: Uint32Array<ArrayBuffer>; hashLo: Uint32Array<ArrayBuffer>; slots: Int32Array<ArrayBuffer> } {
  const size = slots.length;
  let fromHi = hashHi;
  let fromLo = hashLo;
  let fromSlots = slots;
  let toHi = new Uint32Array(size);
  let toLo = new Uint32Array(size);
  let toSlots = new Int32Array(size);
  const counts = new Uint32Array(RADIX_BUCKETS);
  for (let pass = 0; pass < 6; pass++) {
    const useHi = pass >= 3;
    const shift = (pass % 3) * RADIX_BITS;
    const keys = useHi ? fromHi : fromLo;
    counts.fill(0);
    for (let i = 0; i < size; i++) counts[(keys[i]! >>> shift) & (RADIX_BUCKETS - 1)]!++;
    // A digit every entry shares leaves the order as it is.
    if (counts[(keys[0]! >>> shift) & (RADIX_BUCKETS - 1)] === size) continue;
    let start = 0;
    for (let bucket = 0; bucket < RADIX_BUCKETS; bucket++) {
      const count = counts[bucket]!;
      counts[bucket] = start;
      start += count;
    }
    for (let i = 0; i < size; i++) {
      const to = counts[(keys[i]! >>> shift) & (RADIX_BUCKETS - 1)]!++;
      toHi[to] = fromHi[i]!;
      toLo[to] = fromLo[i]!;
      toSlots[to] = fromSlots[i]!;
    }
    [fromHi, toHi] = [toHi, fromHi];
    [fromLo, toLo] = [toLo, fromLo];
    [fromSlots, toSlots] = [toSlots, fromSlots];
  }
  return { hashHi: fromHi, hashLo: fromLo, slots: fromSlots };
}
