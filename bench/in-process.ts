/**
 * Simulations called as a library, without a process per run.
 *
 * - `random`, `jsq`: the M16 peer model (scenarios/m16-peer.yaml, 10⁶ requests) with random and
 *   with least_request full_scan (JSQ), replication 0 five times over in one process. The first
 *   run includes V8's warm-up, as a `meshsim run` does; the later ones show the steady state
 *   that sweeps and notebooks reach.
 * - `short`: 1000 replications of a 200-request scenario (4 instances, 2 clients, least
 *   request), five rounds: the per-run overhead that a search over many small scenarios pays.
 *
 * Each case runs in a process of its own, so none meets call sites another made polymorphic.
 *
 *   npx tsx bench/in-process.ts [--requests N]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { balancerConfig } from '../src/balancers/configs.js';
import { loadScenarioFile, resolveScenario } from '../src/scenario/load.js';
import { simulateReplication } from '../src/sim/run-scenario.js';

const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1] ?? 0) || 1_000_000;
const CASES = ['random', 'jsq', 'short'] as const;
type Case = (typeof CASES)[number];
const only = args.find((arg): arg is Case => (CASES as readonly string[]).includes(arg));

function m16(policy: 'random' | 'jsq'): void {
  const { scenario } = loadScenarioFile(new URL('../scenarios/m16-peer.yaml', import.meta.url).pathname, { set: [`requests=${requests}`] });
  const balancer = balancerConfig.parse(policy === 'random' ? { kind: 'random' } : { kind: 'least_request', selection: 'full_scan' });
  const seconds: number[] = [];
  let mean = NaN;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    mean = simulateReplication(scenario, 0, balancer).latency.mean;
    seconds.push((performance.now() - t0) / 1000);
  }
  const best = Math.min(...seconds);
  console.log(
    `${policy.padEnd(7)} ${seconds[0]!.toFixed(3).padStart(7)}  ${seconds.slice(1).map((s) => s.toFixed(3)).join(' ').padEnd(29)} ` +
      `${Math.round(requests / best).toLocaleString('en').padStart(15)}  mean ${mean.toFixed(4)}`,
  );
}

function short(): void {
  const { scenario } = resolveScenario({
    name: 'short',
    seed: 1,
    requests: 200,
    clients: { count: 2 },
    arrivals: { kind: 'poisson', rate: 1000 },
    service: { instances: 4, serviceTime: { dist: 'exponential', mean: '2ms' } },
    balancer: { kind: 'least_request' },
  });
  const seconds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let replication = 0; replication < 1000; replication++) simulateReplication(scenario, replication);
    seconds.push((performance.now() - t0) / 1000);
  }
  const best = Math.min(...seconds);
  console.log(
    `${'short'.padEnd(7)} ${seconds[0]!.toFixed(3).padStart(7)}  ${seconds.slice(1).map((s) => s.toFixed(3)).join(' ').padEnd(29)} ` +
      `${Math.round((1000 * 200) / best).toLocaleString('en').padStart(15)}  ${Math.round(1000 / best).toLocaleString('en')} runs/s`,
  );
}

if (only === undefined) {
  console.log(`random, jsq: M16 peer model, ${requests.toLocaleString('en')} requests per run, five runs in one process`);
  console.log('short: 1000 runs of 200 requests per round, five rounds in one process');
  console.log('case    first s  later s (each)                best requests/s');
  for (const name of CASES) {
    const line = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, '--requests', String(requests)], {
      encoding: 'utf8',
    });
    process.stdout.write(line);
  }
} else if (only === 'short') {
  short();
} else {
  m16(only);
}
