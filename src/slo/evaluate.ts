/**
 * The SLO evaluator: a replication's observation in, for each objective whether it holds, its
 * margin, and where it was closest to breaking (or most broken). A pure function of plain data,
 * cheap enough to judge thousands of runs in one process.
 *
 * Scopes:
 * - over run: the SLI over every counted request;
 * - per window: rolling windows of the objective's length moved one recording step at a time
 *   (recordingStep: at most 1 s). Rolling rather than tumbling, because a tumbling grid lets
 *   an outage that straddles a boundary pass both halves, and a schedule moved by a few
 *   hundred ms would then flip the verdict: a verdict must not depend on where the grid falls.
 *   Every window must hold (OpenSLO Timeslices with every slice good). A window shorter than a
 *   whole one exists only when the span itself is shorter;
 * - per fault: each fault of the listed kinds that overlaps the counted span.
 * A window (or run) with fewer counted requests than `minRequests`, or whose SLI is undefined
 * (a latency with nothing answered), is not judged. An objective that judges nothing holds,
 * with margin 1 (the margin of a perfect value), and says so (`judged: 0`).
 *
 * Values:
 * - ratios by request arrival (recorder.ts): availability = completed / counted, and so on;
 * - latency.pNN: nearest rank over completed requests and timed-out ones, the latter counted
 *   at the timeout (as a proxy's request-duration histogram records them), so a strategy
 *   cannot meet a latency objective by timing out its slow requests; failed and rejected
 *   requests have no latency here (availability judges them). Within 0.39 % (window-latencies.ts);
 * - per-fault times: what the run observed, and when the run ended first, the time until
 *   its end as a lower bound (`censored`), judged like any value: a fault not detected for
 *   60 s breaks a 15 s bound whatever happens after the run.
 *
 * Cost: O(steps) per ratio objective (prefix sums), O(steps × octaves × 128) per latency
 * objective, O(faults × windows) for the service-level recovery times.
 */
import type { LatencyAccumulator } from '../metrics/window-latencies.js';
import { latencyQuantile, margin, scopeKind, type FaultMode, type SloObjective } from './objective.js';
import type { FaultRecord, SloObservation } from './observation.js';

/** What an objective judged: a window [start, end), the run, or a fault. */
export interface JudgedUnit {
  readonly start: number;
  readonly end: number;
  /** The SLI's value there. */
  readonly value: number;
  readonly margin: number;
  /** Per fault: the fault's instance and mode; `censored` when the run ended before the value was known. */
  readonly fault?: { readonly instance: number; readonly mode: FaultMode; readonly censored: boolean };
}

export interface GuaranteeResult {
  readonly name: string;
  readonly objective: SloObjective;
  readonly holds: boolean;
  /** Minimum over the judged units; 1 when nothing was judged. Negative exactly when violated. */
  readonly margin: number;
  /** Units judged and units violating. */
  readonly judged: number;
  readonly violations: number;
  /** The judged unit of least margin; null when nothing was judged. */
  readonly worst: JudgedUnit | null;
}

/**
 * From the start of a fault incident (overlapping faults form one) until every window of every
 * per-window objective holds again (incidentRecoveries). 0 when no window broke; Infinity when
 * the run ended before they all held again.
 */
export interface IncidentRecovery {
  readonly start: number;
  /** The end of the incident's last fault (Infinity when one never ended). */
  readonly end: number;
  readonly timeToRecover: number;
}

export interface SloVerdict {
  readonly holds: boolean;
  /** Minimum over the objectives. */
  readonly margin: number;
  readonly guarantees: readonly GuaranteeResult[];
  /** Empty without per-window objectives or faults. */
  readonly incidents: readonly IncidentRecovery[];
}

interface Aggregate {
  total: number;
  completed: number;
  errors: number;
  timedOut: number;
  retries: number;
  /** Seconds the aggregate covers (goodput). */
  seconds: number;
}

/** Prefix sums of the step counts: any run of steps aggregates in O(1). */
export class Prefix {
  readonly total: Float64Array;
  readonly completed: Float64Array;
  readonly errors: Float64Array;
  readonly timedOut: Float64Array;
  readonly retries: Float64Array;

  constructor(observation: SloObservation) {
    const c = observation.counts;
    const sums = (a: Float64Array) => {
      const p = new Float64Array(observation.steps + 1);
      for (let i = 0; i < observation.steps; i++) p[i + 1] = p[i]! + a[i]!;
      return p;
    };
    this.total = sums(c.total);
    this.completed = sums(c.completed);
    this.errors = sums(c.errors);
    this.timedOut = sums(c.timedOut);
    this.retries = sums(c.retries);
  }

  aggregate(from: number, to: number, seconds: number): Aggregate {
    return {
      total: this.total[to]! - this.total[from]!,
      completed: this.completed[to]! - this.completed[from]!,
      errors: this.errors[to]! - this.errors[from]!,
      timedOut: this.timedOut[to]! - this.timedOut[from]!,
      retries: this.retries[to]! - this.retries[from]!,
      seconds,
    };
  }
}

function ratio(numerator: number, total: number): number {
  return total > 0 ? numerator / total : NaN;
}

/** The SLI of a traffic objective over an aggregate; `latency` holds the same steps' latencies. */
function trafficValue(sli: string, a: Aggregate, latency: LatencyAccumulator | null, timeout: number): number {
  switch (sli) {
    case 'availability':
      return ratio(a.completed, a.total);
    case 'errors.share':
      return ratio(a.errors, a.total);
    case 'timeouts.share':
      return ratio(a.timedOut, a.total);
    case 'retries.share':
      return ratio(a.retries, a.total);
    case 'goodput':
      return a.total > 0 && a.seconds > 0 ? a.completed / a.seconds : NaN;
    case 'lost':
      return a.total - a.completed - a.errors - a.timedOut;
  }
  const q = latencyQuantile(sli)!;
  // Completed latencies are all at most the timeout (a response due with the timeout wins),
  // so timed-out requests rank after every completed one.
  const answered = latency!.count;
  const samples = answered + a.timedOut;
  if (samples === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * samples));
  return rank > answered ? timeout : latency!.atRank(rank);
}

/** Tracks the least-margin unit of an objective. */
class Judge {
  judged = 0;
  violations = 0;
  worst: JudgedUnit | null = null;

  constructor(readonly objective: SloObjective) {}

  unit(start: number, end: number, value: number, fault?: JudgedUnit['fault']): boolean {
    const m = margin(this.objective, value);
    this.judged++;
    const violated = m < 0;
    if (violated) this.violations++;
    if (this.worst === null || m < this.worst.margin) this.worst = { start, end, value, margin: m, ...(fault && { fault }) };
    return violated;
  }

  result(): GuaranteeResult {
    const m = this.worst?.margin ?? 1;
    return {
      name: this.objective.name,
      objective: this.objective,
      holds: m >= 0,
      margin: m,
      judged: this.judged,
      violations: this.violations,
      worst: this.worst,
    };
  }
}

/** The verdict of each window of one per-window objective, in time order (unjudged windows hold). */
export interface WindowVerdicts {
  readonly ends: readonly number[];
  readonly violated: readonly boolean[];
}

/** The latencies a latency objective reads; a clear error when the run kept none. */
function latenciesFor(o: SloObjective, obs: SloObservation): LatencyAccumulator | null {
  if (latencyQuantile(o.sli) === undefined) return null;
  if (obs.latencies === null) {
    throw new RangeError(`evaluateSlo: ${o.name} needs latencies, and this run kept none: its scenario's SLO has no latency objective`);
  }
  return obs.latencies.accumulator();
}

function judgeRun(o: SloObjective, obs: SloObservation, prefix: Prefix): GuaranteeResult {
  const judge = new Judge(o);
  const a = prefix.aggregate(0, obs.steps, (obs.end - obs.start) / 1000);
  const latency = latenciesFor(o, obs);
  if (latency !== null) for (let i = 0; i < obs.steps; i++) latency.add(i);
  const value = trafficValue(o.sli, a, latency, obs.timeout);
  if (o.sli === 'lost' || (a.total >= o.minRequests && !Number.isNaN(value))) judge.unit(obs.start, obs.end, value);
  return judge.result();
}

/** One rolling window of a per-window objective. */
export interface WindowPoint {
  readonly start: number;
  readonly end: number;
  /** Counted requests that arrived in the window. */
  readonly requests: number;
  /** The SLI; NaN when undefined (no request, or nothing answered for a latency). */
  readonly value: number;
  /** Whether the window is judged: enough requests and a defined value. */
  readonly judged: boolean;
}

/**
 * Every rolling window of a per-window objective, in time order: the windows its verdict is
 * made of (charts draw them; `check` marks the one that broke).
 */
export function windowSeries(o: SloObjective, obs: SloObservation, prefix: Prefix = new Prefix(obs)): WindowPoint[] {
  const width = typeof o.per === 'number' ? o.per / obs.step : NaN;
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`windowSeries: ${o.name} is not judged per window of a whole number of the run's ${obs.step} ms steps`);
  }
  const count = obs.steps === 0 ? 0 : Math.max(1, obs.steps - width + 1);
  const latency = latenciesFor(o, obs);
  if (latency !== null) for (let i = 0; i < Math.min(width, obs.steps); i++) latency.add(i);
  const points: WindowPoint[] = [];
  for (let j = 0; j < count; j++) {
    const to = Math.min(j + width, obs.steps);
    const start = obs.start + j * obs.step;
    const end = Math.min(obs.start + to * obs.step, obs.end);
    const a = prefix.aggregate(j, to, (end - start) / 1000);
    const value = trafficValue(o.sli, a, latency, obs.timeout);
    points.push({ start, end, requests: a.total, value, judged: a.total >= o.minRequests && !Number.isNaN(value) });
    if (latency !== null && j + 1 < count) {
      latency.remove(j);
      latency.add(j + width);
    }
  }
  return points;
}

function judgeWindows(o: SloObjective, obs: SloObservation, prefix: Prefix, verdicts: WindowVerdicts[]): GuaranteeResult {
  const judge = new Judge(o);
  const points = windowSeries(o, obs, prefix);
  const violated = points.map((p) => p.judged && judge.unit(p.start, p.end, p.value));
  verdicts.push({ ends: points.map((p) => p.end), violated });
  return judge.result();
}

/** Faults that overlap the counted span, in start order. */
function faultsInSpan(obs: SloObservation): FaultRecord[] {
  return obs.faults.filter((f) => f.start < obs.end && f.end >= obs.start).sort((a, b) => a.start - b.start || a.instance - b.instance);
}

/**
 * Groups overlapping faults into incidents and finds, for each, when every window of every
 * per-window objective held again: the end of the last violating window that ends after the
 * incident's start and no later than the next incident's start. When the last window in that
 * range still violates (or none ends there), the incident had not recovered before the next one
 * began, and recovers with it; after the last incident, that is never.
 */
export function incidentRecoveries(obs: SloObservation, verdicts: readonly WindowVerdicts[]): IncidentRecovery[] {
  if (verdicts.length === 0) return [];
  const groups: Array<{ start: number; end: number }> = [];
  for (const f of faultsInSpan(obs)) {
    const last = groups[groups.length - 1];
    if (last !== undefined && f.start <= last.end) last.end = Math.max(last.end, f.end);
    else groups.push({ start: f.start, end: f.end });
  }
  const recoveredAt = new Array<number>(groups.length);
  for (let i = groups.length - 1; i >= 0; i--) {
    const start = groups[i]!.start;
    const next = groups[i + 1]?.start ?? Infinity;
    let recovered = start;
    let carried = false;
    for (const { ends, violated } of verdicts) {
      let lastInRange = -1;
      for (let k = 0; k < ends.length && ends[k]! <= next; k++) {
        if (ends[k]! <= start) continue;
        lastInRange = k;
        if (violated[k] && ends[k]! > recovered) recovered = ends[k]!;
      }
      if (lastInRange < 0 || violated[lastInRange]) carried = true;
    }
    recoveredAt[i] = carried ? (recoveredAt[i + 1] ?? Infinity) : recovered;
  }
  return groups.map((g, i) => ({ start: g.start, end: g.end, timeToRecover: recoveredAt[i]! - g.start }));
}

function judgeFaults(o: SloObjective, obs: SloObservation, incidents: readonly IncidentRecovery[]): GuaranteeResult {
  const judge = new Judge(o);
  for (const f of faultsInSpan(obs)) {
    if (o.kinds !== undefined && !o.kinds.includes(f.mode)) continue;
    const endedInRun = f.end <= obs.end;
    const recovered = endedInRun && !Number.isNaN(f.recoveredAt);
    let value: number;
    let censored = false;
    switch (o.sli) {
      case 'detection.timeToEject':
        if (!Number.isNaN(f.detectedAt)) value = f.detectedAt - f.start;
        else [value, censored] = [Math.min(f.end, obs.end) - f.start, true];
        break;
      case 'recovery.timeToRecover':
        if (recovered) value = f.recoveredAt - f.start;
        else [value, censored] = [obs.end - f.start, true];
        break;
      case 'recovery.afterFaultEnd':
        if (!endedInRun) continue; // a fault that never ended has no time after its end to judge
        if (recovered) value = f.recoveredAt - f.end;
        else [value, censored] = [obs.end - f.end, true];
        break;
      default: {
        // recovery.serviceTimeToRecover
        const incident = incidents.find((x) => x.start <= f.start && f.start <= x.end);
        const ttr = incident === undefined ? 0 : incident.timeToRecover;
        if (ttr === Infinity) [value, censored] = [obs.end - f.start, true];
        else value = Math.max(0, incident!.start + ttr - f.start);
      }
    }
    judge.unit(f.start, f.end, value, { instance: f.instance, mode: f.mode, censored });
  }
  return judge.result();
}

/**
 * Judges `objectives` on one replication's observation. Results come in the objectives' order.
 */
export function evaluateSlo(objectives: readonly SloObjective[], observation: SloObservation): SloVerdict {
  const prefix = new Prefix(observation);
  const results = new Map<SloObjective, GuaranteeResult>();
  const verdicts: WindowVerdicts[] = [];
  for (const o of objectives) {
    const scope = scopeKind(o.per);
    if (scope === 'run') results.set(o, judgeRun(o, observation, prefix));
    else if (scope === 'window') results.set(o, judgeWindows(o, observation, prefix, verdicts));
  }
  const incidents = incidentRecoveries(observation, verdicts);
  for (const o of objectives) if (o.per === 'fault') results.set(o, judgeFaults(o, observation, incidents));
  const guarantees = objectives.map((o) => results.get(o)!);
  const m = guarantees.reduce((low, g) => Math.min(low, g.margin), Infinity);
  return { holds: guarantees.every((g) => g.holds), margin: guarantees.length === 0 ? 1 : m, guarantees, incidents };
}
