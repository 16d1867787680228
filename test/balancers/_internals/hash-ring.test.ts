import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing } from '../../../src/balancers/_internals/hash-ring.js';
import { xxHash64OfString } from '../../../src/balancers/_internals/xxhash64.js';
import { seeded } from '../_harness.js';

const encoder = new TextEncoder();
const keysOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, id) => encoder.encode(`instance-${id}`));
const equalWeights = (n: number): Float64Array => new Float64Array(n).fill(1 / n);

/** The textbook search: first entry with hash ≥ (hi, lo), 0 past the end. */
function plainLowerBound(ring: HashRing, hi: number, lo: number): number {
  let low = 0;
  let high = ring.size;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ring.hashHi[mid]! < hi || (ring.hashHi[mid] === hi && ring.hashLo[mid]! < lo)) low = mid + 1;
    else high = mid;
  }
  return low === ring.size ? 0 : low;
}

/** Probe hashes: random ones, every entry's own hash, and its neighbours one below and above. */
function probes(ring: HashRing, random: number): [number, number][] {
  const rng = seeded(`hash-ring-probes-${ring.size}`);
  const list: [number, number][] = [];
  for (let i = 0; i < random; i++) list.push([rng.int(2 ** 32), rng.int(2 ** 32)]);
  const step = Math.max(1, Math.floor(ring.size / 5000));
  for (let i = 0; i < ring.size; i += step) {
    const hi = ring.hashHi[i]!;
    const lo = ring.hashLo[i]!;
    list.push([hi, lo], lo > 0 ? [hi, lo - 1] : [hi - 1, 2 ** 32 - 1], lo < 2 ** 32 - 1 ? [hi, lo + 1] : [hi + 1, 0]);
  }
  list.push([0, 0], [2 ** 32 - 1, 2 ** 32 - 1]);
  return list.filter(([hi]) => hi >= 0 && hi < 2 ** 32);
}

describe('HashRing', () => {
  it('is sorted, and its bucketed search finds what a plain binary search finds (small and > 2^20-entry rings)', () => {
    for (const [hosts, minimum] of [
      [7, 1024],
      [2, 2 ** 21],
    ] as const) {
      const ring = HashRing.build(keysOf(hosts), equalWeights(hosts), minimum, 8_388_608);
      for (let i = 1; i < ring.size; i++) {
        const ordered = ring.hashHi[i - 1]! < ring.hashHi[i]! || (ring.hashHi[i - 1] === ring.hashHi[i] && ring.hashLo[i - 1]! <= ring.hashLo[i]!);
        if (!ordered) expect.fail(`entries ${i - 1} and ${i} out of order`);
      }
      for (const [hi, lo] of probes(ring, 3000)) {
        const found = ring.lowerBound(hi, lo);
        if (found !== plainLowerBound(ring, hi, lo)) expect.fail(`hash ${hi}:${lo}: ${found} vs ${plainLowerBound(ring, hi, lo)}`);
      }
    }
  });

  it('equals a BigInt reference ring of `instance-<id>_<i>` hashes', () => {
    const hosts = 5;
    const ring = HashRing.build(keysOf(hosts), equalWeights(hosts), 40, 8_388_608);
    const reference = Array.from({ length: hosts * 8 }, (_, e) => ({
      hash: xxHash64OfString(`instance-${Math.floor(e / 8)}_${e % 8}`),
      host: Math.floor(e / 8),
    })).sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (hash) => {
        const expected = (reference.find((entry) => entry.hash >= hash) ?? reference[0]!).host;
        expect(ring.slots[ring.lowerBound(Number(hash >> 32n), Number(hash & 0xffffffffn))]).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('is empty without hosts', () => {
    expect(HashRing.build([], new Float64Array(0), 1024, 8_388_608).lowerBound(1, 2)).toBe(-1);
  });
});
