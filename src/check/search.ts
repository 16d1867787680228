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
 *
 * Cost: at most 1 + runs + shrinkRuns + (faults of the shrunk schedule)² + robustness
 * simulations; a schedule met twice (a repeated draw, a shrink candidate already judged) is
 * simulated once.
 */
import fc from 'fast-check';
import { streamFactory } from '../engine/rng.js';
import type { FaultSpec, Scenario } from '../scenario/schema.js';
import { scenarioSlo } from '../slo/plan.js';
import type { SloObjective } from '../slo/objective.js';
import { anneal, type AnnealSeed } from './anneal.js';
import { CoverageRecorder, type CoverageReport, type Finding } from './coverage.js';
import { enabledKinds, materialise, resolveFaultSpace, type FaultSpace } from './fault-space.js';
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

/** Holds an error thrown inside a fast-check predicate, to rethrow after `fc.check`: an error must never pass for a failing candidate. */
interface DeferredError {
  error?: unknown;
}

/** Where fast-check finds a value to shrink: a path into the seeded stream (phase A) or an example (phase B). */
type ShrinkStart = { readonly path: string } | { readonly examples: [RawSchedule][] };

/** One search; `checkScenario` runs it. */
class Search {
  private readonly objectives: readonly SloObjective[];
  private readonly settings: SearchSpec;
  private readonly seed: number;
  private readonly batch: number;
  private readonly cache: JudgeCache;
  private readonly startedAt: number;
  private readonly runs = { baseline: 0, random: 0, targeted: 0, shrink: 0, minimality: 0, robustness: 0 };
  private interruptedBy: 'time' | 'signal' | null = null;
  private shrinkStoppedByTime = false;
  private bestMargin = Infinity;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: CheckOptions,
  ) {
    this.objectives = scenarioSlo(scenario).objectives;
    this.settings = searchSettings(scenario.search);
    this.seed = this.settings.seed ?? scenario.seed;
    this.batch = Math.max(1, Math.floor(options.batch ?? 1));
    this.cache = new JudgeCache(options.runner);
    this.startedAt = options.clock?.() ?? 0;
  }

  async run(): Promise<CheckOutcome> {
    if (this.options.replay) return this.replay();
    // 1. The baseline.
    this.progress('baseline', 0, 1);
    const baseline = await this.judgeOne([]);
    this.runs.baseline = 1;
    if (!baseline.holds) {
      const finding: Finding = { faults: [], judgement: baseline, phase: 'baseline', runIndex: 0, value: null };
      return this.outcome(await this.finish(finding, finding, null, null, { oneMinimal: true, removed: 0 }), baseline);
    }
    if (this.scenario.faultSpace === undefined) throw new Error('internal error: checkScenario needs a scenario with faultSpace');
    const space = resolveFaultSpace(this.scenario);
    const phases = new Phases(this, space);
    if (this.options.path !== undefined) return this.outcome(await phases.replayPath(this.options.path), baseline);
    const found = await phases.random();
    const coverage = phases.coverage;
    if (found !== null) return this.outcome(await phases.shrink(found.finding, { path: String(found.drawIndex) }), baseline, coverage, null);
    const upper95 = this.runs.random > 0 ? 3 / this.runs.random : null;
    const targeted = await phases.targeted();
    if (targeted !== null) return this.outcome(await phases.shrink(targeted, { examples: [[targeted.value!]] }), baseline, coverage, upper95);
    return this.outcome(null, baseline, coverage, upper95);
  }

  /** --replay: the scenario's own faults, as written. */
  private async replay(): Promise<CheckOutcome> {
    this.progress('replay', 0, 1);
    const judgement = await this.judgeOne(this.scenario.faults);
    this.runs.baseline = 1;
    const finding: Finding = { faults: this.scenario.faults, judgement, phase: 'replay', runIndex: 0, value: null };
    const counterexample = judgement.holds ? null : await this.finish(finding, finding, null, null, { oneMinimal: null, removed: 0 });
    return this.outcome(counterexample, judgement, null, null, finding);
  }

  interruption(): 'time' | 'signal' | null {
    if (this.interruptedBy !== null) return this.interruptedBy;
    const { clock, stop } = this.options;
    if (stop?.aborted) this.interruptedBy = 'signal';
    else if (this.settings.timeLimit !== undefined && clock !== undefined && clock() - this.startedAt >= this.settings.timeLimit) this.interruptedBy = 'time';
    return this.interruptedBy;
  }

  progress(phase: ProgressPhase, done: number, total: number): void {
    this.options.onProgress?.({ phase, done, total, bestMargin: this.bestMargin });
  }

  /** Judgements of `tasks` in order, remembered as consumed. */
  async judgeAll(tasks: readonly JudgeTask[]): Promise<Judgement[]> {
    const results = await this.cache.judge(tasks);
    tasks.forEach((t, i) => this.consume(t, results[i]!));
    return results;
  }

  /** Batch judgements that the caller consumes (and passes to `consume`) one by one, in order. */
  judgeBatch(tasks: readonly JudgeTask[]): Promise<Judgement[]> {
    return this.cache.judge(tasks);
  }

  consume(task: JudgeTask, judgement: Judgement): void {
    this.cache.remember(task, judgement);
    this.bestMargin = Math.min(this.bestMargin, judgement.margin);
  }

  async judgeOne(faults: readonly FaultSpec[], replication = 0): Promise<Judgement> {
    return (await this.judgeAll([{ faults, replication }]))[0]!;
  }

  get searchSeed(): number {
    return this.seed;
  }

  get budget(): SearchSpec {
    return this.settings;
  }

  get batchSize(): number {
    return this.batch;
  }

  get counts() {
    return this.runs;
  }

  get names(): string[] {
    return this.objectives.map((o) => o.name);
  }

  get shrinks(): boolean {
    return this.options.shrink !== false;
  }

  clock(): number | undefined {
    return this.options.clock?.();
  }

  shrinkStoppedBy(reason: ShrinkReport['stoppedBy']): void {
    if (reason === 'time') this.shrinkStoppedByTime = true;
  }

  /** Robustness, and the counterexample as reported. */
  async finish(
    shrunk: Finding,
    found: Finding,
    path: string | null,
    shrink: ShrinkReport | null,
    minimality: { oneMinimal: boolean | null; removed: number },
  ): Promise<Counterexample> {
    let robustness: RobustnessReport | null = null;
    const seeds = this.settings.robustness;
    if (seeds > 0 && this.interruption() === null) {
      this.progress('robustness', 0, seeds);
      const tasks = Array.from({ length: seeds }, (_, i) => ({ faults: shrunk.faults, replication: i + 1 }));
      const results = await this.judgeAll(tasks);
      this.runs.robustness += tasks.length;
      robustness = { seeds, violating: results.filter((r) => !r.holds).length, margins: results.map((r) => r.margin) };
    }
    return {
      ...shrunk,
      violated: shrunk.judgement.guarantees.filter((g) => !g.holds).map((g) => g.name),
      path,
      found,
      shrink,
      oneMinimal: minimality.oneMinimal,
      removedAfterShrink: minimality.removed,
      robustness,
    };
  }

  private outcome(
    counterexample: Counterexample | null,
    baseline: Judgement,
    coverage: CoverageRecorder | null = null,
    violationRateUpper95: number | null = null,
    worst: Finding | null = coverage?.worst() ?? null,
  ): CheckOutcome {
    const completed = this.runs.random + this.runs.targeted;
    const minRuns = this.settings.minRuns ?? this.settings.runs;
    const interrupted = this.interruptedBy !== null;
    return {
      status: counterexample !== null ? 'violated' : interrupted && completed < minRuns ? 'inconclusive' : 'held',
      objectives: this.objectives,
      baseline,
      counterexample,
      worst,
      worstPerGuarantee: coverage?.worstPerGuarantee() ?? new Map(),
      coverage: coverage?.report() ?? null,
      violationRateUpper95,
      search: {
        seed: this.seed,
        settings: this.settings,
        runs: { ...this.runs },
        distinctSchedules: this.cache.size,
        interrupted,
        interruptedBy: this.interruptedBy,
        deterministic: !interrupted && !this.shrinkStoppedByTime,
      },
    };
  }
}

/** The phases that draw from the fault space: random + swarm, targeted, shrinking, --path. */
class Phases {
  readonly coverage: CoverageRecorder;
  private readonly arbitrary: fc.Arbitrary<RawSchedule>;
  private readonly draws: Draws;

  constructor(
    private readonly search: Search,
    private readonly space: FaultSpace,
  ) {
    this.arbitrary = scheduleArbitrary(space);
    this.draws = new Draws(this.arbitrary, search.searchSeed);
    this.coverage = new CoverageRecorder(space, SEEDS_PER_GUARANTEE);
  }

  private finding(value: RawSchedule, judgement: Judgement, phase: CheckPhase, runIndex: number): Finding {
    return { faults: materialise(value, this.space), judgement, phase, runIndex, value };
  }

  private record(finding: Finding): void {
    this.search.consume({ faults: finding.faults, replication: 0 }, finding.judgement);
    this.coverage.record(finding, enabledKinds(finding.value!, this.space));
  }

  /** The next draw of the seeded stream that is not the baseline again (every fault turned off by its swarm flags). */
  private nextDraw(): { value: RawSchedule; faults: FaultSpec[]; index: number } {
    for (;;) {
      const { value, index } = this.draws.next();
      const faults = materialise(value, this.space);
      if (faults.length > 0) return { value, faults, index };
    }
  }

  private get targetedRuns(): number {
    const { strategy, runs, targeted } = this.search.budget;
    return strategy === 'off' ? 0 : Math.round(runs * targeted);
  }

  /** Phase A: draws judged in batches, consumed in draw order up to the first that breaks the SLO. */
  async random(): Promise<{ finding: Finding; drawIndex: number } | null> {
    const counts = this.search.counts;
    const total = this.search.budget.runs - this.targetedRuns;
    this.search.progress('random', 0, total);
    while (counts.random < total && this.search.interruption() === null) {
      const slice = Array.from({ length: Math.min(this.search.batchSize, total - counts.random) }, () => this.nextDraw());
      const results = await this.search.judgeBatch(slice.map((x) => ({ faults: x.faults, replication: 0 })));
      for (let j = 0; j < slice.length; j++) {
        const finding = this.finding(slice[j]!.value, results[j]!, 'random', counts.random++);
        this.record(finding);
        if (!finding.judgement.holds) return { finding, drawIndex: slice[j]!.index };
      }
      this.search.progress('random', counts.random, total);
    }
    return null;
  }

  /** Phase B: annealing for the rest of the budget; the first schedule that breaks the SLO. */
  async targeted(): Promise<Finding | null> {
    const budget = this.targetedRuns;
    const strategy = this.search.budget.strategy;
    if (strategy === 'off' || budget === 0 || this.search.interruption() !== null) return null;
    const counts = this.search.counts;
    let found: Finding | null = null;
    this.search.progress('targeted', 0, budget);
    await anneal({
      space: this.space,
      budget,
      chains: CHAINS,
      strategy,
      guarantees: this.search.names,
      seeds: (guarantee): AnnealSeed[] => this.coverage.topPerGuarantee(guarantee).map((f) => ({ value: f.value!, judgement: f.judgement })),
      // Restarts draw fresh values from the same seeded stream, after those phase A tried.
      fresh: () => this.nextDraw().value,
      rng: streamFactory(this.search.searchSeed, 0)('check/anneal'),
      judge: (values) => this.search.judgeBatch(values.map((v) => ({ faults: materialise(v, this.space), replication: 0 }))),
      onRun: (value, judgement, runIndex) => {
        const finding = this.finding(value, judgement, 'targeted', runIndex);
        this.record(finding);
        counts.targeted++;
        this.search.progress('targeted', counts.targeted, budget);
        if (!judgement.holds) {
          found = finding;
          return false;
        }
        return this.search.interruption() === null;
      },
    });
    return found;
  }

  /** --path: a fast-check run replayed to its value with the search seed. */
  async replayPath(path: string): Promise<Counterexample | null> {
    const value = fc.sample(this.arbitrary, { seed: this.search.searchSeed, path, numRuns: 1 })[0]!;
    const finding = this.finding(value, await this.search.judgeOne(materialise(value, this.space)), 'random', Number(path.split(':')[0]));
    return finding.judgement.holds ? null : this.search.finish(finding, finding, path, null, { oneMinimal: null, removed: 0 });
  }

  /**
   * Phase C: fast-check shrinks the violating value from where `start` places it, then faults
   * are removed until each one is needed.
   */
  async shrink(found: Finding, start: ShrinkStart): Promise<Counterexample> {
    const search = this.search;
    const { shrinkRuns, shrinkTimeLimit } = search.budget;
    const shrinkStarted = search.clock() ?? 0;
    let candidates = -1; // the first call re-judges the found value itself
    let stoppedBy: ShrinkReport['stoppedBy'] = null;
    const deferred: DeferredError = {};
    const predicate = async (value: RawSchedule): Promise<boolean> => {
      if ('error' in deferred) return true;
      if (candidates >= 0) {
        const stop = search.interruption();
        const now = search.clock();
        const outOfTime = shrinkTimeLimit !== undefined && now !== undefined && now - shrinkStarted >= shrinkTimeLimit;
        if (stop !== null || outOfTime || candidates >= shrinkRuns) {
          // Passing every remaining candidate makes fast-check end with the last failing value.
          stoppedBy ??= stop ?? (outOfTime ? 'time' : 'budget');
          return true;
        }
      }
      candidates++;
      try {
        const judgement = await search.judgeOne(materialise(value, this.space));
        if (candidates > 0) search.progress('shrink', candidates, shrinkRuns);
        return judgement.holds;
      } catch (error) {
        deferred.error = error;
        return true;
      }
    };
    const details = await fc.check(fc.asyncProperty(this.arbitrary, predicate), {
      seed: search.searchSeed,
      numRuns: 1,
      verbose: 0,
      endOnFailure: !search.shrinks,
      ...start,
    });
    if ('error' in deferred) throw deferred.error;
    if (!details.failed || details.counterexample === null) {
      throw new Error(`internal error: fast-check did not reproduce the violation of ${found.phase} run ${found.runIndex} (search seed ${search.searchSeed})`);
    }
    search.counts.shrink += Math.max(0, candidates);
    search.shrinkStoppedBy(stoppedBy);
    const value = details.counterexample[0];
    const shrunk = this.finding(value, await search.judgeOne(materialise(value, this.space)), found.phase, found.runIndex);
    const shrink: ShrinkReport = { steps: details.numShrinks, runs: Math.max(0, candidates), stoppedBy };
    const minimal = search.shrinks && search.interruption() === null ? await this.oneMinimal(shrunk) : { finding: shrunk, oneMinimal: null, removed: 0 };
    return search.finish(minimal.finding, found, details.counterexamplePath, shrink, minimal);
  }

  /** 1-minimality: drops any fault without which the SLO is still broken, until none is. */
  private async oneMinimal(shrunk: Finding): Promise<{ finding: Finding; oneMinimal: boolean | null; removed: number }> {
    let current = shrunk;
    for (let removed = 0; ; removed++) {
      const without = current.faults.map((_, i) => current.faults.filter((__, j) => j !== i));
      this.search.progress('minimality', 0, without.length);
      const results = await this.search.judgeAll(without.map((faults) => ({ faults, replication: 0 })));
      this.search.counts.minimality += without.length;
      const still = results.findIndex((r) => !r.holds);
      if (still < 0) return { finding: current, oneMinimal: true, removed };
      current = { ...current, faults: without[still]!, judgement: results[still]!, value: null };
      if (this.search.interruption() !== null) return { finding: current, oneMinimal: null, removed: removed + 1 };
    }
  }
}

/** The most simulations a check may run, phase by phase (the bound of the header's "Cost"). */
export interface SimulationBudget {
  readonly baseline: number;
  /** Random and targeted phases (`search.runs`), or the one run of a --path. */
  readonly search: number;
  readonly shrink: number;
  /** Dropping each fault of k, then of k − 1, …: k(k + 1)/2 for k = maxFaults. */
  readonly minimality: number;
  readonly robustness: number;
}

/** What `checkScenario` with these options may simulate at most, before it starts (the pre-run estimate). */
export function simulationBudget(scenario: Scenario, options: Pick<CheckOptions, 'path' | 'shrink' | 'replay'> = {}): SimulationBudget {
  const settings = searchSettings(scenario.search);
  const robustness = settings.robustness;
  if (options.replay) return { baseline: 1, search: 0, shrink: 0, minimality: 0, robustness };
  if (options.path !== undefined) return { baseline: 1, search: 1, shrink: 0, minimality: 0, robustness };
  const shrinks = options.shrink !== false;
  const k = scenario.faultSpace?.maxFaults ?? 0;
  return { baseline: 1, search: settings.runs, shrink: shrinks ? settings.shrinkRuns : 0, minimality: shrinks ? (k * (k + 1)) / 2 : 0, robustness };
}

export function checkScenario(scenario: Scenario, options: CheckOptions): Promise<CheckOutcome> {
  return new Search(scenario, options).run();
}
