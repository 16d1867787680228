/**
 * Test doubles shared by test/detect and test/recovery: seeded and scripted random sources.
 */
import fc from 'fast-check';
import { RngStream } from '../../src/engine/rng.js';
import type { RandomSource } from '../../src/engine/rng.js';

/** A seeded xor4096 stream, distinct per name. */
export function seeded(name: string): RngStream {
  return new RngStream(`test/detect/${name}`);
}

/** Replays the given draws in order, then fails loudly: the test said exactly what may be drawn. */
export class ScriptedRandom implements RandomSource {
  private position = 0;
  constructor(private readonly draws: readonly number[]) {}
  next(): number {
    const draw = this.draws[this.position++];
    if (draw === undefined) throw new Error(`ScriptedRandom: draw #${this.position} was not scripted`);
    return draw;
  }
  get used(): number {
    return this.position;
  }
}

/** Always the same draw. */
export function constantRandom(draw: number): RandomSource {
  return { next: () => draw };
}

/** A source that must never be read: the mechanism promised not to draw. */
export const NO_RANDOM: RandomSource = {
  next(): number {
    throw new Error('unexpected random draw');
  },
};

/** The largest double below 1: the top of a [0, 1) source. */
export const ALMOST_ONE = 1 - 2 ** -53;

/** A fast-check seed turned into a random source, so properties shrink over the seed too. */
export const randomSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => seed);

export function sourceOf(seed: number): RandomSource {
  return new RngStream(`test/detect/property/${seed}`);
}
