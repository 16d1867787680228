import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashModulo, xxHash64, xxHash64OfString } from '../../../src/balancers/_internals/xxhash64.js';

/**
 * An independent, literal BigInt transcription of the XXH64 specification
 * (Cyan4973/xxHash doc/xxhash_spec.md), to cross-check the 32-bit-halves implementation on
 * arbitrary inputs.
 */
const MASK = 2n ** 64n - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const round = (acc: bigint, input: bigint): bigint => (rotl((acc + input * P2) & MASK, 31n) * P1) & MASK;
const merge = (acc: bigint, value: bigint): bigint => (((acc ^ round(0n, value)) * P1) & MASK) + P4 & MASK;
const lane64 = (b: Uint8Array, at: number): bigint => {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
};
const lane32 = (b: Uint8Array, at: number): bigint => BigInt((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0);

function referenceXxh64(bytes: Uint8Array, seed: bigint): bigint {
  const len = bytes.length;
  let at = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & MASK;
    let v2 = (seed + P2) & MASK;
    let v3 = seed;
    let v4 = (seed - P1) & MASK;
    for (; at + 32 <= len; at += 32) {
      v1 = round(v1, lane64(bytes, at));
      v2 = round(v2, lane64(bytes, at + 8));
      v3 = round(v3, lane64(bytes, at + 16));
      v4 = round(v4, lane64(bytes, at + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = (seed + P5) & MASK;
  }
  h = (h + BigInt(len)) & MASK;
  for (; at + 8 <= len; at += 8) h = ((rotl(h ^ round(0n, lane64(bytes, at)), 27n) * P1) & MASK) + P4 & MASK;
  if (at + 4 <= len) {
    h = ((rotl(h ^ ((lane32(bytes, at) * P1) & MASK), 23n) * P2) & MASK) + P3 & MASK;
    at += 4;
  }
  for (; at < len; at++) h = (rotl(h ^ ((BigInt(bytes[at]!) * P5) & MASK), 11n) * P1) & MASK;
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  return h ^ (h >> 32n);
}

function hashOf(bytes: Uint8Array, length: number, seed: number): bigint {
  const out = new Uint32Array(2);
  xxHash64(bytes, length, seed, out);
  return (BigInt(out[0]!) << 32n) | BigInt(out[1]!);
}

describe('xxHash64', () => {
  it('matches the reference sanity vectors of xxhsum (BMK_sanityCheck: lengths 0, 1, 14, 101; seeds 0 and PRIME32_1)', () => {
    const prime = 2654435761;
    const sanityBuffer = new Uint8Array(101);
    let byteGen = prime;
    for (let i = 0; i < sanityBuffer.length; i++) {
      sanityBuffer[i] = byteGen >>> 24;
      byteGen = Math.imul(byteGen, byteGen) >>> 0;
    }
    const vectors: [number, number, bigint][] = [
      [0, 0, 0xef46db3751d8e999n],
      [0, prime, 0xac75fda2929b17efn],
      [1, 0, 0x4fce394cc88952d8n],
      [1, prime, 0x739840cb819fa723n],
      [14, 0, 0xcffa8db881bc3a3dn],
      [14, prime, 0x5b9611585efcc9cbn],
      [101, 0, 0x0eab543384f878adn],
      [101, prime, 0xcaa65939306f1e21n],
    ];
    for (const [length, seed, expected] of vectors) expect(hashOf(sanityBuffer, length, seed), `length ${length}, seed ${seed}`).toBe(expected);
  });

  it('matches published string vectors and the hashes printed in Envoy’s tests', () => {
    expect(xxHash64OfString('')).toBe(0xef46db3751d8e999n);
    expect(xxHash64OfString('a')).toBe(0xd24ec4f1a98c6e5bn);
    expect(xxHash64OfString('abc')).toBe(0x44bc2cf5ad770999n);
    expect(xxHash64OfString('Nobody inspects the spammish repetition')).toBe(0xfbcea83c8a378bf1n);
    // Envoy test/common/common/hash_test.cc.
    expect(xxHash64OfString('foo')).toBe(3728699739546630719n);
    // Envoy ring_hash_lb_test.cc `Basic`: the ring positions of 127.0.0.1:90 and :94.
    expect(xxHash64OfString('127.0.0.1:90_0')).toBe(16117243373044804889n);
    expect(xxHash64OfString('127.0.0.1:90_1')).toBe(1033482794131418490n);
    expect(xxHash64OfString('127.0.0.1:94_0')).toBe(15516499411664133160n);
    expect(xxHash64OfString('127.0.0.1:94_1')).toBe(833437586790550860n);
  });

  it('agrees with a BigInt transcription of the spec on arbitrary bytes and seeds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), fc.maxSafeNat(), (bytes, seed) => {
        expect(hashOf(bytes, bytes.length, seed)).toBe(referenceXxh64(bytes, BigInt(seed)));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a prefix when given a length, and rejects bad lengths and seeds', () => {
    const bytes = new TextEncoder().encode('abcdef');
    expect(hashOf(bytes, 3, 0)).toBe(xxHash64OfString('abc'));
    const out = new Uint32Array(2);
    expect(() => xxHash64(bytes, 7, 0, out)).toThrow(RangeError);
    expect(() => xxHash64(bytes, 1, -1, out)).toThrow(RangeError);
  });

  it('reduces a 64-bit hash modulo a table size exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MASK }), fc.integer({ min: 1, max: 5_000_011 }), (hash, m) => {
        expect(hashModulo(Number(hash >> 32n), Number(hash & 0xffffffffn), m)).toBe(Number(hash % BigInt(m)));
      }),
    );
  });
});
