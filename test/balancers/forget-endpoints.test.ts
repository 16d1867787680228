/**
 * Balancer.forgetEndpoints: an endpoint given after its id was removed and forgotten is a new
 * host. For every balancer kind except the hashing ones (whose picks depend on the id's hash),
 * a history, then the removal and forgetting of id 20, then its return, must pick exactly as
 * the same history with a never-seen id 21 (same position in id order) joining instead.
 * Without forgetting, NGINX's peers would restore id 20's weights and Envoy slow start its
 * first sighting.
 */
import { describe, expect, it } from 'vitest';
import { endpointUpdater } from '../../src/balancers/endpoint-updates.js';
import { BALANCER_KINDS, createBalancer } from '../../src/balancers/registry.js';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import type { Endpoint } from '../../src/balancers/types.js';
import { RngStream } from '../../src/engine/rng.js';
import { ActiveRequests } from '../../src/load/active-requests.js';

const HASHING = new Set(['ring_hash', 'maglev', 'haproxy_random']); // haproxy_random draws on a ring of the ids' points

function configs(): BalancerConfig[] {
  const plain = BALANCER_KINDS.filter((k) => !HASHING.has(k)).map((kind) => (kind === 'haproxy_first' ? { kind, maxconn: 4 } : { kind }));
  return [...plain, { kind: 'weighted_round_robin', variant: 'smooth' }, { kind: 'round_robin', slowStart: { windowMs: 10_000 } }, { kind: 'least_request', slowStart: { windowMs: 10_000 } }].map((c) =>
    balancerConfig.parse(c),
  );
}

const ep = (id: number, weight = 1 + (id % 3)): Endpoint => ({ id, weight, zone: 'zone-a', priority: 0, healthy: true });

/** Picks of a balancer driven through a history in which `returning` joins at the end. */
function picksWith(config: BalancerConfig, returning: number): number[] {
  let now = 0;
  const load = new ActiveRequests(64);
  const balancer = createBalancer(config, { random: new RngStream('forget'), now: () => now, load, localZone: 'zone-a', global: { queueLength: () => 0 } });
  const updater = endpointUpdater(balancer);
  const picks: number[] = [];
  const pickSome = (count: number) => {
    for (let i = 0; i < count; i++) {
      const id = balancer.pick({ key: i });
      const host = id === returning ? 20 : id;
      picks.push(host);
      now += 7;
      // The first host 20 is slow; a new host in its place, whatever its id, answers as the others do.
      balancer.onComplete?.(id, host === 20 && now < 1000 ? 900 : 10, true);
    }
  };
  updater.set([0, 10, 20, 30, 40].map((id) => ep(id)));
  pickSome(40);
  updater.update([], [20]);
  updater.forget([20]);
  pickSome(20);
  now += 2000;
  updater.update([ep(returning, 3)], []);
  pickSome(60);
  return picks;
}

describe('forgetEndpoints: a forgotten id that returns is a new host', () => {
  for (const config of configs()) {
    const label = `${config.kind}${'variant' in config ? ` ${String(config.variant)}` : ''}${'slowStart' in config ? ' slow start' : ''}`;
    it(label, () => {
      expect(picksWith(config, 20)).toEqual(picksWith(config, 21));
    });
  }
});
