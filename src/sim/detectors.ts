/**
 * The failure detectors of a run, driven by simulated time: Envoy outlier detection (one per
 * client, fed by every attempt's outcome), Envoy active health checking (per client or one
 * central checker), heartbeats to a central phi-accrual or timeout detector, and the
 * Kubernetes liveness probe that restarts a hung instance. Their verdicts go to HealthViews,
 * which moves instances in and out of each client's rotation; their state machines live in
 * src/detect.
 *
 * Simplifications, stated where they apply:
 * - A health check's result is decided by the instance's state when the check is sent
 *   (serving → success after a network round trip at the mean latency; down or starting →
 *   connection refused after the same round trip; hung or control path cut → timeout). The
 *   health endpoint does not queue behind requests.
 * - Heartbeats come from a thread of their own: a hung instance still heartbeats; a crashed,
 *   starting or control-partitioned one does not.
 * - The kubelet's liveness probe is local to the node: partitions do not affect it; only a
 *   hang fails it.
 */
import type { RngFactory } from '../engine/rng.js';
import { ActiveHealthCheck, resolveActiveHealthCheckConfig, type ActiveHealthCheckConfig } from '../detect/active-health-check.js';
import { OutlierDetector, resolveOutlierDetectorConfig, type OutlierEvent } from '../detect/outlier-detector.js';
import { PhiAccrualFailureDetector, resolvePhiAccrualConfig } from '../detect/phi-accrual.js';
import { HeartbeatTimeoutDetector } from '../detect/heartbeat-timeout.js';
import { ConsecutiveFailureAccrual, resolveFailureAccrualConfig } from '../recovery/failure-accrual.js';
import type { RngStream } from '../engine/rng.js';
import { distributionMoments } from '../model/distributions/index.js';
import type { Scenario } from '../scenario/schema.js';
import type { FaultTracker } from './fault-tracker.js';
import type { HealthViews } from './health-views.js';
import { outlierOutcome, type Outcome } from './outcome.js';

/** What the detectors need from the simulation. */
export interface DetectorHost {
  readonly scenario: Scenario;
  readonly clock: { readonly now: number };
  readonly instanceCount: number;
  readonly clients: readonly { readonly index: number }[];
  readonly health: HealthViews;
  readonly tracker: FaultTracker;
  readonly state: Uint8Array;
  readonly hung: Uint8Array;
  readonly controlCut: Uint8Array;
  /** Schedules a background event (kinds from FIRST_DETECTOR_EVENT on). */
  schedule(time: number, kind: number, target: number): void;
  crash(instance: number, cause: string): void;
}

const UP = 0;

interface SuspicionDetector {
  heartbeat(now: number): void;
  /** Earliest time at which the instance would be suspected without another heartbeat. */
  suspicionTime(): number;
  isAvailable(now: number): boolean;
}

export class Detectors {
  private readonly n: number;
  private readonly outlier: OutlierDetector[] | null;
  private readonly outlierInterval: number;
  // Active health checking: one state machine per (checker, instance).
  private readonly checks: ActiveHealthCheck[] | null;
  private readonly checkConfig: ActiveHealthCheckConfig | null;
  private readonly checkers: number;
  private readonly central: boolean;
  private readonly checkRandom: RngStream | null;
  private readonly roundTrip: number;
  // Heartbeats.
  private readonly heartbeat: SuspicionDetector[] | null;
  private readonly heartbeatInterval: number;
  private readonly lastHeartbeat: Float64Array;
  private readonly suspectCheckAt: Float64Array;
  private readonly heartbeatAt: Float64Array;
  // Linkerd failure accrual, per client × instance.
  private readonly accrual: ConsecutiveFailureAccrual[] | null;
  private readonly accrualAt: Float64Array;
  // Membership: when each health-check session started (a result of a check sent before is dropped).
  private readonly checkSentAt: Float64Array;
  private readonly sessionAt: Float64Array;
  // Liveness.
  private readonly livenessFailures: Int32Array;
  private readonly livenessAt: Float64Array;

  private readonly EV_CHECK_SEND: number;
  private readonly EV_CHECK_SUCCESS: number;
  private readonly EV_CHECK_NETWORK: number;
  private readonly EV_CHECK_TIMEOUT: number;
  private readonly EV_SWEEP: number;
  private readonly EV_HEARTBEAT: number;
  private readonly EV_SUSPECT: number;
  private readonly EV_LIVENESS: number;
  private readonly EV_ACCRUAL: number;

  constructor(
    private readonly sim: DetectorHost,
    streams: RngFactory,
    firstKind: number,
  ) {
    const s = sim.scenario;
    const n = s.service.instances;
    this.n = n;
    this.EV_CHECK_SEND = firstKind;
    this.EV_CHECK_SUCCESS = firstKind + 1;
    this.EV_CHECK_NETWORK = firstKind + 2;
    this.EV_CHECK_TIMEOUT = firstKind + 3;
    this.EV_SWEEP = firstKind + 4;
    this.EV_HEARTBEAT = firstKind + 5;
    this.EV_SUSPECT = firstKind + 6;
    this.EV_LIVENESS = firstKind + 7;
    this.EV_ACCRUAL = firstKind + 8;

    if (s.outlierDetection !== undefined) {
      const config = resolveOutlierDetectorConfig(definedOnly(s.outlierDetection));
      this.outlier = sim.clients.map((c) => new OutlierDetector(config, n, streams(`client/${c.index}/outlier`)));
      this.outlierInterval = config.interval;
    } else {
      this.outlier = null;
      this.outlierInterval = Infinity;
    }

    const hc = s.healthCheck;
    if (hc !== undefined) {
      const { checker, jitter, ...rest } = hc;
      this.checkConfig = resolveActiveHealthCheckConfig(definedOnly({ ...rest, intervalJitter: jitter }));
      this.central = checker === 'central';
      this.checkers = this.central ? 1 : sim.clients.length;
      this.checks = Array.from({ length: this.checkers * n }, () => new ActiveHealthCheck(this.checkConfig!));
      this.checkRandom = streams('health-checks');
    } else {
      this.checkConfig = null;
      this.central = false;
      this.checkers = 0;
      this.checks = null;
      this.checkRandom = null;
    }
    const latency = s.network?.latency;
    this.roundTrip = latency === undefined ? 0 : 2 * distributionMoments(latency).mean;

    const hb = s.heartbeat;
    if (hb !== undefined) {
      this.heartbeatInterval = hb.interval;
      const detector = hb.detector;
      this.heartbeat = Array.from({ length: n }, () =>
        detector.kind === 'phi'
          ? new PhiAccrualFailureDetector(
              resolvePhiAccrualConfig(
                definedOnly({
                  threshold: detector.threshold,
                  maxSampleSize: detector.maxSampleSize,
                  minStdDeviation: detector.minStdDeviation,
                  acceptableHeartbeatPause: detector.acceptablePause,
                  firstHeartbeatEstimate: hb.interval,
                }),
              ),
            )
          : new HeartbeatTimeoutDetector({ after: detector.after }),
      );
    } else {
      this.heartbeatInterval = Infinity;
      this.heartbeat = null;
    }
    if (s.failureAccrual !== undefined) {
      const config = resolveFailureAccrualConfig(definedOnly(s.failureAccrual));
      this.accrual = [];
      for (const c of sim.clients) {
        const random = streams(`client/${c.index}/failure-accrual`);
        for (let i = 0; i < n; i++) this.accrual.push(new ConsecutiveFailureAccrual(config, random));
      }
    } else {
      this.accrual = null;
    }
    this.accrualAt = new Float64Array(sim.clients.length * n).fill(NaN);
    this.lastHeartbeat = new Float64Array(n).fill(NaN);
    this.suspectCheckAt = new Float64Array(n).fill(NaN);
    this.heartbeatAt = new Float64Array(n).fill(NaN);
    this.livenessFailures = new Int32Array(n);
    this.livenessAt = new Float64Array(n).fill(NaN);
    this.checkSentAt = new Float64Array(this.checks?.length ?? 0);
    this.sessionAt = new Float64Array(this.checks?.length ?? 0).fill(-Infinity);
  }

  /**
   * Membership: `client` dropped the host in `instance`, or a new pod there is joining it. To
   * the client that is a new host, as Envoy builds a new host for an address that comes (back):
   * its outlier monitor, failure accrual and health-check session (a per-client checker's) start
   * afresh; a check already sent belongs to the old session and its result is dropped; what
   * HealthViews and the balancer keep for the host goes too (HealthViews.forgetHost).
   */
  forgetHost(client: number, instance: number): void {
    const now = this.sim.clock.now;
    this.outlier?.[client]!.forgetHost(instance);
    if (this.accrual !== null) {
      const k = client * this.n + instance;
      this.accrual[k]!.forget();
      this.accrualAt[k] = NaN;
    }
    if (this.checks !== null && !this.central) this.newSession(client * this.n + instance, now);
    const failed = this.checks === null ? false : this.checks[(this.central ? 0 : client) * this.n + instance]!.failed;
    this.sim.health.forgetHost(client, instance, failed);
  }

  /** Membership: a new pod takes `instance`, which no client lists: the central checker's session and the kubelet's probe count start afresh. */
  newPod(instance: number): void {
    if (this.checks !== null && this.central) this.newSession(instance, this.sim.clock.now);
    this.livenessFailures[instance] = 0;
  }

  private newSession(k: number, now: number): void {
    this.checks![k] = new ActiveHealthCheck(this.checkConfig!);
    this.sessionAt[k] = now;
  }

  /** Schedules every detector's first event. */
  start(): void {
    const now = this.sim.clock.now;
    if (this.outlier !== null) {
      for (const c of this.sim.clients) this.sim.schedule(now + this.outlierInterval, this.EV_SWEEP, c.index);
    }
    if (this.checks !== null) {
      for (let k = 0; k < this.checks.length; k++) this.sim.schedule(now + this.checks[k]!.firstDelay(this.checkRandom!), this.EV_CHECK_SEND, k);
    }
    for (let i = 0; i < this.n; i++) this.instanceUp(i);
  }

  /** The instance finished starting: it heartbeats and is probed again. */
  instanceUp(i: number): void {
    const now = this.sim.clock.now;
    if (this.heartbeat !== null) this.scheduleHeartbeat(i, now);
    const liveness = this.sim.scenario.liveness;
    if (liveness !== undefined) {
      this.livenessFailures[i] = 0;
      const at = now + liveness.initialDelay + liveness.period;
      this.livenessAt[i] = at;
      this.sim.schedule(at, this.EV_LIVENESS, i);
    }
  }

  /** The instance crashed: it stops heartbeating and the kubelet stops probing it. */
  instanceDown(i: number): void {
    this.heartbeatAt[i] = NaN;
    this.livenessAt[i] = NaN;
  }

  /** Whether observeOutcome does anything (outlier detection or failure accrual is configured). */
  get observesOutcomes(): boolean {
    return this.outlier !== null || this.accrual !== null;
  }

  /**
   * `client` picked `instance`: while its accrual is on probation, that pick is the one probe,
   * and the endpoint leaves rotation again until the probe's response.
   */
  picked(client: number, instance: number): void {
    if (this.accrual === null) return;
    const k = client * this.n + instance;
    const accrual = this.accrual[k]!;
    if (accrual.state === 'probation' && accrual.tryAdmit(this.sim.clock.now)) {
      this.sim.health.setAccrued(client, instance, true, 'accrual_open', 'probe in flight');
    }
  }

  /** An attempt to `instance` ended at `client` with `outcome`: outlier detection counts it. */
  observeOutcome(client: number, instance: number, outcome: Outcome, now: number): void {
    // An attempt that ends after its host left the client (membership) reaches no monitor (Envoy's is gone).
    if (!this.sim.health.isDiscovered(client, instance)) return;
    if (this.outlier !== null) {
      const events = this.outlier[client]!.recordResponse(instance, outlierOutcome(outcome), now);
      if (events.length > 0) this.applyOutlierEvents(client, events);
    }
    if (this.accrual !== null) this.accrue(client, instance, outlierOutcome(outcome) === 'success', now);
  }

  private accrue(client: number, instance: number, success: boolean, now: number): void {
    const k = client * this.n + instance;
    const accrual = this.accrual![k]!;
    switch (accrual.onResponse(success, now)) {
      case 'tripped':
        this.sim.health.setAccrued(client, instance, true, 'accrual_open', `${accrual.config.maxFailures} consecutive failures`);
        this.scheduleProbation(k, accrual.nextChangeAt);
        break;
      case 'probe_failed':
        this.sim.tracker.log(now, 'accrual_open', instance, client, 'probe failed');
        this.scheduleProbation(k, accrual.nextChangeAt);
        break;
      case 'recovered':
        this.sim.health.setAccrued(client, instance, false, 'accrual_closed', 'probe succeeded');
        break;
      case 'none':
        break;
    }
  }

  private scheduleProbation(k: number, at: number): void {
    this.accrualAt[k] = at;
    this.sim.schedule(at, this.EV_ACCRUAL, k);
  }

  handle(kind: number, target: number): void {
    const now = this.sim.clock.now;
    switch (kind) {
      case this.EV_SWEEP: {
        const events = this.outlier![target]!.sweep(now);
        if (events.length > 0) this.applyOutlierEvents(target, events);
        this.sim.schedule(now + this.outlierInterval, this.EV_SWEEP, target);
        break;
      }
      case this.EV_CHECK_SEND:
        this.sendCheck(target);
        break;
      case this.EV_CHECK_SUCCESS:
        this.checkResult(target, 'success');
        break;
      case this.EV_CHECK_NETWORK:
        this.checkResult(target, 'network');
        break;
      case this.EV_CHECK_TIMEOUT:
        this.checkResult(target, 'timeout');
        break;
      case this.EV_HEARTBEAT:
        if (this.heartbeatAt[target] === now) this.receiveHeartbeat(target);
        break;
      case this.EV_SUSPECT:
        if (this.suspectCheckAt[target] === now) this.checkSuspicion(target);
        break;
      case this.EV_LIVENESS:
        if (this.livenessAt[target] === now) this.probeLiveness(target);
        break;
      case this.EV_ACCRUAL:
        if (this.accrualAt[target] === now && this.accrual![target]!.advance(now)) {
          // Probation: back in rotation until the one probe request is picked.
          this.sim.health.setAccrued(Math.floor(target / this.n), target % this.n, false, 'accrual_probation', 'waited out');
        }
        break;
      default:
        throw new Error(`internal error: unknown event kind ${kind} at t=${now}ms`);
    }
  }

  private applyOutlierEvents(client: number, events: readonly OutlierEvent[]): void {
    for (const e of events) {
      switch (e.kind) {
        case 'eject':
          this.sim.health.setEjected(client, e.host, true, e.reason);
          break;
        case 'uneject':
          this.sim.health.setEjected(client, e.host, false, e.reason);
          break;
        case 'overflow':
          this.sim.tracker.log(e.time, 'ejection_overflow', e.host, client, e.reason);
          break;
        case 'detected_not_enforced':
          this.sim.tracker.log(e.time, 'detected_not_enforced', e.host, client, e.reason);
          break;
      }
    }
  }

  // ===== active health checking =====

  private sendCheck(k: number): void {
    const i = k % this.n;
    const now = this.sim.clock.now;
    const config = this.checkConfig!;
    this.checkSentAt[k] = now;
    if (this.sim.hung[i] === 1 || this.sim.controlCut[i] === 1) {
      this.sim.schedule(now + config.timeout, this.EV_CHECK_TIMEOUT, k);
    } else if (this.sim.state[i] !== UP) {
      this.sim.schedule(now + Math.min(this.roundTrip, config.timeout), this.EV_CHECK_NETWORK, k);
    } else if (this.roundTrip >= config.timeout) {
      this.sim.schedule(now + config.timeout, this.EV_CHECK_TIMEOUT, k);
    } else {
      this.sim.schedule(now + this.roundTrip, this.EV_CHECK_SUCCESS, k);
    }
  }

  private checkResult(k: number, result: 'success' | 'network' | 'timeout'): void {
    const check = this.checks![k]!;
    if (this.checkSentAt[k]! < this.sessionAt[k]! || (!this.central && !this.sim.health.isDiscovered(Math.floor(k / this.n), k % this.n))) {
      // Sent to the host before it became a new one, or to no host this client knows (membership):
      // Envoy has no session for either.
      this.sim.schedule(this.sim.clock.now + check.nextDelay(this.checkRandom!), this.EV_CHECK_SEND, k);
      return;
    }
    const wasFailed = check.failed;
    check.onResult(result);
    const i = k % this.n;
    const checker = Math.floor(k / this.n);
    const client = this.central ? -1 : checker;
    if (check.failed !== wasFailed) this.sim.health.setHealthCheckFailed(client, i, check.failed, result);
    // Envoy: a healthy active check unejects an outlier-ejected host at once. Only clients that
    // have it ejected are asked, so a check on a host nobody ejected costs nothing more.
    if (result === 'success' && this.outlier !== null && this.sim.health.ejectedCount(i) > 0) {
      if (this.central) {
        for (const c of this.sim.clients) this.uneject(c.index, i, check.failed);
      } else {
        this.uneject(checker, i, check.failed);
      }
    }
    this.sim.schedule(this.sim.clock.now + check.nextDelay(this.checkRandom!), this.EV_CHECK_SEND, k);
  }

  private uneject(client: number, instance: number, activeHcFailed: boolean): void {
    const outlier = this.outlier![client]!;
    if (!outlier.isEjected(instance)) return;
    const events = outlier.onActiveHealthCheckSuccess(instance, this.sim.clock.now, activeHcFailed);
    if (events.length > 0) this.applyOutlierEvents(client, events);
  }

  // ===== heartbeats =====

  private scheduleHeartbeat(i: number, from: number): void {
    const at = from + this.heartbeatInterval;
    this.heartbeatAt[i] = at;
    this.sim.schedule(at, this.EV_HEARTBEAT, i);
  }

  private receiveHeartbeat(i: number): void {
    const now = this.sim.clock.now;
    this.scheduleHeartbeat(i, now);
    if (this.sim.controlCut[i] === 1) return; // sent, but lost on the way
    const detector = this.heartbeat![i]!;
    detector.heartbeat(now);
    this.lastHeartbeat[i] = now;
    this.sim.health.setSuspected(i, false, 'heartbeat');
    const at = Math.max(now, detector.suspicionTime());
    if (Number.isFinite(at)) {
      this.suspectCheckAt[i] = at;
      this.sim.schedule(at, this.EV_SUSPECT, i);
    }
  }

  private checkSuspicion(i: number): void {
    this.suspectCheckAt[i] = NaN;
    const detector = this.heartbeat![i]!;
    if (!detector.isAvailable(this.sim.clock.now)) this.sim.health.setSuspected(i, true, 'heartbeat overdue');
  }

  // ===== liveness =====

  private probeLiveness(i: number): void {
    const liveness = this.sim.scenario.liveness!;
    const now = this.sim.clock.now;
    if (this.sim.hung[i] === 1) this.livenessFailures[i]!++;
    else this.livenessFailures[i] = 0;
    if (this.livenessFailures[i]! >= liveness.failureThreshold) {
      this.sim.tracker.log(now, 'liveness_kill', i, -1, `${liveness.failureThreshold} failed probes`);
      this.sim.tracker.detected(now, i);
      this.sim.crash(i, 'liveness');
      return;
    }
    const at = now + liveness.period;
    this.livenessAt[i] = at;
    this.sim.schedule(at, this.EV_LIVENESS, i);
  }
}

/** Drops undefined values, so optional scenario fields fall back to the module defaults. */
function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
