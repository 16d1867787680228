/**
 * Assembles a replication's metrics from the counters of a run, so the fast path and the full
 * simulation report through one definition of every metric.
 */
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { ReplicationMetrics, SloMetrics } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import { evaluateSlo, type SloVerdict } from '../slo/evaluate.js';
import type { SloObservation } from '../slo/observation.js';
import { scenarioSlo } from '../slo/plan.js';

const REPORTED_QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.999] as const;

/** What every run counts. */
export interface TrafficCounters {
  readonly arrived: number;
  /** Requests after the warm-up: T. */
  readonly counted: number;
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly rejected: number;
  readonly pendingCounted: number;
  readonly lastArrival: number;
  readonly served: Float64Array;
  /** Each instance's speed (the service rate multiplier). */
  readonly speed: Float64Array;
  /** ms of service time of counted requests begun at each instance (at its speed and slow factor then). */
  readonly work: Float64Array;
  /**
   * ms each instance could serve within the counted window, when instances come and go
   * (membership: a slot's listening pods); absent, every instance serves the whole window.
   */
  readonly occupancy?: Float64Array;
  readonly histogram: LatencyHistogram;
  readonly simulatedTime: number;
}

/** What faults, detectors and recovery add (all zero or NaN on the fast path). */
export type FailureCounters = Pick<ReplicationMetrics, 'faultyInstances' | 'detection' | 'retries'> & {
  /** r: counted requests that failed an attempt and still succeeded. */
  readonly recovered: number;
  readonly recovery: Omit<ReplicationMetrics['recovery'], 'incidents' | 'serviceTimeToRecover' | 'serviceUnrecovered'>;
};

/** Whether any mechanism that can take an instance out of rotation is configured. */
export function hasDetector(scenario: Scenario): boolean {
  return (
    scenario.healthCheck !== undefined ||
    scenario.outlierDetection !== undefined ||
    scenario.heartbeat !== undefined ||
    scenario.liveness !== undefined ||
    scenario.failureAccrual !== undefined
  );
}

function sloMetrics(verdict: SloVerdict): SloMetrics {
  return {
    met: verdict.holds ? 1 : 0,
    margin: verdict.margin,
    objectives: verdict.guarantees.map((g) => ({ met: g.holds ? 1 : 0, margin: g.margin, value: g.worst?.value ?? NaN })),
  };
}

/** Mean and spread of x relative to its mean, over instances. */
function spread(x: readonly number[]): { maxOverMean: number; cov: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
  // A loop, not Math.max(...x): a million instances overflow the stack as call arguments.
  const max = x.reduce((a, b) => Math.max(a, b), -Infinity);
  return { maxOverMean: mean > 0 ? max / mean : NaN, cov: mean > 0 ? Math.sqrt(variance) / mean : NaN };
}

export function replicationMetrics(scenario: Scenario, t: TrafficCounters, f: FailureCounters, observation: SloObservation): ReplicationMetrics {
  const n = scenario.service.instances;
  const perInstance = Array.from(t.served);
  const windowEnd = scenario.duration ?? t.lastArrival;
  const windowMs = Math.max(0, windowEnd - scenario.warmup);
  const windowSeconds = windowMs / 1000;
  const [p50, p90, p95, p99, p999] = t.histogram.quantiles(REPORTED_QUANTILES);
  const T = t.counted;
  const servers = scenario.service.concurrency * windowMs;
  const occupancy = t.occupancy;
  // Capacity per instance: the whole window, or the time a pod listened in its slot.
  const capacity = (i: number) => (occupancy === undefined ? servers : scenario.service.concurrency * occupancy[i]!);
  const perInstanceUtilisation = Array.from(t.work, (w, i) => (capacity(i) > 0 ? w / capacity(i) : NaN));
  const totalCapacity = occupancy === undefined ? n * servers : scenario.service.concurrency * occupancy.reduce((a, b) => a + b, 0);
  const verdict = evaluateSlo(scenarioSlo(scenario).objectives, observation);
  const recovering = verdict.incidents.filter((i) => i.timeToRecover !== Infinity).map((i) => i.timeToRecover);
  return {
    T,
    S: n,
    L: T / n,
    F: f.faultyInstances / n,
    R: T > 0 ? f.recovered / T : NaN,
    arrived: t.arrived,
    completed: t.completed,
    failed: t.failed,
    timedOut: t.timedOut,
    rejected: t.rejected,
    inFlightAtEnd: t.pendingCounted,
    offered: windowSeconds > 0 ? T / windowSeconds : NaN,
    goodput: windowSeconds > 0 ? t.completed / windowSeconds : NaN,
    availability: T > 0 ? t.completed / T : NaN,
    latency: { mean: t.histogram.mean, p50: p50!, p90: p90!, p95: p95!, p99: p99!, p999: p999!, max: t.histogram.max },
    // Served per unit of speed, and with membership per ms a pod listened there: slots that
    // held pods for part of the run are not "imbalanced" for it.
    imbalance:
      occupancy === undefined
        ? spread(perInstance.map((served, i) => served / t.speed[i]!))
        : spread(perInstance.flatMap((served, i) => (occupancy[i]! > 0 ? [served / t.speed[i]! / occupancy[i]!] : []))),
    perInstance,
    utilisation: totalCapacity > 0 ? t.work.reduce((a, b) => a + b, 0) / totalCapacity : NaN,
    perInstanceUtilisation,
    faultyInstances: f.faultyInstances,
    detection: hasDetector(scenario) ? f.detection : { ...f.detection, missed: NaN },
    recovery: {
      ...f.recovery,
      incidents: verdict.incidents.length,
      serviceTimeToRecover: recovering.length > 0 ? recovering.reduce((a, b) => Math.max(a, b), -Infinity) : NaN,
      serviceUnrecovered: verdict.incidents.length - recovering.length,
    },
    retries: f.retries,
    slo: sloMetrics(verdict),
    simulatedTime: t.simulatedTime,
  };
}
