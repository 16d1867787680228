/**
 * The search loop end to end in-process: same outcome whatever the batch size (the thread
 * count), replay by fast-check path, 1-minimal counterexamples, budgets, interruptions and the
 * phases' hand-offs, on small planted scenarios (milliseconds per simulation).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { materialise, resolveFaultSpace } from '../../src/check/fault-space.js';
import { inProcessJudge, judgeSchedule, type JudgeRunner } from '../../src/check/judge.js';
import { scheduleArbitrary } from '../../src/check/schedule.js';
import { checkScenario, type CheckOutcome } from '../../src/check/search.js';
import { formatCheckJson } from '../../src/output/check-json.js';
import { resolveScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { CRASH_WITHOUT_EJECTION, RETRY_STORM, SLOW_HEALTH_CHECK, knownSafe } from '../../src/validation/search-checks.js';

function withSearch(s: Scenario, search: Record<string, unknown>): Scenario {
  return resolveScenario({ ...s, search: { ...s.search, ...search } }).scenario;
}

async function check(s: Scenario, options: Partial<Parameters<typeof checkScenario>[1]> = {}): Promise<CheckOutcome> {
  return checkScenario(s, { runner: inProcessJudge(s), ...options });
}

const json = (o: CheckOutcome, s: Scenario) => formatCheckJson(o, { scenario: s.name, file: 'x.yaml', seed: s.seed });

/** Judges a batch in parallel promises, completing in reverse order: results must still land in place. */
function shuffledRunner(s: Scenario): JudgeRunner {
  return async (tasks) => {
    const results = tasks.map((t) => judgeSchedule(s, t));
    await new Promise((resolve) => setImmediate(resolve));
    return results;
  };
}

describe('checkScenario', () => {
  it('gives byte-identical results for any batch size, violated or held', async () => {
    for (const s of [withSearch(CRASH_WITHOUT_EJECTION, { seed: 6 }), withSearch(knownSafe(60), { strategy: 'anneal', seed: 2 })]) {
      const texts = [];
      for (const batch of [1, 3, 8]) texts.push(json(await checkScenario(s, { runner: shuffledRunner(s), batch }), s));
      expect(texts[1]).toBe(texts[0]);
      expect(texts[2]).toBe(texts[0]);
    }
  });

  it('shrinks a random-phase find through fast-check, whose path replays to the same schedule', async () => {
    const s = withSearch(SLOW_HEALTH_CHECK, { seed: 4 });
    const o = await check(s);
    const c = o.counterexample!;
    expect(o.status).toBe('violated');
    expect(c.phase).toBe('random');
    expect(c.shrink!.steps).toBeGreaterThan(0);
    expect(c.faults).toEqual([{ kind: 'hang', instance: 0, at: 5000, for: 16_000 }]);
    // fast-check itself, from the seed and the path, with endOnFailure: the very value.
    const space = resolveFaultSpace(s);
    const arbitrary = scheduleArbitrary(space);
    const replayed = fc.check(fc.property(arbitrary, (v) => judgeSchedule(s, { faults: materialise(v, space), replication: 0 }).holds), {
      seed: o.search.seed,
      path: c.path!,
      endOnFailure: true,
    });
    expect(replayed.counterexample![0]).toEqual(c.value);
    // And the search's own --path replay.
    const again = await check(s, { path: c.path! });
    expect(again.counterexample!.faults).toEqual(c.faults);
    expect(again.counterexample!.judgement.margin).toBe(c.judgement.margin);
  });

  it('hands a targeted-phase find to fast-check as an example, and records the value it found', async () => {
    // Two random draws, then annealing: with these seeds phase A holds and phase B breaks it.
    const s = withSearch(SLOW_HEALTH_CHECK, { runs: 40, targeted: 0.95, seed: 1 });
    const o = await check(s);
    expect(o.search.runs.random).toBe(2);
    expect(o.counterexample!.phase).toBe('targeted');
    expect(o.counterexample!.path).toMatch(/^0(:\d+)*$/);
    expect(o.counterexample!.found.value).not.toBeNull();
    expect(o.counterexample!.faults).toEqual([{ kind: 'hang', instance: 0, at: 5000, for: 16_000 }]);
    expect(o.violationRateUpper95).toBe(3 / 2);
  });

  it('makes every counterexample 1-minimal: removing any one fault makes the SLO hold (property over seeds)', async () => {
    for (const [s, seeds] of [
      [RETRY_STORM, [1, 2, 3, 4]],
      [CRASH_WITHOUT_EJECTION, [1, 2]],
    ] as const) {
      for (const seed of seeds) {
        const scenario = withSearch(s, { seed });
        const c = (await check(scenario)).counterexample!;
        expect(c.oneMinimal).toBe(true);
        for (let i = 0; i < c.faults.length; i++) {
          const without = c.faults.filter((_, j) => j !== i);
          expect(judgeSchedule(scenario, { faults: without, replication: 0 }).holds, `${scenario.name} seed ${seed} without fault ${i}`).toBe(true);
        }
        expect(judgeSchedule(scenario, { faults: c.faults, replication: 0 }).holds).toBe(false);
      }
    }
  });

  it('re-judges the counterexample under other simulation seeds', async () => {
    const c = (await check(withSearch(CRASH_WITHOUT_EJECTION, { seed: 1, robustness: 4 }))).counterexample!;
    expect(c.robustness!.seeds).toBe(4);
    expect(c.robustness!.margins).toHaveLength(4);
    expect(c.robustness!.violating).toBe(c.robustness!.margins.filter((m) => m < 0).length);
  });

  it('stops shrinking at shrinkRuns with a schedule that still breaks the SLO', async () => {
    const s = withSearch(SLOW_HEALTH_CHECK, { seed: 4, shrinkRuns: 3 });
    const c = (await check(s)).counterexample!;
    expect(c.shrink).toMatchObject({ runs: 3, stoppedBy: 'budget' });
    expect(judgeSchedule(s, { faults: c.faults, replication: 0 }).holds).toBe(false);
  });

  it('reports the first violating schedule unshrunk without shrinking', async () => {
    const o = await check(withSearch(SLOW_HEALTH_CHECK, { seed: 4 }), { shrink: false });
    expect(o.counterexample!.faults).toEqual(o.counterexample!.found.faults);
    expect(o.counterexample!.shrink!.steps).toBe(0);
    expect(o.counterexample!.oneMinimal).toBeNull();
  });

  it('is inconclusive when stopped before its runs, and keeps what it had', async () => {
    const stop = new AbortController();
    stop.abort();
    const o = await check(withSearch(CRASH_WITHOUT_EJECTION, {}), { stop: stop.signal });
    expect(o).toMatchObject({ status: 'inconclusive', counterexample: null });
    expect(o.search).toMatchObject({ interrupted: true, interruptedBy: 'signal', deterministic: false, runs: { baseline: 1, random: 0 } });
  });

  it('stops at the time limit by the injected clock; held when minRuns were done', async () => {
    let now = 0;
    const clock = () => (now += 10);
    const s = withSearch(knownSafe(100), { timeLimit: '300ms', minRuns: 5 });
    const o = await check(s, { clock });
    expect(o.search.interruptedBy).toBe('time');
    expect(o.search.runs.random).toBeGreaterThanOrEqual(5);
    expect(o.search.runs.random).toBeLessThan(100);
    expect(o.status).toBe('held');
  });

  it('judges a scenario’s own faults on --replay', async () => {
    const s = resolveScenario({ ...CRASH_WITHOUT_EJECTION, faults: [{ kind: 'crash', instance: 1, at: '10s', for: '2s' }] }).scenario;
    const o = await check(s, { replay: true });
    expect(o.status).toBe('violated');
    expect(o.counterexample!.faults).toEqual(s.faults);
    expect(o.counterexample!.phase).toBe('replay');
  });
});

describe('margins of judged schedules', () => {
  it('are negative exactly when violated, and loosening the SLO never breaks a schedule that held (metamorphic property)', () => {
    const s = SLOW_HEALTH_CHECK;
    const loose = resolveScenario({ ...s, slo: ['detection.timeToEject <= 25s per fault'] }).scenario;
    const space = resolveFaultSpace(s);
    fc.assert(
      fc.property(scheduleArbitrary(space), (value) => {
        const faults = materialise(value, space);
        const tight = judgeSchedule(s, { faults, replication: 0 });
        const relaxed = judgeSchedule(loose, { faults, replication: 0 });
        expect(tight.holds).toBe(tight.margin >= 0);
        for (const g of tight.guarantees) expect(g.holds).toBe(g.margin >= 0);
        if (tight.holds) expect(relaxed.holds).toBe(true);
        expect(relaxed.margin).toBeGreaterThanOrEqual(tight.margin);
      }),
      { numRuns: 40 },
    );
  });
});
