import { describe, expect, it } from 'vitest';
import { RngStream } from '../../src/engine/rng.js';
import { AliasTable, createKeySampler, zipfWeights } from '../../src/model/keys.js';
import { chiSquare, chiSquareCritical, CountingRng, Z } from './stats.js';

function counts(spec: Parameters<typeof createKeySampler>[0], n: number, seed: string): Float64Array {
  const sampler = createKeySampler(spec, new RngStream(seed));
  const out = new Float64Array(spec.count);
  for (let i = 0; i < n; i++) out[sampler.sample()]!++;
  return out;
}

describe('uniform keys', () => {
  it('are uniform over [0, count) (χ², 99 dof, α = 0.001)', () => {
    const n = 1_000_000;
    const observed = counts({ kind: 'uniform', count: 100 }, n, 'keys-uniform');
    expect(chiSquare(observed, new Float64Array(100).fill(n / 100))).toBeLessThan(chiSquareCritical(99));
  });
});

describe('zipf keys (Walker/Vose alias table)', () => {
  it('the table encodes P(k) = (k+1)^−s / H exactly, up to rounding', () => {
    for (const [count, s] of [[1, 1], [7, 0], [10_000, 1.1], [1000, 2.5]] as const) {
      const weights = zipfWeights(count, s);
      const total = weights.reduce((a, b) => a + b, 0);
      const p = new AliasTable(weights).probabilities();
      let worst = 0;
      for (let k = 0; k < count; k++) worst = Math.max(worst, Math.abs(p[k]! / (weights[k]! / total) - 1));
      // Measured worst relative error: 8e-15 at 10⁴ keys (5e-13 at 10⁶); 1e-12 leaves room for rounding only.
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('rank 1 over rank 2 is 2^s (n = 10⁶; 4 SE of the log-ratio)', () => {
    // With multinomial counts c₀, c₁: Var(ln c₀ − ln c₁) ≈ 1/(n p₀) + 1/(n p₁) (delta method,
    // the covariance −n p₀ p₁ cancelling the −1 terms).
    const count = 10_000;
    const s = 1.1;
    const n = 1_000_000;
    const weights = zipfWeights(count, s);
    const total = weights.reduce((a, b) => a + b, 0);
    const p0 = 1 / total;
    const p1 = 2 ** -s / total;
    const observed = counts({ kind: 'zipf', count, s }, n, 'keys-zipf');
    const logRatio = Math.log(observed[0]! / observed[1]!);
    expect(Math.abs(logRatio - s * Math.LN2)).toBeLessThan(Z * Math.sqrt(1 / (n * p0) + 1 / (n * p1)));
  });

  it('frequencies follow the law over the top 50 ranks and the tail (χ², 50 dof, α = 0.001)', () => {
    const count = 10_000;
    const s = 1.1;
    const n = 1_000_000;
    const weights = zipfWeights(count, s);
    const total = weights.reduce((a, b) => a + b, 0);
    const observed = counts({ kind: 'zipf', count, s }, n, 'keys-zipf-chi');
    // Ranks 0..49 each, and everything beyond pooled: 51 cells, 50 dof.
    const cellsObserved = new Float64Array(51);
    const cellsExpected = new Float64Array(51);
    for (let k = 0; k < count; k++) {
      const cell = Math.min(k, 50);
      cellsObserved[cell]! += observed[k]!;
      cellsExpected[cell]! += (n * weights[k]!) / total;
    }
    expect(chiSquare(cellsObserved, cellsExpected)).toBeLessThan(chiSquareCritical(50));
  });

  it('s = 0 is uniform; count 1 always gives key 0', () => {
    const n = 100_000;
    expect(chiSquare(counts({ kind: 'zipf', count: 10, s: 0 }, n, 'z0'), new Float64Array(10).fill(n / 10))).toBeLessThan(
      chiSquareCritical(9),
    );
    expect(counts({ kind: 'zipf', count: 1, s: 1 }, 100, 'z1')[0]).toBe(100);
  });

  it('takes one uniform per sample and repeats itself for the same seed', () => {
    const rng = new CountingRng('keys-draws');
    const sampler = createKeySampler({ kind: 'zipf', count: 1000, s: 1 }, rng);
    const first = Array.from({ length: 1000 }, () => sampler.sample());
    expect(rng.draws).toBe(1000);
    const again = createKeySampler({ kind: 'zipf', count: 1000, s: 1 }, new RngStream('keys-draws'));
    expect(Array.from({ length: 1000 }, () => again.sample())).toEqual(first);
  });
});
