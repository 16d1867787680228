/**
 * Instances that join and leave: Kubernetes pods and Deployments as timed models, and a
 * service's membership driven end to end with its discovery (service-membership.ts).
 */
export {
  KUBERNETES_TERMINATION,
  MINIMUM_GRACE_PERIOD_MS,
  Pod,
  terminationTimeline,
  WARM_POD_AGE,
  type PodEvent,
  type PodEventKind,
  type PodPhase,
  type PodTimings,
  type TerminationConfig,
  type TerminationTimeline,
} from './pod.js';
export {
  Deployment,
  KUBERNETES_ROLLING_UPDATE,
  type DeploymentConfig,
  type DeploymentEvent,
  type DeploymentOptions,
  type DeploymentStatus,
  type DeploymentStrategy,
  type PodTemplate,
  type PodView,
} from './deployment.js';
export { resolveFenceposts, type IntOrPercent } from './rollout-math.js';
export {
  ServiceMembership,
  type CapacitySummary,
  type DiscoveryConfig,
  type ExposureSummary,
  type MembershipReport,
  type ServiceMembershipConfig,
  type ServiceMembershipListener,
} from './service-membership.js';
