/**
 * `meshsim check` under issue 14's limits, end to end (the built CLI): the pre-run estimate
 * refuses a search whose single simulation is too large at the key that drives it, and one whose
 * budget is too large at `search.runs`, both with file:line:col and status 2, and --force lets
 * it run; plug-in code runs only on watched worker threads, so a looping pick() is stopped and a
 * throwing one is status 2 with run's message at --workers 1 and 2, and a well-behaved plug-in
 * gives the same bytes at both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

function meshsim(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A hang longer than the health check's detection bound breaks it (as in check.test.ts). */
const SCENARIO = (balancer: string, search = 'search: { runs: 20, seed: 2, robustness: 2 }') => `name: limits
seed: 3
duration: 40s
warmup: 5s
arrivals: { kind: poisson, rate: 60 }
service:
  instances: 4
  serviceTime: { dist: exponential, mean: 10ms }
timeout: 1s
balancer: ${balancer}
healthCheck: { interval: 30s, timeout: 1s, unhealthyThreshold: 3, healthyThreshold: 1 }
slo:
  - detection.timeToEject <= 15s per fault
  - availability >= 40% per 10s
faultSpace:
  kinds:
    hang: { for: [1s, 30s] }
  maxFaults: 2
${search}
`;

const MODULES: Record<string, string> = {
  'loop.js': 'export default { create() { return { setEndpoints() {}, pick() { for (;;) {} } }; } };\n',
  'throws.js': "let n = 0;\nexport default { create() { let ids = []; return { setEndpoints(e) { ids = e.map((x) => x.id); }, pick() { if (++n > 50) throw new Error('boom'); return ids[0]; } }; } };\n",
  'cycle.js': 'export default { create() { let ids = []; let i = 0; return { setEndpoints(e) { ids = e.map((x) => x.id); }, pick() { i = (i + 1) % ids.length; return ids[i]; } }; } };\n',
};

let dir: string;

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/simulation-worker.js')), 'run `npm run build` first (npm test does)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'meshsim-check-limits-'));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'rate.yaml'), SCENARIO('{ kind: round_robin }').replace('rate: 60', 'rate: 1e9'));
  writeFileSync(join(dir, 'budget.yaml'), SCENARIO('{ kind: round_robin }', 'search: { runs: 50000000, seed: 2 }'));
});

function expectCleanError(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m);
  expect(stderr).not.toMatch(/internal error/);
}

describe('meshsim check: the pre-run estimate', () => {
  it('refuses a search whose one simulation is above --max-events at the key that drives it', () => {
    const r = meshsim(['check', 'rate.yaml', '--out', 'o-rate', '--max-memory', '1000TB'], dir);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/rate\.yaml:5:34: arrivals\.rate: expected a run of at most 1\.0e11 simulated events \(--max-events\), found about \d\.\de\d+ \(.* events from requests \(arrivals\.rate\) per simulation, × 526 simulations: the baseline, 20 of search\.runs, up to 500 to shrink \(search\.shrinkRuns\), up to 3 for minimality, 2 for robustness; and the shown run once more with its events\)/);
    // Not the count: one simulation alone is too large, so --time-limit would not help.
    expect(r.stderr).not.toMatch(/--time-limit/);
    expectCleanError(r.stderr);
    expect(existsSync(join(dir, 'o-rate'))).toBe(false);
  });

  it('refuses a budget too large at search.runs, for events and for the judgements it keeps, and says what --time-limit would do', () => {
    const r = meshsim(['check', 'budget.yaml', '--out', 'o-budget', '--max-memory', '4GB', '--workers', '2'], dir);
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^meshsim: budget\.yaml:19:17: search\.runs: expected a run of at most 1\.0e11 simulated events \(--max-events\), found about 4\.\de11 .*× 5\.0e7 simulations/);
    expect(lines[0]).toMatch(/to search for a fixed wall time instead, give --time-limit and pass --force; a search stopped before search\.minRuns, all its runs by default, is inconclusive \(status 4\)$/);
    expect(lines[1]).toMatch(/^meshsim: budget\.yaml:19:17: search\.runs: expected a run that fits in 4\.0 GB of memory \(--max-memory\), found about 50\.0 GB \(50\.0 GB from judged schedules \(search\.runs\); 2 simulations at once\)/);
    const limited = meshsim(['check', 'budget.yaml', '--out', 'o-budget', '--max-memory', '100GB', '--time-limit', '5s'], dir);
    expect(limited.status).toBe(2);
    expect(limited.stderr).toMatch(/search\.timeLimit \(5s\) stops the search sooner: if that wall-clock bound is what you meant, pass --force;/);
    expectCleanError(r.stderr);
    expect(existsSync(join(dir, 'o-budget'))).toBe(false);
  });

  it('--force runs a refused search; a lower cap refuses the default budget', () => {
    const forced = meshsim(['check', 'budget.yaml', '--out', 'o-forced', '--force', '--runs', '20', '--workers', '1', '--quiet'], dir);
    expect(forced.status, forced.stderr).toBe(3);
    const capped = meshsim(['check', 'budget.yaml', '--runs', '20', '--out', 'o-capped', '--max-events', '1e5'], dir);
    expect(capped.status).toBe(2);
    expect(capped.stderr).toMatch(/--set search\.runs=20: search\.runs: expected a run of at most 100000 simulated events/);
    const passes = meshsim(['check', 'budget.yaml', '--runs', '20', '--out', 'o-capped', '--max-events', '1e5', '--force', '--quiet', '--workers', '1'], dir);
    expect(passes.status, passes.stderr).toBe(3);
  });
});

describe('meshsim check: plug-ins only on watched worker threads', () => {
  for (const workers of ['1', '2']) {
    it(`stops a pick() that loops forever, --workers ${workers}`, () => {
      writeFileSync(join(dir, 'loop.yaml'), SCENARIO('{ module: ./loop.js }'));
      const r = meshsim(['check', 'loop.yaml', '--workers', workers, '--plugin-timeout', '500ms', '--out', `o-loop-${workers}`, '--quiet'], dir);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^meshsim: .*loop\.js: pick\(\) did not return within 500ms while judging the run without faults \(replication 0\) \(an endless loop\?\); meshsim stopped it\. If it is only slow, allow it more time with --plugin-timeout\n$/);
      expect(existsSync(join(dir, `o-loop-${workers}`))).toBe(false);
    });

    it(`a throwing pick() is status 2 with run's message, --workers ${workers}`, () => {
      writeFileSync(join(dir, 'throws.yaml'), SCENARIO('{ module: ./throws.js }'));
      const r = meshsim(['check', 'throws.yaml', '--workers', workers, '--out', `o-throws-${workers}`, '--quiet'], dir);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^meshsim: .*throws\.js: pick\(\) threw Error: boom \(throws\.js:2:\d+\)\n$/);
      const run = meshsim(['run', 'throws.yaml', '--out', `o-throws-run-${workers}`, '--quiet'], dir);
      expect(run.stderr).toBe(r.stderr);
    });
  }

  it('a plug-in that behaves: the same counterexample, byte for byte, at 1 and 2 workers', () => {
    writeFileSync(join(dir, 'cycle.yaml'), SCENARIO('{ module: ./cycle.js }'));
    const one = meshsim(['check', 'cycle.yaml', '--workers', '1', '--out', 'o-c1', '--quiet', '--no-chart'], dir);
    const two = meshsim(['check', 'cycle.yaml', '--workers', '2', '--out', 'o-c2', '--quiet', '--no-chart'], dir);
    expect(one.status, one.stderr).toBe(3);
    expect(two.status, two.stderr).toBe(3);
    expect(two.stdout).toBe(one.stdout);
    const files = readdirSync(join(dir, 'o-c1')).sort();
    expect(files).toEqual(expect.arrayContaining(['check.json', 'counterexample.yaml', 'events.csv', 'timeseries.csv']));
    for (const name of files) expect(readFileSync(join(dir, 'o-c2', name), 'utf8'), name).toBe(readFileSync(join(dir, 'o-c1', name), 'utf8'));
    // The counterexample names the module and runs again as written.
    const replay = meshsim(['check', 'o-c1/counterexample.yaml', '--replay', '--out', 'o-c1r', '--quiet', '--no-chart'], dir);
    expect(replay.status, replay.stderr).toBe(3);
  });
});
