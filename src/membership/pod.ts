/**
 * One Kubernetes pod from creation to the end of its termination, as the kubelet runs it:
 * start-up, the readiness probe, and graceful termination with its two independent branches.
 *
 * Implements (reference notes: discovery-and-control-plane.md §1.1, §7; kubelet
 * pkg/kubelet/kuberuntime/kuberuntime_container.go `killContainer` / `executePreStopHook`,
 * `minimumGracePeriodInSeconds = 2`; probe semantics from ../detect/kubernetes-probe.ts):
 * - Start-up: the pod is Pending for `schedulingDelay` (scheduling, image pull, container
 *   creation), then Running; its application accepts connections `startupTime` after the
 *   container starts.
 * - Readiness: the kubelet probes at the container start and every `period` after, from
 *   `initialDelay` on; a probe succeeds while the application accepts connections and is
 *   healthy (`setAppHealthy`). `successThreshold` / `failureThreshold` consecutive results flip
 *   the Ready condition (its `lastTransitionTime` is kept for the HPA). Probing goes on during
 *   termination, so `serving` follows the application until it exits.
 * - Termination, from `delete(now)` (the deletion timestamp), two branches at once:
 *   (a) kubelet: the preStop hook runs for `preStop` (bounded by the grace period G); then
 *       SIGTERM. The kubelet takes the hook's elapsed time in whole seconds (Go's
 *       `int64(Since(start).Seconds())`) off G, and gives the container at least 2 s more:
 *       SIGKILL at SIGTERM + max(2 s, G − ⌊preStop⌋) while the hook ended in time, and
 *       G + 2 s after deletion when it did not (the "+2 s one-off"). Without a hook, SIGTERM
 *       at deletion and SIGKILL max(2 s, G) later.
 *   (b) the endpoint branch: the pod is terminating from the deletion instant on; the caller
 *       passes that to the EndpointSlice controller (`endpointState`). Nothing in (a) waits
 *       for (b): that is the race.
 * - On SIGTERM the application closes its listener (new connections are refused) and drains:
 *   it exits `exitDelay` after it has no request in flight (the caller reports that with
 *   `setBusy`), or after `drainTimeout`, whichever is first, unless SIGKILL comes first.
 *
 * Note on the reference's guarantee 3: with a hook whose duration is not a whole number of
 * seconds the kill lands up to 1 s after t_del + G (the truncation above), and with a hook
 * ending within 2 s of G it lands up to 2 s after; always by t_del + G + 2 s and never
 * before t_del + min(G, preStop + application shutdown).
 *
 * Not modelled: liveness and startup probes (../detect covers them), container restarts,
 * several containers (the istio-proxy container's own drain), probe timeouts (a probe of a
 * listening, healthy application answers at once), kubelet restarts.
 *
 * Complexity: O(1) per call.
 */
import { KubernetesProbe, type KubernetesProbeConfig } from '../detect/kubernetes-probe.js';
import type { TimedModel } from '../engine/timed-model.js';

/** How long a warm pod (one that exists when the run starts) has been running and Ready. */
export const WARM_POD_AGE = 3_600_000;

/** The kubelet's floor on the time between SIGTERM and SIGKILL. */
export const MINIMUM_GRACE_PERIOD_MS = 2000;

export interface PodTimings {
  /** Created → container running (scheduling, image pull, container creation), ms. */
  readonly schedulingDelay: number;
  /** Container running → application accepting connections, ms. */
  readonly startupTime: number;
}

export interface TerminationConfig {
  /** `terminationGracePeriodSeconds`, whole seconds (Kubernetes 30). */
  readonly gracePeriodSeconds: number;
  /** Duration of the preStop hook (ms), or null for no hook. */
  readonly preStop: number | null;
  /** After SIGTERM, the application exits once idle or after this long (ms; Infinity: only when idle). */
  readonly drainTimeout: number;
  /** Idle → exited (ms). */
  readonly exitDelay: number;
}

export const KUBERNETES_TERMINATION: TerminationConfig = Object.freeze({
  gracePeriodSeconds: 30,
  preStop: null,
  drainTimeout: Infinity,
  exitDelay: 0,
});

export type PodPhase = 'Pending' | 'Running' | 'Gone';

export type PodEventKind =
  | 'started'
  | 'listening'
  | 'ready'
  | 'unready'
  | 'deleting'
  | 'prestop-done'
  | 'sigterm'
  | 'exited'
  | 'killed';

export interface PodEvent {
  readonly time: number;
  readonly pod: number;
  readonly kind: PodEventKind;
}

/** When each step of a deletion happens (ms); NaN before it is known. */
export interface TerminationTimeline {
  readonly deletedAt: number;
  readonly preStopEndsAt: number;
  readonly sigtermAt: number;
  readonly killAt: number;
}

/** The kubelet's schedule for a pod deleted at `deletedAt` (branch (a) above). */
export function terminationTimeline(deletedAt: number, config: TerminationConfig): TerminationTimeline {
  const grace = config.gracePeriodSeconds * 1000;
  if (config.preStop === null) {
    return { deletedAt, preStopEndsAt: deletedAt, sigtermAt: deletedAt, killAt: deletedAt + Math.max(MINIMUM_GRACE_PERIOD_MS, grace) };
  }
  if (config.preStop >= grace) {
    // The hook is still running at the deadline: SIGTERM then, and the 2 s floor.
    const sigtermAt = deletedAt + grace;
    return { deletedAt, preStopEndsAt: deletedAt + config.preStop, sigtermAt, killAt: sigtermAt + MINIMUM_GRACE_PERIOD_MS };
  }
  const sigtermAt = deletedAt + config.preStop;
  const left = grace - Math.floor(config.preStop / 1000) * 1000;
  return { deletedAt, preStopEndsAt: sigtermAt, sigtermAt, killAt: sigtermAt + Math.max(MINIMUM_GRACE_PERIOD_MS, left) };
}

export function checkTerminationConfig(config: TerminationConfig): void {
  if (!(Number.isSafeInteger(config.gracePeriodSeconds) && config.gracePeriodSeconds >= 0)) {
    throw new RangeError(`pod termination: gracePeriodSeconds must be a whole number ≥ 0, got ${config.gracePeriodSeconds}`);
  }
  if (config.preStop !== null && !(config.preStop >= 0 && Number.isFinite(config.preStop))) {
    throw new RangeError(`pod termination: preStop must be a finite duration ≥ 0 or null, got ${config.preStop}`);
  }
  if (!(config.drainTimeout >= 0)) throw new RangeError(`pod termination: drainTimeout must be ≥ 0, got ${config.drainTimeout}`);
  if (!(config.exitDelay >= 0 && Number.isFinite(config.exitDelay))) throw new RangeError(`pod termination: exitDelay must be a finite duration ≥ 0, got ${config.exitDelay}`);
}

export class Pod implements TimedModel {
  readonly createdAt: number;
  private phase: PodPhase = 'Pending';
  private startedAt = Number.NaN;
  private listeningAt = Number.NaN;
  private readonly probe: KubernetesProbe;
  private nextProbeAt = Infinity;
  private ready = false;
  private readyTransitionAt: number;
  private appHealthy = true;
  private busy = false;
  private termination: TerminationTimeline | null = null;
  private exitAt = Infinity;
  private drainDeadline = Infinity;
  private endedAt = Number.NaN;
  private endedBy: 'exited' | 'killed' | null = null;
  private lastTime: number;
  private readonly stages = { listening: false, preStopDone: false, sigterm: false };

  constructor(
    readonly id: number,
    now: number,
    readonly timings: PodTimings,
    readonly readiness: Readonly<KubernetesProbeConfig>,
    readonly terminationConfig: TerminationConfig,
    private readonly emit: (event: PodEvent) => void,
  ) {
    if (!(timings.schedulingDelay >= 0 && Number.isFinite(timings.schedulingDelay))) throw new RangeError(`pod: schedulingDelay ${timings.schedulingDelay}`);
    if (!(timings.startupTime >= 0 && Number.isFinite(timings.startupTime))) throw new RangeError(`pod: startupTime ${timings.startupTime}`);
    checkTerminationConfig(terminationConfig);
    this.createdAt = now;
    this.lastTime = now;
    this.readyTransitionAt = now;
    this.probe = new KubernetesProbe('readiness', readiness);
  }

  /**
   * A pod that has been Running and Ready for WARM_POD_AGE when the run starts at `now`: the
   * instances a scenario starts with. Its probe has passed ever since.
   */
  static warm(
    id: number,
    now: number,
    readiness: Readonly<KubernetesProbeConfig>,
    terminationConfig: TerminationConfig,
    emit: (event: PodEvent) => void,
  ): Pod {
    const started = now - WARM_POD_AGE;
    const pod = new Pod(id, started, { schedulingDelay: 0, startupTime: 0 }, readiness, terminationConfig, emit);
    pod.lastTime = now;
    pod.phase = 'Running';
    pod.startedAt = started;
    pod.listeningAt = started;
    pod.stages.listening = true;
    pod.probe.onContainerStart(started);
    for (let i = 0; i < readiness.successThreshold; i++) pod.probe.onResult(true);
    pod.ready = true;
    pod.readyTransitionAt = started;
    // The probe ticks on its own grid from the container start.
    pod.nextProbeAt = started + Math.ceil((now - started) / readiness.period) * readiness.period;
    return pod;
  }

  get podPhase(): PodPhase {
    return this.phase;
  }
  /** The Ready condition. */
  get isReady(): boolean {
    return this.ready;
  }
  /** When the Ready condition last changed (its `lastTransitionTime`; creation before any change). */
  get readyTransitionTime(): number {
    return this.readyTransitionAt;
  }
  /** The container start time (NaN while Pending). */
  get startTime(): number {
    return this.startedAt;
  }
  /** The application accepts new connections. */
  get accepting(): boolean {
    return this.phase === 'Running' && this.stages.listening && !this.stages.sigterm;
  }
  /** The pod has a deletion timestamp. */
  get terminating(): boolean {
    return this.termination !== null;
  }
  get deletedAt(): number {
    return this.termination?.deletedAt ?? Number.NaN;
  }
  /** The kubelet's termination schedule once deleted. */
  get terminationTimeline(): TerminationTimeline | null {
    return this.termination;
  }
  /** When the process ended, and how (null while it lives). */
  get ended(): { at: number; by: 'exited' | 'killed' } | null {
    return this.endedBy === null ? null : { at: this.endedAt, by: this.endedBy };
  }
  /** What the EndpointSlice controller sees. */
  get endpointState(): { ready: boolean; terminating: boolean } {
    return { ready: this.ready, terminating: this.terminating };
  }

  /** The application starts or stops passing its readiness probe (a fault, an overload). */
  setAppHealthy(now: number, healthy: boolean): void {
    this.run(now, false);
    this.appHealthy = healthy;
  }

  /** Whether the application has requests in flight; a draining application exits once idle. */
  setBusy(now: number, busy: boolean): void {
    this.run(now, false);
    this.busy = busy;
    if (!busy && this.stages.sigterm && this.exitAt === Infinity) this.exitAt = now + this.terminationConfig.exitDelay;
  }

  /** The API server stamps the deletion timestamp. A Pending pod is killed at once. */
  delete(now: number): void {
    this.run(now, false);
    if (this.termination !== null || this.phase === 'Gone') return;
    this.termination = terminationTimeline(now, this.terminationConfig);
    this.emit({ time: now, pod: this.id, kind: 'deleting' });
    if (this.phase === 'Pending') {
      // Nothing runs yet: no hook, no grace to honour.
      this.termination = { deletedAt: now, preStopEndsAt: now, sigtermAt: now, killAt: now };
      this.end(now, 'killed');
      return;
    }
    this.run(now, true);
  }

  nextDue(): number {
    if (this.phase === 'Gone') return Infinity;
    if (this.phase === 'Pending') return this.createdAt + this.timings.schedulingDelay;
    let due = this.nextProbeAt;
    if (!this.stages.listening) due = Math.min(due, this.listeningAt);
    const term = this.termination;
    if (term !== null) {
      if (!this.stages.preStopDone && this.terminationConfig.preStop !== null) due = Math.min(due, term.preStopEndsAt);
      if (!this.stages.sigterm) due = Math.min(due, term.sigtermAt);
      due = Math.min(due, term.killAt, this.exitAt, this.drainDeadline);
    }
    return due;
  }

  advance(now: number): void {
    this.run(now, true);
  }

  private run(now: number, inclusive: boolean): void {
    if (!(now >= this.lastTime)) throw new RangeError(`pod ${this.id}: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    for (let due = this.nextDue(); inclusive ? due <= now : due < now; due = this.nextDue()) this.step(due);
  }

  /** The one thing due at `t`, in a fixed order for equal times. */
  private step(t: number): void {
    if (this.phase === 'Pending') {
      this.phase = 'Running';
      this.startedAt = t;
      this.listeningAt = t + this.timings.startupTime;
      this.nextProbeAt = t;
      this.probe.onContainerStart(t);
      this.emit({ time: t, pod: this.id, kind: 'started' });
      return;
    }
    const term = this.termination;
    if (term !== null && term.killAt <= t && this.endedBy === null) return this.end(t, 'killed');
    if (term !== null && Math.min(this.exitAt, this.drainDeadline) <= t) return this.end(t, 'exited');
    if (!this.stages.listening && this.listeningAt <= t) {
      this.stages.listening = true;
      this.emit({ time: t, pod: this.id, kind: 'listening' });
      return;
    }
    if (term !== null && !this.stages.preStopDone && this.terminationConfig.preStop !== null && term.preStopEndsAt <= t) {
      this.stages.preStopDone = true;
      this.emit({ time: t, pod: this.id, kind: 'prestop-done' });
      return;
    }
    if (term !== null && !this.stages.sigterm && term.sigtermAt <= t) {
      this.stages.sigterm = true;
      this.emit({ time: t, pod: this.id, kind: 'sigterm' });
      this.drainDeadline = t + this.terminationConfig.drainTimeout;
      if (!this.busy) this.exitAt = t + this.terminationConfig.exitDelay;
      return;
    }
    if (this.nextProbeAt <= t) {
      this.nextProbeAt = t + this.readiness.period;
      if (!this.probe.shouldProbe(t)) return;
      const changed = this.probe.onResult(this.accepting && this.appHealthy) === 'changed';
      const ready = this.probe.result === 'success';
      if (changed && ready !== this.ready) {
        this.ready = ready;
        this.readyTransitionAt = t;
        this.emit({ time: t, pod: this.id, kind: ready ? 'ready' : 'unready' });
      }
      return;
    }
    throw new Error(`pod ${this.id}: nothing due at ${t}`);
  }

  private end(t: number, by: 'exited' | 'killed'): void {
    this.phase = 'Gone';
    this.endedAt = t;
    this.endedBy = by;
    this.nextProbeAt = Infinity;
    if (this.ready) {
      this.ready = false;
      this.readyTransitionAt = t;
    }
    this.emit({ time: t, pod: this.id, kind: by });
  }
}
