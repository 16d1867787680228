/**
 * The targeted phase on synthetic energies (no simulation): neighbours stay in the
 * arbitrary's domain, the phase keeps to its budget, is deterministic for its random stream,
 * and drives the energy down.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anneal, neighbour } from '../../src/check/anneal.js';
import { resolveFaultSpace } from '../../src/check/fault-space.js';
import type { Judgement } from '../../src/check/judge.js';
import { inDomain, scheduleArbitrary, type RawSchedule } from '../../src/check/schedule.js';
import { RngStream } from '../../src/engine/rng.js';
import { scenario } from './helpers.js';

const space = resolveFaultSpace(
  scenario({ faultSpace: { kinds: { crash: { for: ['1s', '10s'] }, hang: { for: ['1s', '5s'], size: [1, 2] } }, maxFaults: 3, grid: '250ms' } }),
);
const arbitrary = scheduleArbitrary(space);
/** One fault of one kind: a start is one of five moves, so a descent on it is short. */
const single = resolveFaultSpace(scenario({ faultSpace: { kinds: { crash: { for: ['1s', '10s'] } }, maxFaults: 1, grid: '250ms' } }));

/** Energy: how far the first fault starts from slot 70 (margin 0.05 per slot), negative exactly there. */
function judged(value: RawSchedule): Judgement {
  const margin = Math.abs(value.faults[0]!.at - 70) / 20 - 0.01;
  return { holds: margin >= 0, margin, guarantees: [{ name: 'g', holds: margin >= 0, margin, judged: 1, violations: margin < 0 ? 1 : 0, worst: null }] };
}

function run(seed: string, strategy: 'anneal' | 'hillclimb', budget: number, within = space) {
  const values = fc.sample(scheduleArbitrary(within), { seed: 3, numRuns: 50 });
  let fresh = 0;
  const proposals: RawSchedule[] = [];
  let found: number | undefined;
  const done = anneal({
    space: within,
    budget,
    chains: 4,
    strategy,
    guarantees: ['g'],
    seeds: () => values.slice(0, 4).map((value) => ({ value, judgement: judged(value) })),
    fresh: () => values[4 + (fresh++ % 46)]!,
    rng: new RngStream(seed),
    judge: async (batch) => {
      expect(batch.length).toBeLessThanOrEqual(4);
      return batch.map(judged);
    },
    onRun: (value, judgement, runIndex) => {
      proposals.push(value);
      if (!judgement.holds) {
        found = runIndex;
        return false;
      }
      return true;
    },
  });
  return { done, proposals, found: () => found };
}

describe('neighbour', () => {
  it('stays in the arbitrary’s domain (property)', () => {
    fc.assert(
      fc.property(arbitrary, fc.string(), (value, seed) => {
        const rng = new RngStream(seed);
        let v = value;
        for (let i = 0; i < 20; i++) {
          v = neighbour(v, space, rng, { start: 9000, end: 19_000 });
          expect(inDomain(v, space)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('anneal', () => {
  it('keeps to its budget and stops when told', async () => {
    const a = run('a', 'anneal', 37);
    expect(await a.done).toBeLessThanOrEqual(37);
    expect(a.proposals.length).toBe(await a.done);
  });

  it('is deterministic for its random stream', async () => {
    const a = run('same', 'anneal', 60);
    const b = run('same', 'anneal', 60);
    await Promise.all([a.done, b.done]);
    expect(b.proposals).toEqual(a.proposals);
  });

  it.each(['anneal', 'hillclimb'] as const)('%s drives the energy down towards the target', async (strategy) => {
    const seedsBest = Math.min(...fc.sample(scheduleArbitrary(single), { seed: 3, numRuns: 4 }).map((v) => judged(v).margin));
    const lowest: number[] = [];
    let found = 0;
    for (const seed of ['1', '2', '3', '4', '5']) {
      const r = run(seed, strategy, 400, single);
      await r.done;
      lowest.push(Math.min(...r.proposals.map((v) => judged(v).margin)));
      if (r.found() !== undefined) found++;
    }
    // The seeds start 25 slots from the one start that breaks it (margin 1.24); 100 steps per chain, a quarter of
    // them moving the start by 1–8 slots: every stream closes most of the gap, most reach the slot itself.
    for (const m of lowest) expect(m).toBeLessThan(seedsBest - 0.75);
    expect(found).toBeGreaterThanOrEqual(3);
  });
});
