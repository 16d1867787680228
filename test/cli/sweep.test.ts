/**
 * `meshsim sweep` and `meshsim merge` end to end (the built CLI and its worker bundle): results
 * byte-identical whatever the thread count, shards merged byte-identical to the unsharded run,
 * and bad input refused with exit status 2.
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

const SCENARIO = `name: sweep-test
seed: 5
duration: 4s
warmup: 400ms
replications: 2
clients: { count: 2 }
arrivals: { kind: poisson, rate: 300 }
service:
  instances: 4
  queueLimit: 50
  serviceTime: { dist: exponential, mean: 10ms }
  overrides: [{ instance: 3, speed: 0.5, zone: b }]
timeout: 500ms
balancer: { kind: least_request }
compare: [{ kind: round_robin }, { kind: least_request }]
`;

const FILES = ['sweep.json', 'sweep.csv', 'instances.csv', 'scenario.json'];
// 3 × 2 = 6 cells × 2 strategies × 2 replications.
const GRID = ['--param', 'arrivals.rate=150,250,350', '--param', 'timeout=200ms,1s', '--quiet'];

let dir: string;
let scenario: string;

function expectSameFiles(a: string, b: string) {
  for (const file of FILES) expect(readFileSync(join(a, file)), file).toEqual(readFileSync(join(b, file)));
}

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/simulation-worker.js')), 'run `npm run build` first (npm test does)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'meshsim-sweep-'));
  scenario = join(dir, 's.yaml');
  writeFileSync(scenario, SCENARIO);
  const whole = meshsim(['sweep', scenario, ...GRID, '--workers', '1', '--out', join(dir, 'w1')]);
  expect(whole.status, whole.stderr).toBe(0);
});

describe('meshsim sweep', () => {
  it('writes the grid × strategies with every file', () => {
    const sweep = JSON.parse(readFileSync(join(dir, 'w1', 'sweep.json'), 'utf8'));
    expect(sweep).toMatchObject({
      scenario: 'sweep-test',
      seed: 5,
      replications: 2,
      params: [{ path: 'arrivals.rate', values: [150, 250, 350] }, { path: 'timeout', values: ['200ms', '1s'] }],
      strategies: ['round_robin', 'least_request(choices=2)'],
    });
    expect(sweep.shard).toBeUndefined();
    expect(sweep.interrupted).toBeUndefined();
    expect(sweep.cells.map((c: { index: number }) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sweep.cells[3].params).toEqual({ 'arrivals.rate': 250, timeout: '1s' });
    expect(sweep.cells[3].instances[3]).toEqual({ instance: 3, speed: 0.5, weight: 1, zone: 'b' });
    expect(sweep.cells[3].results[1].replicationMetrics).toHaveLength(2);
    expect(sweep.cells[3].results[1].ci95['latency.p99']).toBeGreaterThan(0);
    const csv = readFileSync(join(dir, 'w1', 'sweep.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toMatch(/^cell,arrivals\.rate,timeout,balancer,label,T,/);
    expect(csv).toHaveLength(1 + 6 * 2);
    expect(csv[8]).toMatch(/^3,250,1s,least_request,least_request\(choices=2\),/);
    const scenarioJson = JSON.parse(readFileSync(join(dir, 'w1', 'scenario.json'), 'utf8'));
    expect(scenarioJson).toMatchObject({ name: 'sweep-test', timeout: 500, arrivals: { rate: 300 } });
  });

  it('gives byte-identical files with 1 and 2 worker threads', () => {
    const r = meshsim(['sweep', scenario, ...GRID, '--workers', '2', '--out', join(dir, 'w2')]);
    expect(r.status, r.stderr).toBe(0);
    expectSameFiles(join(dir, 'w1'), join(dir, 'w2'));
  });

  it('runs plug-in balancers on worker threads, byte-identical to this thread', () => {
    const plugin = `{module: ${join(root, 'examples/balancers/least-latency.js')}, decay: 200}`;
    const args = ['sweep', scenario, '--param', 'arrivals.rate=150,250', '--balancers', `round_robin,${plugin}`, '--quiet'];
    const one = meshsim([...args, '--workers', '1', '--out', join(dir, 'plugin1')]);
    const two = meshsim([...args, '--workers', '2', '--out', join(dir, 'plugin2')]);
    expect(one.status, one.stderr).toBe(0);
    expect(two.status, two.stderr).toBe(0);
    expectSameFiles(join(dir, 'plugin1'), join(dir, 'plugin2'));
    const sweep = JSON.parse(readFileSync(join(dir, 'plugin2', 'sweep.json'), 'utf8'));
    expect(sweep.strategies).toEqual(['round_robin', 'least_latency(decay=200)']);
    const bad = meshsim(['sweep', scenario, '--param', 'arrivals.rate=150', '--balancers', plugin.replace('200', '-1'), '--out', join(dir, 'plugin3')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/least-latency\.js: decay: expected a positive number/);
  });

  it('merges shards into the unsharded result, byte for byte', () => {
    const shards = [1, 2, 3].map((i) => join(dir, `shard${i}`));
    shards.forEach((out, i) => {
      // The pool for one shard, this thread for the others: neither may change a byte.
      const r = meshsim(['sweep', scenario, ...GRID, '--workers', i === 2 ? '2' : '1', '--shard', `${i + 1}/3`, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
    });
    const shard2 = JSON.parse(readFileSync(join(shards[1]!, 'sweep.json'), 'utf8'));
    expect(shard2.shard).toEqual({ index: 2, count: 3 });
    expect(shard2.cells.map((c: { index: number }) => c.index)).toEqual([1, 4]);
    const merged = join(dir, 'merged');
    const r = meshsim(['merge', shards[2]!, shards[0]!, shards[1]!, '--out', merged, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expectSameFiles(join(dir, 'w1'), merged);

    // Shards of another sweep (another seed) are refused, and nothing is written.
    const other = join(dir, 'other-seed');
    expect(meshsim(['sweep', scenario, ...GRID, '--workers', '1', '--shard', '3/3', '--seed', '6', '--out', other]).status).toBe(0);
    const refused = meshsim(['merge', shards[0]!, shards[1]!, other, '--out', join(dir, 'refused')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/other-seed: seed 6 differs from .*shard1's 5/);
    expect(refused.stderr).toMatch(/resolved scenario \(scenario\.json\) differs/);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
    const missing = meshsim(['merge', shards[0]!, shards[1]!, '--out', join(dir, 'refused')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing shard 3\/3/);
  });
});

describe('meshsim sweep and merge with bad input: a clear message and exit status 2', () => {
  const cases: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'a bad --param value', args: ['--param', 'arrivals.rate=100,fast'], message: /^meshsim: --param arrivals\.rate=100,fast: arrivals\.rate: expected .*, found "fast"$/m },
    { name: 'a bad --param path', args: ['--param', 'service.instance=4,8'], message: /--param service\.instance=4,8: service\.instance: unknown key; did you mean `instances`\?/ },
    { name: 'a malformed --param', args: ['--param', 'arrivals.rate'], message: /--param arrivals\.rate: expected PATH=V1,V2/ },
    { name: 'no --param', args: [], message: /sweep needs at least one --param/ },
    { name: 'a bad --shard', args: ['--param', 'arrivals.rate=100', '--shard', '4/3'], message: /--shard expects I\/N with 1 ≤ I ≤ N, such as 2\/4; found "4\/3"/ },
    { name: 'a bad --balancers', args: ['--param', 'arrivals.rate=100', '--balancers', 'roundrobin'], message: /--balancers roundrobin: kind: expected one of .*did you mean `round_robin`\?/ },
    { name: 'a bad --workers', args: ['--param', 'arrivals.rate=100', '--workers', '0'], message: /--workers expects a positive integer/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = join(dir, `bad-${c.name.replace(/\W+/g, '-')}`);
      const r = meshsim(['sweep', scenario, '--out', out, ...c.args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('merge without --out, of a whole sweep, or of a folder that is no sweep', () => {
    expect(meshsim(['merge', join(dir, 'w1')]).stderr).toMatch(/merge needs --out DIR/);
    const whole = meshsim(['merge', join(dir, 'w1'), '--out', join(dir, 'm')]);
    expect(whole.status).toBe(2);
    expect(whole.stderr).toMatch(/w1: not a shard/);
    const empty = meshsim(['merge', dir, '--out', join(dir, 'm')]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/: not a finished meshsim result \(no meshsim-result\.json\)/);
  });
});
