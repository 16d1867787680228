import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CrashLoopBackOff,
  DEFAULT_CRASH_LOOP_BACKOFF_CONFIG,
  resolveCrashLoopBackOffConfig,
  type CrashLoopBackOffConfig,
} from '../../src/recovery/crash-loop-backoff.js';

const SECOND = 1_000;

/** Exits after running `runs[i]` ms each time; returns the delays before each restart. */
function delays(backoff: CrashLoopBackOff, runs: number[], start = 0): number[] {
  let now = start;
  return runs.map((run) => {
    const exit = now + run;
    const restart = backoff.onExit(exit);
    now = restart;
    return restart - exit;
  });
}

describe('CrashLoopBackOff config', () => {
  it("has the kubelet's defaults: 10 s, 300 s, reset after 2 × max", () => {
    expect(resolveCrashLoopBackOffConfig()).toEqual({ initial: 10_000, max: 300_000, resetAfter: 600_000 });
    expect(resolveCrashLoopBackOffConfig({ max: 60_000 }).resetAfter).toBe(120_000);
    expect(resolveCrashLoopBackOffConfig({ max: 60_000, resetAfter: 5_000 }).resetAfter).toBe(5_000);
    expect(Object.isFrozen(DEFAULT_CRASH_LOOP_BACKOFF_CONFIG)).toBe(true);
  });

  it.each([[{ initial: 0 }], [{ max: -1 }], [{ resetAfter: Number.NaN }], [{ initial: Infinity }]])('rejects %o', (partial) => {
    expect(() => resolveCrashLoopBackOffConfig(partial as Partial<CrashLoopBackOffConfig>)).toThrow(RangeError);
  });
});

describe('CrashLoopBackOff', () => {
  it('restarts after 0, 10, 20, 40, 80, 160, 300, 300 s for a container that keeps crashing', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig());
    const got = delays(backoff, new Array<number>(10).fill(5 * SECOND));
    expect(got.map((ms) => ms / SECOND)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
    expect(backoff.restarts).toBe(10);
    expect(backoff.currentBackoff).toBe(300_000);
  });

  it('starts over after a run longer than 10 minutes since the last restart, not after exactly 10', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig());
    expect(delays(backoff, [1, 1, 1, 600_000]).map((ms) => ms / SECOND)).toEqual([0, 10, 20, 40]);
    expect(delays(backoff, [600_001, 1, 1], backoff.lastRestart).map((ms) => ms / SECOND)).toEqual([0, 10, 20]);
  });

  it('counts the run from the restart, so the back-off wait does not count as running', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig());
    backoff.onExit(0); // restart at 0
    expect(backoff.onExit(590_000)).toBe(600_000); // 10 s back-off; restart at 600 s
    // 11 minutes after the first exit but only 5 after the restart: still in the loop.
    expect(backoff.onExit(900_000) - 900_000).toBe(20_000);
  });

  it('counts the reset window from a later actual restart (onRestart)', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig());
    backoff.onExit(0);
    expect(backoff.onExit(1_000)).toBe(11_000);
    backoff.onRestart(100_000); // held back until 100 s
    expect(backoff.lastRestart).toBe(100_000);
    expect(backoff.onExit(650_000)).toBe(670_000); // 550 s after the real restart: no reset
  });

  it('uses the configured initial, max and reset window', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig({ initial: 1_000, max: 60_000 }));
    expect(delays(backoff, new Array<number>(9).fill(1)).map((ms) => ms / SECOND)).toEqual([0, 1, 2, 4, 8, 16, 32, 60, 60]);
    expect(delays(backoff, [120_001], backoff.lastRestart)).toEqual([0]);
  });

  it('waits max every time when max is below initial (KEP-4603)', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig({ max: 5_000 }));
    expect(delays(backoff, [1, 1, 1, 1])).toEqual([0, 5_000, 5_000, 5_000]);
  });

  it('refuses exits going back in time', () => {
    const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig());
    backoff.onExit(100);
    expect(() => backoff.onExit(50)).toThrow(/time went backwards/);
  });
});

describe('CrashLoopBackOff guarantees (properties)', () => {
  it('(c)15 delays follow 0, initial, 2·initial … capped at max, never above it, starting over after a run > resetAfter', () => {
    fc.assert(
      fc.property(
        fc.record({
          initial: fc.integer({ min: 1, max: 60_000 }),
          max: fc.integer({ min: 1, max: 600_000 }),
          resetAfter: fc.integer({ min: 1, max: 1_200_000 }),
        }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 2_000_000 })), { minLength: 1, maxLength: 60 }),
        (config, runs) => {
          const backoff = new CrashLoopBackOff(resolveCrashLoopBackOffConfig(config));
          let now = 0;
          let level = -1; // −1: no entry; k ≥ 0: the next delay is min(initial·2^k, max)
          for (const run of runs) {
            const exit = now + run;
            const expected = level < 0 || run > config.resetAfter ? 0 : Math.min(Math.min(config.initial, config.max) * 2 ** level, config.max);
            level = expected === 0 ? 0 : level + 1;
            const restart = backoff.onExit(exit);
            expect(restart - exit).toBe(expected);
            expect(restart - exit).toBeLessThanOrEqual(config.max);
            now = restart;
          }
        },
      ),
    );
  });
});
