/**
 * From a scenario's `autoscaling` key to the configuration of the HPA or KPA model
 * (src/autoscale). Metric units: `cpu` is utilization of one core per server (a pod's request
 * is service.concurrency cores, its usage the busy servers); `concurrency` and `rps` are
 * per-pod averages in milli-units, as Kubernetes' custom metrics API hands them to the HPA.
 */
import {
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  type HpaConfig,
  type HpaMetric,
  type HpaScalingRules,
} from '../autoscale/hpa.js';
import type { KpaConfig } from '../autoscale/kpa.js';
import type { Scenario } from './schema.js';

type Autoscaling = NonNullable<Scenario['autoscaling']>;
type HpaSpec = Extract<Autoscaling, { kind: 'hpa' }>;
type KpaSpec = Extract<Autoscaling, { kind: 'kpa' }>;
type RulesSpec = NonNullable<NonNullable<HpaSpec['behavior']>['scaleUp']>;

function rules(spec: RulesSpec | undefined, defaults: HpaScalingRules): HpaScalingRules {
  if (spec === undefined) return defaults;
  return {
    stabilizationWindowSeconds: spec.stabilizationWindow === undefined ? defaults.stabilizationWindowSeconds : spec.stabilizationWindow / 1000,
    selectPolicy: spec.selectPolicy,
    policies: spec.policies?.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.period / 1000 })) ?? defaults.policies,
    tolerance: spec.tolerance ?? null,
  };
}

export function hpaConfig(spec: HpaSpec): HpaConfig & { readonly syncPeriod: number; readonly metricsResolution: number } {
  const metrics = spec.metrics.map((m): HpaMetric => {
    switch (m.type) {
      case 'cpu':
        return { kind: 'cpu-utilization', target: m.targetUtilization };
      case 'concurrency':
        return { kind: 'pods', name: 'concurrency', target: m.targetAverage * 1000 };
      case 'rps':
        return { kind: 'pods', name: 'rps', target: m.targetAverage * 1000 };
    }
  });
  return {
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics,
    behavior: spec.behavior === undefined ? null : { scaleUp: rules(spec.behavior.scaleUp, DEFAULT_SCALE_UP), scaleDown: rules(spec.behavior.scaleDown, DEFAULT_SCALE_DOWN) },
    tolerance: spec.tolerance,
    cpuInitializationPeriod: spec.cpuInitializationPeriod,
    initialReadinessDelay: spec.initialReadinessDelay,
    downscaleStabilization: spec.downscaleStabilization,
    syncPeriod: spec.syncPeriod,
    metricsResolution: spec.metricsResolution,
  };
}

export function kpaConfig(spec: KpaSpec): KpaConfig {
  return {
    containerConcurrency: spec.containerConcurrency,
    containerConcurrencyTargetDefault: spec.targetDefault,
    targetUtilizationPercentage: spec.targetUtilization,
    stableWindow: spec.stableWindow,
    panicWindowPercentage: spec.panicWindowPercentage,
    panicThresholdPercentage: spec.panicThreshold,
    maxScaleUpRate: spec.maxScaleUpRate,
    maxScaleDownRate: spec.maxScaleDownRate,
    tickInterval: spec.tickInterval,
    scaleDownDelay: spec.scaleDownDelay,
    minScale: spec.minScale,
    maxScale: spec.maxScale,
    enableScaleToZero: spec.scaleToZero,
    scaleToZeroGracePeriod: spec.scaleToZeroGracePeriod,
  };
}
