/**
 * What happened to faults: when each was first detected and when its instance was back in
 * rotation for every client, plus the event log behind events.csv.
 *
 * Definitions (the metrics of CONTRACT.md):
 * - time to detect: from the fault's start to the first detection of its instance by any
 *   mechanism (an active check marking it unhealthy, an outlier ejection, a heartbeat
 *   suspicion, a liveness kill) while the fault is active;
 * - missed: faults that ended, or lasted to the end of the run, without any detection;
 * - false positive: a detection of an instance with no active fault;
 * - time to recover: from the fault's start to the first moment after its end at which the
 *   instance serves and every client has it in rotation again. Only a fault that ended within
 *   the counted span (before arrivals stopped) can recover: after that the run only drains,
 *   and a crash loop or a random fault is stopped there rather than healed, so its restart
 *   says nothing about recovery. The others are `unrecovered`.
 */
import type { FaultMode } from '../slo/objective.js';
import type { FaultRecord } from '../slo/observation.js';

export type EventKind =
  | 'fault_start'
  | 'fault_end'
  | 'crash'
  | 'restart'
  | 'started'
  | 'hc_unhealthy'
  | 'hc_healthy'
  | 'ejected'
  | 'unejected'
  | 'ejection_overflow'
  | 'detected_not_enforced'
  | 'suspected'
  | 'unsuspected'
  | 'liveness_kill'
  | 'accrual_open'
  | 'accrual_probation'
  | 'accrual_closed'
  | 'panic_enter'
  | 'panic_exit'
  | 'recovered';

export interface SimEvent {
  readonly time: number;
  readonly kind: EventKind;
  readonly instance: number;
  /** -1 when the event is not a client's (faults, restarts, the central checker). */
  readonly client: number;
  readonly cause: string;
}

interface OpenFault {
  readonly id: number;
  readonly instance: number;
  readonly mode: string;
  readonly start: number;
  end: number;
  detectedAt: number;
  recoveredAt: number;
}

export class FaultTracker {
  readonly events: SimEvent[] = [];
  private readonly faults: OpenFault[] = [];
  private readonly active: Int32Array;
  falsePositives = 0;

  constructor(
    instances: number,
    private readonly keepEvents: boolean,
  ) {
    this.active = new Int32Array(instances);
  }

  log(time: number, kind: EventKind, instance: number, client: number, cause: string): void {
    if (this.keepEvents) this.events.push({ time, kind, instance, client, cause });
  }

  faultStarted(time: number, instance: number, mode: string, cause: string): number {
    const id = this.faults.length;
    this.faults.push({ id, instance, mode, start: time, end: Infinity, detectedAt: NaN, recoveredAt: NaN });
    this.active[instance]!++;
    this.log(time, 'fault_start', instance, -1, `${mode}${cause ? ` ${cause}` : ''}`);
    return id;
  }

  faultEnded(time: number, id: number): void {
    const fault = this.faults[id]!;
    if (fault.end !== Infinity) return;
    fault.end = time;
    this.active[fault.instance]!--;
    this.log(time, 'fault_end', fault.instance, -1, fault.mode);
  }

  /** Whether the instance has a fault in progress. */
  isFaulty(instance: number): boolean {
    return this.active[instance]! > 0;
  }

  /** A detector took `instance` out of rotation (or suspected it). */
  detected(time: number, instance: number): void {
    let any = false;
    for (const fault of this.faults) {
      if (fault.instance !== instance || fault.end !== Infinity) continue;
      any = true;
      if (Number.isNaN(fault.detectedAt)) fault.detectedAt = time;
    }
    if (!any) this.falsePositives++;
  }

  /** The instance serves and every client has it in rotation: ended faults on it have recovered. */
  backInRotation(time: number, instance: number): void {
    for (const fault of this.faults) {
      if (fault.instance !== instance || fault.end === Infinity || !Number.isNaN(fault.recoveredAt)) continue;
      fault.recoveredAt = time;
      this.log(time, 'recovered', instance, -1, fault.mode);
    }
  }

  /** Every fault episode so far, for the SLO evaluator. */
  records(): FaultRecord[] {
    return this.faults.map((f) => ({
      instance: f.instance,
      mode: f.mode as FaultMode,
      start: f.start,
      end: f.end,
      detectedAt: f.detectedAt,
      recoveredAt: f.recoveredAt,
    }));
  }

  /** Instances with a fault overlapping [from, to]. */
  faultyInstancesBetween(from: number, to: number): number {
    const seen = new Set<number>();
    for (const f of this.faults) if (f.start <= to && f.end >= from) seen.add(f.instance);
    return seen.size;
  }

  /** Detection and recovery over every fault; `spanEnd` is the end of the counted span (arrivals). */
  summary(spanEnd: number): {
    faults: number;
    meanTimeToDetect: number;
    maxTimeToDetect: number;
    missed: number;
    meanTimeToRecover: number;
    maxTimeToRecover: number;
    unrecovered: number;
  } {
    const detect = this.faults.filter((f) => !Number.isNaN(f.detectedAt)).map((f) => f.detectedAt - f.start);
    const recovered = this.faults.filter((f) => f.end <= spanEnd && !Number.isNaN(f.recoveredAt));
    const recover = recovered.map((f) => f.recoveredAt - f.start);
    const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
    const max = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => Math.max(a, b), -Infinity));
    return {
      faults: this.faults.length,
      meanTimeToDetect: mean(detect),
      maxTimeToDetect: max(detect),
      missed: this.faults.filter((f) => Number.isNaN(f.detectedAt)).length,
      meanTimeToRecover: mean(recover),
      maxTimeToRecover: max(recover),
      unrecovered: this.faults.length - recovered.length,
    };
  }
}
