import { describe, expect, it } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createArrivalProcess, meanArrivalRate } from '../../../src/model/arrivals/index.js';
import type { ArrivalSpec } from '../../../src/scenario/schema.js';

describe('trace arrivals', () => {
  it('replay the timestamps exactly, shifted so the first is 0, then Infinity', () => {
    const spec: ArrivalSpec = { kind: 'trace', unit: 's', times: [1500, 1500.25, 1503, 1503, 2000] };
    const process = createArrivalProcess(spec, new RngStream('unused'));
    const replay = Array.from({ length: 7 }, () => process.next());
    expect(replay).toEqual([0, 0.25, 3, 3, 500, Infinity, Infinity]);
    // 4 gaps over 0.5 s.
    expect(meanArrivalRate(spec)).toBe(8);
  });

  it('replay out-of-order timestamps in time order', () => {
    const spec: ArrivalSpec = { kind: 'trace', unit: 's', times: [30, 10, 20] };
    const process = createArrivalProcess(spec, new RngStream('unused'));
    expect([process.next(), process.next(), process.next(), process.next()]).toEqual([0, 10, 20, Infinity]);
  });

  it('a single timestamp is one arrival at 0 and has no rate', () => {
    const spec: ArrivalSpec = { kind: 'trace', unit: 's', times: [42] };
    const process = createArrivalProcess(spec, new RngStream('unused'));
    expect([process.next(), process.next()]).toEqual([0, Infinity]);
    expect(meanArrivalRate(spec)).toBe(0);
  });

  it('refuses to replay before the loader has read the file', () => {
    expect(() => createArrivalProcess({ kind: 'trace', unit: 's', file: 'arrivals.csv' }, new RngStream('x'))).toThrow(
      /arrivals\.csv/,
    );
  });
});
