/**
 * Kubernetes CrashLoopBackOff: the kubelet's restart back-off for one container.
 *
 * Implements: kubelet `kubeGenericRuntimeManager.doBackOff`
 * (pkg/kubelet/kuberuntime/kuberuntime_manager.go) on `flowcontrol.Backoff`
 * (client-go/util/flowcontrol/backoff.go: Next, IsInBackOffSince, hasExpired), created as
 * `NewBackOff(backOffPeriod = 10 s, MaxContainerBackOff = 300 s)` in pkg/kubelet/kubelet.go;
 * reference notes: failure-detection-and-recovery.md §5, B5, guarantee (c)15.
 *
 * Variant, exactly:
 * - When the container exits at time t (its FinishedAt), the kubelet restarts it at once if
 *   it has no back-off entry or the entry has expired (`t − lastUpdate > resetAfter`, 2 × max
 *   by default: "consider stable if it's ok for twice the maxDuration"); the entry then
 *   starts over at `initial`. Otherwise it waits until `t + backoff` (CrashLoopBackOff) and
 *   then doubles the back-off, capped at `max`. Each restart sets `lastUpdate` to the restart
 *   time.
 * - Delays before successive restarts: 0, 10, 20, 40, 80, 160, 300, 300 … s, never above
 *   `max`; the sequence starts over after a run longer than `resetAfter` (10 min) counted
 *   from the last restart.
 * - No jitter (NewBackOff's jitter factor is 0). When `max < initial` (KEP-4603's per-node
 *   `maxContainerRestartPeriod` below 10 s), the delays are all `max`.
 *
 * Not modelled: the sync-loop latency (the kubelet notices the exit and the end of the
 * back-off at its next pod sync, a second or so later; here both are exact), and the alpha
 * `ReduceDefaultCrashLoopBackOffDecay` feature gate (initial 1 s, max 60 s), which is just
 * another configuration.
 *
 * Complexity: O(1) per call, no allocation.
 */
import { checkPositive, checkTime } from '../detect/_internals/config-checks.js';

export interface CrashLoopBackOffConfig {
  /** First non-zero delay (ms). Kubernetes 10 s (kubelet backOffPeriod). */
  initial: number;
  /** Cap on the delay (ms). Kubernetes 300 s (MaxContainerBackOff). */
  max: number;
  /** A run longer than this since the last restart resets the back-off (ms). Kubernetes 2 × max. */
  resetAfter: number;
}

export const DEFAULT_CRASH_LOOP_BACKOFF_CONFIG: Readonly<CrashLoopBackOffConfig> = Object.freeze({
  initial: 10_000,
  max: 300_000,
  resetAfter: 600_000,
});

const OWNER = 'restart back-off';

/** Fills defaults and validates; an unset `resetAfter` is 2 × max, as client-go's hasExpired. */
export function resolveCrashLoopBackOffConfig(partial: Partial<CrashLoopBackOffConfig> = {}): CrashLoopBackOffConfig {
  const config: CrashLoopBackOffConfig = { ...DEFAULT_CRASH_LOOP_BACKOFF_CONFIG, ...partial };
  if (partial.resetAfter === undefined) config.resetAfter = 2 * config.max;
  checkPositive(OWNER, 'initial', config.initial);
  checkPositive(OWNER, 'max', config.max);
  checkPositive(OWNER, 'resetAfter', config.resetAfter);
  return config;
}

export class CrashLoopBackOff {
  readonly config: Readonly<CrashLoopBackOffConfig>;
  private hasEntry = false;
  private backoff = 0;
  private lastUpdate = Number.NaN;
  private lastExit = -Infinity;
  private restartCount = 0;

  constructor(config: Readonly<CrashLoopBackOffConfig>) {
    this.config = config;
  }

  /**
   * The container exited at `now`. Returns the earliest time the kubelet starts it again
   * (`now` itself when there is no back-off), and records that restart.
   */
  onExit(now: number): number {
    checkTime(OWNER, now, this.lastExit);
    this.lastExit = now;
    this.restartCount++;
    if (!this.hasEntry || now - this.lastUpdate > this.config.resetAfter) {
      this.hasEntry = true;
      this.backoff = Math.min(this.config.initial, this.config.max);
      this.lastUpdate = now;
      return now;
    }
    const restartAt = now + this.backoff;
    this.backoff = Math.min(2 * this.backoff, this.config.max);
    this.lastUpdate = restartAt;
    return restartAt;
  }

  /**
   * The container actually started at `now`, later than `onExit` said (something else held it
   * back). The kubelet counts the reset window from the real restart.
   */
  onRestart(now: number): void {
    if (!this.hasEntry) return;
    checkTime(OWNER, now, this.lastUpdate);
    this.lastUpdate = now;
  }

  /** The delay the next exit will get if it comes before the reset window ends; 0 before any exit. */
  get currentBackoff(): number {
    return this.hasEntry ? this.backoff : 0;
  }

  /** The last restart time (client-go `lastUpdate`); NaN before the first exit. */
  get lastRestart(): number {
    return this.lastUpdate;
  }

  /** Exits seen (restarts scheduled). */
  get restarts(): number {
    return this.restartCount;
  }
}
