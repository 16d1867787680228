/**
 * `meshsim compare` end to end (the built CLI, as a user runs it): verdicts on a case with a
 * known winner and on a control with no possible difference, output files, and bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

function meshsim(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Two half-speed instances among eight (scenarios/heterogeneous.yaml, shortened): random
// overloads the slow pair, least request steers around it.
const HETEROGENEOUS = `name: hetero-test
seed: 11
duration: 20s
warmup: 2s
replications: 3
clients: { count: 4 }
arrivals: { kind: poisson, rate: 525 }
service:
  instances: 8
  serviceTime: { dist: exponential, mean: 10ms }
  overrides:
    - { instances: [6, 7], speed: 0.5 }
timeout: 2s
balancer: { kind: least_request }
`;

interface Row {
  label: string;
  baseline: string;
  metric: string;
  difference: number;
  ci95: number | null;
  relativeDifference: number | null;
  verdict: string;
}

let dir: string;
let scenario: string;

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'meshsim-compare-'));
  scenario = join(dir, 'hetero.yaml');
  writeFileSync(scenario, HETEROGENEOUS);
});

const rowsIn = (out: string): Row[] => JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')).rows;

describe('meshsim compare', () => {
  it('finds the known winner: least request beats random on p99 with heterogeneous instances', () => {
    const out = join(dir, 'winner');
    const r = meshsim(['compare', scenario, '--balancers', 'random,{kind: least_request, choices: 2}', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const rows = rowsIn(out);
    const p99 = rows.find((row) => row.metric === 'latency.p99')!;
    // Random also loses requests, so the latency verdict says it covers completed requests only.
    expect(p99).toMatchObject({ label: 'least_request(choices=2)', baseline: 'random', verdict: 'A better' });
    expect((p99 as Row & { caveat: string }).caveat).toMatch(/^completed requests only/);
    expect(p99.difference).toBeLessThan(0);
    expect(Math.abs(p99.difference)).toBeGreaterThan(p99.ci95!);
    // Random times out requests at the slow pair; least request does not.
    expect(rows.find((row) => row.metric === 'availability')!.verdict).toBe('A better');
    // The terminal: the decision first, then the tables in rank order, and the caveat about latency.
    expect(r.stdout).toMatch(/^pick least_request\(choices=2\): meets the SLO; random misses availability per 10s \(worst window \d+(\.\d+)?% < 99\.9%\)$/m);
    expect(r.stdout.indexOf('pick least_request')).toBeLessThan(r.stdout.indexOf('paired differences'));
    const table = r.stdout.split('\n');
    const firstStrategy = table.findIndex((l) => l.startsWith('least_request(choices=2)'));
    expect(firstStrategy).toBeGreaterThan(0);
    expect(firstStrategy).toBeLessThan(table.findIndex((l) => l.startsWith('random ')));
    expect(r.stdout).toMatch(/least_request\(choices=2\)\s+latency\.p99 .*A better/);
    expect(r.stdout).toMatch(/least_request\(choices=2\)\s+latency\.p99 .*A better \(completed requests only[;)]/);
    const ranking = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')).ranking;
    expect(ranking.strategies.map((x: { label: string }) => x.label)).toEqual(['least_request(choices=2)', 'random']);
    for (const file of ['summary.json', 'summary.csv', 'scenario.json', 'instances.csv', 'comparison.json', 'comparison.csv']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.results.map((x: { label: string }) => x.label)).toEqual(['random', 'least_request(choices=2)']);
    const instances = readFileSync(join(out, 'instances.csv'), 'utf8').trimEnd().split('\n');
    expect(instances).toHaveLength(1 + 2 * 3 * 8);
    expect(instances[7]).toMatch(/^random,0,6,\d+,0\.5,1,default$/);
  });

  it('finds exactly no difference between two identical strategies (common random numbers)', () => {
    const out = join(dir, 'control');
    const r = meshsim(['compare', scenario, '--balancers', 'round_robin,round_robin', '--out', out, '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(out, 'comparison.json'), 'utf8'));
    const rows = rowsIn(out);
    expect(rows).toHaveLength(17);
    for (const row of rows) {
      expect(row).toMatchObject({ label: 'round_robin#2', baseline: 'round_robin', difference: 0, ci95: 0, verdict: 'no significant difference' });
      // Equal availability: no "completed requests only"; round robin's timeouts censor its tail.
      const caveat = (row as Row & { caveat: string }).caveat;
      expect(caveat).toBe(['latency.p99', 'latency.p999', 'latency.max', 'latency.mean', 'latency.p95', 'latency.p90'].includes(row.metric) ? 'censored by the timeout' : '');
    }
  });

  it('gives no verdict with one replication, and honours --baseline by kind', () => {
    const out = join(dir, 'single');
    const r = meshsim(['compare', scenario, '--balancers', 'random,least_request', '--baseline', 'least_request', '--replications', '1', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const p99 = rowsIn(out).find((row) => row.metric === 'latency.p99')!;
    expect(p99).toMatchObject({ label: 'random', baseline: 'least_request(choices=2)', ci95: null, verdict: 'n/a (1 replication)' });
    expect(p99.difference).toBeGreaterThan(0);
  });
});

describe('meshsim compare --metric', () => {
  it('takes any metric path: ties within an availability tier break by it, in its better direction', () => {
    const out = join(dir, 'metric');
    const r = meshsim(['compare', scenario, '--balancers', 'round_robin,{kind: least_request, choices: 2},random', '--metric', 'perInstanceUtilisation.6', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8'));
    expect(json.ranking.metric).toBe('perInstanceUtilisation.6');
    // Utilisation has no better direction (ascending), and ranks only within an availability tier:
    // least request, the only one losing no requests, stays first whatever its utilisation.
    const strategies: Array<{ label: string; availability: number }> = json.ranking.strategies;
    expect(strategies[0]!.label).toBe('least_request(choices=2)');
    for (let i = 1; i < strategies.length; i++) expect(strategies[i]!.availability).toBeLessThanOrEqual(strategies[i - 1]!.availability);
    expect(r.stdout).toMatch(/rank\s+strategy\s+SLO met\s+availability\s+goodput\/s\s+perInstanceUtilisation\.6\s+why/);
  });
});

describe('meshsim compare with bad input: a clear message and exit status 2', () => {
  const cases: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'an unknown balancer kind', args: ['--balancers', 'round_robin,least_requst'], message: /--balancers least_requst: kind: expected one of .*did you mean `least_request`\?/ },
    { name: 'a bad balancer option', args: ['--balancers', 'random,{kind: least_request, choices: 1}'], message: /--balancers \{kind: least_request, choices: 1\}: choices: expected an integer of at least 2, found 1/ },
    { name: 'no strategies', args: [], message: /compare needs strategies: give --balancers SPEC,SPEC or a `compare:` list/ },
    { name: 'one strategy', args: ['--balancers', 'random'], message: /at least two strategies; found only random/ },
    { name: 'an unknown baseline', args: ['--balancers', 'random,round_robin', '--baseline', 'randon'], message: /--baseline randon: expected one of the strategies' labels: random, round_robin; did you mean random\?/ },
    { name: 'an unknown metric', args: ['--balancers', 'random,round_robin', '--metric', 'latency.p96'], message: /--metric latency\.p96: expected a metric path such as latency\.p99, .*did you mean latency\.p9\d\?/ },
    { name: 'a metric the run will not have', args: ['--balancers', 'random,round_robin', '--metric', 'perInstance.8'], message: /--metric perInstance\.8: expected a metric path/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = join(dir, `bad-${c.name.replace(/\W+/g, '-')}`);
      const r = meshsim(['compare', scenario, '--out', out, ...c.args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
      expect(existsSync(out)).toBe(false);
    });
  }
});
