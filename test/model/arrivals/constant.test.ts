import { describe, expect, it } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createArrivalProcess, meanArrivalRate } from '../../../src/model/arrivals/index.js';

describe('constant arrivals', () => {
  it('arrive every 1000/rate ms, the first after one gap, without drift', () => {
    const spec = { kind: 'constant', rate: 3 } as const;
    const process = createArrivalProcess(spec, new RngStream('unused'));
    const gap = 1000 / 3;
    expect(process.next()).toBe(gap);
    expect(process.next()).toBe(2 * gap);
    for (let k = 3; k < 3_000_000; k++) process.next();
    expect(process.next()).toBe(3_000_000 * gap);
    expect(meanArrivalRate(spec)).toBe(3);
  });
});
