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
  | 'scale'
  | 'hpa_sync'
  | 'kpa_panic_enter'
  | 'kpa_panic_exit';

export interface SimEvent {
  readonly time: number;
  readonly kind: EventKind;
  readonly instance: number;
  /** -1 when the event is not a client's (faults, restarts, the central checker). */
  readonly client: number;
  readonly cause: string;
}

/**
 * Every fault is kept as one row of typed columns (about 37 bytes: what the SLO's incidents and
 * per-fault objectives are judged on), not as an object; what the hot path looks at is only the
 * faults still open or not yet recovered, so a detection or a return to rotation never scans
 * every fault of the run.
 */
export class FaultTracker {
  readonly events: SimEvent[] = [];
  private count = 0;
  private instanceOf = new Int32Array(16);
  private startOf = new Float64Array(16);
  private endOf = new Float64Array(16);
  private detectedAtOf = new Float64Array(16);
  private recoveredAtOf = new Float64Array(16);
  private readonly modeOf: string[] = [];
  /** Faults still in progress (faultEnded finds them here). */
  private readonly open = new Set<number>();
  /** Per instance, its faults still waiting for a detection or a recovery, oldest first. */
  private readonly pending: number[][];
  /** Per instance: a fault of it overlapped the time after the warm-up. */
  private readonly faultyAfterWarmup: Uint8Array;
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
    if (this.count === this.startOf.length) this.grow();
    const id = this.count++;
    this.instanceOf[id] = instance;
    this.startOf[id] = time;
    this.endOf[id] = Infinity;
    this.detectedAtOf[id] = NaN;
    this.recoveredAtOf[id] = NaN;
    this.modeOf.push(mode);
    this.open.add(id);
    this.pending[instance]!.push(id);
    this.log(time, 'fault_start', instance, -1, `${mode}${cause ? ` ${cause}` : ''}`);
    return id;
  }

  private grow(): void {
    const grown = <A extends Int32Array | Float64Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(2 * a.length);
      b.set(a);
      return b;
    };
    this.instanceOf = grown(this.instanceOf);
    this.startOf = grown(this.startOf);
    this.endOf = grown(this.endOf);
    this.detectedAtOf = grown(this.detectedAtOf);
    this.recoveredAtOf = grown(this.recoveredAtOf);
  }

  faultEnded(time: number, id: number): void {
    if (!this.open.delete(id)) return;
    this.endOf[id] = time;
    if (time >= this.warmup) this.faultyAfterWarmup[this.instanceOf[id]!] = 1;
    this.log(time, 'fault_end', this.instanceOf[id]!, -1, this.modeOf[id]!);
  }

  /** A detector took `instance` out of rotation (or suspected it). */
  detected(time: number, instance: number): void {
    let any = false;
    for (const id of this.pending[instance]!) {
      if (this.endOf[id] !== Infinity) continue;
      any = true;
      if (Number.isNaN(this.detectedAtOf[id]!)) this.detectedAtOf[id] = time;
    }
    if (!any) this.falsePositives++;
  }

  /** The instance serves and every client has it in rotation: ended faults on it have recovered. */
  backInRotation(time: number, instance: number): void {
    const pending = this.pending[instance]!;
    if (pending.length === 0) return;
    let kept = 0;
    for (const id of pending) {
      if (this.endOf[id] === Infinity) {
        pending[kept++] = id;
        continue;
      }
      this.recoveredAtOf[id] = time;
      this.log(time, 'recovered', instance, -1, this.modeOf[id]!);
    }
    pending.length = kept;
  }

  /** Instances with a fault overlapping the time from the warm-up to the end of the run. */
  faultyInstances(): number {
    let count = 0;
    for (let i = 0; i < this.faultyAfterWarmup.length; i++) if (this.faultyAfterWarmup[i] === 1) count++;
    for (const id of this.open) {
      // Still in progress at the end of the run: it overlaps whatever the warm-up.
      const instance = this.instanceOf[id]!;
      if (this.faultyAfterWarmup[instance] === 0) {
        this.faultyAfterWarmup[instance] = 1;
        count++;
      }
    }
    return count;
  }

  /** Every fault episode so far, for the SLO evaluator. */
  records(): FaultRecord[] {
    const records = new Array<FaultRecord>(this.count);
    for (let id = 0; id < this.count; id++) {
      records[id] = {
        instance: this.instanceOf[id]!,
        mode: this.modeOf[id] as FaultMode,
        start: this.startOf[id]!,
        end: this.endOf[id]!,
        detectedAt: this.detectedAtOf[id]!,
        recoveredAt: this.recoveredAtOf[id]!,
      };
    }
    return records;
  }

  /** Detection and recovery over every fault, in start order; `spanEnd` is the end of the counted span (arrivals). */
  summary(spanEnd: number): {
    faults: number;
    meanTimeToDetect: number;
    maxTimeToDetect: number;
    missed: number;
    meanTimeToRecover: number;
    maxTimeToRecover: number;
    unrecovered: number;
  } {
    const detect = new Durations();
    const recover = new Durations();
    for (let id = 0; id < this.count; id++) {
      const start = this.startOf[id]!;
      if (!Number.isNaN(this.detectedAtOf[id]!)) detect.add(this.detectedAtOf[id]! - start);
      if (this.endOf[id]! <= spanEnd && !Number.isNaN(this.recoveredAtOf[id]!)) recover.add(this.recoveredAtOf[id]! - start);
    }
    return {
      faults: this.count,
      meanTimeToDetect: detect.mean,
      maxTimeToDetect: detect.max,
      missed: this.count - detect.count,
      meanTimeToRecover: recover.mean,
      maxTimeToRecover: recover.max,
      unrecovered: this.count - recover.count,
    };
  }
}

/** Count, mean and maximum of durations (NaN while empty), summed in the order given. */
class Durations {
  count = 0;
  private sum = 0;
  private largest = -Infinity;

  add(x: number): void {
    this.count++;
    this.sum += x;
    if (x > this.largest) this.largest = x;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  get max(): number {
    return this.count === 0 ? NaN : this.largest;
  }
}
