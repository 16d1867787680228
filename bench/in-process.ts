/**
 * The simulation loop called as a library, without a process per run: the M16 peer model
 * (scenarios/m16-peer.yaml, 10⁶ requests) with random and with least_request full_scan (JSQ),
 * replication 0 five times over in one process. The first run includes V8's warm-up, as a
 * `meshsim run` does; the later ones show the steady state that sweeps, notebooks and a search
 * over many scenarios in one process reach.
 *
 * Each policy runs in a process of its own, so neither meets call sites the other made
 * polymorphic.
 *
 *   npx tsx bench/in-process.ts [--requests N]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { balancerConfig } from '../src/balancers/configs.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { simulateReplication } from '../src/sim/run-scenario.js';

const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1] ?? 0) || 1_000_000;
const { scenario } = loadScenarioFile(new URL('../scenarios/m16-peer.yaml', import.meta.url).pathname, { set: [`requests=${requests}`] });
const policies = {
  random: balancerConfig.parse({ kind: 'random' }),
  jsq: balancerConfig.parse({ kind: 'least_request', selection: 'full_scan' }),
};

type Policy = keyof typeof policies;
const only = args.find((arg): arg is Policy => arg in policies);

if (only === undefined) {
  console.log(`M16 peer model, ${requests.toLocaleString('en')} requests per run, five runs in one process per policy`);
  console.log('policy  run 1 s  runs 2-5 s (each)             best requests/s  mean');
  for (const policy of Object.keys(policies)) {
    const line = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), policy, '--requests', String(requests)], {
      encoding: 'utf8',
    });
    process.stdout.write(line);
  }
} else {
  const seconds: number[] = [];
  let mean = NaN;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    mean = simulateReplication(scenario, 0, policies[only]).latency.mean;
    seconds.push((performance.now() - t0) / 1000);
  }
  const best = Math.min(...seconds);
  console.log(
    `${only.padEnd(7)} ${seconds[0]!.toFixed(3).padStart(7)}  ${seconds.slice(1).map((s) => s.toFixed(3)).join(' ').padEnd(29)} ` +
      `${Math.round(requests / best).toLocaleString('en').padStart(15)}  ${mean.toFixed(4)}`,
  );
}
