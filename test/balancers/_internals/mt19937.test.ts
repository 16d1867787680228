import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mt19937 } from '../../../src/balancers/_internals/mt19937.js';

describe('Mt19937', () => {
  it('is std::mt19937: the 10000th output of the default seed is 4123659995 ([rand.predef])', () => {
    const twister = new Mt19937();
    expect(twister.next()).toBe(3499211612);
    let value = 0;
    for (let i = 2; i <= 10_000; i++) value = twister.next();
    expect(value).toBe(4123659995);
  });

  it('re-seeds with the seed modulo 2^32, as a 64-bit hash passed to std::mt19937 becomes', () => {
    const a = new Mt19937(2 ** 32 + 7);
    const b = new Mt19937(7);
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
    a.seed(5489);
    expect(a.next()).toBe(3499211612);
  });

  it('draws exactly what an eager reference (seed all 624 words, twist all at once) draws', () => {
    const eager = (seed: number, draws: number): number[] => {
      const mt = new Uint32Array(624);
      mt[0] = seed >>> 0;
      for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, (mt[i - 1]! ^ (mt[i - 1]! >>> 30)) >>> 0) + i) >>> 0;
      const out: number[] = [];
      let index = 624;
      for (let d = 0; d < draws; d++) {
        if (index === 624) {
          for (let i = 0; i < 624; i++) {
            const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
            mt[i] = (mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
          }
          index = 0;
        }
        let y = mt[index++]!;
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        out.push(y >>> 0);
      }
      return out;
    };
    const twister = new Mt19937();
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 1500 }), (seed, draws) => {
        twister.seed(seed);
        expect(Array.from({ length: draws }, () => twister.next())).toEqual(eager(seed, draws));
      }),
      { numRuns: 60 },
    );
  });
});
