/**
 * `meshsim/balancers`: the balancers as a library, usable without the simulator (for example by
 * a node:http proxy). Nothing reachable from here imports the engine, model or scenario.
 *
 * ```ts
 * import { ActiveRequests, balancerConfig, createBalancer } from 'meshsim/balancers';
 * const load = new ActiveRequests(endpoints.length);
 * const lb = createBalancer(balancerConfig.parse({ kind: 'least_request' }), { random, now, load });
 * lb.setEndpoints(endpoints);
 * const id = lb.pick({ key: -1 }); load.start(id); // … load.end(id) when the response completes
 * ```
 */
export type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from './types.js';
export {
  balancerConfig,
  leastRequestConfig,
  randomConfig,
  roundRobinConfig,
  weightedRoundRobinConfig,
  type BalancerConfig,
  type BalancerKind,
  type LeastRequestConfig,
  type RandomConfig,
  type RoundRobinConfig,
  type WeightedRoundRobinConfig,
} from './configs.js';
export { BALANCER_KINDS, balancerLabel, createBalancer } from './registry.js';
export { RoundRobinBalancer } from './round-robin.js';
export { RandomBalancer } from './random.js';
export { WeightedRoundRobinBalancer, type WeightedRoundRobinOptions, type WeightedRoundRobinVariant } from './weighted-round-robin.js';
export { LeastRequestBalancer, type LeastRequestOptions } from './least-request.js';
export {
  finagleApertureConfig,
  finagleP2cConfig,
  finaglePeakEwmaConfig,
  haproxyFirstConfig,
  haproxyLeastconnConfig,
  haproxyRandomConfig,
  nginxLeastConnConfig,
  nginxRandomTwoConfig,
  peakEwmaConfig,
  type FinagleApertureConfig,
  type FinagleP2cConfig,
  type FinaglePeakEwmaConfig,
  type HaproxyFirstConfig,
  type HaproxyLeastconnConfig,
  type HaproxyRandomConfig,
  type LoadAwareBalancerConfig,
  type NginxLeastConnConfig,
  type NginxRandomTwoConfig,
  type PeakEwmaConfig,
} from './load-aware-configs.js';
export { PeakEwmaBalancer, type PeakEwmaOptions } from './peak-ewma.js';
export { FinagleP2cBalancer, type FinagleP2cOptions } from './finagle-p2c.js';
export { FinaglePeakEwmaBalancer, type FinaglePeakEwmaOptions } from './finagle-peak-ewma.js';
export { FinagleApertureBalancer, type FinagleApertureOptions } from './finagle-aperture.js';
export { NginxLeastConnBalancer } from './nginx-least-conn.js';
export { NginxRandomTwoBalancer } from './nginx-random-two.js';
export { HaproxyLeastconnBalancer } from './haproxy-leastconn.js';
export { HaproxyRandomBalancer, type HaproxyRandomOptions } from './haproxy-random.js';
export { HaproxyFirstBalancer, type HaproxyFirstOptions } from './haproxy-first.js';
export { PeakEwma, type PeakEwmaOptions as PeakEwmaLoadOptions } from '../load/peak-ewma.js';
export { maglevConfig, ringHashConfig, type MaglevConfig, type RingHashConfig } from './hashing-configs.js';
export { RingHashBalancer, type RingHashOptions, type RingHashStats } from './ring-hash.js';
export { MaglevBalancer, type MaglevOptions, type MaglevStats } from './maglev.js';
export { KeyHashCache, type HostHashKey } from './_internals/hash-keys.js';
export type { LoadViewWithTotal } from './_internals/bounded-load.js';
export { xxHash64, xxHash64OfString } from './_internals/xxhash64.js';
// Plug-in balancers: the module format (docs/balancers.md) and the config that names a module.
export { defineBalancerPlugin, type BalancerPlugin, type PluginOptionsIssue, type PluginOptionsSchema } from './plugin.js';
export { builtinBalancerConfig, pluginBalancerConfig, type BuiltinBalancerConfig, type PluginBalancerConfig } from './configs.js';
export {
  EnvoyHostSelection,
  envoyBalancer,
  hostSelectionFields,
  priorityState,
  resolveHostSelection,
  slowStartConfig,
  zoneAwareConfig,
  zoneRouting,
  type HostSelectionConfig,
  type HostSelectionOptions,
  type HostSelectionState,
  type LocalityRouting,
  type SlowStartConfig,
  type ZoneAwareConfig,
} from './envoy-host-selection/index.js';
export { SlowStart, type SlowStartOptions } from './_internals/slow-start.js';
export type { RoundRobinOptions } from './round-robin.js';
export {
  grpcWeightedRoundRobinConfig,
  jiqConfig,
  jsqConfig,
  type GrpcWeightedRoundRobinConfig,
  type JiqConfig,
  type JsqConfig,
} from './feedback-configs.js';
export { GrpcWeightedRoundRobinBalancer, type GrpcWeightedRoundRobinOptions } from './grpc-weighted-round-robin.js';
export { JsqBalancer } from './jsq.js';
export { JiqBalancer } from './jiq.js';
export type { BackendReport, GlobalView } from './types.js';
export { ActiveRequests } from '../load/active-requests.js';
// The incremental endpoint path for callers driving any balancer (plug-ins included).
export { endpointUpdater, type EndpointUpdater } from './endpoint-updates.js';
