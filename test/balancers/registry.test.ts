import { describe, expect, it } from 'vitest';
import { balancerConfig, builtinBalancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { LeastRequestBalancer } from '../../src/balancers/least-request.js';
import { RandomBalancer } from '../../src/balancers/random.js';
import { BALANCER_KINDS, balancerLabel, createBalancer, updatesIncrementally } from '../../src/balancers/registry.js';
import { RoundRobinBalancer } from '../../src/balancers/round-robin.js';
import { WeightedRoundRobinBalancer } from '../../src/balancers/weighted-round-robin.js';
import { EnvoyHostSelection } from '../../src/balancers/envoy-host-selection/index.js';
import { GrpcWeightedRoundRobinBalancer } from '../../src/balancers/grpc-weighted-round-robin.js';
import { JiqBalancer } from '../../src/balancers/jiq.js';
import { JsqBalancer } from '../../src/balancers/jsq.js';
import type { Balancer } from '../../src/balancers/types.js';
import { depsOf, seeded } from './_harness.js';

const parse = (input: unknown): BalancerConfig => balancerConfig.parse(input);

/** Envoy's kinds come wrapped in host selection; the class that picks is its primary balancer. */
function envoyInner(balancer: Balancer): Balancer {
  expect(balancer).toBeInstanceOf(EnvoyHostSelection);
  return (balancer as EnvoyHostSelection).primary;
}

describe('createBalancer', () => {
  it('builds a balancer with updateEndpoints exactly for the kinds updatesIncrementally names', () => {
    const deps = { ...depsOf(seeded('registry-updates')), global: { queueLength: () => 0 } };
    const configs = [...BALANCER_KINDS.map((kind) => parse(kind === 'haproxy_first' ? { kind, maxconn: 3 } : { kind })), parse({ kind: 'weighted_round_robin', variant: 'smooth' })];
    for (const config of configs) {
      expect(typeof createBalancer(config, deps).updateEndpoints === 'function', balancerLabel(config)).toBe(updatesIncrementally(config));
    }
  });

  it('builds the class of each kind, with schema defaults applied', () => {
    const deps = depsOf(seeded('registry'));
    expect(envoyInner(createBalancer(parse({ kind: 'round_robin' }), deps))).toBeInstanceOf(RoundRobinBalancer);
    expect(envoyInner(createBalancer(parse({ kind: 'random' }), deps))).toBeInstanceOf(RandomBalancer);
    const wrr = envoyInner(createBalancer(parse({ kind: 'weighted_round_robin' }), deps));
    expect(wrr).toBeInstanceOf(WeightedRoundRobinBalancer);
    expect((wrr as WeightedRoundRobinBalancer).variant).toBe('edf');
    // NGINX smooth WRR has no Envoy host selection: it is not wrapped.
    expect(createBalancer(parse({ kind: 'weighted_round_robin', variant: 'smooth' }), deps)).toBeInstanceOf(WeightedRoundRobinBalancer);
    const lr = envoyInner(createBalancer(parse({ kind: 'least_request' }), deps)) as LeastRequestBalancer;
    expect(lr).toBeInstanceOf(LeastRequestBalancer);
    expect([lr.choices, lr.selection, lr.activeRequestBias]).toEqual([2, 'n_choices', 1]);
    const grpc = createBalancer(parse({ kind: 'grpc_weighted_round_robin' }), deps) as GrpcWeightedRoundRobinBalancer;
    expect(grpc).toBeInstanceOf(GrpcWeightedRoundRobinBalancer);
    expect([grpc.blackoutPeriodMs, grpc.weightExpirationPeriodMs, grpc.weightUpdatePeriodMs, grpc.errorUtilizationPenalty]).toEqual([
      10_000, 180_000, 1_000, 1,
    ]);
    expect(createBalancer(parse({ kind: 'jsq' }), { ...deps, global: { queueLength: () => 0 } })).toBeInstanceOf(JsqBalancer);
    expect(createBalancer(parse({ kind: 'jiq' }), deps)).toBeInstanceOf(JiqBalancer);
  });

  it('throws on a kind it does not know', () => {
    expect(() => createBalancer({ kind: 'maglev' } as unknown as BalancerConfig, depsOf(seeded('x')))).toThrow(/maglev/);
  });
});

describe('balancerLabel', () => {
  it('names the kind and the options that change behaviour', () => {
    expect(balancerLabel(parse({ kind: 'round_robin' }))).toBe('round_robin');
    expect(balancerLabel(parse({ kind: 'random' }))).toBe('random');
    expect(balancerLabel(parse({ kind: 'weighted_round_robin' }))).toBe('weighted_round_robin(edf)');
    expect(balancerLabel(parse({ kind: 'weighted_round_robin', variant: 'smooth' }))).toBe('weighted_round_robin(smooth)');
    expect(balancerLabel(parse({ kind: 'least_request' }))).toBe('least_request(choices=2)');
    expect(balancerLabel(parse({ kind: 'least_request', choices: 3 }))).toBe('least_request(choices=3)');
    expect(balancerLabel(parse({ kind: 'least_request', selection: 'full_scan' }))).toBe('least_request(full_scan)');
    expect(balancerLabel(parse({ kind: 'least_request', activeRequestBias: 0.5 }))).toBe('least_request(choices=2,bias=0.5)');
    expect(balancerLabel(parse({ kind: 'round_robin', panicThreshold: 50, overprovisioningFactor: 1.4 }))).toBe('round_robin');
    expect(balancerLabel(parse({ kind: 'round_robin', panicThreshold: 0, zoneAware: { enabled: true } }))).toBe('round_robin(panic=0,zone_aware)');
    expect(balancerLabel(parse({ kind: 'least_request', slowStart: { windowMs: 30_000, aggression: 2 } }))).toBe(
      'least_request(choices=2,slow_start=30000ms aggression=2)',
    );
    expect(balancerLabel(parse({ kind: 'weighted_round_robin', overprovisioningFactor: 1.2 }))).toBe('weighted_round_robin(edf,opf=1.2)');
    expect(balancerLabel(parse({ kind: 'grpc_weighted_round_robin' }))).toBe('grpc_weighted_round_robin');
    expect(balancerLabel(parse({ kind: 'grpc_weighted_round_robin', blackoutPeriodMs: 0 }))).toBe('grpc_weighted_round_robin(blackout=0ms)');
    expect(balancerLabel(parse({ kind: 'jsq' }))).toBe('jsq(research)');
    expect(balancerLabel(parse({ kind: 'jiq' }))).toBe('jiq(research)');
  });
});

describe('BALANCER_KINDS', () => {
  it('lists exactly the kinds of the config schema', () => {
    // Built-in kinds only: `balancerConfig` also has the plug-in branch (`kind: module`).
    const schemaKinds = builtinBalancerConfig.options.map((option) => option.shape.kind.value);
    expect([...BALANCER_KINDS].sort()).toEqual([...schemaKinds].sort());
  });
});
