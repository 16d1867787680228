/**
 * Ring hash (ketama consistent hashing), as Envoy's RING_HASH load balancer does it.
 *
 * Implements: Envoy `RingHashLoadBalancer`
 * (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc @0d2acde2) on top of
 * `ThreadAwareLoadBalancerBase` (…/common/thread_aware_lb_impl.cc); reference notes:
 * balancers.md §1.6, B8, B10. Ring build and lookup: _internals/hash-ring.ts; bounded load:
 * _internals/bounded-load.ts; request hashing, shared with Maglev: _internals/hash-table-balancer.ts.
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
 *   same endpoint list always gives the same ring, on every client. Envoy rebuilds it on every
 *   host-set change too (a new ring, `RingHashLoadBalancer::createLoadBalancer`, per priority
 *   update), and the rebuild decides the picks, so there is no `updateEndpoints`: each health or
 *   ejection change costs a rebuild through endpointUpdater, measured 2.0–2.2 ms at 1024 and
 *   16–18 ms at 8192 endpoints (bench/endpoint-updates.ts, benchmarks.md).
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
import { HashRing, MAXIMUM_RING_SIZE_LIMIT } from './_internals/hash-ring.js';
import { HashTableBalancer, type HashTableOptions } from './_internals/hash-table-balancer.js';
import { minAndMax } from './_internals/normalized-weights.js';
import type { BalancerDeps } from './types.js';

export type RingHashOptions = Omit<RingHashConfig, 'kind'> & HashTableOptions;

/** Envoy's `ring_hash_lb.*` gauges for the current ring. */
export interface RingHashStats {
  readonly size: number;
  readonly minHashesPerHost: number;
  readonly maxHashesPerHost: number;
}

export class RingHashBalancer extends HashTableBalancer<HashRing> {
  readonly minimumRingSize: number;
  readonly maximumRingSize: number;

  constructor(deps: BalancerDeps, options: RingHashOptions) {
    super(deps, options, HashRing.EMPTY);
    const { minimumRingSize, maximumRingSize } = options;
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
  }

  protected buildTable(hostKeys: readonly Uint8Array[], weights: Float64Array): HashRing {
    return HashRing.build(hostKeys, weights, this.minimumRingSize, this.maximumRingSize);
  }

  /** Envoy's `size`, `min_hashes_per_host` and `max_hashes_per_host` gauges. */
  stats(): RingHashStats {
    const { min, max } = minAndMax(this.table.entriesPerHost);
    return { size: this.table.size, minHashesPerHost: min, maxHashesPerHost: max };
  }
}
