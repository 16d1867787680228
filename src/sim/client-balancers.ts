/**
 * The clients (sidecars) as both event loops build them: one balancer per client with its own
 * random stream (`client/<c>/balancer`), its own ActiveRequests as the load view, the client's
 * zone and the simulator's global view for the research policies; the pick context and the
 * request-timeout queue every client has. The scenario's top-level `panicThreshold` goes to
 * the kinds that model Envoy's panic.
 */
import type { BalancerConfig } from '../balancers/configs.js';
import { createBalancer } from '../balancers/registry.js';
import type { Balancer, BalancerDeps, GlobalView, PickContext } from '../balancers/types.js';
import type { RngFactory } from '../engine/rng.js';
import { ActiveRequests } from '../load/active-requests.js';
import { IntFifo } from '../model/int-fifo.js';
import type { Scenario } from '../scenario/schema.js';

export type BalancerFactory = (config: BalancerConfig, deps: BalancerDeps) => Balancer;

/** What every client has, on either path. */
export interface ClientBase {
  readonly index: number;
  readonly balancer: Balancer;
  /** Whether the balancer takes onComplete / onBackendReport feedback (checked once, not per request). */
  readonly wantsCompletions: boolean;
  readonly wantsReports: boolean;
  readonly load: ActiveRequests;
  /** Reused for every pick: the request's key. */
  readonly context: PickContext;
  /** (request slot, generation) pairs in deadline order: the timeout is the same for every request. */
  readonly timeouts: IntFifo;
  timerArmed: boolean;
}

export function createClients(
  scenario: Scenario,
  strategy: BalancerConfig,
  streams: RngFactory,
  now: () => number,
  global: GlobalView,
  build: BalancerFactory = createBalancer,
): ClientBase[] {
  const n = scenario.service.instances;
  const zones = scenario.clients.zones ?? [scenario.service.zone];
  const config = withScenarioPanicThreshold(strategy, scenario.panicThreshold);
  return Array.from({ length: scenario.clients.count }, (_, c) => {
    const load = new ActiveRequests(n);
    const localZone = zones[c % zones.length]!;
    const balancer = build(config, { random: streams(`client/${c}/balancer`), now, load, localZone, global });
    return {
      index: c,
      balancer,
      wantsCompletions: typeof balancer.onComplete === 'function',
      wantsReports: typeof balancer.onBackendReport === 'function',
      load,
      context: { key: -1 },
      timeouts: new IntFifo(64),
      timerArmed: false,
    };
  });
}

/** The scenario's top-level `panicThreshold` applies to balancers that model Envoy's panic. */
function withScenarioPanicThreshold(balancer: BalancerConfig, panicThreshold: number | undefined): BalancerConfig {
  if (panicThreshold === undefined || !takesHostSelection(balancer)) return balancer;
  if ((balancer as { panicThreshold?: number }).panicThreshold !== undefined) return balancer; // its own wins
  return { ...balancer, panicThreshold } as BalancerConfig;
}

/** The kinds wrapped in Envoy's host selection (priorities, panic, zone-aware routing). */
function takesHostSelection(balancer: BalancerConfig): boolean {
  switch (balancer.kind) {
    case 'round_robin':
    case 'random':
    case 'least_request':
      return true;
    case 'weighted_round_robin':
      return balancer.variant === 'edf';
    default:
      return false;
  }
}
