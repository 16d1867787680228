/**
 * Test doubles for the balancer tests: deterministic and scripted random sources, a fixed
 * LoadView (tower's `Constant`), endpoint builders and pick counters.
 */
import { expect } from 'vitest';
import { RngStream } from '../../src/engine/rng.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from '../../src/balancers/types.js';

export const NO_KEY: PickContext = { key: -1 };

/** A seeded xor4096 stream, distinct per name. */
export function seeded(name: string): RngStream {
  return new RngStream(`test/balancers/${name}`);
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

/** A source that always returns the same draw (Envoy tests: `random()` WillRepeatedly(Return(x))). */
export function constantRandom(draw: number): RandomSource {
  return { next: () => draw };
}

/** The draw that makes a balancer's 32-bit seed equal `seed` (Envoy tests mock `random()` to it). */
export function seedDraw(seed: number): number {
  return seed / 2 ** 32;
}

/** The draw that makes a uniform index over n hosts equal `index` (Envoy: `random() % n`). */
export function indexDraw(index: number, n: number): number {
  return (index + 0.5) / n;
}

/** Fixed in-flight counts by id; unspecified ids have 0. Mutable, to script load changes. */
export class FixedLoad implements LoadView {
  private readonly counts = new Map<number, number>();
  constructor(counts: Readonly<Record<number, number>> = {}) {
    for (const [id, count] of Object.entries(counts)) this.counts.set(Number(id), count);
  }
  set(id: number, count: number): void {
    this.counts.set(id, count);
  }
  active(id: number): number {
    return this.counts.get(id) ?? 0;
  }
}

export function depsOf(random: RandomSource, load: LoadView = new FixedLoad()): BalancerDeps {
  return { random, now: () => 0, load };
}

/** Endpoints with the given weights; ids default to 0 … n−1. */
export function endpointsOf(weights: readonly number[], ids: readonly number[] = weights.map((_, i) => i)): Endpoint[] {
  return weights.map((weight, i) => ({ id: ids[i]!, weight, zone: 'zone-a' }));
}

export function pickMany(balancer: Balancer, count: number): number[] {
  const picks: number[] = [];
  for (let i = 0; i < count; i++) picks.push(balancer.pick(NO_KEY));
  return picks;
}

/** Pick counts by id. */
export function countPicks(balancer: Balancer, count: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const id = balancer.pick(NO_KEY);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
export function chiSquareUniform(observed: readonly number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = total / observed.length;
  return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

/** Every balancer refuses what no production balancer accepts: duplicate, negative or fractional ids, and weights that are not finite and positive. */
export function expectInvalidEndpointsRejected(balancer: Balancer): void {
  expect(() => balancer.setEndpoints(endpointsOf([1, 1], [4, 4]))).toThrow(RangeError);
  expect(() => balancer.setEndpoints(endpointsOf([1], [-1]))).toThrow(RangeError);
  expect(() => balancer.setEndpoints(endpointsOf([1], [1.5]))).toThrow(RangeError);
  expect(() => balancer.setEndpoints(endpointsOf([0]))).toThrow(RangeError);
  expect(() => balancer.setEndpoints(endpointsOf([Number.NaN]))).toThrow(RangeError);
}
