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
 *   instance serves and every client has it in rotation again.
 */
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
  /**
   * Per instance, its faults still waiting for a detection or a recovery, oldest first: what a
   * detection or a return to rotation looks at, so neither scans every fault of the run.
   */
  private readonly pending: OpenFault[][];
  falsePositives = 0;

  constructor(
    instances: number,
    private readonly keepEvents: boolean,
  ) {
    this.pending = Array.from({ length: instances }, () => []);
  }

  log(time: number, kind: EventKind, instance: number, client: number, cause: string): void {
    if (this.keepEvents) this.events.push({ time, kind, instance, client, cause });
  }

  faultStarted(time: number, instance: number, mode: string, cause: string): number {
    const id = this.faults.length;
    const fault: OpenFault = { id, instance, mode, start: time, end: Infinity, detectedAt: NaN, recoveredAt: NaN };
    this.faults.push(fault);
    this.pending[instance]!.push(fault);
    this.log(time, 'fault_start', instance, -1, `${mode}${cause ? ` ${cause}` : ''}`);
    return id;
  }

  faultEnded(time: number, id: number): void {
    const fault = this.faults[id]!;
    if (fault.end !== Infinity) return;
    fault.end = time;
    this.log(time, 'fault_end', fault.instance, -1, fault.mode);
  }

  /** A detector took `instance` out of rotation (or suspected it). */
  detected(time: number, instance: number): void {
    let any = false;
    for (const fault of this.pending[instance]!) {
      if (fault.end !== Infinity) continue;
      any = true;
      if (Number.isNaN(fault.detectedAt)) fault.detectedAt = time;
    }
    if (!any) this.falsePositives++;
  }

  /** The instance serves and every client has it in rotation: ended faults on it have recovered. */
  backInRotation(time: number, instance: number): void {
    const pending = this.pending[instance]!;
    if (pending.length === 0) return;
    let kept = 0;
    for (const fault of pending) {
      if (fault.end === Infinity) {
        pending[kept++] = fault;
        continue;
      }
      fault.recoveredAt = time;
      this.log(time, 'recovered', instance, -1, fault.mode);
    }
    pending.length = kept;
  }

  /** Instances with a fault overlapping [from, to]. */
  faultyInstancesBetween(from: number, to: number): number {
    const seen = new Set<number>();
    for (const f of this.faults) if (f.start <= to && f.end >= from) seen.add(f.instance);
    return seen.size;
  }

  summary(): {
    faults: number;
    meanTimeToDetect: number;
    maxTimeToDetect: number;
    missed: number;
    meanTimeToRecover: number;
    maxTimeToRecover: number;
  } {
    const detect = this.faults.filter((f) => !Number.isNaN(f.detectedAt)).map((f) => f.detectedAt - f.start);
    const recover = this.faults.filter((f) => !Number.isNaN(f.recoveredAt)).map((f) => f.recoveredAt - f.start);
    const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
    const max = (xs: number[]) => (xs.length === 0 ? NaN : Math.max(...xs));
    return {
      faults: this.faults.length,
      meanTimeToDetect: mean(detect),
      maxTimeToDetect: max(detect),
      missed: this.faults.filter((f) => Number.isNaN(f.detectedAt)).length,
      meanTimeToRecover: mean(recover),
      maxTimeToRecover: max(recover),
    };
  }
}
