/**
 * The installed command end to end: `node bin/meshsim.js …` against the compiled bundle
 * (`npm test` builds it first). Checks exit codes, messages and files as a user sees them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

function meshsim(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const VALID = `name: cli-test
duration: 5s
warmup: 500ms
replications: 2
clients: { count: 2 }
arrivals: { kind: poisson, rate: 300 }
service:
  instances: 4
  serviceTime: { dist: exponential, mean: 10ms }
balancer: { kind: least_request }
`;

/** No stack trace: no "    at fn (file:line)" frames and no internal-error banner. */
function expectCleanError(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m);
  expect(stderr).not.toMatch(/internal error/);
}

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim run', () => {
  it('writes byte-identical summary.json and summary.csv for the same inputs', () => {
    const dir = tempDir({ 's.yaml': VALID });
    const a = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'a'), '--quiet']);
    const b = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'b'), '--quiet']);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    for (const file of ['summary.json', 'summary.csv']) {
      expect(readFileSync(join(dir, 'a', file))).toEqual(readFileSync(join(dir, 'b', file)));
    }
    expect(a.stdout).toContain('least_request(choices=2)');
    const summary = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8'));
    expect(Object.keys(summary).slice(0, 3)).toEqual(['scenario', 'seed', 'replications']);
    expect(summary.results[0].replicationMetrics).toHaveLength(2);
    expect(summary.results[0].ci95['latency.p99']).toBeGreaterThan(0);
  });

  it('honours --seed, --replications, --set and --format json', () => {
    const dir = tempDir({ 's.yaml': VALID });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o'), '--seed', '9', '--replications', '3',
      '--set', 'balancer.kind=round_robin', '--set', 'service.instances=5', '--format', 'json']);
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.seed).toBe(9);
    expect(printed.replications).toBe(3);
    expect(printed.results[0].label).toBe('round_robin');
    expect(printed.results[0].metrics.S).toBe(5);
    expect(r.stdout).toBe(readFileSync(join(dir, 'o', 'summary.json'), 'utf8'));
  });

  it('warns, and still runs, when utilisation can never drain', () => {
    const dir = tempDir({ 's.yaml': VALID.replace('rate: 300', 'rate: 500') });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: .*utilisation/i);
  });
});

describe('meshsim run with bad input: one clear message, exit status 2', () => {
  const cases: Array<{ name: string; files: Record<string, string>; args?: string[]; message: RegExp }> = [
    { name: 'YAML syntax error', files: { 's.yaml': VALID.replace('instances: 4', 'instances: [4') }, message: /s\.yaml:\d+:\d+: / },
    { name: 'unknown key with a suggestion', files: { 's.yaml': VALID.replace('instances: 4', 'instances: 4\n  concurency: 2') }, message: /s\.yaml:9:3: service\.concurency: unknown key; did you mean `concurrency`\?/ },
    { name: 'wrong type', files: { 's.yaml': VALID.replace('instances: 4', 'instances: four') }, message: /s\.yaml:8:14: service\.instances: expected .*integer.*, found "four"/ },
    { name: 'zero rate', files: { 's.yaml': VALID.replace('rate: 300', 'rate: 0') }, message: /s\.yaml:6:\d+: arrivals\.rate: expected .*, found 0/ },
    { name: 'negative rate', files: { 's.yaml': VALID.replace('rate: 300', 'rate: -5') }, message: /arrivals\.rate: expected .*, found -5/ },
    { name: 'missing trace file', files: { 's.yaml': VALID.replace('{ kind: poisson, rate: 300 }', '{ kind: trace, file: nope.csv }') }, message: /s\.yaml:6:\d+: arrivals\.file: .*nope\.csv/ },
    { name: 'empty trace file', files: { 's.yaml': VALID.replace('{ kind: poisson, rate: 300 }', '{ kind: trace, file: t.csv }'), 't.csv': '' }, message: /t\.csv|arrivals\.file: .*empty/ },
    { name: 'bad --set', files: { 's.yaml': VALID }, args: ['--set', 'service.instances=-1'], message: /--set service\.instances=-1: service\.instances: expected/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempDir(c.files);
      const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o'), ...(c.args ?? [])]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expectCleanError(r.stderr);
      expect(existsSync(join(dir, 'o'))).toBe(false);
    });
  }

  it('a scenario file that does not exist', () => {
    const r = meshsim(['run', '/nonexistent/scenario.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/scenario\.yaml/);
    expectCleanError(r.stderr);
  });

  it('bad flags', () => {
    const unknown = meshsim(['run', 'scenarios/quickstart.yaml', '--sed', '3']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--sed'/);
    const badSeed = meshsim(['run', 'scenarios/quickstart.yaml', '--seed', 'abc']);
    expect(badSeed.status).toBe(2);
    expect(badSeed.stderr).toMatch(/--seed expects a whole number/);
    const badFormat = meshsim(['run', 'scenarios/quickstart.yaml', '--format', 'xml']);
    expect(badFormat.status).toBe(2);
    expectCleanError(badFormat.stderr);
  });

  it('never loses a result already written', () => {
    const dir = tempDir({ 's.yaml': VALID, 'bad.yaml': VALID.replace('rate: 300', 'rate: 0') });
    expect(meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o'), '--quiet']).status).toBe(0);
    const before = readFileSync(join(dir, 'o', 'summary.json'));
    expect(meshsim(['run', join(dir, 'bad.yaml'), '--out', join(dir, 'o')]).status).toBe(2);
    expect(readFileSync(join(dir, 'o', 'summary.json'))).toEqual(before);
  });
});

describe('meshsim schema', () => {
  it('prints the committed JSON Schema', () => {
    const r = meshsim(['schema']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8'));
  });
});

describe('meshsim --help and --version', () => {
  it('exit 0', () => {
    expect(meshsim(['--version']).status).toBe(0);
    const help = meshsim(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/run \[options\] <scenario>/);
  });
});
