/**
 * The speed benchmark of issue "simulation core": the M16 peer model (16 instances, ρ = 0.9,
 * 10⁶ requests) with random and with least_request full_scan (= JSQ with one client),
 * through the real `meshsim run` command, beside SimPy's idiomatic model of the same system
 * (../shared/bench/simpy/mmc.py) on the same machine in the same run.
 *
 *   npm run bench                      # both, plus the ratio
 *   npx tsx bench/m16.ts --requests 200000 --no-simpy
 *
 * Wall times include process start-up and writing the outputs (end to end). A benchmark,
 * never a test: timings on a shared 2-vCPU machine vary by ±30 %.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1] ?? 0) || 1_000_000;
const withSimpy = !args.includes('--no-simpy');
const root = new URL('..', import.meta.url).pathname;
const simpyScript = join(root, '../shared/bench/simpy/mmc.py');

interface Row {
  engine: string;
  policy: string;
  /** End to end: process start to exit (meshsim); SimPy's own env.run() time (simpy). */
  seconds: number;
  /** The simulation loop alone, as SimPy measures itself. */
  loopSeconds: number;
  mean: number;
  p99: number;
}

function runMeshsim(policy: 'random' | 'jsq'): Row {
  const out = mkdtempSync(join(tmpdir(), 'meshsim-bench-'));
  const balancer =
    policy === 'random'
      ? ['--set', 'balancer.kind=random']
      : ['--set', 'balancer.kind=least_request', '--set', 'balancer.selection=full_scan'];
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [join(root, 'bin/meshsim.js'), 'run', join(root, 'scenarios/m16-peer.yaml'), '--quiet', '--timing', '--format', 'json', '--out', out,
      '--set', `requests=${requests}`, ...balancer],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`meshsim failed: ${child.stderr}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  const m = summary.results[0].metrics;
  const loopSeconds = Number(/simulated in ([\d.]+) s/.exec(child.stderr)?.[1]);
  return { engine: 'meshsim', policy, seconds, loopSeconds, mean: m.latency.mean, p99: m.latency.p99 };
}

function simpyAvailable(): boolean {
  if (!existsSync('/usr/bin/python3') || !existsSync(simpyScript)) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import simpy'], { encoding: 'utf8' }).status === 0;
}

function runSimpy(policy: 'random' | 'jsq'): Row {
  const child = spawnSync('/usr/bin/python3', [simpyScript, String(requests), policy], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`SimPy failed: ${child.stderr}`);
  const text = child.stdout;
  const mean = Number(/mean_resp=([\d.]+)/.exec(text)?.[1]);
  const p99 = Number(/p99=([\d.]+)/.exec(text)?.[1]);
  const seconds = Number(/wall=([\d.]+)s/.exec(text)?.[1]);
  return { engine: 'simpy', policy, seconds, loopSeconds: seconds, mean, p99 };
}

const rows: Row[] = [];
for (const policy of ['random', 'jsq'] as const) {
  rows.push(runMeshsim(policy));
  if (withSimpy && simpyAvailable()) rows.push(runSimpy(policy));
}

console.log(`M16 peer model: 16 × M/M/1 queues, ρ = 0.9, ${requests.toLocaleString('en')} requests (time unit: 1 ms = E[S])`);
console.log('end to end = meshsim process start to exit (validation, simulation, summary, files); loop = the simulation alone');
console.log('engine   policy  end-to-end s  requests/s   loop s  requests/s     mean      p99');
const rate = (s: number) => Math.round(requests / s).toLocaleString('en').padStart(10);
for (const r of rows) {
  const endToEnd = r.engine === 'simpy' ? `${'-'.padStart(12)}  ${'-'.padStart(10)}` : `${r.seconds.toFixed(2).padStart(12)}  ${rate(r.seconds)}`;
  console.log(
    `${r.engine.padEnd(8)} ${r.policy.padEnd(7)} ${endToEnd}  ${r.loopSeconds.toFixed(2).padStart(7)}  ${rate(r.loopSeconds)}  ${r.mean.toFixed(4).padStart(7)}  ${r.p99.toFixed(3).padStart(7)}`,
  );
}
for (const policy of ['random', 'jsq']) {
  const ours = rows.find((r) => r.engine === 'meshsim' && r.policy === policy)!;
  const peer = rows.find((r) => r.engine === 'simpy' && r.policy === policy);
  if (peer) {
    console.log(
      `${policy}: meshsim is ${(peer.loopSeconds / ours.loopSeconds).toFixed(1)}× SimPy loop for loop, ` +
        `${(peer.loopSeconds / ours.seconds).toFixed(1)}× counting meshsim's whole process against SimPy's loop`,
    );
  }
}
if (withSimpy && !simpyAvailable()) console.log('SimPy not found: apt-get install python3-simpy3 (runs with /usr/bin/python3)');
