/**
 * Autoscalers as plain models: the Kubernetes HPA (hpa.ts, its controller loop and
 * metrics-server style pod rates) and Knative's KPA (kpa.ts).
 */
export {
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  HPA_CONTROLLER_DEFAULTS,
  HorizontalPodAutoscaler,
  type HpaBehavior,
  type HpaConfig,
  type HpaDecision,
  type HpaMetric,
  type HpaObservation,
  type HpaPod,
  type HpaPolicy,
  type HpaScalingRules,
  type MetricProposal,
  type MetricSample,
} from './hpa.js';
export { HpaController } from './hpa-controller.js';
export { PodMetrics, type PodMetricsConfig } from './pod-metrics.js';
export { KNATIVE_DEFAULTS, KnativePodAutoscaler, KpaController, type KpaConfig, type KpaDecision } from './kpa.js';
