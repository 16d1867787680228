/**
 * `meshsim check`: searches a scenario's fault space for the smallest schedule that breaks its
 * SLO, after ../shared/reference/guarantee-search.md §5:
 *
 * 1. baseline: the run without faults. If it already breaks the SLO, the configuration is to
 *    blame, not a fault: that is the counterexample, with no faults.
 * 2. random + swarm (phase A): `runs · (1 − targeted)` schedules drawn by fast-check from the
 *    search seed (`fc.sample`, the very values `fc.check` would draw), judged in batches in
 *    draw order; the first that breaks the SLO stops the phase.
 * 3. targeted (phase B, only when A found nothing): simulated annealing from A's lowest-margin
 *    schedules (anneal.ts) for the rest of the budget.
 * 4. shrink (phase C): the violating value goes back to fast-check, `fc.check` with the same
 *    seed and the run's path (phase A) or as its only `examples` entry (phase B), so fast-check
 *    shrinks it and reports a replay path. Then a check that removing any one fault makes the
 *    SLO hold, removing faults until it does (1-minimality), and a re-judgement under
 *    `robustness` other simulation seeds (replications 1, 2, …).
 *
 * Determinism: every value comes from the search seed, every batch is consumed in draw order
 * and stops at the same run, and results never depend on where a simulation ran; so the same
 * scenario and seed give the same outcome for any number of worker threads. Wall-clock limits
 * and Ctrl-C are the exceptions: an outcome they cut short says `deterministic: false`.
 */
import fc from 'fast-check';
import { streamFactory } from '../engine/rng.js';
import type { FaultSpec, Scenario } from '../scenario/schema.js';
import { scenarioSlo } from '../slo/plan.js';
import type { SloObjective } from '../slo/objective.js';
import { anneal, type AnnealSeed } from './anneal.js';
import { CoverageRecorder, type CoverageReport, type Finding } from './coverage.js';
import { enabledKinds, materialise, resolveFaultSpace } from './fault-space.js';
import { JudgeCache } from './judge-cache.js';
import type { JudgeRunner, JudgeTask, Judgement } from './judge.js';
import { scheduleArbitrary, type RawSchedule } from './schedule.js';
import { searchSettings, type CheckPhase, type SearchSpec } from './schema.js';

export type CheckStatus = 'violated' | 'held' | 'inconclusive';
export type ProgressPhase = 'baseline' | 'random' | 'targeted' | 'shrink' | 'minimality' | 'robustness' | 'replay';

export interface CheckProgress {
  readonly phase: ProgressPhase;
  readonly done: number;
  readonly total: number;
  /** The least SLO margin seen so far. */
  readonly bestMargin: number;
}

export interface CheckOptions {
  /** Where simulations run (this thread, worker threads). */
  readonly runner: JudgeRunner;
  /** Schedules judged at once, e.g. twice the worker threads; never changes the outcome. */
  readonly batch?: number;
  /** Wall clock in ms, for `search.timeLimit` and `shrinkTimeLimit` (the CLI passes one; without it they are not enforced). */
  readonly clock?: () => number;
  /** Stops the search (Ctrl-C); what was found so far is kept. */
  readonly stop?: AbortSignal;
  readonly onProgress?: (progress: CheckProgress) => void;
  /** Replays a fast-check path (with the search seed) instead of searching. */
  readonly path?: string;
  /** false: report the first violating schedule as found (`--no-shrink`). */
  readonly shrink?: boolean;
  /** Judges the scenario's own `faults:` instead of searching (`--replay`). */
  readonly replay?: boolean;
}

export interface ShrinkReport {
  /** Accepted shrink steps (fast-check's numShrinks). */
  readonly steps: number;
  /** Candidates judged. */
  readonly runs: number;
  /** What cut shrinking short, if anything. */
  readonly stoppedBy: 'budget' | 'time' | 'signal' | null;
}

export interface RobustnessReport {
  /** Replications judged besides 0: 1 … seeds. */
  readonly seeds: number;
  readonly violating: number;
  readonly margins: readonly number[];
}

export interface Counterexample extends Finding {
  /** The objectives it violates, in SLO order. */
  readonly violated: readonly string[];
  /** fast-check's replay path with the search seed; phase B paths count from the example. */
  readonly path: string | null;
  /** The schedule as the search first found it, before shrinking. */
  readonly found: Finding;
  readonly shrink: ShrinkReport | null;
  /** Whether removing any one fault makes the SLO hold; null when not checked (interrupted). */
  readonly oneMinimal: boolean | null;
  /** Faults removed after fast-check's shrinking to reach 1-minimality. */
  readonly removedAfterShrink: number;
  readonly robustness: RobustnessReport | null;
}

export interface SearchReport {
  readonly seed: number;
  readonly settings: SearchSpec;
  readonly runs: { readonly baseline: number; readonly random: number; readonly targeted: number; readonly shrink: number; readonly minimality: number; readonly robustness: number };
  /** Distinct (schedule, seed) pairs simulated. */
  readonly distinctSchedules: number;
  readonly interrupted: boolean;
  readonly interruptedBy: 'time' | 'signal' | null;
  /** False when a wall-clock limit or Ctrl-C cut something short: the outcome may differ on another machine. */
  readonly deterministic: boolean;
}

export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly objectives: readonly SloObjective[];
  readonly baseline: Judgement;
  readonly counterexample: Counterexample | null;
  /** The lowest-margin schedule the search judged (null without a search). */
  readonly worst: Finding | null;
  readonly worstPerGuarantee: ReadonlyMap<string, Finding>;
  readonly coverage: CoverageReport | null;
  /** Rule of three: no violation in n independent random draws ⇒ P(violation) ≤ 3/n at 95 %; null after one. */
  readonly violationRateUpper95: number | null;
  readonly search: SearchReport;
}

/** Lowest-margin schedules kept per guarantee for the targeted phase. */
const SEEDS_PER_GUARANTEE = 8;
/** Annealing chains stepping in lockstep (a fixed number, so the thread count never matters). */
const CHAINS = 4;

/**
 * The values fast-check draws from the search seed, in order and one at a time: `fc.sample`
 * with a path offset continues the very stream `fc.check` would walk, so the index of a value
 * is its fast-check run number (the first number of a replay path).
 */
class Draws {
  private buffer: RawSchedule[] = [];
  private offset = 0;
  private position = 0;

  constructor(
    private readonly arbitrary: fc.Arbitrary<RawSchedule>,
    private readonly seed: number,
  ) {}

  next(): { value: RawSchedule; index: number } {
    if (this.position === this.buffer.length) {
      this.offset += this.buffer.length;
      this.buffer = fc.sample(this.arbitrary, { seed: this.seed, path: String(this.offset), numRuns: DRAW_CHUNK });
      this.position = 0;
    }
    return { value: this.buffer[this.position]!, index: this.offset + this.position++ };
  }
}

/** Values drawn from fast-check at a time. */
const DRAW_CHUNK = 256;

/** Thrown out of a fast-check predicate to be rethrown after `fc.check`, so an error never passes for a failing candidate. */
class Deferred {
  error: unknown = undefined;
  failed = false;
}

export async function checkScenario(scenario: Scenario, options: CheckOptions): Promise<CheckOutcome> {
  const objectives = scenarioSlo(scenario).objectives;
  const settings = searchSettings(scenario.search);
  const seed = settings.seed ?? scenario.seed;
  const batch = Math.max(1, Math.floor(options.batch ?? 1));
  const cache = new JudgeCache(options.runner);
  const clock = options.clock;
  const startedAt = clock?.() ?? 0;
  const runs = { baseline: 0, random: 0, targeted: 0, shrink: 0, minimality: 0, robustness: 0 };
  let interruptedBy: 'time' | 'signal' | null = null;
  let bestMargin = Infinity;

  const interruption = (): 'time' | 'signal' | null => {
    if (interruptedBy !== null) return interruptedBy;
    if (options.stop?.aborted) interruptedBy = 'signal';
    else if (settings.timeLimit !== undefined && clock !== undefined && clock() - startedAt >= settings.timeLimit) interruptedBy = 'time';
    return interruptedBy;
  };
  const progress = (phase: ProgressPhase, done: number, total: number) => options.onProgress?.({ phase, done, total, bestMargin });
  const judgeAll = async (tasks: readonly JudgeTask[]): Promise<Judgement[]> => {
    const results = await cache.judge(tasks);
    tasks.forEach((t, i) => {
      cache.remember(t, results[i]!);
      bestMargin = Math.min(bestMargin, results[i]!.margin);
    });
    return results;
  };
  const judgeOne = async (faults: readonly FaultSpec[], replication = 0) => (await judgeAll([{ faults, replication }]))[0]!;
  const violatedNames = (j: Judgement) => j.guarantees.filter((g) => !g.holds).map((g) => g.name);

  const report = (): SearchReport => ({
    seed,
    settings,
    runs: { ...runs },
    distinctSchedules: cache.size,
    interrupted: interruptedBy !== null,
    interruptedBy,
    deterministic: interruptedBy === null && shrinkStoppedByTime === false,
  });
  let shrinkStoppedByTime = false;

  /** Robustness and the outcome of a counterexample already shrunk. */
  const finishCounterexample = async (
    shrunk: Finding,
    found: Finding,
    path: string | null,
    shrink: ShrinkReport | null,
    minimality: { oneMinimal: boolean | null; removed: number },
  ): Promise<Counterexample> => {
    let robustness: RobustnessReport | null = null;
    if (settings.robustness > 0 && interruption() === null) {
      progress('robustness', 0, settings.robustness);
      const tasks = Array.from({ length: settings.robustness }, (_, i) => ({ faults: shrunk.faults, replication: i + 1 }));
      const results = await judgeAll(tasks);
      runs.robustness += tasks.length;
      robustness = { seeds: tasks.length, violating: results.filter((r) => !r.holds).length, margins: results.map((r) => r.margin) };
    }
    return {
      ...shrunk,
      violated: violatedNames(shrunk.judgement),
      path,
      found,
      shrink,
      oneMinimal: minimality.oneMinimal,
      removedAfterShrink: minimality.removed,
      robustness,
    };
  };

  const outcome = (
    counterexample: Counterexample | null,
    baseline: Judgement,
    coverage: CoverageRecorder | null,
    violationRateUpper95: number | null,
  ): CheckOutcome => {
    const completed = runs.random + runs.targeted;
    const minRuns = settings.minRuns ?? settings.runs;
    const status: CheckStatus = counterexample !== null ? 'violated' : interruptedBy !== null && completed < minRuns ? 'inconclusive' : 'held';
    return {
      status,
      objectives,
      baseline,
      counterexample,
      worst: coverage?.worst() ?? null,
      worstPerGuarantee: coverage?.worstPerGuarantee() ?? new Map(),
      coverage: coverage?.report() ?? null,
      violationRateUpper95,
      search: report(),
    };
  };

  // --replay: the scenario's own faults, as written.
  if (options.replay) {
    progress('replay', 0, 1);
    const judgement = await judgeOne(scenario.faults);
    runs.baseline = 1;
    const finding: Finding = { faults: scenario.faults, judgement, phase: 'replay', runIndex: 0, value: null };
    const counterexample = judgement.holds ? null : await finishCounterexample(finding, finding, null, null, { oneMinimal: null, removed: 0 });
    return outcome(counterexample, judgement, null, null);
  }

  // 1. The baseline.
  progress('baseline', 0, 1);
  const baseline = await judgeOne([]);
  runs.baseline = 1;
  if (!baseline.holds) {
    const finding: Finding = { faults: [], judgement: baseline, phase: 'baseline', runIndex: 0, value: null };
    return outcome(await finishCounterexample(finding, finding, null, null, { oneMinimal: true, removed: 0 }), baseline, null, null);
  }

  if (scenario.faultSpace === undefined) throw new Error('internal error: checkScenario needs a scenario with faultSpace');
  const space = resolveFaultSpace(scenario);
  const arbitrary = scheduleArbitrary(space);
  const names = objectives.map((o) => o.name);
  const coverage = new CoverageRecorder(space, names, SEEDS_PER_GUARANTEE);
  const findingOf = (value: RawSchedule, judgement: Judgement, phase: CheckPhase, runIndex: number): Finding => ({
    faults: materialise(value, space),
    judgement,
    phase,
    runIndex,
    value,
  });

  /**
   * Phase C: fast-check shrinks the violating value (`params` place it: a path into the seeded
   * stream, or an example), then faults are removed until each one is needed.
   */
  const shrinkAndFinish = async (found: Finding, params: { path?: string; examples?: [RawSchedule][] }): Promise<Counterexample> => {
    const shrinking = options.shrink !== false;
    const shrinkStarted = clock?.() ?? 0;
    let candidates = -1; // the first call re-judges the found value itself
    let stoppedBy: ShrinkReport['stoppedBy'] = null;
    const deferred = new Deferred();
    const predicate = async (value: RawSchedule): Promise<boolean> => {
      if (deferred.failed) return true;
      if (candidates >= 0) {
        const stop = interruption();
        const outOfTime = settings.shrinkTimeLimit !== undefined && clock !== undefined && clock() - shrinkStarted >= settings.shrinkTimeLimit;
        if (stop !== null || outOfTime || candidates >= settings.shrinkRuns) {
          // Passing every remaining candidate makes fast-check end with the last failing value.
          stoppedBy ??= stop ?? (outOfTime ? 'time' : 'budget');
          return true;
        }
      }
      candidates++;
      try {
        const judgement = await judgeOne(materialise(value, space));
        if (candidates > 0) progress('shrink', candidates, settings.shrinkRuns);
        return judgement.holds;
      } catch (error) {
        deferred.failed = true;
        deferred.error = error;
        return true;
      }
    };
    const details = await fc.check(fc.asyncProperty(arbitrary, predicate), {
      seed,
      numRuns: 1,
      verbose: 0,
      endOnFailure: !shrinking,
      ...(params.path !== undefined && { path: params.path }),
      ...(params.examples !== undefined && { examples: params.examples }),
    });
    if (deferred.failed) throw deferred.error;
    if (!details.failed || details.counterexample === null) {
      throw new Error(`internal error: fast-check did not reproduce the violation of ${found.phase} run ${found.runIndex} (search seed ${seed})`);
    }
    runs.shrink += Math.max(0, candidates);
    if (stoppedBy === 'time') shrinkStoppedByTime = true;
    const shrunkValue = details.counterexample[0];
    let current: Finding = { ...findingOf(shrunkValue, await judgeOne(materialise(shrunkValue, space)), found.phase, found.runIndex) };
    const shrink: ShrinkReport = { steps: details.numShrinks, runs: Math.max(0, candidates), stoppedBy };

    // 1-minimality: drop any fault without which the SLO is still broken, until none is.
    let oneMinimal: boolean | null = null;
    let removed = 0;
    if (shrinking && interruption() === null) {
      for (;;) {
        const without = current.faults.map((_, i) => current.faults.filter((__, j) => j !== i));
        progress('minimality', 0, without.length);
        const results = await judgeAll(without.map((faults) => ({ faults, replication: 0 })));
        runs.minimality += without.length;
        const still = results.findIndex((r) => !r.holds);
        if (still < 0) {
          oneMinimal = true;
          break;
        }
        current = { ...current, faults: without[still]!, judgement: results[still]!, value: null };
        removed++;
        if (interruption() !== null) break;
      }
    }
    return finishCounterexample(current, found, details.counterexamplePath, shrink, { oneMinimal, removed });
  };

  // --path: replay a phase-A (or phase-C) fast-check run to its value.
  if (options.path !== undefined) {
    const runIndex = Number(options.path.split(':')[0]);
    const value = fc.sample(arbitrary, { seed, path: options.path, numRuns: 1 })[0]!;
    const judgement = await judgeOne(materialise(value, space));
    const finding = findingOf(value, judgement, 'random', runIndex);
    const counterexample = judgement.holds
      ? null
      : await finishCounterexample(finding, finding, options.path, null, { oneMinimal: null, removed: 0 });
    return outcome(counterexample, baseline, null, null);
  }

  // 2. Phase A: random + swarm.
  const strategy = settings.strategy;
  const targetedRuns = strategy === 'off' ? 0 : Math.round(settings.runs * settings.targeted);
  const randomRuns = settings.runs - targetedRuns;
  const draws = new Draws(arbitrary, seed);
  let found: Finding | null = null;
  let foundAt = -1;
  progress('random', 0, randomRuns);
  while (runs.random < randomRuns && found === null && interruption() === null) {
    // Draws whose every fault is of a kind the swarm flags turned off are the baseline again: skipped.
    const slice: Array<{ value: RawSchedule; faults: FaultSpec[]; index: number }> = [];
    while (slice.length < Math.min(batch, randomRuns - runs.random)) {
      const { value, index } = draws.next();
      const faults = materialise(value, space);
      if (faults.length > 0) slice.push({ value, faults, index });
    }
    const results = await cache.judge(slice.map((x) => ({ faults: x.faults, replication: 0 })));
    for (let j = 0; j < slice.length; j++) {
      const finding: Finding = { faults: slice[j]!.faults, judgement: results[j]!, phase: 'random', runIndex: runs.random, value: slice[j]!.value };
      cache.remember({ faults: finding.faults, replication: 0 }, finding.judgement);
      bestMargin = Math.min(bestMargin, finding.judgement.margin);
      coverage.record(finding, enabledKinds(finding.value!, space));
      runs.random++;
      if (!finding.judgement.holds) {
        found = finding;
        foundAt = slice[j]!.index;
        break;
      }
    }
    progress('random', runs.random, randomRuns);
  }
  const upper95 = found === null && runs.random > 0 ? 3 / runs.random : null;
  if (found !== null) return outcome(await shrinkAndFinish(found, { path: String(foundAt) }), baseline, coverage, null);

  // 3. Phase B: targeted.
  if (strategy !== 'off' && targetedRuns > 0 && interruption() === null) {
    // Restarts draw fresh values from the same seeded stream, after those phase A tried.
    const fresh = () => {
      for (;;) {
        const { value } = draws.next();
        if (materialise(value, space).length > 0) return value;
      }
    };
    const seeds = (guarantee: string): AnnealSeed[] =>
      coverage.topPerGuarantee(guarantee).map((f) => ({ value: f.value!, judgement: f.judgement }));
    progress('targeted', 0, targetedRuns);
    await anneal({
      space,
      budget: targetedRuns,
      chains: CHAINS,
      strategy,
      guarantees: names,
      seeds,
      fresh,
      rng: streamFactory(seed, 0)('check/anneal'),
      judge: (batchValues) => cache.judge(batchValues.map((v) => ({ faults: materialise(v, space), replication: 0 }))),
      onRun: (value, judgement, runIndex) => {
        const finding = findingOf(value, judgement, 'targeted', runIndex);
        cache.remember({ faults: finding.faults, replication: 0 }, judgement);
        bestMargin = Math.min(bestMargin, judgement.margin);
        coverage.record(finding, enabledKinds(value, space));
        runs.targeted++;
        progress('targeted', runs.targeted, targetedRuns);
        if (!judgement.holds) {
          found = finding;
          return false;
        }
        return interruption() === null;
      },
    });
  }
  if (found !== null) {
    const targeted: Finding = found;
    return outcome(await shrinkAndFinish(targeted, { examples: [[targeted.value!]] }), baseline, coverage, upper95);
  }
  return outcome(null, baseline, coverage, upper95);
}

