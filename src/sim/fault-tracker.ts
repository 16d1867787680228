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
  | 'recovered'
  // Membership (issue 13): pods, a client applying an endpoint update, scale decisions.
  | 'pod_created'
  | 'pod_listening'
  | 'pod_ready'
  | 'pod_unready'
  | 'pod_deleting'
  | 'pod_sigterm'
  | 'pod_exited'
  | 'pod_killed'
  | 'rollout_started'
  | 'rollout_complete'
  | 'endpoints_applied'
  | 'scale';

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

/**
 * Memory is O(instances + faults not yet over): a fault is dropped once it has ended and
 * recovered (or ended with its instance never back), its detection and recovery times folded
 * into running sums, so a long run with recurring random faults does not grow with them.
 */
export class FaultTracker {
  readonly events: SimEvent[] = [];
  /** Faults still in progress, by id (faultEnded finds them here). */
  private readonly open = new Map<number, OpenFault>();
  /**
   * Per instance, its faults still waiting for a detection or a recovery, oldest first: what a
   * detection or a return to rotation looks at, so neither scans every fault of the run.
   */
  private readonly pending: OpenFault[][];
  /** Per instance: a fault of it overlapped the time after the warm-up. */
  private readonly faultyAfterWarmup: Uint8Array;
  private faultCount = 0;
  private readonly toDetect = new RunningStats();
  private readonly toRecover = new RunningStats();
  falsePositives = 0;

  constructor(
    instances: number,
    private readonly keepEvents: boolean,
    /** Faults that ended before this time do not count as faulty instances (F). */
    private readonly warmup = 0,
  ) {
    this.pending = Array.from({ length: instances }, () => []);
    this.faultyAfterWarmup = new Uint8Array(instances);
  }

  log(time: number, kind: EventKind, instance: number, client: number, cause: string): void {
    if (this.keepEvents) this.events.push({ time, kind, instance, client, cause });
  }

  faultStarted(time: number, instance: number, mode: string, cause: string): number {
    const id = this.faultCount++;
    const fault: OpenFault = { id, instance, mode, start: time, end: Infinity, detectedAt: NaN, recoveredAt: NaN };
    this.open.set(id, fault);
    this.pending[instance]!.push(fault);
    this.log(time, 'fault_start', instance, -1, `${mode}${cause ? ` ${cause}` : ''}`);
    return id;
  }

  faultEnded(time: number, id: number): void {
    const fault = this.open.get(id);
    if (fault === undefined) return;
    this.open.delete(id);
    fault.end = time;
    if (time >= this.warmup) this.faultyAfterWarmup[fault.instance] = 1;
    this.log(time, 'fault_end', fault.instance, -1, fault.mode);
  }

  /** A detector took `instance` out of rotation (or suspected it). */
  detected(time: number, instance: number): void {
    let any = false;
    for (const fault of this.pending[instance]!) {
      if (fault.end !== Infinity) continue;
      any = true;
      if (Number.isNaN(fault.detectedAt)) {
        fault.detectedAt = time;
        this.toDetect.add(time - fault.start);
      }
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
      this.toRecover.add(time - fault.start);
      this.log(time, 'recovered', instance, -1, fault.mode);
    }
    pending.length = kept;
  }

  /** Instances with a fault overlapping the time from the warm-up to the end of the run. */
  faultyInstances(): number {
    let count = 0;
    for (let i = 0; i < this.faultyAfterWarmup.length; i++) if (this.faultyAfterWarmup[i] === 1) count++;
    for (const fault of this.open.values()) {
      // Still in progress at the end of the run: it overlaps whatever the warm-up.
      if (this.faultyAfterWarmup[fault.instance] === 0) {
        this.faultyAfterWarmup[fault.instance] = 1;
        count++;
      }
    }
    return count;
  }

  summary(): {
    faults: number;
    meanTimeToDetect: number;
    maxTimeToDetect: number;
    missed: number;
    meanTimeToRecover: number;
    maxTimeToRecover: number;
  } {
    return {
      faults: this.faultCount,
      meanTimeToDetect: this.toDetect.mean,
      maxTimeToDetect: this.toDetect.max,
      missed: this.faultCount - this.toDetect.count,
      meanTimeToRecover: this.toRecover.mean,
      maxTimeToRecover: this.toRecover.max,
    };
  }
}

/** Count, mean and maximum of a stream of durations (NaN while empty). */
class RunningStats {
  count = 0;
  private sum = 0;
  max = NaN;

  add(x: number): void {
    this.count++;
    this.sum += x;
    this.max = this.count === 1 ? x : Math.max(this.max, x);
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }
}
