/**
 * xxHash64 (XXH64), the hash Envoy's ring hash and Maglev use for hosts and, through
 * `HashUtil::xxHash64`, for request hash policies.
 *
 * Implements: XXH64 of the xxHash specification (Cyan4973/xxHash, doc/xxhash_spec.md; Envoy
 * calls it via source/common/common/hash.h `HashUtil::xxHash64(value, seed = 0)`). Exact,
 * checked against the reference sanity vectors (xxhsum's `BMK_sanityCheck`) and the hashes
 * printed in Envoy's ring hash tests.
 *
 * Representation: a 64-bit lane is a pair of uint32 halves (hi, lo) held in locals, so hashing
 * needs no BigInt and allocates nothing. The arithmetic helpers leave their result in the two
 * module registers `resultHi` / `resultLo` (a function cannot return two numbers without an
 * allocation). Multiplication splits the low halves into 16-bit limbs so every partial product
 * stays exact in a double.
 *
 * Cost: about 10 64-bit multiplications for a 20-byte key; only ring and table builds and the
 * first sight of a request key pay it.
 */

const PRIME64_1_HI = 0x9e3779b1;
const PRIME64_1_LO = 0x85ebca87;
const PRIME64_2_HI = 0xc2b2ae3d;
const PRIME64_2_LO = 0x27d4eb4f;
const PRIME64_3_HI = 0x165667b1;
const PRIME64_3_LO = 0x9e3779f9;
const PRIME64_4_HI = 0x85ebca77;
const PRIME64_4_LO = 0xc2b2ae63;
const PRIME64_5_HI = 0x27d4eb2f;
const PRIME64_5_LO = 0x165667c5;
/** 2^64 − PRIME64_1: the spec's `seed − PRIME64_1` as an addition. */
const MINUS_PRIME64_1_HI = 0x61c8864e;
const MINUS_PRIME64_1_LO = 0x7a143579;

const TWO_32 = 4294967296;

let resultHi = 0;
let resultLo = 0;

function add(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  resultLo = lo >>> 0;
  resultHi = (aHi + bHi + (lo >= TWO_32 ? 1 : 0)) >>> 0;
}

/** The low 64 bits of a × b. */
function multiply(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  // aLo·bLo = a1·b1·2^32 + (a1·b0 + a0·b1)·2^16 + a0·b0, each term exact (< 2^53).
  const cross = a1 * b0 + a0 * b1;
  const lo = a0 * b0 + (cross % 65536) * 65536;
  const carry = lo >= TWO_32 ? 1 : 0;
  // The high halves only contribute their products' low 32 bits (Math.imul); the sum stays
  // exact, and >>> 0 reduces it modulo 2^32 (negative imul results included).
  resultLo = lo >>> 0;
  resultHi = (a1 * b1 + Math.floor(cross / 65536) + carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Rotate left by 1 ≤ r ≤ 31 bits. */
function rotateLeft(hi: number, lo: number, r: number): void {
  resultHi = ((hi << r) | (lo >>> (32 - r))) >>> 0;
  resultLo = ((lo << r) | (hi >>> (32 - r))) >>> 0;
}

/** XXH64_round: acc = rotl(acc + input · PRIME64_2, 31) · PRIME64_1. */
function round(accHi: number, accLo: number, inputHi: number, inputLo: number): void {
  multiply(inputHi, inputLo, PRIME64_2_HI, PRIME64_2_LO);
  add(accHi, accLo, resultHi, resultLo);
  rotateLeft(resultHi, resultLo, 31);
  multiply(resultHi, resultLo, PRIME64_1_HI, PRIME64_1_LO);
}

/** XXH64_mergeRound: acc = (acc ^ round(0, value)) · PRIME64_1 + PRIME64_4. */
function mergeRound(accHi: number, accLo: number, valueHi: number, valueLo: number): void {
  round(0, 0, valueHi, valueLo);
  multiply((accHi ^ resultHi) >>> 0, (accLo ^ resultLo) >>> 0, PRIME64_1_HI, PRIME64_1_LO);
  add(resultHi, resultLo, PRIME64_4_HI, PRIME64_4_LO);
}

function read32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * XXH64 of `bytes[0 … length)` with a seed in [0, 2^53), written to `out` as
 * `out[0]` = high 32 bits, `out[1]` = low 32 bits. Allocates nothing.
 */
export function xxHash64(bytes: Uint8Array, length: number, seed: number, out: Uint32Array): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > bytes.length) {
    throw new RangeError(`xxHash64: length must be an integer in [0, ${bytes.length}], got ${length}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`xxHash64: seed must be an integer in [0, 2^53), got ${seed}`);
  const seedHi = Math.floor(seed / TWO_32) >>> 0;
  const seedLo = seed >>> 0;
  let at = 0;
  let hHi: number;
  let hLo: number;

  if (length >= 32) {
    add(seedHi, seedLo, PRIME64_1_HI, PRIME64_1_LO);
    add(resultHi, resultLo, PRIME64_2_HI, PRIME64_2_LO);
    let v1Hi = resultHi;
    let v1Lo = resultLo;
    add(seedHi, seedLo, PRIME64_2_HI, PRIME64_2_LO);
    let v2Hi = resultHi;
    let v2Lo = resultLo;
    let v3Hi = seedHi;
    let v3Lo = seedLo;
    add(seedHi, seedLo, MINUS_PRIME64_1_HI, MINUS_PRIME64_1_LO);
    let v4Hi = resultHi;
    let v4Lo = resultLo;
    const stripesEnd = length - 32;
    // Each stripe: four 8-byte lanes, little endian (low word first).
    for (; at <= stripesEnd; at += 32) {
      round(v1Hi, v1Lo, read32(bytes, at + 4), read32(bytes, at));
      v1Hi = resultHi;
      v1Lo = resultLo;
      round(v2Hi, v2Lo, read32(bytes, at + 12), read32(bytes, at + 8));
      v2Hi = resultHi;
      v2Lo = resultLo;
      round(v3Hi, v3Lo, read32(bytes, at + 20), read32(bytes, at + 16));
      v3Hi = resultHi;
      v3Lo = resultLo;
      round(v4Hi, v4Lo, read32(bytes, at + 28), read32(bytes, at + 24));
      v4Hi = resultHi;
      v4Lo = resultLo;
    }
    rotateLeft(v1Hi, v1Lo, 1);
    hHi = resultHi;
    hLo = resultLo;
    rotateLeft(v2Hi, v2Lo, 7);
    add(hHi, hLo, resultHi, resultLo);
    hHi = resultHi;
    hLo = resultLo;
    rotateLeft(v3Hi, v3Lo, 12);
    add(hHi, hLo, resultHi, resultLo);
    hHi = resultHi;
    hLo = resultLo;
    rotateLeft(v4Hi, v4Lo, 18);
    add(hHi, hLo, resultHi, resultLo);
    mergeRound(resultHi, resultLo, v1Hi, v1Lo);
    mergeRound(resultHi, resultLo, v2Hi, v2Lo);
    mergeRound(resultHi, resultLo, v3Hi, v3Lo);
    mergeRound(resultHi, resultLo, v4Hi, v4Lo);
    hHi = resultHi;
    hLo = resultLo;
  } else {
    add(seedHi, seedLo, PRIME64_5_HI, PRIME64_5_LO);
    hHi = resultHi;
    hLo = resultLo;
  }

  add(hHi, hLo, Math.floor(length / TWO_32) >>> 0, length >>> 0);
  hHi = resultHi;
  hLo = resultLo;

  // Remaining 8-byte lanes: h = rotl(h ^ round(0, lane), 27) · PRIME64_1 + PRIME64_4.
  for (; at + 8 <= length; at += 8) {
    round(0, 0, read32(bytes, at + 4), read32(bytes, at));
    rotateLeft((hHi ^ resultHi) >>> 0, (hLo ^ resultLo) >>> 0, 27);
    multiply(resultHi, resultLo, PRIME64_1_HI, PRIME64_1_LO);
    add(resultHi, resultLo, PRIME64_4_HI, PRIME64_4_LO);
    hHi = resultHi;
    hLo = resultLo;
  }
  // A 4-byte lane: h = rotl(h ^ (lane · PRIME64_1), 23) · PRIME64_2 + PRIME64_3.
  if (at + 4 <= length) {
    multiply(0, read32(bytes, at), PRIME64_1_HI, PRIME64_1_LO);
    rotateLeft(hHi ^ resultHi, (hLo ^ resultLo) >>> 0, 23);
    multiply(resultHi, resultLo, PRIME64_2_HI, PRIME64_2_LO);
    add(resultHi, resultLo, PRIME64_3_HI, PRIME64_3_LO);
    hHi = resultHi;
    hLo = resultLo;
    at += 4;
  }
  // Single bytes: h = rotl(h ^ (byte · PRIME64_5), 11) · PRIME64_1.
  for (; at < length; at++) {
    multiply(0, bytes[at]!, PRIME64_5_HI, PRIME64_5_LO);
    rotateLeft(hHi ^ resultHi, (hLo ^ resultLo) >>> 0, 11);
    multiply(resultHi, resultLo, PRIME64_1_HI, PRIME64_1_LO);
    hHi = resultHi;
    hLo = resultLo;
  }

  // Avalanche: h ^= h >> 33; h *= PRIME64_2; h ^= h >> 29; h *= PRIME64_3; h ^= h >> 32.
  hLo = (hLo ^ (hHi >>> 1)) >>> 0;
  multiply(hHi, hLo, PRIME64_2_HI, PRIME64_2_LO);
  hHi = resultHi;
  hLo = (resultLo ^ ((resultHi << 3) | (resultLo >>> 29))) >>> 0;
  hHi = (hHi ^ (hHi >>> 29)) >>> 0;
  multiply(hHi, hLo, PRIME64_3_HI, PRIME64_3_LO);
  out[0] = resultHi;
  out[1] = (resultLo ^ resultHi) >>> 0;
}

const encoder = new TextEncoder();

/** XXH64 of a string's UTF-8 bytes as a BigInt (Envoy `HashUtil::xxHash64(string_view, seed)`). Convenience; allocates. */
export function xxHash64OfString(text: string, seed = 0): bigint {
  const bytes = encoder.encode(text);
  const out = new Uint32Array(2);
  xxHash64(bytes, bytes.length, seed, out);
  return (BigInt(out[0]!) << 32n) | BigInt(out[1]!);
}

/** hash mod m for a 64-bit hash given as halves, m ≤ 2^26 (so (hi mod m)·(2^32 mod m) < 2^53). */
export function hashModulo(hi: number, lo: number, m: number): number {
  return ((hi % m) * (TWO_32 % m) + lo) % m;
}
