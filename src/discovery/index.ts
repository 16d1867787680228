/**
 * Service discovery as plain timed models (see ../engine/timed-model.ts): the caller passes
 * time and schedules what they ask for.
 *
 * - the Kubernetes EndpointSlice controller: endpoint-slice-controller.ts
 * - an xDS control plane (istiod): debounce, push queue and throttle, per-sidecar delivery:
 *   control-plane.ts, push-debouncer.ts, push-queue.ts
 * - DNS: CoreDNS answers, caches, Envoy STRICT_DNS refresh: dns.ts
 * - one sidecar's endpoint view with Envoy's removal × health-check rules: sidecar-endpoints.ts
 * - propagation delay and convergence per change: propagation-tracker.ts
 */
export { EMPTY_SNAPSHOT, readyIds, type EndpointChange, type EndpointChangeKind, type EndpointSnapshot, type SliceEndpoint } from './endpoint-slice.js';
export { EndpointSliceController, type EndpointSliceControllerConfig, type PodEndpointState } from './endpoint-slice-controller.js';
export { ISTIO_PUSH_DEBOUNCE, PushDebouncer, type PushDebounceConfig, type PushRequest } from './push-debouncer.js';
export { ControlPlane, istioPushThrottle, type ControlPlaneConfig, type Delivery } from './control-plane.js';
export {
  COREDNS_CACHE,
  DnsCache,
  DnsServer,
  ENVOY_STRICT_DNS,
  StrictDnsRefresh,
  type DnsAnswer,
  type DnsCachePolicy,
  type DnsResolver,
  type DnsServerConfig,
  type StrictDnsConfig,
} from './dns.js';
export { SidecarEndpoints, type HostChanges, type SidecarEndpointsConfig } from './sidecar-endpoints.js';
export { PropagationTracker, type ChangePropagation, type DelaySummary, type PropagationSummary } from './propagation-tracker.js';
