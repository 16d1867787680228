/**
 * The figures of docs/discovery.md: membership changes on their own (`runMembership`, no
 * requests), over 20 replications each. `npx tsx scripts/membership-figures.ts`
 */
import { resolveScenario } from '../src/scenario/load.js';
import { runMembership } from '../src/scenario/build-membership.js';
import type { MembershipReport } from '../src/membership/service-membership.js';

const REPLICATIONS = 20;

const base = {
  name: 'figures',
  duration: '300s',
  clients: { count: 8 },
  arrivals: { kind: 'poisson', rate: 100 },
  service: { instances: 10, serviceTime: { dist: 'exponential', mean: '10ms' } },
  balancer: { kind: 'round_robin' },
};

const istio = {
  kind: 'xds',
  informerLag: { dist: 'lognormal', median: '20ms', p99: '200ms' },
  send: { dist: 'constant', value: '2ms' },
  delivery: { dist: 'lognormal', median: '50ms', p99: '1s' },
};

function run(overrides: Record<string, unknown>): MembershipReport[] {
  const { scenario } = resolveScenario({ ...base, ...overrides }, { allowUnsimulatedKeys: true });
  return Array.from({ length: REPLICATIONS }, (_, r) => runMembership(scenario, r));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x: number) => `${Math.round(x)} ms`;

function rollout(preStop: string | undefined) {
  return run({
    membership: {
      pod: { startup: { dist: 'uniform', min: '5s', max: '15s' }, readiness: { period: '2s' }, termination: preStop === undefined ? {} : { preStop } },
      changes: [{ kind: 'rollout', at: '30s' }],
    },
    discovery: istio,
  });
}

console.log(`Rolling update of 10 pods (25 % / 25 %), 8 sidecars, Istio-like xDS, ${REPLICATIONS} replications`);
console.log('| preStop | (pod, sidecar) pairs routed after SIGTERM | longest | removal p99 | convergence max | rollout | min available | sidecar deficit (pod·s) | min routable |');
for (const preStop of [undefined, '1s', '5s']) {
  const r = rollout(preStop);
  console.log(
    `| ${preStop ?? 'none'} | ${mean(r.map((x) => x.exposure.afterSigterm.pairs)).toFixed(1)} of 80 | ${ms(Math.max(...r.map((x) => x.exposure.afterSigterm.max)))} | ` +
      `${ms(mean(r.map((x) => x.propagation.removals.p99)))} | ${ms(Math.max(...r.map((x) => x.propagation.convergence.max)))} | ` +
      `${(mean(r.map((x) => x.rollouts[0]!.completedAt! - x.rollouts[0]!.startedAt)) / 1000).toFixed(1)} s | ` +
      `${Math.min(...r.map((x) => x.capacity.minAvailable))} | ${(mean(r.map((x) => x.capacity.maxClientDeficit)) / 1000).toFixed(1)} | ${Math.min(...r.map((x) => x.capacity.minRoutable))} |`,
  );
}

console.log(`\nScale-down 10 → 4 at 30 s, pods exit 1 s after SIGTERM, DNS discovery, ${REPLICATIONS} replications`);
console.log('| clients | (pod, client) pairs routed after exit | mean window | longest |');
const dns = (client: Record<string, unknown>, cache: unknown) =>
  run({
    membership: { pod: { termination: { exitDelay: '1s' } }, changes: [{ kind: 'scale', at: '30s', replicas: 4 }] },
    discovery: { kind: 'dns', informerLag: { dist: 'constant', value: '100ms' }, cache, client },
  });
for (const [label, client, cache] of [
  ['Envoy STRICT_DNS 5 s, CoreDNS cache (TTL 5 s)', { kind: 'strict-dns' }, { minTtl: '5s', maxTtl: '30s' }],
  ['Envoy STRICT_DNS 5 s, respect_dns_ttl, TTL 30 s', { kind: 'strict-dns', respectDnsTtl: true }, { minTtl: '30s', maxTtl: '30s' }],
  ['JVM resolver cache 30 s', { kind: 'resolver-cache', ttl: '30s' }, { minTtl: '5s', maxTtl: '30s' }],
] as const) {
  const r = dns(client, cache);
  const pairs = r.map((x) => x.exposure.afterExit.pairs);
  const total = r.map((x) => x.exposure.afterExit.total);
  console.log(`| ${label} | ${mean(pairs).toFixed(1)} of 48 | ${ms(mean(total) / Math.max(1e-9, mean(pairs)))} | ${ms(Math.max(...r.map((x) => x.exposure.afterExit.max)))} |`);
}
