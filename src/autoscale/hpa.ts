/**
 * The Kubernetes HorizontalPodAutoscaler (autoscaling/v2), one reconcile at a time.
 *
 * Implements, following kube-controller-manager pkg/controller/podautoscaler
 * (`reconcileAutoscaler`, `computeReplicasForMetrics`, `normalizeDesiredReplicas`,
 * `normalizeDesiredReplicasWithBehaviors`, `stabilizeRecommendation[WithBehaviors]`,
 * `convertDesiredReplicasWithBehaviorRate`, `calculateScale{Up,Down}Limit…`,
 * `storeScaleEvent`; replica_calculator.go `GetResourceReplicas`, `calcPlainMetricReplicas`,
 * `groupPods`; metrics/utilization.go; defaults from pkg/apis/autoscaling/v2/defaults.go and
 * the controller flags; reference notes: discovery-and-control-plane.md §1.2, §2.5):
 * - Current replicas are the target's spec.replicas. spec 0 with minReplicas > 0 disables
 *   scaling; spec above max or below min goes straight to the bound.
 * - Per metric, pods are grouped: deleted or Failed → ignored; Pending → unready; no sample →
 *   missing; for CPU, a pod without Ready condition or start time, or within the CPU
 *   initialization period (5 min) and unready or sampled less than one metric window after
 *   its last readiness change, or unready and never Ready past the initial readiness delay
 *   (30 s) → unready; else ready.
 * - Usage ratio: CPU utilization is ⌊100·Σusage/Σrequest⌋ % (integers, as Kubernetes) over
 *   the target; a per-pod value is ⌊Σvalue/n⌋ over the target (milli-units). Within the
 *   tolerance (0.1 each way) → current replicas; with no unready or missing pods →
 *   ⌈ratio·ready⌉. Otherwise missing pods count at 100 % of request (max(100 %, target) for
 *   CPU; the target for per-pod values) on a way down and 0 on a way up; unready pods count 0
 *   on a way up; the ratio is recomputed, and the change is dropped if it is then within the
 *   tolerance, changes direction, or ⌈ratio·n⌉ would move against it.
 * - Several metrics: the largest proposal; an invalid metric (no usable pod) blocks scaling
 *   down, and all invalid blocks scaling.
 * - Without `behavior` (the field left out, as most HPAs do): the highest recommendation of the
 *   last `downscaleStabilization` (5 min, samples at the cutoff included) and at most
 *   max(2·current, 4) per reconcile. With `behavior`: recommendations of the scale-up window
 *   give a floor (min) and those of the scale-down window a ceiling (max), samples strictly
 *   inside the windows; then the policies over replicas added and removed in each policy's
 *   period, combined by selectPolicy (Max, Min, Disabled). Defaults: up 0 s, Max,
 *   {4 pods, 100 %} per 15 s; down 300 s (the controller flag), Max, {100 %} per 15 s.
 * - The first reconcile records the current replicas as a recommendation, so a new HPA does
 *   not scale down for a stabilization window.
 *
 * Deviations: only Resource cpu (utilization or average value) and Pods metrics (Object and
 * External metrics and container resources are left out); values are taken in milli-units
 * as given (Kubernetes' Quantity rounds to milli-units upward: round before passing).
 *
 * Complexity: O(p · m) per reconcile for p pods and m metrics, plus O(r) over the stored
 * recommendations and scale events.
 */

export type HpaMetric =
  /** Resource cpu, target type Utilization: percent of the pods' CPU request. */
  | { readonly kind: 'cpu-utilization'; readonly target: number }
  /** Resource cpu, target type AverageValue (milli-cores per pod). */
  | { readonly kind: 'cpu-average-value'; readonly target: number }
  /** Pods metric, target AverageValue (milli-units per pod: 1000 = 1 concurrent request). */
  | { readonly kind: 'pods'; readonly name: string; readonly target: number };

export type HpaPolicy = { readonly type: 'Pods' | 'Percent'; readonly value: number; readonly periodSeconds: number };

export interface HpaScalingRules {
  /** Seconds; null takes the controller's --horizontal-pod-autoscaler-downscale-stabilization (scale-down only). */
  readonly stabilizationWindowSeconds: number | null;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: readonly HpaPolicy[];
  /** HPAConfigurableTolerance (alpha, 1.33): this direction's tolerance; null takes the controller's. */
  readonly tolerance: number | null;
}

export interface HpaBehavior {
  readonly scaleUp: HpaScalingRules;
  readonly scaleDown: HpaScalingRules;
}

export const DEFAULT_SCALE_UP: HpaScalingRules = Object.freeze({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: Object.freeze([
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ]),
  tolerance: null,
}) as HpaScalingRules;

export const DEFAULT_SCALE_DOWN: HpaScalingRules = Object.freeze({
  stabilizationWindowSeconds: null,
  selectPolicy: 'Max',
  policies: Object.freeze([{ type: 'Percent', value: 100, periodSeconds: 15 }]),
  tolerance: null,
}) as HpaScalingRules;

export interface HpaConfig {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metrics: readonly HpaMetric[];
  /** null: the field left out (the legacy normalization). */
  readonly behavior: HpaBehavior | null;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  readonly tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (ms, 5 min). */
  readonly cpuInitializationPeriod: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (ms, 30 s). */
  readonly initialReadinessDelay: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (ms, 5 min). */
  readonly downscaleStabilization: number;
}

export const HPA_CONTROLLER_DEFAULTS = Object.freeze({
  tolerance: 0.1,
  cpuInitializationPeriod: 300_000,
  initialReadinessDelay: 30_000,
  downscaleStabilization: 300_000,
  /** --horizontal-pod-autoscaler-sync-period. */
  syncPeriod: 15_000,
});

/** A pod as the HPA's pod lister sees it. */
export interface HpaPod {
  readonly id: number;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Deletion timestamp set. */
  readonly deleting: boolean;
  /** The Ready condition; null when the pod has none yet. */
  readonly ready: boolean | null;
  readonly readyTransitionTime: number;
  /** Container start (ms); null before. */
  readonly startTime: number | null;
  /** CPU request (milli-cores). */
  readonly cpuRequest: number;
}

/** One metric sample of one pod. */
export interface MetricSample {
  /** Milli-units (milli-cores for CPU). */
  readonly value: number;
  /** End of the sampling window (ms). */
  readonly timestamp: number;
  /** Length of the sampling window (ms). */
  readonly window: number;
}

export interface HpaObservation {
  /** The scale target's spec.replicas. */
  readonly specReplicas: number;
  readonly pods: readonly HpaPod[];
  /** Latest sample per pod id, per metric (same order as `config.metrics`). */
  readonly samples: readonly ReadonlyMap<number, MetricSample>[];
}

export interface MetricProposal {
  /** Replicas this metric asks for; NaN when the metric was invalid. */
  readonly replicas: number;
  /** The usage ratio before any fill-in (NaN when invalid). */
  readonly ratio: number;
  readonly ready: number;
  readonly unready: number;
  readonly missing: number;
  readonly ignored: number;
  readonly error?: string;
}

export interface HpaDecision {
  readonly time: number;
  readonly current: number;
  /** The replicas the target is set to (= current when not rescaling). */
  readonly desired: number;
  readonly rescale: boolean;
  /** The largest metric proposal before stabilization and limits; NaN when metrics failed. */
  readonly proposal: number;
  /** The recommendation after stabilization, before rate limits. */
  readonly stabilized: number;
  readonly reason: string;
  readonly metrics: readonly MetricProposal[];
}

interface Timestamped {
  value: number;
  time: number;
}

export class HorizontalPodAutoscaler {
  private readonly recommendations: Timestamped[] = [];
  private readonly scaleUpEvents: Array<Timestamped & { outdated: boolean }> = [];
  private readonly scaleDownEvents: Array<Timestamped & { outdated: boolean }> = [];
  private initialized = false;

  constructor(readonly config: HpaConfig) {
    checkHpaConfig(config);
  }

  reconcile(now: number, observation: HpaObservation): HpaDecision {
    const { minReplicas, maxReplicas } = this.config;
    const current = observation.specReplicas;
    if (!this.initialized) {
      this.recommendations.push({ value: current, time: now });
      this.initialized = true;
    }
    let desired: number;
    let proposal = Number.NaN;
    let stabilized = Number.NaN;
    let reason: string;
    let metrics: MetricProposal[] = [];
    let rescale = true;
    if (current === 0 && minReplicas !== 0) {
      desired = 0;
      rescale = false;
      reason = 'ScalingDisabled';
    } else if (current > maxReplicas) {
      desired = maxReplicas;
      reason = 'above maxReplicas';
    } else if (current < minReplicas) {
      desired = minReplicas;
      reason = 'below minReplicas';
    } else {
      metrics = this.config.metrics.map((m, i) => this.proposalFor(m, now, current, observation.pods, observation.samples[i] ?? new Map()));
      const invalid = metrics.filter((m) => Number.isNaN(m.replicas)).length;
      const best = metrics.reduce((r, m) => (Number.isNaN(m.replicas) ? r : Math.max(r, m.replicas)), 0);
      if (invalid >= metrics.length || (invalid > 0 && best < current)) {
        return { time: now, current, desired: current, rescale: false, proposal, stabilized, reason: 'FailedGetMetrics', metrics };
      }
      proposal = best;
      const normalized = this.config.behavior === null ? this.normalize(now, current, proposal) : this.normalizeWithBehaviors(now, current, proposal, this.config.behavior);
      desired = normalized.desired;
      stabilized = normalized.stabilized;
      reason = desired > current ? 'above target' : desired < current ? 'All metrics below target' : 'within range';
      rescale = desired !== current;
    }
    if (rescale) this.storeScaleEvent(now, current, desired);
    else desired = current;
    return { time: now, current, desired, rescale, proposal, stabilized, reason, metrics };
  }

  // ---- replica calculator ---------------------------------------------------------------

  private proposalFor(metric: HpaMetric, now: number, current: number, pods: readonly HpaPod[], samples: ReadonlyMap<number, MetricSample>): MetricProposal {
    const cpu = metric.kind !== 'pods';
    const values = new Map<number, number>();
    const requests = new Map<number, number>();
    let ready = 0;
    const unready: number[] = [];
    const missing: number[] = [];
    let ignored = 0;
    for (const pod of pods) {
      requests.set(pod.id, pod.cpuRequest);
      if (pod.deleting || pod.phase === 'Failed') {
        ignored++;
        continue;
      }
      if (pod.phase === 'Pending') {
        unready.push(pod.id);
        continue;
      }
      const sample = samples.get(pod.id);
      if (sample === undefined) {
        missing.push(pod.id);
        continue;
      }
      if (cpu && this.cpuUnready(pod, sample, now)) {
        unready.push(pod.id);
        continue;
      }
      ready++;
      values.set(pod.id, sample.value);
    }
    const counts = { ready, unready: unready.length, missing: missing.length, ignored };
    if (values.size === 0) return { replicas: Number.NaN, ratio: Number.NaN, ...counts, error: 'did not receive metrics for targeted pods (pods might be unready)' };
    const ratioOf = (v: ReadonlyMap<number, number>) => (metric.kind === 'cpu-utilization' ? utilizationRatio(v, requests, metric.target) : averageRatio(v, metric.target));
    const ratio = ratioOf(values);
    const tolerances = this.tolerances();
    const within = (r: number) => 1 - tolerances.down <= r && r <= 1 + tolerances.up;
    const scaleUpWithUnready = unready.length > 0 && ratio > 1;
    if (!scaleUpWithUnready && missing.length === 0) {
      return { replicas: within(ratio) ? current : Math.ceil(ratio * ready), ratio, ...counts };
    }
    for (const id of missing) {
      // A way down: the pod is assumed to use its whole request (or the target if higher) for
      // utilization, exactly the target for a value; a way up: nothing.
      if (ratio < 1) values.set(id, metric.kind === 'cpu-utilization' ? Math.trunc((requests.get(id)! * Math.max(100, metric.target)) / 100) : metric.target);
      else if (ratio > 1) values.set(id, 0);
    }
    if (scaleUpWithUnready) for (const id of unready) values.set(id, 0);
    const newRatio = ratioOf(values);
    if (within(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: current, ratio, ...counts };
    const replicas = Math.ceil(newRatio * values.size);
    if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return { replicas: current, ratio, ...counts };
    return { replicas, ratio, ...counts };
  }

  private cpuUnready(pod: HpaPod, sample: MetricSample, now: number): boolean {
    if (pod.ready === null || pod.startTime === null) return true;
    if (pod.startTime + this.config.cpuInitializationPeriod > now) {
      return pod.ready === false || sample.timestamp < pod.readyTransitionTime + sample.window;
    }
    return pod.ready === false && pod.startTime + this.config.initialReadinessDelay > pod.readyTransitionTime;
  }

  private tolerances(): { up: number; down: number } {
    const b = this.config.behavior;
    return { up: b?.scaleUp.tolerance ?? this.config.tolerance, down: b?.scaleDown.tolerance ?? this.config.tolerance };
  }

  // ---- normalization --------------------------------------------------------------------

  /** The legacy path: `stabilizeRecommendation` and `convertDesiredReplicasWithRules`. */
  private normalize(now: number, current: number, proposal: number): { desired: number; stabilized: number } {
    const cutoff = now - this.config.downscaleStabilization;
    let stabilized = proposal;
    let old = -1;
    this.recommendations.forEach((rec, i) => {
      if (rec.time < cutoff) old = i;
      else stabilized = Math.max(stabilized, rec.value);
    });
    this.record(old, proposal, now);
    const scaleUpLimit = Math.max(2 * current, 4);
    const max = Math.min(this.config.maxReplicas, scaleUpLimit);
    return { desired: Math.min(Math.max(stabilized, this.config.minReplicas), max), stabilized };
  }

  private normalizeWithBehaviors(now: number, current: number, proposal: number, behavior: HpaBehavior): { desired: number; stabilized: number } {
    const upWindow = (behavior.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
    const downWindow = behavior.scaleDown.stabilizationWindowSeconds === null ? this.config.downscaleStabilization : behavior.scaleDown.stabilizationWindowSeconds * 1000;
    const upCutoff = now - upWindow;
    const downCutoff = now - downWindow;
    let up = proposal;
    let down = proposal;
    let old = -1;
    this.recommendations.forEach((rec, i) => {
      if (rec.time > upCutoff) up = Math.min(up, rec.value);
      if (rec.time > downCutoff) down = Math.max(down, rec.value);
      if (rec.time < upCutoff && rec.time < downCutoff) old = i;
    });
    let stabilized = current;
    if (stabilized < up) stabilized = up;
    if (stabilized > down) stabilized = down;
    this.record(old, proposal, now);

    const { minReplicas, maxReplicas } = this.config;
    if (stabilized > current) {
      const limit = Math.max(this.scaleLimit(now, current, behavior.scaleUp, 'up'), current);
      return { desired: Math.min(stabilized, maxReplicas, limit), stabilized };
    }
    if (stabilized < current) {
      const limit = Math.min(this.scaleLimit(now, current, behavior.scaleDown, 'down'), current);
      return { desired: Math.max(stabilized, minReplicas, limit), stabilized };
    }
    return { desired: stabilized, stabilized };
  }

  /** `calculateScaleUpLimitWithScalingRules` / `calculateScaleDownLimitWithBehaviors`. */
  private scaleLimit(now: number, current: number, rules: HpaScalingRules, direction: 'up' | 'down'): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pickLargestChange = rules.selectPolicy === 'Max';
    let result = direction === 'up' ? (pickLargestChange ? -Infinity : Infinity) : pickLargestChange ? Infinity : -Infinity;
    for (const policy of rules.policies) {
      const added = changeInPeriod(this.scaleUpEvents, policy.periodSeconds, now);
      const removed = changeInPeriod(this.scaleDownEvents, policy.periodSeconds, now);
      const start = current - added + removed;
      let proposed: number;
      if (direction === 'up') proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
      else proposed = policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
      const takeMax = (direction === 'up') === pickLargestChange;
      result = takeMax ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  /** Stores the unstabilized recommendation, reusing the slot of an outdated one. */
  private record(oldIndex: number, value: number, now: number): void {
    if (oldIndex >= 0) this.recommendations[oldIndex] = { value, time: now };
    else this.recommendations.push({ value, time: now });
  }

  /** `storeScaleEvent`: only with behaviors, reusing a slot older than the longest policy period. */
  private storeScaleEvent(now: number, previous: number, next: number): void {
    const behavior = this.config.behavior;
    if (behavior === null) return;
    const up = next > previous;
    const events = up ? this.scaleUpEvents : this.scaleDownEvents;
    const rules = up ? behavior.scaleUp : behavior.scaleDown;
    const longest = rules.policies.reduce((m, p) => Math.max(m, p.periodSeconds), 0) * 1000;
    let slot = -1;
    events.forEach((e, i) => {
      if (e.time < now - longest) e.outdated = true;
      if (e.outdated) slot = i;
    });
    const event = { value: Math.abs(next - previous), time: now, outdated: false };
    if (slot >= 0) events[slot] = event;
    else events.push(event);
  }
}

function changeInPeriod(events: readonly Timestamped[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.time > cutoff) sum += e.value;
  return sum;
}

/** `GetResourceUtilizationRatio`: ⌊100·Σusage/Σrequest⌋ / target. */
function utilizationRatio(values: ReadonlyMap<number, number>, requests: ReadonlyMap<number, number>, target: number): number {
  let usage = 0;
  let request = 0;
  for (const [id, v] of values) {
    const r = requests.get(id);
    if (r === undefined) continue;
    usage += v;
    request += r;
  }
  if (request === 0) return Number.NaN;
  return Math.trunc((usage * 100) / request) / target;
}

/** `GetMetricUsageRatio`: ⌊Σvalue/n⌋ / target. */
function averageRatio(values: ReadonlyMap<number, number>, target: number): number {
  let sum = 0;
  for (const v of values.values()) sum += v;
  return Math.trunc(sum / values.size) / target;
}

export function checkHpaConfig(config: HpaConfig): void {
  const owner = 'hpa';
  const int = (field: string, v: number, min: number) => {
    if (!(Number.isSafeInteger(v) && v >= min)) throw new RangeError(`${owner}: ${field} must be an integer ≥ ${min}, got ${v}`);
  };
  int('minReplicas', config.minReplicas, 0);
  int('maxReplicas', config.maxReplicas, 1);
  if (config.maxReplicas < config.minReplicas) throw new RangeError(`${owner}: maxReplicas (${config.maxReplicas}) below minReplicas (${config.minReplicas})`);
  if (config.metrics.length === 0) throw new RangeError(`${owner}: at least one metric`);
  for (const m of config.metrics) if (!(m.target > 0 && Number.isFinite(m.target))) throw new RangeError(`${owner}: metric target must be positive, got ${m.target}`);
  if (!(config.tolerance >= 0 && config.tolerance < 1)) throw new RangeError(`${owner}: tolerance must be in [0, 1), got ${config.tolerance}`);
  for (const rules of config.behavior === null ? [] : [config.behavior.scaleUp, config.behavior.scaleDown]) {
    if (rules.stabilizationWindowSeconds !== null) int('stabilizationWindowSeconds', rules.stabilizationWindowSeconds, 0);
    if (rules.stabilizationWindowSeconds !== null && rules.stabilizationWindowSeconds > 3600) throw new RangeError(`${owner}: stabilizationWindowSeconds at most 3600`);
    if (rules.policies.length === 0 && rules.selectPolicy !== 'Disabled') throw new RangeError(`${owner}: a scaling rule needs at least one policy`);
    for (const p of rules.policies) {
      int('policy value', p.value, 1);
      int('policy periodSeconds', p.periodSeconds, 1);
      if (p.periodSeconds > 1800) throw new RangeError(`${owner}: policy periodSeconds at most 1800`);
    }
  }
}
