import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RngStream, streamFactory } from '../../src/engine/rng.js';

describe('RngStream', () => {
  // The stream steps xor4096 itself for speed; it must stay seedrandom's generator, draw for draw,
  // or every published seed would change its results.
  it.each(['meshsim/1/0/arrivals', 'meshsim/42/3/client/0/balancer', '', 'x'.repeat(300)])(
    'draws exactly what seedrandom.xor4096(%j).double() draws',
    (seed) => {
      const ours = new RngStream(seed);
      const reference = seedrandom.xor4096(seed);
      for (let draw = 0; draw < 20_000; draw++) {
        const expected = reference.double();
        const got = ours.next();
        if (got !== expected) expect.fail(`draw ${draw}: ${got} !== ${expected}`);
      }
    },
  );

  it('keeps int and nextOpen on the same sequence', () => {
    const a = new RngStream('s');
    const b = seedrandom.xor4096('s');
    expect(a.int(10)).toBe(Math.floor(b.double() * 10));
    expect(a.nextOpen()).toBe(1 - b.double());
  });

  it('gives independent streams per name, replication and seed', () => {
    const first = (name: string, seed = 1, replication = 0) => streamFactory(seed, replication)(name).next();
    const base = first('arrivals');
    expect(first('arrivals')).toBe(base);
    expect(first('service')).not.toBe(base);
    expect(first('arrivals', 1, 1)).not.toBe(base);
    expect(first('arrivals', 2, 0)).not.toBe(base);
  });

  it('stays in [0, 1) with 53-bit resolution', () => {
    const stream = new RngStream('range');
    let fine = 0;
    for (let draw = 0; draw < 10_000; draw++) {
      const u = stream.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      // Bits below 2^-32 are set in about half the draws; a 32-bit generator would set none.
      if ((u * 2 ** 32) % 1 !== 0) fine++;
    }
    expect(fine).toBeGreaterThan(4_000);
  });
});
