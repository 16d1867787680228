/**
 * Plug-in balancers end to end: `node bin/meshsim.js run` on a scenario that names a module,
 * as a user runs it (`npm test` builds the CLI first). The shipped example
 * (examples/balancers/least-latency.js) must load and run; a broken module must end the run
 * with status 2 and a message naming the module, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { loadBalancerPlugins } from '../../src/plugins/load-plugins.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run-scenario.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');
const EXAMPLE_SCENARIO = join(root, 'examples/balancers/least-latency.yaml');

function meshsim(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-plugin-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const SCENARIO = (balancer: string) => `name: plugin-cli
requests: 3000
replications: 2
arrivals: { kind: poisson, rate: 300 }
service: { instances: 4, serviceTime: { dist: exponential, mean: 10ms } }
balancer: ${balancer}
`;

function expectCleanError(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m);
  expect(stderr).not.toMatch(/internal error/);
}

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim run with a plug-in balancer', () => {
  it('runs the shipped example, resolving the module next to the scenario from any working directory', () => {
    const out = tempDir();
    const short = ['--set', 'duration=4s', '--set', 'replications=2', '--format', 'json', '--quiet'];
    const fromRoot = meshsim(['run', 'examples/balancers/least-latency.yaml', '--out', join(out, 'a'), ...short]);
    const fromElsewhere = meshsim(['run', EXAMPLE_SCENARIO, '--out', join(out, 'b'), ...short], out);
    expect(fromRoot.stderr).toBe('');
    expect(fromRoot.status).toBe(0);
    expect(fromElsewhere.status).toBe(0);
    const summary = JSON.parse(fromRoot.stdout);
    expect(summary.results[0].label).toBe('least_latency(decay=500)');
    expect(summary.results[0].balancer).toBe('module');
    expect(summary.results[0].metrics.completed).toBeGreaterThan(0);
    // Deterministic: the plug-in draws only from the random stream it is given.
    expect(fromElsewhere.stdout).toBe(fromRoot.stdout);
    expect(readFileSync(join(out, 'a', 'summary.csv'), 'utf8')).toBe(readFileSync(join(out, 'b', 'summary.csv'), 'utf8'));
  });

  it('gives, on its worker thread, byte for byte what the library computes on the calling thread', async () => {
    const out = tempDir();
    const cli = meshsim(['run', EXAMPLE_SCENARIO, '--out', out, '--quiet', '--set', 'duration=4s', '--set', 'replications=2', '--format', 'json']);
    expect(cli.status, cli.stderr).toBe(0);
    const { scenario } = loadScenarioFile(EXAMPLE_SCENARIO, { set: ['duration=4s', 'replications=2'] });
    const plugins = await loadBalancerPlugins(scenario);
    expect(cli.stdout).toBe(formatSummaryJson(runScenario(scenario, { createBalancer: plugins.createBalancer, label: plugins.label })));
  });

  it('shows the label in the table, and a copy of the example works from a directory of its own', () => {
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./lb/least-latency.js, decay: 200 }') });
    mkdirSync(join(dir, 'lb'));
    copyFileSync(join(root, 'examples/balancers/least-latency.js'), join(dir, 'lb', 'least-latency.js'));
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o'), '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('least_latency(decay=200)');
  });

  it('exits 2 for a module path that does not exist, with its line and column', () => {
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./missing.js }') });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toBe(
      `meshsim: ${join(dir, 's.yaml')}:6:21: balancer.module: expected an existing JavaScript module, found no file at ${join(dir, 'missing.js')}\n`,
    );
  });

  it('exits 2 for a module that does not parse, saying how to find the mistake', () => {
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./p.js }'), 'p.js': 'export default {\n  create(options, deps) {\n    return {\n};\n' });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toBe(
      `meshsim: ${join(dir, 's.yaml')}:6:21: balancer.module: cannot load ${join(dir, 'p.js')}: ` +
        `SyntaxError: Unexpected end of input; \`node --check ${join(dir, 'p.js')}\` shows where\n`,
    );
  });

  it('exits 2 for a module without a default export, naming it', () => {
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./p.js }'), 'p.js': 'export function create() {}\n' });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toContain(`balancer.module: ${join(dir, 'p.js')}: expected a default export`);
  });

  it('exits 2 when create() throws, naming the module and the line inside it, and writes nothing', () => {
    const plugin = "export default {\n  create(options) {\n    throw new Error(`cannot use ${options.mode}`);\n  },\n};\n";
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./p.js, mode: magic }'), 'p.js': plugin });
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expectCleanError(r.stderr);
    expect(r.stderr).toBe(`meshsim: ${join(dir, 'p.js')}: create() threw Error: cannot use magic (p.js:3:11)\n`);
    expect(existsSync(join(dir, 'o', 'summary.json'))).toBe(false);
  });

  it('exits 2 for options the module rejects, at their line', () => {
    const dir = tempDir({ 's.yaml': SCENARIO('{ module: ./least-latency.js, decay: -5 }') });
    copyFileSync(join(root, 'examples/balancers/least-latency.js'), join(dir, 'least-latency.js'));
    const r = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`meshsim: ${join(dir, 's.yaml')}:6:48: balancer.decay: expected a positive number of milliseconds, found -5\n`);
  });
});

describe('plug-ins that misbehave: the same message and status 2 from run, compare and sweep (any --workers)', () => {
  const RANDOM = 'let ids = []; return { setEndpoints(e) { ids = e.map((x) => x.id); }, pick() { return ids[0] ?? -1; } };';
  const modules: Record<string, string> = {
    'loop.js': 'export default { create() { return { setEndpoints() {}, pick() { for (;;) {} } }; } };\n',
    'never.js': `await new Promise(() => {});\nexport default { create() { ${RANDOM} } };\n`,
    'throws.js': "let n = 0;\nexport default { create() { let ids = []; return { setEndpoints(e) { ids = e.map((x) => x.id); }, pick() { if (++n > 50) throw new Error('boom'); return ids[0]; } }; } };\n",
    'rejects.js': `export default { create() { Promise.reject(new Error('late')); ${RANDOM} } };\n`,
  };
  const commands: Array<[string, (module: string) => string[]]> = [
    ['run', (m) => ['run', '--set', `balancer={module: ./${m}}`]],
    ['compare', (m) => ['compare', '--balancers', `round_robin,{module: ./${m}}`]],
    ['sweep --workers 1', (m) => ['sweep', '--workers', '1', '--param', 'seed=1,2', '--set', `balancer={module: ./${m}}`]],
    ['sweep --workers 2', (m) => ['sweep', '--workers', '2', '--param', 'seed=1,2', '--set', `balancer={module: ./${m}}`]],
  ];
  const expected: Record<string, RegExp> = {
    'loop.js': /^meshsim: .*loop\.js: pick\(\) did not return within 500ms in .*; meshsim stopped it\. If it is only slow, allow it more time with --plugin-timeout\n$/,
    'never.js': /^meshsim: .*never\.js: importing it did not finish within 500ms \(a top-level await that never settles, or a loop at the top level\?\); meshsim stopped it/,
    'throws.js': /^meshsim: .*throws\.js: pick\(\) threw Error: boom \(throws\.js:2:\d+\)\n$/,
    'rejects.js': /^meshsim: .*rejects\.js: asynchronous work of a plug-in balancer failed and nothing handled it: Error: late \(rejects\.js:1:\d+\)/,
  };
  for (const name of Object.keys(modules)) {
    for (const [command, args] of commands) {
      // The import hang and the loop each cost a timeout: one command each is enough beside run.
      if ((name === 'never.js' || name === 'rejects.js') && command !== 'run' && command !== 'sweep --workers 2') continue;
      it(`${name} under ${command}`, () => {
        const dir = tempDir({ 's.yaml': SCENARIO('{ kind: round_robin }'), ...modules });
        const r = meshsim([...args(name).slice(0, 1), join(dir, 's.yaml'), ...args(name).slice(1), '--out', join(dir, 'o'), '--plugin-timeout', '500ms', '--quiet'], dir);
        expect(r.status, r.stderr).toBe(2);
        expect(r.stderr).toMatch(expected[name]!);
        expectCleanError(r.stderr);
        expect(existsSync(join(dir, 'o'))).toBe(false);
      });
    }
  }
});

