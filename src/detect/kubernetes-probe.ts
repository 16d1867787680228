/**
 * A Kubernetes container probe (liveness, readiness or startup), as the kubelet's probe
 * worker evaluates it.
 *
 * Implements: kubelet `prober.worker.doProbe` (pkg/kubelet/prober/worker.go) with the core/v1
 * Probe defaults; reference notes: failure-detection-and-recovery.md §5, B5, guarantees
 * (c)16–17.
 *
 * Variant, exactly:
 * - The stable result starts at the probe kind's initial value: Success for liveness,
 *   Failure for readiness ("the default state of readiness before the initial delay is
 *   Failure"), Unknown for startup; and again at every container start.
 * - No probe runs while the container has run less than `initialDelay`, or while the worker is
 *   on hold.
 * - Each result extends the run of equal results or starts a new run of 1. A Failure run
 *   shorter than `failureThreshold`, or a Success run shorter than `successThreshold`, leaves
 *   the stable result as it is; otherwise the stable result is set to it (`onResult` returns
 *   `'changed'` when that changes it).
 * - A liveness Failure (or a startup result) reaching its threshold puts the worker on hold and
 *   clears the run: the kubelet kills the container (liveness) and the probe waits for the next
 *   container start. The restart goes through the restart back-off (crash-loop-backoff.ts).
 * - A probe that does not answer within `timeout` is a Failure (the caller reports it so).
 *
 * Scheduling is the caller's: the worker probes when it starts and at every `period` tick
 * after; a tick that comes while a probe is still running is dropped (Go's ticker).
 *
 * Not modelled: the kubelet-restart random start delay, probe retries inside one probe
 * (exec/HTTP transport retries), terminationGracePeriod.
 *
 * Complexity: O(1) per call, no allocation.
 */
import { checkInteger, checkNonNegative, checkPositive, checkTime } from './_internals/config-checks.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface KubernetesProbeConfig {
  /** Time after the container starts before the first probe (ms). Kubernetes 0. */
  initialDelay: number;
  /** Probe period (ms). Kubernetes 10 s. */
  period: number;
  /** A probe not answered within this is a failure (ms). Kubernetes 1 s. */
  timeout: number;
  /** Consecutive successes to become Success. Kubernetes 1 (must be 1 for liveness and startup). */
  successThreshold: number;
  /** Consecutive failures to become Failure. Kubernetes 3. */
  failureThreshold: number;
}

export const DEFAULT_KUBERNETES_PROBE_CONFIG: Readonly<KubernetesProbeConfig> = Object.freeze({
  initialDelay: 0,
  period: 10_000,
  timeout: 1_000,
  successThreshold: 1,
  failureThreshold: 3,
});

const OWNER = 'kubernetes probe';

/** Fills the core/v1 defaults and validates as the API server does (successThreshold 1 for liveness and startup). */
export function resolveKubernetesProbeConfig(kind: ProbeKind, partial: Partial<KubernetesProbeConfig> = {}): KubernetesProbeConfig {
  const config: KubernetesProbeConfig = { ...DEFAULT_KUBERNETES_PROBE_CONFIG, ...partial };
  checkNonNegative(OWNER, 'initialDelay', config.initialDelay);
  checkPositive(OWNER, 'period', config.period);
  checkPositive(OWNER, 'timeout', config.timeout);
  checkInteger(OWNER, 'successThreshold', config.successThreshold, 1);
  checkInteger(OWNER, 'failureThreshold', config.failureThreshold, 1);
  if (kind !== 'readiness' && config.successThreshold !== 1) {
    throw new RangeError(`${OWNER}: successThreshold must be 1 for a ${kind} probe, got ${config.successThreshold}`);
  }
  return config;
}

export class KubernetesProbe {
  readonly kind: ProbeKind;
  readonly config: Readonly<KubernetesProbeConfig>;
  private stable: ProbeResult;
  private lastResult: ProbeResult = 'unknown';
  private run = 0;
  private hold = false;
  private startedAt = Number.NaN;

  constructor(kind: ProbeKind, config: Readonly<KubernetesProbeConfig>) {
    this.kind = kind;
    this.config = config;
    this.stable = this.initialValue();
  }

  /** The stable result the kubelet acts on. */
  get result(): ProbeResult {
    return this.stable;
  }

  /** The worker stopped probing after a liveness failure (or a startup result) until the next start. */
  get onHold(): boolean {
    return this.hold;
  }

  /** Length of the current run of equal results. */
  get resultRun(): number {
    return this.run;
  }

  /** A (new) container started: initial value, no run, probing again after the initial delay. */
  onContainerStart(now: number): void {
    this.startedAt = now;
    this.stable = this.initialValue();
    this.lastResult = 'unknown';
    this.run = 0;
    this.hold = false;
  }

  /** Whether a probe tick at `now` runs a probe. */
  shouldProbe(now: number): boolean {
    if (Number.isNaN(this.startedAt) || this.hold) return false;
    checkTime(OWNER, now, this.startedAt);
    return now - this.startedAt >= this.config.initialDelay;
  }

  /** The outcome of one probe (a timeout is a failure). Returns 'changed' when the stable result changed. */
  onResult(success: boolean): 'changed' | 'unchanged' {
    const result: ProbeResult = success ? 'success' : 'failure';
    if (this.lastResult === result) {
      this.run++;
    } else {
      this.lastResult = result;
      this.run = 1;
    }
    const threshold = success ? this.config.successThreshold : this.config.failureThreshold;
    if (this.run < threshold) return 'unchanged';
    const changed = this.stable !== result;
    this.stable = result;
    if ((this.kind === 'liveness' && !success) || this.kind === 'startup') {
      this.hold = true;
      this.run = 0;
    }
    return changed ? 'changed' : 'unchanged';
  }

  private initialValue(): ProbeResult {
    return this.kind === 'liveness' ? 'success' : this.kind === 'readiness' ? 'failure' : 'unknown';
  }
}
