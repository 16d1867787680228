/**
 * The 64-bit hashes the consistent-hashing balancers look up: request keys, keyless requests,
 * and host keys.
 *
 * Request keys. Envoy computes a request's hash with a hash policy, e.g. a header policy is
 * `HashUtil::xxHash64(header_value)`. A meshsim request key is an integer, so its hash is
 * xxHash64 (seed 0) of the key's decimal string: key 42 hashes exactly as a header `x-key: 42`
 * would in Envoy. Hashes are cached per key value in typed arrays filled on first sight, so a
 * pick costs two array reads; the cache is a pure function of the key, hence one shared
 * instance serves every balancer (and every simulated client) in a process.
 *
 * Keyless requests. Envoy hashes with `random_.random()`, one uint64 draw. A RandomSource
 * yields 53 random bits, which become the high 53 bits of the hash (the low 11 are zero): one
 * draw per pick, as in Envoy, and a resolution of 2^-53 of the ring, far below any arc.
 *
 * Host keys. Envoy hashes a host by `hashKey(host)`: its `envoy.lb` metadata `hash_key`, else
 * its hostname when `use_hostname_for_hashing`, else its address (`10.0.0.7:8080`). meshsim
 * endpoints have ids, not addresses, so the default key is the stable host name
 * `instance-<id>`; a library user may pass any key function (for example the real address,
 * to reproduce a production ring exactly).
 */
import type { Endpoint, RandomSource } from '../types.js';
import { xxHash64 } from './xxhash64.js';

/** The string a host is hashed by (Envoy `hashKey(host)`). Must be non-empty. */
export type HostHashKey = (endpoint: Endpoint) => string;

/** meshsim's default host key: `instance-<id>`, stable across rebuilds and processes. */
export const defaultHostHashKey: HostHashKey = (endpoint) => `instance-${endpoint.id}`;

const encoder = new TextEncoder();

/** The UTF-8 bytes of every endpoint's host key, in endpoint order. */
export function encodeHostKeys(endpoints: readonly Endpoint[], hostKey: HostHashKey): Uint8Array[] {
  return endpoints.map((endpoint) => {
    const key = hostKey(endpoint);
    if (typeof key !== 'string' || key.length === 0) {
      throw new RangeError(`endpoint ${endpoint.id}: host hash key must be a non-empty string, got ${JSON.stringify(key)}`);
    }
    return encoder.encode(key);
  });
}

/** Digits of the largest safe integer: 9007199254740991 has 16. */
const MAX_DECIMAL_DIGITS = 16;

/** Writes the decimal digits of a non-negative safe integer at `bytes[at …]`; returns the end. */
export function writeDecimal(value: number, bytes: Uint8Array, at: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    bytes[i] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/** Cache size default: keys below 2^22 are cached (36 MB when all are seen), larger ones hashed per pick. */
const DEFAULT_CACHED_KEYS = 1 << 22;

/**
 * xxHash64 of request keys' decimal strings, cached by key value. Picks read it with
 * `hashInto`, which allocates nothing: a cached key is two array reads, an uncached one is
 * hashed from a scratch buffer (and cached when below the cap).
 */
export class KeyHashCache {
  private hashHi = new Uint32Array(0);
  private hashLo = new Uint32Array(0);
  private known = new Uint8Array(0);
  private readonly digits = new Uint8Array(MAX_DECIMAL_DIGITS);
  private readonly scratch = new Uint32Array(2);

  constructor(readonly maxCachedKeys: number = DEFAULT_CACHED_KEYS) {
    if (!Number.isSafeInteger(maxCachedKeys) || maxCachedKeys < 0) {
      throw new RangeError(`maxCachedKeys must be a non-negative integer, got ${maxCachedKeys}`);
    }
  }

  /** Writes the hash of request key `key` (a non-negative safe integer) to `out` as [hi, lo]. */
  hashInto(key: number, out: Uint32Array): void {
    if (key < this.known.length && this.known[key] === 1) {
      out[0] = this.hashHi[key]!;
      out[1] = this.hashLo[key]!;
      return;
    }
    this.computeInto(key, out);
  }

  private computeInto(key: number, out: Uint32Array): void {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`request key must be a non-negative safe integer, got ${key}`);
    const end = writeDecimal(key, this.digits, 0);
    xxHash64(this.digits, end, 0, this.scratch);
    out[0] = this.scratch[0]!;
    out[1] = this.scratch[1]!;
    if (key >= this.maxCachedKeys) return;
    if (key >= this.known.length) this.grow(key);
    this.hashHi[key] = this.scratch[0]!;
    this.hashLo[key] = this.scratch[1]!;
    this.known[key] = 1;
  }

  private grow(key: number): void {
    const size = Math.min(this.maxCachedKeys, Math.max(key + 1, 2 * this.known.length, 1024));
    const hashHi = new Uint32Array(size);
    const hashLo = new Uint32Array(size);
    const known = new Uint8Array(size);
    hashHi.set(this.hashHi);
    hashLo.set(this.hashLo);
    known.set(this.known);
    this.hashHi = hashHi;
    this.hashLo = hashLo;
    this.known = known;
  }
}

/** The process-wide cache the built-in balancers share (hashes depend on the key only). */
export const sharedKeyHashes = new KeyHashCache();

const TWO_32 = 4294967296;

/** Envoy's hash for a request without a key: one random draw, its 53 bits at the top of 64. */
export function randomHashInto(random: RandomSource, out: Uint32Array): void {
  const scaled = random.next() * TWO_32;
  const hi = Math.floor(scaled);
  out[0] = hi;
  out[1] = (scaled - hi) * TWO_32;
}
