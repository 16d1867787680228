/**
 * Envoy's Maglev lookup table: build from (host key, normalised weight) pairs, look up by hash.
 *
 * Implements: `MaglevTable::constructMaglevTableInternal` and
 * `OriginalMaglevTable::constructImplementationInternals`
 * (source/extensions/load_balancing_policies/maglev/maglev_lb.cc @104df3de; balancers.md §1.7,
 * B9), i.e. Eisenbud et al., "Maglev", NSDI 2016, pseudocode listing 1, with Envoy's weighting.
 *
 * Build, exactly as Envoy:
 * - Hosts are sorted by host key (byte order), so the table does not depend on the order the
 *   endpoints arrive in.
 * - Per host: `offset = xxHash64(key) mod M`, `skip = xxHash64(key, seed 1) mod (M − 1) + 1`;
 *   its j-th preference is `(offset + skip · j) mod M`, a permutation of the table since M is
 *   prime. `next` counts the preferences tried.
 * - Weighted fill: iterations 1, 2, …; in each, hosts take turns in key order while the table
 *   has room. A host takes a turn only when `iteration · weight ≥ target`, and then adds
 *   `maxWeight` to its `target` (starting at 0), skips its occupied preferences and claims the
 *   next free one. A host of maximum weight claims one entry per iteration; one of a third of
 *   it, one every third iteration. Hence entries ∝ weight, to within about one per host.
 * - The compact table Envoy picks for memory (a bit-packed variant) holds the same entries.
 *
 * Lookup: `table[hash mod M]`. Retries (`hash ^= ~0 − attempt + 1`) are not modelled.
 *
 * Representation: table of host slots (Int32Array, 4·M bytes: 256 KiB by default).
 * Complexity: build O(M log M) expected (the coupon-collector tail of the fill) plus
 * O(n log n) to sort the hosts; lookup O(1), no allocation.
 */
import { hashModulo, xxHash64 } from './xxhash64.js';

/** Envoy `MaglevTable::DefaultTableSize`. */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;
/** The largest table size the proto allows. */
export const MAXIMUM_MAGLEV_TABLE_SIZE = 5_000_011;

export class MaglevTable {
  /** Table entry → host slot (the host's index in the caller's order, not the sorted one). */
  readonly table: Int32Array;
  /** Entries per host slot (Envoy's min/max_entries_per_host stats come from these). */
  readonly entriesPerHost: Uint32Array;
  /** 2^32 mod M, so a lookup reduces a 64-bit hash with two small products. */
  private readonly twoTo32Mod: number;

  private constructor(table: Int32Array, entriesPerHost: Uint32Array) {
    this.table = table;
    this.entriesPerHost = entriesPerHost;
    this.twoTo32Mod = table.length === 0 ? 0 : 4294967296 % table.length;
  }

  static readonly EMPTY = new MaglevTable(new Int32Array(0), new Uint32Array(0));

  get size(): number {
    return this.table.length;
  }

  /**
   * Builds a table of prime size `tableSize` (≤ MAXIMUM_MAGLEV_TABLE_SIZE). `weights` are
   * normalised (each > 0), `hostKeys` the UTF-8 host keys in the same order.
   */
  static build(hostKeys: readonly Uint8Array[], weights: Float64Array, tableSize: number): MaglevTable {
    const hosts = weights.length;
    if (hosts === 0) return MaglevTable.EMPTY;
    const order = sortedByKey(hostKeys);
    let maxWeight = 0;
    for (let slot = 0; slot < hosts; slot++) maxWeight = Math.max(maxWeight, weights[slot]!);

    // Per host, in key order: the current preference (offset + skip·next mod M), skip, target.
    // Positions and skips are below M ≤ 5,000,011, so int32 arithmetic with a conditional
    // subtraction replaces `%` on doubles.
    const position = new Int32Array(hosts);
    const skip = new Int32Array(hosts);
    const target = new Float64Array(hosts);
    const sortedWeight = new Float64Array(hosts);
    const hash = new Uint32Array(2);
    for (let rank = 0; rank < hosts; rank++) {
      const key = hostKeys[order[rank]!]!;
      xxHash64(key, key.length, 0, hash);
      position[rank] = hashModulo(hash[0]!, hash[1]!, tableSize);
      xxHash64(key, key.length, 1, hash);
      skip[rank] = hashModulo(hash[0]!, hash[1]!, tableSize - 1) + 1;
      sortedWeight[rank] = weights[order[rank]!]!;
    }

    const table = new Int32Array(tableSize).fill(-1);
    const entriesPerHost = new Uint32Array(hosts);
    let filled = 0;
    for (let iteration = 1; filled < tableSize; iteration++) {
      for (let rank = 0; rank < hosts && filled < tableSize; rank++) {
        if (iteration * sortedWeight[rank]! < target[rank]!) continue;
        target[rank] = target[rank]! + maxWeight;
        const step = skip[rank]!;
        let entry = position[rank]!;
        while (table[entry] !== -1) entry = advance(entry, step, tableSize);
        const slot = order[rank]!;
        table[entry] = slot;
        entriesPerHost[slot]!++;
        filled++;
        position[rank] = advance(entry, step, tableSize);
      }
    }
    return new MaglevTable(table, entriesPerHost);
  }

  /** The host slot for a 64-bit hash (hi, lo); -1 when empty. */
  slotFor(hi: number, lo: number): number {
    const size = this.table.length;
    if (size === 0) return -1;
    // hash mod M = ((hi mod M) · (2^32 mod M) + lo) mod M, each dividend below 2^53. A
    // floor-division remainder is several times cheaper than the `%` of a double (a call to
    // fmod), and exact here: the quotient's rounding error, below dividend · 2^-53, is smaller
    // than its distance 1/M to the next integer.
    const high = hi - Math.floor(hi / size) * size;
    const folded = high * this.twoTo32Mod + lo;
    const entry = folded - Math.floor(folded / size) * size;
    return this.table[entry]!;
  }
}

/** (entry + step) mod size for entry, step < size. */
function advance(entry: number, step: number, size: number): number {
  const next = entry + step;
  return next >= size ? next - size : next;
}

/** Host indices sorted by key bytes (std::sort of string_views: unsigned byte order, shorter prefix first). */
function sortedByKey(hostKeys: readonly Uint8Array[]): Int32Array {
  const order = Int32Array.from(hostKeys.keys());
  order.sort((a, b) => compareBytes(hostKeys[a]!, hostKeys[b]!) || a - b);
  return order;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
