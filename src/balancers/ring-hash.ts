/**
 * Ring hash (ketama consistent hashing), as Envoy's RING_HASH load balancer does it.
 *
 * Implements: Envoy `RingHashLoadBalancer`
 * (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc @0d2acde2) on top of
 * `ThreadAwareLoadBalancerBase` (…/common/thread_aware_lb_impl.cc); reference notes:
 * balancers.md §1.6, B8, B10. Ring build and lookup: _internals/hash-ring.ts; bounded load:
 * _internals/bounded-load.ts.
 *
 * Variant, exactly:
 * - `hash_function: XX_HASH` (Envoy's default), `minimumRingSize` default 1024,
 *   `maximumRingSize` default 8,388,608 (8M, also the limit of both). Weights are normalised
 *   to sum to 1 and the ring is scaled so the lightest host gets ceil(w_min · minimum) entries.
 * - Host keys `<hostKey>_<i>`, hashed with xxHash64; the host key is `instance-<id>` unless the
 *   caller passes `hostHashKey` (Envoy: the address, hostname or metadata `hash_key`).
 * - A request's hash is xxHash64 of its key's decimal string (Envoy's header hash policy of a
 *   header carrying that number), cached per key; a request with no key (−1) hashes to one
 *   random draw, as Envoy's `random_.random()` fallback does.
 * - Lookup: the first ring entry with hash ≥ the request hash, wrapping to the first entry.
 * - `hashBalanceFactor` (optional, ≥ 100): Envoy's bounded-load consistent hashing with its
 *   mt19937 random-jump probing; unset means plain ring hash.
 * - The ring is rebuilt on every `setEndpoints`; no randomness is involved in the build, so the
 *   same endpoint list always gives the same ring, on every client.
 * - Not modelled: priority choice by hash, panic, locality-weighted rings
 *   (`locality_weighted_lb_config`), MURMUR_HASH_2, retry attempts moving along the ring
 *   (`hostSelectionRetryCount`); the caller passes the eligible (healthy) set.
 *
 * Complexity: pick O(1) expected, O(log R) at worst, for a ring of R entries (≈ max(1024, n)
 * with equal weights; hash-ring.ts buckets the ring by the hash's top bits), a cached key
 * costing two array reads, no BigInt and no allocation; with a balance factor add O(n) when
 * the hashed host has 2 or more requests in flight (see bounded-load.ts). setEndpoints O(R)
 * xxHash64 computations plus an O(R) radix sort.
 */
import type { RingHashConfig } from './hashing-configs.js';
import { BoundedLoad } from './_internals/bounded-load.js';
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { HashRing, MAXIMUM_RING_SIZE_LIMIT } from './_internals/hash-ring.js';
import {
  defaultHostHashKey,
  encodeHostKeys,
  randomHashInto,
  sharedKeyHashes,
  type HostHashKey,
  type KeyHashCache,
} from './_internals/hash-keys.js';
import { minAndMax, normalizeWeights } from './_internals/normalized-weights.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from './types.js';

/** The config without its `kind`, plus library-only options (a whole RingHashConfig also fits). */
export type RingHashOptions = Omit<RingHashConfig, 'kind'> & {
  /** The string each host is hashed by; default `instance-<id>`. */
  readonly hostHashKey?: HostHashKey;
  /** Where request-key hashes are cached; default the process-wide shared cache. */
  readonly keyHashes?: KeyHashCache;
};

/** Envoy's `ring_hash_lb.*` gauges for the current ring. */
export interface RingHashStats {
  readonly size: number;
  readonly minHashesPerHost: number;
  readonly maxHashesPerHost: number;
}

export class RingHashBalancer implements Balancer {
  readonly minimumRingSize: number;
  readonly maximumRingSize: number;
  readonly hashBalanceFactor: number | undefined;
  private ids = new Int32Array(0);
  private ring = HashRing.EMPTY;
  private readonly bounded: BoundedLoad | null;
  private readonly hostHashKey: HostHashKey;
  private readonly keyHashes: KeyHashCache;
  private readonly random: RandomSource;
  /** The current request's hash, [hi, lo]: reused so pick allocates nothing. */
  private readonly hash = new Uint32Array(2);

  constructor(deps: BalancerDeps, options: RingHashOptions) {
    const { minimumRingSize, maximumRingSize, hashBalanceFactor } = options;
    for (const [name, value] of [
      ['minimumRingSize', minimumRingSize],
      ['maximumRingSize', maximumRingSize],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1 || value > MAXIMUM_RING_SIZE_LIMIT) {
        throw new RangeError(`ring_hash ${name} must be an integer from 1 to ${MAXIMUM_RING_SIZE_LIMIT}, got ${value}`);
      }
    }
    // Envoy's own message for this misconfiguration.
    if (minimumRingSize > maximumRingSize) {
      throw new RangeError(`ring hash: minimum_ring_size (${minimumRingSize}) > maximum_ring_size (${maximumRingSize})`);
    }
    this.minimumRingSize = minimumRingSize;
    this.maximumRingSize = maximumRingSize;
    this.hashBalanceFactor = hashBalanceFactor;
    this.bounded = hashBalanceFactor === undefined ? null : new BoundedLoad(hashBalanceFactor, deps.load);
    this.hostHashKey = options.hostHashKey ?? defaultHostHashKey;
    this.keyHashes = options.keyHashes ?? sharedKeyHashes;
    this.random = deps.random;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    const normalized = normalizeWeights(weights);
    const hostKeys = encodeHostKeys(endpoints, this.hostHashKey);
    this.ring = HashRing.build(hostKeys, normalized, this.minimumRingSize, this.maximumRingSize);
    this.ids = ids;
    this.bounded?.setHosts(ids, normalized);
  }

  pick(ctx: PickContext): number {
    if (this.ring.size === 0) return -1;
    const hash = this.hash;
    if (ctx.key >= 0) this.keyHashes.hashInto(ctx.key, hash);
    else randomHashInto(this.random, hash);
    return this.ids[this.slotForHash(hash)]!;
  }

  /**
   * Envoy `chooseHost` for a precomputed 64-bit hash given as its 32-bit halves (for callers
   * with their own hash policy); -1 when there are no endpoints.
   */
  pickByHash(hashHi: number, hashLo: number): number {
    if (this.ring.size === 0) return -1;
    this.hash[0] = hashHi;
    this.hash[1] = hashLo;
    return this.ids[this.slotForHash(this.hash)]!;
  }

  /** Envoy's `size`, `min_hashes_per_host` and `max_hashes_per_host` gauges. */
  stats(): RingHashStats {
    const { min, max } = minAndMax(this.ring.entriesPerHost);
    return { size: this.ring.size, minHashesPerHost: min, maxHashesPerHost: max };
  }

  /** Ring entries per endpoint id, for the current set. */
  entriesPerEndpoint(): Map<number, number> {
    return new Map(Array.from(this.ids, (id, slot) => [id, this.ring.entriesPerHost[slot]!]));
  }

  /** The slot for a hash [hi, lo]: the ring's, then bounded load's if configured. */
  private slotForHash(hash: Uint32Array): number {
    const ring = this.ring;
    const slot = ring.slots[ring.lowerBound(hash[0]!, hash[1]!)]!;
    return this.bounded === null ? slot : this.bounded.choose(slot, hash);
  }
}
