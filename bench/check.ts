/**
 * `meshsim check` throughput: schedules judged per second on each bundled failure scenario
 * (scenarios/failures/*.yaml), end to end through the built CLI, with 1 and with 2 worker
 * threads. Each scenario gets the same fault space (crash, hang, slow, errors; up to two faults
 * at once), an SLO that always holds (so every run of the budget is judged: no early stop, no
 * shrinking) and random search only. Wall time includes starting the worker threads.
 *
 *   npm run build && npx tsx bench/check.ts [--runs N] [--workers 1,2]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const runs = Number(flag('--runs', '40'));
const workers = flag('--workers', '1,2').split(',').map(Number);

const SPACE =
  '{kinds: {crash: {for: [1s, 30s]}, hang: {for: [1s, 30s]}, slow: {for: [1s, 30s], factor: [2, 10]}, errors: {for: [1s, 30s], rate: [0.1, 1]}}, maxFaults: 2}';

const out = mkdtempSync(join(tmpdir(), 'meshsim-bench-check-'));
const files = readdirSync(join(root, 'scenarios/failures')).filter((f) => f.endsWith('.yaml')).sort();
console.log(`meshsim check, ${runs} random schedules per scenario, schedules judged per second (wall clock, pool start-up included)`);
console.log(`${'scenario'.padEnd(32)} ${'requests/run'.padStart(12)} ${workers.map((w) => `${w} thread${w === 1 ? '' : 's'}`.padStart(11)).join(' ')}`);
for (const file of files) {
  const perWorkers: string[] = [];
  let requests = 0;
  for (const w of workers) {
    const dir = join(out, `${file}-${w}`);
    execFileSync(
      process.execPath,
      [
        join(root, 'bin/meshsim.js'),
        'check',
        join(root, 'scenarios/failures', file),
        '--set',
        `faultSpace=${SPACE}`,
        '--set',
        'slo=[availability >= 0% over run]',
        '--set',
        'search.strategy=off',
        '--runs',
        String(runs),
        '--workers',
        String(w),
        '--timing',
        '--no-chart',
        '--quiet',
        '--out',
        dir,
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const check = JSON.parse(readFileSync(join(dir, 'check.json'), 'utf8'));
    perWorkers.push(`${check.timing.runsPerSecond.toFixed(1)}/s`.padStart(11));
    const shown = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n').slice(1);
    requests = shown.reduce((sum, line) => sum + Number(line.split(',')[3]), 0);
  }
  console.log(`${file.replace('.yaml', '').padEnd(32)} ${String(requests).padStart(12)} ${perWorkers.join(' ')}`);
}
rmSync(out, { recursive: true, force: true });
