/**
 * `meshsim check` throughput: fault schedules judged per second on each bundled failure scenario
 * (scenarios/failures/*.yaml). Every scenario gets the same fault space (crash, hang, slow,
 * errors; up to two faults at once) and the same 40 schedules, drawn from it with search seed 1.
 *
 * - in-process: the 40 schedules judged one after another in this thread (`judgeSchedule`, what
 *   a worker thread does per task), best of three rounds: the rate one thread sustains, least
 *   disturbed by other processes on a shared machine;
 * - CLI: `meshsim check` end to end with 1 and with 2 worker threads, random search only and an
 *   SLO that always holds (so every run of the budget is judged: no early stop, no shrinking);
 *   wall clock from check.json's `timing`, which includes starting the worker threads.
 *
 *   npm run build && npx tsx bench/check.ts [--runs N] [--workers 1,2] [--in-process-only]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { materialise, resolveFaultSpace } from '../src/check/fault-space.js';
import { judgeSchedule } from '../src/check/judge.js';
import { scheduleArbitrary } from '../src/check/schedule.js';
import { loadScenarioFile } from '../src/scenario/load.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const runs = Number(flag('--runs', '40'));
const workers = flag('--workers', '1,2').split(',').map(Number);
const inProcessOnly = args.includes('--in-process-only');

const SPACE =
  '{kinds: {crash: {for: [1s, 30s]}, hang: {for: [1s, 30s]}, slow: {for: [1s, 30s], factor: [2, 10]}, errors: {for: [1s, 30s], rate: [0.1, 1]}}, maxFaults: 2}';
const SET = [`faultSpace=${SPACE}`, 'slo=[availability >= 0% over run]', 'search.strategy=off'];

function inProcess(file: string): { perSecond: number; requests: number } {
  const { scenario } = loadScenarioFile(file, { set: SET });
  const space = resolveFaultSpace(scenario);
  const schedules = fc
    .sample(scheduleArbitrary(space), { seed: 1, numRuns: 4 * runs })
    .map((v) => materialise(v, space))
    .filter((f) => f.length > 0)
    .slice(0, runs);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const faults of schedules) judgeSchedule(scenario, { faults, replication: 0 });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  const requests = Math.round((scenario.duration! / 1000) * (scenario.arrivals as { rate: number }).rate);
  return { perSecond: schedules.length / best, requests };
}

function cli(file: string, threads: number, out: string): number {
  const dir = join(out, `${threads}`);
  execFileSync(
    process.execPath,
    [join(root, 'bin/meshsim.js'), 'check', file, ...SET.flatMap((s) => ['--set', s]), '--runs', String(runs), '--workers', String(threads), '--timing', '--no-chart', '--quiet', '--out', dir],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8')).timing.runsPerSecond as number;
}

const out = mkdtempSync(join(tmpdir(), 'meshsim-bench-check-'));
const files = readdirSync(join(root, 'scenarios/failures')).filter((f) => f.endsWith('.yaml')).sort();
console.log(`meshsim check: fault schedules judged per second, ${runs} schedules per scenario`);
const heads = ['in-process', ...(inProcessOnly ? [] : workers.map((w) => `CLI ${w} thr.`))];
console.log(`${'scenario'.padEnd(30)} ${'arrivals'.padStart(8)} ${heads.map((h) => h.padStart(11)).join(' ')}`);
for (const name of files) {
  const file = join(root, 'scenarios/failures', name);
  const { perSecond, requests } = inProcess(file);
  const cells = [perSecond, ...(inProcessOnly ? [] : workers.map((w) => cli(file, w, join(out, name))))];
  console.log(`${name.replace('.yaml', '').padEnd(30)} ${String(requests).padStart(8)} ${cells.map((c) => `${c.toFixed(1)}/s`.padStart(11)).join(' ')}`);
}
rmSync(out, { recursive: true, force: true });
