import { describe, expect, it } from 'vitest';
import { RngStream } from '../../src/engine/rng.js';
import { WINDOW_QUANTILE_RELATIVE_ERROR, WindowLatencies } from '../../src/metrics/window-latencies.js';

describe('WindowLatencies', () => {
  it('merges time buckets exactly: adding and removing buckets gives the histogram of the rest', () => {
    const rng = new RngStream('window-latencies');
    const w = new WindowLatencies();
    const values: number[][] = Array.from({ length: 6 }, () => []);
    for (let i = 0; i < 6000; i++) {
      const bucket = rng.int(6);
      // Far-apart octaves per bucket, so ranges grow both ways.
      const v = 10 ** (-2 + 6 * rng.next());
      w.record(bucket, v);
      values[bucket]!.push(v);
    }
    const sliding = w.accumulator();
    for (const b of [0, 1, 2, 3]) sliding.add(b);
    sliding.remove(0);
    sliding.remove(1);
    sliding.add(4);
    const fresh = w.accumulator();
    for (const b of [2, 3, 4]) fresh.add(b);
    const merged = [...values[2]!, ...values[3]!, ...values[4]!].sort((a, b) => a - b);
    expect(sliding.count).toBe(merged.length);
    for (const rank of [1, Math.ceil(merged.length / 2), Math.ceil(0.99 * merged.length), merged.length]) {
      expect(sliding.atRank(rank)).toBe(fresh.atRank(rank));
      const exact = merged[rank - 1]!;
      expect(Math.abs(sliding.atRank(rank) - exact)).toBeLessThanOrEqual(exact * WINDOW_QUANTILE_RELATIVE_ERROR);
    }
    expect(sliding.atRank(0)).toBeNaN();
    expect(sliding.atRank(merged.length + 1)).toBeNaN();
  });

  it('keeps zero latencies, and nothing for buckets never recorded', () => {
    const w = new WindowLatencies();
    w.record(3, 0);
    w.record(3, 5);
    const a = w.accumulator();
    for (const b of [0, 1, 2, 3, 9]) a.add(b);
    expect(a.count).toBe(2);
    expect(a.atRank(1)).toBe(0);
    expect(Math.abs(a.atRank(2) - 5)).toBeLessThanOrEqual(5 * WINDOW_QUANTILE_RELATIVE_ERROR);
    expect(w.count(3)).toBe(2);
    expect(w.count(0)).toBe(0);
  });
});
