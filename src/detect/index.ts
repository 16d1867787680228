/**
 * Failure detectors as plain state machines, usable without the simulator: the caller passes
 * time (`now`, ms) and randomness (`{ next(): number }`), and schedules what they return.
 *
 * - Envoy active health checking, one session per (checker, host): active-health-check.ts
 * - Envoy outlier detection, one per cluster per proxy: outlier-detector.ts
 * - Akka phi accrual and deadline heartbeat detectors, one per monitored node: phi-accrual.ts,
 *   heartbeat-timeout.ts
 * - Kubernetes liveness/readiness/startup probes, one per container: kubernetes-probe.ts
 */
export {
  ActiveHealthCheck,
  DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG,
  detectionBound,
  detectionBoundTight,
  intervalWithJitter,
  maxDelay,
  maxJitter,
  recoveryBound,
  recoveryBoundTight,
  resolveActiveHealthCheckConfig,
  type ActiveHealthCheckConfig,
  type HealthCheckResult,
  type HealthTransition,
} from './active-health-check.js';
export {
  DEFAULT_OUTLIER_DETECTOR_CONFIG,
  OutlierDetector,
  resolveOutlierDetectorConfig,
  type OutlierDetectionType,
  type OutlierDetectorConfig,
  type OutlierEvent,
  type OutlierEventKind,
  type OutlierOutcome,
  type OutlierReason,
  type OutlierStats,
} from './outlier-detector.js';
export {
  DEFAULT_PHI_ACCRUAL_CONFIG,
  HeartbeatHistory,
  PhiAccrualFailureDetector,
  phiOf,
  phiQuantile,
  resolvePhiAccrualConfig,
  type PhiAccrualConfig,
} from './phi-accrual.js';
export {
  DEFAULT_HEARTBEAT_TIMEOUT_CONFIG,
  HeartbeatTimeoutDetector,
  resolveHeartbeatTimeoutConfig,
  type HeartbeatTimeoutConfig,
} from './heartbeat-timeout.js';
export {
  DEFAULT_KUBERNETES_PROBE_CONFIG,
  KubernetesProbe,
  resolveKubernetesProbeConfig,
  type KubernetesProbeConfig,
  type ProbeKind,
  type ProbeResult,
} from './kubernetes-probe.js';
