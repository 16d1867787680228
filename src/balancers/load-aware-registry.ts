/**
 * Construction and labels of the load-aware production balancers (Linkerd/tower, Finagle,
 * NGINX, HAProxy); registry.ts delegates their kinds here.
 */
import type { LoadAwareBalancerConfig } from './load-aware-configs.js';
import { FINAGLE_DEFAULT_MAX_EFFORT } from './load-aware-configs.js';
import { FinagleApertureBalancer } from './finagle-aperture.js';
import { FinagleP2cBalancer } from './finagle-p2c.js';
import { FinaglePeakEwmaBalancer } from './finagle-peak-ewma.js';
import { HaproxyFirstBalancer } from './haproxy-first.js';
import { HaproxyLeastconnBalancer } from './haproxy-leastconn.js';
import { HaproxyRandomBalancer } from './haproxy-random.js';
import { NginxLeastConnBalancer } from './nginx-least-conn.js';
import { NginxRandomTwoBalancer } from './nginx-random-two.js';
import { PeakEwmaBalancer } from './peak-ewma.js';
import type { Balancer, BalancerDeps } from './types.js';
import { FINAGLE_DECAY_MS, LINKERD_DECAY_MS, LINKERD_DEFAULT_RTT_MS } from '../load/peak-ewma.js';

export function createLoadAwareBalancer(config: LoadAwareBalancerConfig, deps: BalancerDeps): Balancer {
  switch (config.kind) {
    case 'peak_ewma':
      return new PeakEwmaBalancer(deps, config);
    case 'finagle_p2c':
      return new FinagleP2cBalancer(deps, config);
    case 'finagle_peak_ewma':
      return new FinaglePeakEwmaBalancer(deps, config);
    case 'finagle_aperture':
      return new FinagleApertureBalancer(deps, config);
    case 'nginx_least_conn':
      return new NginxLeastConnBalancer(deps);
    case 'nginx_random_two':
      return new NginxRandomTwoBalancer(deps);
    case 'haproxy_leastconn':
      return new HaproxyLeastconnBalancer(deps);
    case 'haproxy_random':
      return new HaproxyRandomBalancer(deps, config);
    case 'haproxy_first':
      return new HaproxyFirstBalancer(deps, config);
    default:
      return unknownKind(config);
  }
}

/**
 * Short, stable labels: the kind, then in parentheses what selects the variant
 * (`finagle_aperture(least_loaded)`, `haproxy_random(draws=2)`, `haproxy_first(maxconn=8)`)
 * and any option that differs from its default, e.g. `peak_ewma(decayMs=5000)`.
 */
export function loadAwareLabel(config: LoadAwareBalancerConfig): string {
  const parts: string[] = [];
  const unlessDefault = (name: string, value: number | string, fallback: number | string): void => {
    if (value !== fallback) parts.push(`${name}=${value}`);
  };
  switch (config.kind) {
    case 'peak_ewma':
      unlessDefault('defaultRttMs', config.defaultRttMs, LINKERD_DEFAULT_RTT_MS);
      unlessDefault('decayMs', config.decayMs, LINKERD_DECAY_MS);
      break;
    case 'finagle_p2c':
      unlessDefault('maxEffort', config.maxEffort, FINAGLE_DEFAULT_MAX_EFFORT);
      break;
    case 'finagle_peak_ewma':
      unlessDefault('decayMs', config.decayMs, FINAGLE_DECAY_MS);
      unlessDefault('maxEffort', config.maxEffort, FINAGLE_DEFAULT_MAX_EFFORT);
      break;
    case 'finagle_aperture':
      parts.push(config.load);
      unlessDefault('smoothWinMs', config.smoothWinMs, 15_000);
      unlessDefault('lowLoad', config.lowLoad, 0.875);
      unlessDefault('highLoad', config.highLoad, 1.125);
      unlessDefault('minAperture', config.minAperture, 1);
      unlessDefault('maxEffort', config.maxEffort, FINAGLE_DEFAULT_MAX_EFFORT);
      break;
    case 'nginx_least_conn':
    case 'nginx_random_two':
    case 'haproxy_leastconn':
      break;
    case 'haproxy_random':
      parts.push(`draws=${config.draws}`);
      break;
    case 'haproxy_first':
      parts.push(`maxconn=${config.maxconn}`);
      if (config.whenFull === 'reject') parts.push('reject');
      break;
    default:
      return unknownKind(config);
  }
  return parts.length === 0 ? config.kind : `${config.kind}(${parts.join(',')})`;
}

function unknownKind(config: never): never {
  throw new Error(`unknown balancer kind: ${JSON.stringify((config as { kind?: unknown }).kind)}`);
}
