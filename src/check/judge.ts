/**
 * One simulation of a fault schedule, judged against the scenario's SLO: the unit of work of
 * `meshsim check`, run in-process or on worker threads (src/cli/simulation-worker.ts). A pure
 * function of the scenario, the faults and the replication, so where it runs never changes
 * the result.
 */
import type { FaultSpec, Scenario } from '../scenario/schema.js';
import type { SimEvent } from '../sim/fault-tracker.js';
import { observeReplication, simulateReplicationDetailed } from '../sim/run-scenario.js';
import type { SimulationOptions } from '../sim/simulation.js';
import type { TimeSeriesRow } from '../sim/timeseries.js';
import { evaluateSlo, windowSeries, type JudgedUnit, type SloVerdict, type WindowPoint } from '../slo/evaluate.js';
import { scenarioSlo } from '../slo/plan.js';

/** A schedule to judge: the scenario's faults for this run, and which replication (simulation seed). */
export interface JudgeTask {
  readonly faults: readonly FaultSpec[];
  /** 0 is the scenario's own seed; robustness re-judges under 1, 2, … */
  readonly replication: number;
}

export interface GuaranteeJudgement {
  readonly name: string;
  readonly holds: boolean;
  readonly margin: number;
  readonly judged: number;
  readonly violations: number;
  readonly worst: JudgedUnit | null;
}

/** The verdict of one run, without the objectives themselves (the scenario has them). */
export interface Judgement {
  readonly holds: boolean;
  /** The least margin over the guarantees: negative exactly when one is violated. */
  readonly margin: number;
  readonly guarantees: readonly GuaranteeJudgement[];
}

/** The scenario with `faults` instead of its own. */
export function withFaults(scenario: Scenario, faults: readonly FaultSpec[]): Scenario {
  return { ...scenario, faults: [...faults] };
}

export function judgementOf(verdict: SloVerdict): Judgement {
  return {
    holds: verdict.holds,
    margin: verdict.margin,
    guarantees: verdict.guarantees.map((g) => ({
      name: g.name,
      holds: g.holds,
      margin: g.margin,
      judged: g.judged,
      violations: g.violations,
      worst: g.worst,
    })),
  };
}

/** Simulates `task` on `scenario` and judges it against the scenario's SLO. */
export function judgeSchedule(scenario: Scenario, task: JudgeTask, options: SimulationOptions = {}): Judgement {
  const run = withFaults(scenario, task.faults);
  const { observation } = observeReplication(run, task.replication, run.balancer, options);
  return judgementOf(evaluateSlo(scenarioSlo(run).objectives, observation));
}

/** A judgement with what the run recorded, for the files and the chart of the shown schedule. */
export interface DetailedJudgement {
  readonly judgement: Judgement;
  readonly events: readonly SimEvent[];
  readonly timeseries: readonly TimeSeriesRow[];
  /** Each per-window objective's windows, by objective name (plain data, so it crosses threads). */
  readonly windows: Readonly<Record<string, readonly WindowPoint[]>>;
}

/** `judgeSchedule` with events and time series recorded: the same judgement, as the run is the same. */
export function judgeScheduleDetailed(scenario: Scenario, task: JudgeTask, options: SimulationOptions = {}): DetailedJudgement {
  const run = withFaults(scenario, task.faults);
  const detailed = simulateReplicationDetailed(run, task.replication, run.balancer, options);
  const objectives = scenarioSlo(run).objectives;
  const windows: Record<string, readonly WindowPoint[]> = {};
  for (const o of objectives) if (typeof o.per === 'number') windows[o.name] = windowSeries(o, detailed.observation);
  return { judgement: judgementOf(evaluateSlo(objectives, detailed.observation)), events: detailed.events, timeseries: detailed.timeseries, windows };
}

/** Judges a batch of tasks somewhere (this thread, worker threads); results in task order. */
export type JudgeRunner = (tasks: readonly JudgeTask[], signal?: AbortSignal) => Promise<Judgement[]>;

/**
 * Runs tasks on this thread, one after another. Each first yields to the event loop, so a
 * signal handler (Ctrl-C), a progress bar and a time limit get their turn between simulations.
 */
export function inProcessJudge(scenario: Scenario, options: SimulationOptions = {}): JudgeRunner {
  return async (tasks, signal) => {
    const results: Judgement[] = [];
    for (const task of tasks) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw signal.reason;
      results.push(judgeSchedule(scenario, task, options));
    }
    return results;
  };
}

/** The cache key of a task: the faults as scenario data, and the replication. */
export function taskKey(task: JudgeTask): string {
  return `${task.replication}|${JSON.stringify(task.faults)}`;
}
