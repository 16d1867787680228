/**
 * What Envoy's consistent-hashing balancers (RING_HASH and MAGLEV, both `ThreadAwareLoadBalancer`
 * over a hash table built per host set) share: the request hash (the request key's cached
 * xxHash64, or one random draw without a key), the endpoint copy, and bounded load
 * (`hash_balance_factor`) around the table's lookup. Subclasses supply the table.
 *
 * Complexity: pick = the table's lookup (+ bounded load when set); setEndpoints = the build.
 */
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from '../types.js';
import { BoundedLoad } from './bounded-load.js';
import { copyEndpoints } from './endpoint-arrays.js';
import {
  defaultHostHashKey,
  encodeHostKeys,
  randomHashInto,
  sharedKeyHashes,
  type HostHashKey,
  type KeyHashCache,
} from './hash-keys.js';
import { normalizeWeights } from './normalized-weights.js';

/** A built consistent-hashing table: hash → host slot. */
export interface HostTable {
  /** Entries in the table; 0 when there are no hosts. */
  readonly size: number;
  readonly entriesPerHost: Uint32Array;
  slotFor(hi: number, lo: number): number;
}

export interface HashTableOptions {
  readonly hashBalanceFactor?: number | undefined;
  /** The string each host is hashed by; default `instance-<id>`. */
  readonly hostHashKey?: HostHashKey;
  /** Where request-key hashes are cached; default the process-wide shared cache. */
  readonly keyHashes?: KeyHashCache;
}

export abstract class HashTableBalancer<T extends HostTable> implements Balancer {
  readonly hashBalanceFactor: number | undefined;
  protected ids = new Int32Array(0);
  protected table: T;
  private readonly bounded: BoundedLoad | null;
  private readonly hostHashKey: HostHashKey;
  private readonly keyHashes: KeyHashCache;
  private readonly random: RandomSource;
  /** The current request's hash, [hi, lo]: reused so pick allocates nothing. */
  private readonly hash = new Uint32Array(2);

  protected constructor(deps: BalancerDeps, options: HashTableOptions, empty: T) {
    this.table = empty;
    this.hashBalanceFactor = options.hashBalanceFactor;
    this.bounded = options.hashBalanceFactor === undefined ? null : new BoundedLoad(options.hashBalanceFactor, deps.load);
    this.hostHashKey = options.hostHashKey ?? defaultHostHashKey;
    this.keyHashes = options.keyHashes ?? sharedKeyHashes;
    this.random = deps.random;
  }

  /** Builds the table for hosts hashed by `hostKeys`, with weights normalised to sum 1. */
  protected abstract buildTable(hostKeys: readonly Uint8Array[], weights: Float64Array): T;

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    const normalized = normalizeWeights(weights);
    this.table = this.buildTable(encodeHostKeys(endpoints, this.hostHashKey), normalized);
    this.ids = ids;
    this.bounded?.setHosts(ids, normalized);
  }

  pick(ctx: PickContext): number {
    if (this.table.size === 0) return -1;
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
    if (this.table.size === 0) return -1;
    this.hash[0] = hashHi;
    this.hash[1] = hashLo;
    return this.ids[this.slotForHash(this.hash)]!;
  }

  /** Table entries per endpoint id, for the current set. */
  entriesPerEndpoint(): Map<number, number> {
    return new Map(Array.from(this.ids, (id, slot) => [id, this.table.entriesPerHost[slot]!]));
  }

  /** The slot for a hash [hi, lo]: the table's, then bounded load's if configured. */
  private slotForHash(hash: Uint32Array): number {
    const slot = this.table.slotFor(hash[0]!, hash[1]!);
    return this.bounded === null ? slot : this.bounded.choose(slot, hash);
  }
}
