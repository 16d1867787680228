import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runMembership } from '../../src/scenario/build-membership.js';
import { scenarioSchema, type Scenario } from '../../src/scenario/schema.js';

const BASE = `
name: membership
duration: 200s
clients: { count: 4 }
arrivals: { kind: poisson, rate: 100 }
service: { instances: 6, serviceTime: { dist: exponential, mean: 10ms } }
balancer: { kind: round_robin }
`;

function scenario(extra: string, overrides: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse({ ...parse(`${BASE}${extra}`), ...overrides });
}

const ROLLOUT = `
membership:
  pod: { startup: { dist: constant, value: 5s }, readiness: { period: 2s } }
  changes: [{ kind: rollout, at: 10s }]
discovery:
  kind: xds
  informerLag: { dist: constant, value: 50ms }
  delivery: { dist: uniform, min: 10ms, max: 400ms }
`;

describe('membership on its own (runMembership)', () => {
  it('rolls 6 pods: every old pod is exposed to every client without preStop, none with a long enough one', () => {
    const bare = runMembership(scenario(ROLLOUT));
    expect(bare.rollouts).toHaveLength(1);
    expect(bare.rollouts[0]!.completedAt).toBeGreaterThan(10_000);
    expect(bare.exposure.podsShutDown).toBe(6);
    // No hook: SIGTERM at deletion, while every client still routes to the pod for ≥ 50 + 100 ms.
    expect(bare.exposure.afterSigterm.pairs).toBe(6 * 4);
    expect(bare.exposure.afterSigterm.max).toBeLessThan(50 + 100 + 400 + 10);
    expect(bare.propagation.removals.count).toBeGreaterThan(0);
    expect(bare.propagation.unconverged).toBe(0);
    const hooked = runMembership(scenario(ROLLOUT.replace('readiness: { period: 2s }', 'readiness: { period: 2s }, termination: { preStop: 1s }')));
    expect(hooked.exposure.afterSigterm.pairs).toBe(0);
    expect(hooked.exposure.afterExit.pairs).toBe(0);
  });

  it('keeps the Deployment at ≥ D − maxUnavailable available; clients see less for a while', () => {
    const r = runMembership(scenario(ROLLOUT));
    expect(r.capacity.minAvailable).toBeGreaterThanOrEqual(6 - 1); // 25 % of 6, rounded down
    expect(r.capacity.deploymentDeficit).toBeGreaterThan(0);
    expect(r.capacity.maxClientDeficit).toBeGreaterThan(0);
  });

  it('is deterministic: same scenario and seed, same report; another seed, another timeline', () => {
    const s = scenario(ROLLOUT);
    expect(JSON.stringify(runMembership(s))).toBe(JSON.stringify(runMembership(s)));
    expect(JSON.stringify(runMembership({ ...s, seed: 2 }))).not.toBe(JSON.stringify(runMembership(s)));
  });

  it('scales down behind a 30 s resolver cache: clients keep sending to exited pods', () => {
    const r = runMembership(
      scenario(`
membership:
  changes: [{ kind: scale, at: 20s, replicas: 2 }]
discovery: { kind: dns, client: { kind: resolver-cache, ttl: 30s } }
`),
    );
    expect(r.exposure.podsShutDown).toBe(4);
    expect(r.exposure.afterExit.pairs).toBeGreaterThan(0);
    expect(r.exposure.afterExit.max).toBeGreaterThan(5000);
    expect(r.exposure.afterExit.max).toBeLessThanOrEqual(5000 + 30_000 + 1); // CoreDNS keeps 5 s, the client 30 s
  });

  it('starts from the scenario’s instances, up and known to every client', () => {
    const r = runMembership(scenario(`membership: {}\n`));
    expect(r.capacity).toMatchObject({ deploymentDeficit: 0, maxClientDeficit: 0, minAvailable: 6, minRoutable: 6 });
    expect(r.propagation.additions.count).toBe(0);
  });
});

/**
 * Guarantees 1 and 2 (reference §3) at the level the membership models can check without
 * requests: with preStop ≥ the chain's worst-case propagation (and grace to spare), no client
 * routes to a pod after its SIGTERM or its exit; without preStop, every client does for a
 * while (the race), whenever propagation takes any time.
 */
describe('guarantees 1 and 2: preStop against propagation (property)', () => {
  it('zero exposure when preStop ≥ D_max, exposure at every client without preStop', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(1000),
          clients: fc.integer({ min: 1, max: 6 }),
          instances: fc.integer({ min: 1, max: 8 }),
          throttle: fc.integer({ min: 1, max: 4 }),
          lagMax: fc.integer({ min: 1, max: 300 }),
          deliveryMax: fc.integer({ min: 1, max: 800 }),
          sendMax: fc.integer({ min: 1, max: 20 }),
          after: fc.integer({ min: 1, max: 200 }),
          max: fc.integer({ min: 1, max: 2000 }),
          batch: fc.constantFrom(0, 300),
          change: fc.constantFrom('rollout', 'scale'),
        }),
        (p) => {
          const d = `
membership:
  pod: { startup: { dist: uniform, min: 0ms, max: 3s }, readiness: { period: 1s }, termination: { gracePeriod: GRACE, PRESTOP } }
  changes: [{ kind: ${p.change === 'rollout' ? 'rollout, at: 5s' : 'scale, at: 5s, replicas: 0'} }]
discovery:
  kind: xds
  endpointSlice: { batchPeriod: ${p.batch}ms }
  informerLag: { dist: uniform, min: 0ms, max: ${p.lagMax}ms }
  debounce: { after: ${p.after}ms, max: ${p.max}ms }
  throttle: ${p.throttle}
  send: { dist: uniform, min: 0ms, max: ${p.sendMax}ms }
  delivery: { dist: uniform, min: 0ms, max: ${p.deliveryMax}ms }
`;
          const rounds = Math.ceil(p.clients / p.throttle) + 1;
          const dMax = p.batch + p.lagMax + Math.max(p.max + p.after, 0) + rounds * p.sendMax + p.deliveryMax;
          const preStop = Math.ceil(dMax / 1000) * 1000;
          const make = (text: string) =>
            scenario(text, { seed: p.seed, clients: { count: p.clients }, service: { instances: p.instances, serviceTime: { dist: 'exponential', mean: 10 } }, duration: 120_000 });
          const covered = runMembership(make(d.replace('GRACE', `${preStop / 1000 + 30}s`).replace('PRESTOP', `preStop: ${preStop}ms`)));
          expect(covered.exposure.podsShutDown).toBe(p.instances);
          expect(covered.exposure.afterSigterm.pairs).toBe(0);
          expect(covered.exposure.afterExit.pairs).toBe(0);
          const racing = runMembership(make(d.replace('GRACE', '30s').replace(', PRESTOP', '')));
          expect(racing.exposure.afterSigterm.pairs).toBe(p.instances * p.clients);
        },
      ),
      { numRuns: 25 },
    );
  });
});
