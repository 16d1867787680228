/**
 * Maglev consistent hashing, as Envoy's MAGLEV load balancer does it.
 *
 * Implements: Envoy `MaglevLoadBalancer` and `OriginalMaglevTable`
 * (source/extensions/load_balancing_policies/maglev/maglev_lb.cc @104df3de) on top of
 * `ThreadAwareLoadBalancerBase` (…/common/thread_aware_lb_impl.cc); reference notes:
 * balancers.md §1.7, B9, B10. Table build and lookup: _internals/maglev-table.ts; bounded
 * load: _internals/bounded-load.ts; request hashing, shared with ring hash:
 * _internals/hash-table-balancer.ts.
 *
 * Variant, exactly:
 * - `tableSize` default 65537, prime (Envoy throws "The table size of maglev must be prime
 *   number"), at most 5,000,011.
 * - Hosts sorted by host key; offset and skip from xxHash64 of the key with seeds 0 and 1;
 *   Envoy's weighted fill (`iteration · weight ≥ target`, `target += maxWeight`), so a host's
 *   entries are proportional to its weight. The host key is `instance-<id>` unless the caller
 *   passes `hostHashKey` (Envoy: the address, hostname or metadata `hash_key`).
 * - A request's hash is xxHash64 of its key's decimal string, cached per key; a request with
 *   no key (−1) hashes to one random draw, as in Envoy. Lookup: `table[hash mod tableSize]`.
 * - `hashBalanceFactor` (optional, ≥ 100): Envoy's bounded-load consistent hashing with its
 *   mt19937 random-jump probing; unset means plain Maglev.
 * - The table is rebuilt on every `setEndpoints`; the build draws no randomness and ignores
 *   the endpoints' order, so every client builds the same table. Envoy rebuilds it on every
 *   host-set change too (a new table per priority update, `ThreadAwareLoadBalancerBase`), so
 *   there is no `updateEndpoints`: each health or ejection change costs a rebuild through
 *   endpointUpdater, measured 6.1–6.3 ms at 1024 and 28–32 ms at 8192 endpoints with the default
 *   65537-entry table (bench/endpoint-updates.ts, benchmarks.md).
 * - Not modelled: priority choice by hash, panic, locality weights, retry attempts
 *   (`hash ^= ~0 − attempt + 1`); the caller passes the eligible (healthy) set.
 *
 * Disruption: removing one of n hosts moves its own keys plus a few others (Maglev trades
 * minimal disruption for balance; Envoy's docs estimate about twice ring hash's movement);
 * test/balancers/maglev.test.ts measures and bounds it.
 *
 * Complexity: pick O(1), a cached key costing two array reads plus one table read, no BigInt
 * and no allocation; with a balance factor add O(n) when the hashed host has 2 or more requests
 * in flight (see bounded-load.ts). setEndpoints O(M log M) for a table of M entries (the fill's
 * coupon-collector tail), plus O(n log n) to sort the hosts.
 * - Envoy's newer single-host "degenerate" table and its bit-packed compact table hold the
 *   same picks; `stats()` reports the full table (Envoy reports 1 entry for a single host).
 */
import type { MaglevConfig } from './hashing-configs.js';
import { MaglevTable, MAXIMUM_MAGLEV_TABLE_SIZE } from './_internals/maglev-table.js';
import { HashTableBalancer, type HashTableOptions } from './_internals/hash-table-balancer.js';
import { minAndMax } from './_internals/normalized-weights.js';
import { isPrime } from './_internals/primes.js';
import type { BalancerDeps } from './types.js';

export type MaglevOptions = Omit<MaglevConfig, 'kind'> & HashTableOptions;

/** Envoy's `maglev_lb.*` gauges for the current table. */
export interface MaglevStats {
  readonly size: number;
  readonly minEntriesPerHost: number;
  readonly maxEntriesPerHost: number;
}

export class MaglevBalancer extends HashTableBalancer<MaglevTable> {
  readonly tableSize: number;

  constructor(deps: BalancerDeps, options: MaglevOptions) {
    super(deps, options, MaglevTable.EMPTY);
    const { tableSize } = options;
    if (!Number.isSafeInteger(tableSize) || tableSize > MAXIMUM_MAGLEV_TABLE_SIZE || !isPrime(tableSize)) {
      throw new RangeError(`maglev tableSize must be a prime number no larger than ${MAXIMUM_MAGLEV_TABLE_SIZE}, got ${tableSize}`);
    }
    this.tableSize = tableSize;
  }

  protected buildTable(hostKeys: readonly Uint8Array[], weights: Float64Array): MaglevTable {
    return MaglevTable.build(hostKeys, weights, this.tableSize);
  }

  /** Envoy's `min_entries_per_host` and `max_entries_per_host` gauges, with the table size. */
  stats(): MaglevStats {
    const { min, max } = minAndMax(this.table.entriesPerHost);
    return { size: this.table.size, minEntriesPerHost: min, maxEntriesPerHost: max };
  }
}
