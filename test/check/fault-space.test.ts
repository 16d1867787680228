/**
 * Materialising raw schedules: every value of the arbitrary becomes a valid, clamped schedule
 * (property), and each clamping rule does what the module header says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enabledKinds, materialise, resolveFaultSpace } from '../../src/check/fault-space.js';
import { maxConcurrent } from '../../src/check/coverage.js';
import { LEVELS, scheduleArbitrary, type RawFault } from '../../src/check/schedule.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { scenario } from './helpers.js';

const SPACE = {
  kinds: {
    crash: { for: ['1s', '10s'] },
    slow: { for: ['2s', '6s'], factor: [2, 12] },
    errors: { for: '3s', rate: [0.2, 1], size: [1, 3] },
    crashloop: { for: ['5s', '8s'], uptime: ['1s', '3s'] },
    partition: { for: '2s', path: 'data' },
    zone: { for: ['1s', '4s'] },
  },
  maxFaults: 4,
  maxConcurrent: 2,
  grid: '500ms',
  settle: '6s',
};
const ZONED = { service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' }, overrides: [{ instances: [2, 3], zone: 'b' }] } };

function raw(extra: Partial<RawFault>): RawFault {
  return { kind: 'crash', target: 0, at: 0, len: 0, level: 0, width: 0, ...extra };
}

describe('resolveFaultSpace', () => {
  it('turns ranges into slots on the grid', () => {
    const space = resolveFaultSpace(scenario({ ...ZONED, faultSpace: SPACE }));
    expect(space.earliest).toBe(5000);
    expect(space.settleEnd).toBe(24_000);
    // Latest default start: 30 s − 6 s settle − the shortest fault (1 s) = 23 s, i.e. 36 half-second slots after 5 s.
    expect(space.startSlots).toBe(36);
    expect(space.lengthSlots).toBe(18); // crash: (10 s − 1 s) / 500 ms
    expect(space.widthSlots).toBe(2);
    expect(space.zones).toEqual(['default', 'b']);
    expect(space.maxConcurrent).toBe(2);
  });
});

describe('materialise', () => {
  const s = scenario({ ...ZONED, faultSpace: SPACE });
  const space = resolveFaultSpace(s);
  const none = [false, false, false, false, false, false];

  it('lays a fault out on the grid, its length clamped to its kind’s range', () => {
    expect(materialise({ off: none, faults: [raw({ at: 3, len: 0 })] }, space)).toEqual([{ kind: 'crash', instance: 0, at: 6500, for: 1000 }]);
    expect(materialise({ off: none, faults: [raw({ at: 3, len: 18 })] }, space)).toEqual([{ kind: 'crash', instance: 0, at: 6500, for: 10_000 }]);
    // slow lasts 2–6 s: 1 s + 4 steps of 500 ms is 3 s, 1 s + 18 steps is cut to 6 s, 1 s to 2 s.
    expect(materialise({ off: none, faults: [raw({ kind: 'slow', len: 4, level: LEVELS / 2 })] }, space)).toEqual([{ kind: 'slow', instance: 0, at: 5000, for: 3000, factor: 7 }]);
    expect(materialise({ off: none, faults: [raw({ kind: 'slow', len: 18 })] }, space)[0]).toMatchObject({ for: 6000 });
    expect(materialise({ off: none, faults: [raw({ kind: 'slow', len: 0 })] }, space)[0]).toMatchObject({ for: 2000 });
  });

  it('keeps a fault’s length and width when it changes kind, where the new kind allows them (so it shrinks to a simpler kind)', () => {
    const as = (kind: string) => materialise({ off: none, faults: [raw({ kind, len: 6, width: 1, target: 1 })] }, space)[0];
    expect(as('errors')).toMatchObject({ instances: [1, 2], for: 3000 });
    expect(as('slow')).toMatchObject({ instance: 1, for: 4000 });
    expect(as('crash')).toMatchObject({ instance: 1, for: 4000 });
  });

  it('goes from the mildest intensity at level 0 to the harshest at the top', () => {
    const at = (kind: string, level: number) => materialise({ off: none, faults: [raw({ kind, level })] }, space)[0] as Record<string, unknown>;
    expect(at('slow', 0).factor).toBe(2);
    expect(at('slow', LEVELS).factor).toBe(12);
    expect(at('errors', 0).rate).toBe(0.2);
    expect(at('errors', LEVELS).rate).toBe(1);
    // The mildest crash loop runs longest between crashes.
    expect(at('crashloop', 0).uptime).toBe(3000);
    expect(at('crashloop', LEVELS).uptime).toBe(1000);
    expect(at('partition', 0).path).toBe('data');
  });

  it('hits `size` consecutive instances of the pool, and zone faults a zone of it', () => {
    expect(materialise({ off: none, faults: [raw({ kind: 'errors', target: 3, width: 2 })] }, space)[0]).toMatchObject({ instances: [0, 1, 3] });
    expect(materialise({ off: none, faults: [raw({ kind: 'zone', target: 1 })] }, space)[0]).toEqual({ kind: 'zone', zone: 'b', at: 5000, for: 1000 });
  });

  it('ends every fault by the settle time, moving a late one earlier', () => {
    const [f] = materialise({ off: none, faults: [raw({ kind: 'slow', at: 36, len: 18 })] }, space);
    expect(f).toMatchObject({ at: 22_000, for: 2000 });
  });

  it('drops faults of kinds whose swarm flag is set, and a fault that overlaps another on its instance', () => {
    const two = [raw({ at: 0, len: 18 }), raw({ kind: 'slow', at: 2 })];
    expect(materialise({ off: none, faults: two }, space)).toHaveLength(1);
    expect(materialise({ off: [true, false, false, false, false, false], faults: two }, space)).toEqual([{ kind: 'slow', instance: 0, at: 6000, for: 2000, factor: 2 }]);
    expect(enabledKinds({ off: [true, true, true, true, true, true], faults: two }, space).size).toBe(0);
  });

  it('keeps at most maxConcurrent faults active at once', () => {
    const three = [raw({ target: 0, len: 18 }), raw({ target: 1, len: 18 }), raw({ target: 2, at: 4 })];
    expect(materialise({ off: none, faults: three }, space).map((f) => ('instance' in f ? f.instance : -1))).toEqual([0, 1]);
  });

  it('turns every value of the arbitrary into a schedule the scenario schema accepts (property)', () => {
    fc.assert(
      fc.property(scheduleArbitrary(space), (value) => {
        const faults = materialise(value, space);
        expect(faults.length).toBeLessThanOrEqual(space.maxFaults);
        expect(maxConcurrent(faults)).toBeLessThanOrEqual(space.maxConcurrent);
        for (const f of faults) {
          if (f.kind === 'random') throw new Error('no random faults');
          expect(f.at).toBeGreaterThanOrEqual(space.earliest);
          expect(f.at + f.for!).toBeLessThanOrEqual(space.settleEnd);
          expect(enabledKinds(value, space).has(f.kind)).toBe(true);
        }
        // Valid scenario data: the schema takes the faults as they are.
        expect(resolveScenario({ ...s, faults }).scenario.faults).toEqual(faults);
      }),
      { numRuns: 200 },
    );
  });
});
