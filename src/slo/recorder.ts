/**
 * Recording for SLOs on the hot path: per time step of the counted span, the requests that
 * arrived in it and how they ended (completed, failed or rejected, timed out), the retry
 * attempts they needed, and with latency objectives the latencies of those that completed.
 *
 * A request belongs to the step of its *arrival*, not of its end: every counted request then
 * lands in exactly one step inside the counted span [warm-up, end of arrivals), the steps add
 * up to the run's own counters (availability over the run is exactly the `availability`
 * metric), and no window is judged on the drain after the last arrival. A monitoring system
 * that counts requests when they end (Prometheus counters) places each one later by at most
 * its latency, which the timeout bounds.
 *
 * Memory: five doubles per step, plus a histogram per step with latency objectives
 * (window-latencies.ts). Cost per request: a division and two increments, plus a histogram
 * increment with latency objectives.
 */
import { WindowLatencies } from '../metrics/window-latencies.js';
import type { FaultRecord, SloObservation, StepCounts } from './observation.js';
import { needsLatency, recordingStep } from './plan.js';
import type { SloObjective } from './objective.js';

export class SloRecorder {
  readonly start: number;
  readonly step: number;
  private capacity: number;
  private total: Float64Array;
  private completedCount: Float64Array;
  private errorCount: Float64Array;
  private timedOutCount: Float64Array;
  private retryCount: Float64Array;
  private readonly latencies: WindowLatencies | null;

  /**
   * @param start the start of the counted span (the warm-up), ms
   * @param expectedSpan its expected length, to size the arrays (they grow when it is longer)
   */
  constructor(objectives: readonly SloObjective[], start: number, expectedSpan: number) {
    this.start = start;
    this.step = recordingStep(objectives);
    this.capacity = Math.max(16, Number.isFinite(expectedSpan) ? Math.ceil(expectedSpan / this.step) + 1 : 0);
    this.total = new Float64Array(this.capacity);
    this.completedCount = new Float64Array(this.capacity);
    this.errorCount = new Float64Array(this.capacity);
    this.timedOutCount = new Float64Array(this.capacity);
    this.retryCount = new Float64Array(this.capacity);
    this.latencies = needsLatency(objectives) ? new WindowLatencies() : null;
  }

  private index(arrival: number): number {
    return Math.floor((arrival - this.start) / this.step);
  }

  /** A request arrived at `time`; requests before the counted span are ignored. */
  arrival(time: number): void {
    if (time < this.start) return;
    const k = this.index(time);
    if (k >= this.capacity) this.grow(k);
    this.total[k]!++;
  }

  /** The request that arrived at `arrival` completed after `latency` ms. */
  completed(arrival: number, latency: number): void {
    if (arrival < this.start) return;
    const k = this.index(arrival);
    this.completedCount[k]!++;
    this.latencies?.record(k, latency);
  }

  /** The request that arrived at `arrival` failed or was rejected. */
  failed(arrival: number): void {
    if (arrival >= this.start) this.errorCount[this.index(arrival)]!++;
  }

  timedOut(arrival: number): void {
    if (arrival >= this.start) this.timedOutCount[this.index(arrival)]!++;
  }

  /** The request that arrived at `arrival` sent a retry attempt. */
  retried(arrival: number): void {
    if (arrival >= this.start) this.retryCount[this.index(arrival)]!++;
  }

  private grow(k: number): void {
    const capacity = Math.max(2 * this.capacity, k + 1);
    const grown = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.total = grown(this.total);
    this.completedCount = grown(this.completedCount);
    this.errorCount = grown(this.errorCount);
    this.timedOutCount = grown(this.timedOutCount);
    this.retryCount = grown(this.retryCount);
    this.capacity = capacity;
  }

  /**
   * What the run recorded, for evaluateSlo: the counted span ends at `end` (the end of
   * arrivals), requests that timed out count at `timeout` ms in latency objectives.
   */
  observation(end: number, timeout: number, faults: readonly FaultRecord[]): SloObservation {
    // One past the last step an arrival landed in (found here rather than tracked per arrival).
    let used = this.capacity;
    while (used > 0 && this.total[used - 1] === 0) used--;
    const steps = Math.max(used, Math.ceil((end - this.start) / this.step), 0);
    if (steps > this.capacity) this.grow(steps - 1);
    // A run stopped by a request count ends at its last arrival, which may open a step of its
    // own: that step then counts as a whole one.
    const lastStepStart = this.start + (used - 1) * this.step;
    return {
      start: this.start,
      end: used > 0 && end <= lastStepStart ? lastStepStart + this.step : Math.max(end, this.start),
      step: this.step,
      steps,
      counts: this.counts(steps),
      latencies: this.latencies,
      timeout,
      faults,
    };
  }

  private counts(steps: number): StepCounts {
    return {
      total: this.total.subarray(0, steps),
      completed: this.completedCount.subarray(0, steps),
      errors: this.errorCount.subarray(0, steps),
      timedOut: this.timedOutCount.subarray(0, steps),
      retries: this.retryCount.subarray(0, steps),
    };
  }
}
