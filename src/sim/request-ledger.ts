/**
 * Where every request is counted: its arrival, its retries and its end with one outcome. Both
 * event loops (Simulation and FastSimulation) end their requests here and only here, so the
 * counters, the latency histogram, the time series, the SLO's per-step record (SloRecorder)
 * and the per-request hook cannot drift between them; the metrics and the SLO observation are
 * read from it (replication-metrics.ts).
 *
 * "Counted" requests arrived after the warm-up; the others are simulated but not reported.
 */
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { Scenario } from '../scenario/schema.js';
import type { FaultRecord, SloObservation } from '../slo/observation.js';
import { scenarioSlo } from '../slo/plan.js';
import { SloRecorder } from '../slo/recorder.js';
import { Outcome } from './outcome.js';
import type { TrafficCounters } from './replication-metrics.js';
import type { TimeSeries } from './timeseries.js';

/** One request's end, as the `onRequestEnd` hook receives it. */
export interface RequestEnd {
  /** The request's arrival number, from 0: each id ends at most once. */
  readonly id: number;
  readonly client: number;
  readonly time: number;
  readonly outcome: Outcome;
  /** Arrived after the warm-up, so the metrics count it. */
  readonly counted: boolean;
}

export class RequestLedger {
  arrived = 0;
  /** T: requests that arrived after the warm-up. */
  counted = 0;
  completed = 0;
  failed = 0;
  timedOut = 0;
  rejected = 0;
  /** Counted requests not ended yet (in flight at the end of the run). */
  pendingCounted = 0;
  /** r: counted requests that failed an attempt and still succeeded. */
  recovered = 0;
  lastArrival = 0;
  readonly histogram = new LatencyHistogram();
  private readonly warmup: number;
  /** The end of arrivals when the scenario has a duration; else the last arrival. */
  private readonly duration: number | undefined;
  private readonly slo: SloRecorder;

  constructor(
    scenario: Scenario,
    private readonly timeseries: TimeSeries | null = null,
    private readonly onEnd: ((end: RequestEnd) => void) | undefined = undefined,
  ) {
    this.warmup = scenario.warmup;
    this.duration = scenario.duration;
    this.slo = new SloRecorder(scenarioSlo(scenario).objectives, scenario.warmup, (scenario.duration ?? Infinity) - scenario.warmup);
  }

  /** A request arrives at `now`; returns whether it is counted. Its id is the `arrived` before the call. */
  arrival(now: number): boolean {
    this.arrived++;
    this.lastArrival = now;
    this.timeseries?.arrival(now);
    if (now < this.warmup) return false;
    this.counted++;
    this.pendingCounted++;
    this.slo.arrival(now);
    return true;
  }

  /** The request that arrived at `arrival` sends a retry attempt. */
  retried(arrival: number): void {
    this.slo.retried(arrival);
  }

  /**
   * Request `id` of `client`, which arrived at `arrival`, ends at `now` with `outcome`;
   * `recovered`: it succeeds after a failed attempt.
   */
  end(id: number, client: number, counted: boolean, arrival: number, now: number, outcome: Outcome, recovered: boolean): void {
    if (counted) {
      this.pendingCounted--;
      if (outcome === Outcome.Ok) {
        this.completed++;
        const latency = now - arrival;
        this.histogram.record(latency);
        this.timeseries?.success(now, latency);
        this.slo.completed(arrival, latency);
        if (recovered) this.recovered++;
      } else if (outcome === Outcome.Rejected) {
        this.rejected++;
        this.timeseries?.error(now);
        this.slo.failed(arrival);
      } else if (outcome === Outcome.Timeout) {
        this.timedOut++;
        this.timeseries?.timeout(now);
        this.slo.timedOut(arrival);
      } else {
        this.failed++;
        this.timeseries?.error(now);
        this.slo.failed(arrival);
      }
    }
    if (this.onEnd !== undefined) this.onEnd({ id, client, time: now, outcome, counted });
  }

  /** The end of the counted span: the end of arrivals. */
  spanEnd(): number {
    return this.duration ?? this.lastArrival;
  }

  /** What the SLO is judged on; requests that timed out count at `timeout` ms in latency objectives. */
  observation(timeout: number, faults: readonly FaultRecord[]): SloObservation {
    return this.slo.observation(this.spanEnd(), timeout, faults);
  }

  /** The counts for the metrics, with the instances' served counts, speeds and work, and the run's end. */
  trafficCounters(served: Float64Array, speed: Float64Array, work: Float64Array, simulatedTime: number): TrafficCounters {
    return {
      arrived: this.arrived,
      counted: this.counted,
      completed: this.completed,
      failed: this.failed,
      timedOut: this.timedOut,
      rejected: this.rejected,
      pendingCounted: this.pendingCounted,
      lastArrival: this.lastArrival,
      served,
      speed,
      work,
      histogram: this.histogram,
      simulatedTime,
    };
  }
}
