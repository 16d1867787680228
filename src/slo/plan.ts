/**
 * What a scenario's SLO asks of a run: its objectives (the default when the scenario has
 * none), the time step at which requests are counted, and whether latencies are kept per step.
 */
import { isProblem, parseObjectiveText, scopeKind, sliDefinition, type SloObjective } from './objective.js';

function parsed(text: string): SloObjective {
  const objective = parseObjectiveText(text);
  if (isProblem(objective)) throw new Error(`internal error: default objective ${text}: ${objective.expected}`);
  return objective;
}

/**
 * The SLO of a scenario without `slo:`: availability first, in every rolling 10 s window, the
 * commonest shape of a request-based SLO (a brief outage breaks it even when a long run's
 * overall availability would hide it).
 */
export const DEFAULT_SLO: readonly SloObjective[] = [parsed('availability >= 99.9% per 10s')];

export interface ScenarioSlo {
  readonly objectives: readonly SloObjective[];
  /** True when the scenario has no `slo:` and the default applies. */
  readonly isDefault: boolean;
}

export function scenarioSlo(scenario: { readonly slo?: readonly SloObjective[] | undefined }): ScenarioSlo {
  return scenario.slo === undefined ? { objectives: DEFAULT_SLO, isDefault: true } : { objectives: scenario.slo, isDefault: false };
}

/** Counts are kept per step of at most 1 s that divides every window, so rolling windows move by whole steps. */
const MAX_STEP = 1000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** What a run records for an SLO; computed once per objectives list (runs reuse it by the thousand). */
interface RecordingPlan {
  readonly step: number;
  readonly latency: boolean;
}

const plans = new WeakMap<readonly SloObjective[], RecordingPlan>();

function plan(objectives: readonly SloObjective[]): RecordingPlan {
  let p = plans.get(objectives);
  if (p === undefined) {
    let step = MAX_STEP;
    for (const o of objectives) if (typeof o.per === 'number') step = gcd(step, o.per);
    const latency = objectives.some((o) => sliDefinition(o.sli)?.measure === 'time' && scopeKind(o.per) !== 'fault');
    p = { step, latency };
    plans.set(objectives, p);
  }
  return p;
}

/** The recording step (ms): the greatest common divisor of 1 s and every window length. */
export function recordingStep(objectives: readonly SloObjective[]): number {
  return plan(objectives).step;
}

/** Whether latencies must be kept per step (a latency objective, over the run or per window). */
export function needsLatency(objectives: readonly SloObjective[]): boolean {
  return plan(objectives).latency;
}

/**
 * Steps of a span this long (ms), for the schema's bound on memory: each step keeps five
 * counters and, with latency objectives, a histogram.
 */
export function stepsOver(objectives: readonly SloObjective[], span: number): number {
  return Math.ceil(span / recordingStep(objectives));
}
