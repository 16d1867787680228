import { describe, expect, it } from 'vitest';
import { balancerConfig, builtinBalancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { LeastRequestBalancer } from '../../src/balancers/least-request.js';
import { RandomBalancer } from '../../src/balancers/random.js';
import { BALANCER_KINDS, balancerLabel, createBalancer } from '../../src/balancers/registry.js';
import { RoundRobinBalancer } from '../../src/balancers/round-robin.js';
import { WeightedRoundRobinBalancer } from '../../src/balancers/weighted-round-robin.js';
import { depsOf, seeded } from './_harness.js';

const parse = (input: unknown): BalancerConfig => balancerConfig.parse(input);

describe('createBalancer', () => {
  it('builds the class of each kind, with schema defaults applied', () => {
    const deps = depsOf(seeded('registry'));
    expect(createBalancer(parse({ kind: 'round_robin' }), deps)).toBeInstanceOf(RoundRobinBalancer);
    expect(createBalancer(parse({ kind: 'random' }), deps)).toBeInstanceOf(RandomBalancer);
    const wrr = createBalancer(parse({ kind: 'weighted_round_robin' }), deps);
    expect(wrr).toBeInstanceOf(WeightedRoundRobinBalancer);
    expect((wrr as WeightedRoundRobinBalancer).variant).toBe('edf');
    const lr = createBalancer(parse({ kind: 'least_request' }), deps) as LeastRequestBalancer;
    expect(lr).toBeInstanceOf(LeastRequestBalancer);
    expect([lr.choices, lr.selection, lr.activeRequestBias]).toEqual([2, 'n_choices', 1]);
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
  });
});

describe('BALANCER_KINDS', () => {
  it('lists exactly the kinds of the config schema', () => {
    // Built-in kinds only: `balancerConfig` also has the plug-in branch (`kind: module`).
    const schemaKinds = builtinBalancerConfig.options.map((option) => option.shape.kind.value);
    expect([...BALANCER_KINDS].sort()).toEqual([...schemaKinds].sort());
  });
});
