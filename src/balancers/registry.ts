/**
 * The one place that maps a balancer config to its implementation. The switch is exhaustive by
 * type: a new `kind` in configs.ts fails to compile here until it is registered.
 */
import type { BalancerConfig, BalancerKind } from './configs.js';
import { envoyBalancer, envoyLabel } from './envoy-host-selection/index.js';
import { grpcWeightedRoundRobinLabel, researchLabel } from './feedback-configs.js';
import { GrpcWeightedRoundRobinBalancer } from './grpc-weighted-round-robin.js';
import { JiqBalancer } from './jiq.js';
import { JsqBalancer } from './jsq.js';
import { maglevLabel, ringHashLabel } from './hashing-configs.js';
import { LeastRequestBalancer } from './least-request.js';
import { createLoadAwareBalancer, loadAwareLabel } from './load-aware-registry.js';
import { MaglevBalancer } from './maglev.js';
import { RandomBalancer } from './random.js';
import { RingHashBalancer } from './ring-hash.js';
import { RoundRobinBalancer } from './round-robin.js';
import type { Balancer, BalancerDeps } from './types.js';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.js';

/** Every balancer kind, in documentation order. */
export const BALANCER_KINDS = ['round_robin', 'random', 'weighted_round_robin', 'least_request', 'grpc_weighted_round_robin', 'jsq', 'jiq', 'ring_hash', 'maglev', 'peak_ewma', 'finagle_p2c', 'finagle_peak_ewma', 'finagle_aperture', 'nginx_least_conn', 'nginx_random_two', 'haproxy_leastconn', 'haproxy_random', 'haproxy_first'] as const satisfies readonly BalancerKind[];

// Compile-time check that BALANCER_KINDS lists every kind.
type MissingKinds = Exclude<BalancerKind, (typeof BALANCER_KINDS)[number]>;
const everyKindListed: [MissingKinds] extends [never] ? true : MissingKinds = true;
void everyKindListed;

/**
 * Builds a balancer from a parsed config (defaults filled, e.g. by `balancerConfig.parse`).
 * Seeded balancers draw their seed from `deps.random` here, once.
 *
 * Envoy's kinds (round_robin, random, least_request, weighted_round_robin edf) come wrapped in
 * Envoy host selection (envoy-host-selection/): priorities, panic, zone-aware routing. With
 * every endpoint healthy, one priority and zone-aware routing off the wrapper is inert, and
 * picks are exactly those of the bare class.
 */
export function createBalancer(config: BalancerConfig, deps: BalancerDeps): Balancer {
  switch (config.kind) {
    case 'round_robin':
      return envoyBalancer(config, deps, (inner, slowStart) => new RoundRobinBalancer(inner, { slowStart }));
    case 'random':
      return envoyBalancer(config, deps, (inner) => new RandomBalancer(inner));
    case 'weighted_round_robin':
      if (config.variant === 'smooth') return new WeightedRoundRobinBalancer(deps, config);
      return envoyBalancer(config, deps, (inner) => new WeightedRoundRobinBalancer(inner, config));
    case 'least_request':
      return envoyBalancer(config, deps, (inner, slowStart) => new LeastRequestBalancer(inner, { ...config, slowStart }));
    case 'grpc_weighted_round_robin':
      return new GrpcWeightedRoundRobinBalancer(deps, config);
    case 'jsq':
      return new JsqBalancer(deps);
    case 'jiq':
      return new JiqBalancer(deps);
    case 'peak_ewma':
    case 'finagle_p2c':
    case 'finagle_peak_ewma':
    case 'finagle_aperture':
    case 'nginx_least_conn':
    case 'nginx_random_two':
    case 'haproxy_leastconn':
    case 'haproxy_random':
    case 'haproxy_first':
      return createLoadAwareBalancer(config, deps);
    case 'ring_hash':
      return new RingHashBalancer(deps, config);
    case 'maglev':
      return new MaglevBalancer(deps, config);
    case 'module':
      // import() is asynchronous and this is not: plug-ins are loaded first, and their factory
      // (src/plugins, loadBalancerPlugins) is what builds them.
      throw new Error(`balancer module ${config.module} is not loaded: build it with loadBalancerPlugins(…).createBalancer`);
    default:
      return unknownKind(config);
  }
}

/**
 * Whether the balancer `config` builds takes endpoint changes itself (`updateEndpoints`: Envoy's
 * kinds and their host selection, and NGINX's smooth weighted round robin), so a health or
 * ejection change costs it about a sorted-list splice instead of an O(n) `setEndpoints` rebuild
 * (endpoint-updates.ts). Known from the kind alone, for the pre-run estimate; a test holds it to
 * what createBalancer builds. Plug-ins: false (the estimate assumes the rebuild).
 */
export function updatesIncrementally(config: BalancerConfig): boolean {
  return config.kind === 'round_robin' || config.kind === 'random' || config.kind === 'weighted_round_robin' || config.kind === 'least_request';
}

/**
 * A short, stable label for reports and charts: `round_robin`, `random`,
 * `weighted_round_robin(smooth)`, `least_request(choices=2)`, `least_request(full_scan)`;
 * a non-default bias is appended, e.g. `least_request(choices=2,bias=0.5)`, and so are
 * non-default Envoy host-selection and slow-start options, e.g.
 * `round_robin(panic=0,zone_aware,slow_start=30000ms)`. Research references say so:
 * `jsq(research)`, `jiq(research)`.
 */
export function balancerLabel(config: BalancerConfig): string {
  switch (config.kind) {
    case 'round_robin':
    case 'random':
      return envoyLabel(config.kind, [], config);
    case 'weighted_round_robin':
      if (config.variant === 'smooth') return 'weighted_round_robin(smooth)';
      return envoyLabel(config.kind, [config.variant], config);
    case 'least_request': {
      const selection = config.selection === 'full_scan' ? 'full_scan' : `choices=${config.choices}`;
      const bias = config.activeRequestBias === 1 ? [] : [`bias=${config.activeRequestBias}`];
      return envoyLabel(config.kind, [selection, ...bias], config);
    }
    case 'grpc_weighted_round_robin':
      return grpcWeightedRoundRobinLabel(config);
    case 'jsq':
    case 'jiq':
      return researchLabel(config);
    case 'peak_ewma':
    case 'finagle_p2c':
    case 'finagle_peak_ewma':
    case 'finagle_aperture':
    case 'nginx_least_conn':
    case 'nginx_random_two':
    case 'haproxy_leastconn':
    case 'haproxy_random':
    case 'haproxy_first':
      return loadAwareLabel(config);
    case 'ring_hash':
      return ringHashLabel(config);
    case 'maglev':
      return maglevLabel(config);
    case 'module':
      // The module's own label needs the module loaded (PluginRegistry.label); this is the fallback.
      return `module(${config.module.replace(/^.*[\\/]/, '')})`;
    default:
      return unknownKind(config);
  }
}

function unknownKind(config: never): never {
  throw new Error(`unknown balancer kind: ${JSON.stringify((config as { kind?: unknown }).kind)}`);
}
