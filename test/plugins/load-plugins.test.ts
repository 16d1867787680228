/**
 * Plug-in balancers through the library: the loader resolves and checks module paths, then
 * loadBalancerPlugins imports the modules and returns the factory and labels a run uses.
 * Every user mistake is a ScenarioError naming the module (positioned in the scenario when
 * the config came from a file); nothing reaches the run as an internal error.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { createBalancer as createBuiltinBalancer } from '../../src/balancers/registry.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { RngStream } from '../../src/engine/rng.js';
import { BalancerPluginError } from '../../src/plugins/errors.js';
import { loadBalancerPlugins } from '../../src/plugins/load-plugins.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioFile, resolveScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run-scenario.js';
import { pluginDir, randomPlugin, scenarioWith } from './helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const EXAMPLE = join(root, 'examples/balancers/least-latency.js');

function load(dir: string) {
  return loadScenarioFile(join(dir, 's.yaml')).scenario;
}

async function pluginProblems(dir: string): Promise<string[]> {
  const scenario = load(dir);
  const error = await loadBalancerPlugins(scenario).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BalancerPluginError);
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as Error).message.split('\n');
}

function scenarioProblems(dir: string): string[] {
  try {
    load(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the scenario to be rejected');
}

describe('the scenario loader and plug-in module paths', () => {
  it('resolves `module` against the scenario directory, in `balancer` and in `compare`', () => {
    const dir = pluginDir({
      's.yaml': scenarioWith('balancer: { module: ./p.js, a: 1 }', 'compare: [{ kind: random }, { module: p.js, a: 2 }]'),
      'p.js': randomPlugin(),
    });
    const scenario = load(dir);
    expect(scenario.balancer).toEqual({ kind: 'module', module: join(dir, 'p.js'), a: 1 });
    expect(scenario.compare?.[1]).toEqual({ kind: 'module', module: join(dir, 'p.js'), a: 2 });
    // The resolved scenario validates again unchanged (it may go through resolveScenario twice).
    const again = resolveScenario(structuredClone(scenario), { baseDir: '/' }).scenario;
    expect(again.balancer).toEqual(scenario.balancer);
  });

  it('reports a missing module file with its line and column', () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./nope.js }') });
    expect(scenarioProblems(dir)).toEqual([
      `${join(dir, 's.yaml')}:8:21: balancer.module: expected an existing JavaScript module, found no file at ${join(dir, 'nope.js')}`,
    ]);
  });

  it('rejects a directory and TypeScript sources, saying why', () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: . }', 'compare: [{ module: ./p.ts }]'), 'p.ts': '' });
    expect(scenarioProblems(dir)).toEqual([
      `${join(dir, 's.yaml')}:8:21: balancer.module: expected a JavaScript module file, found a directory at ${dir}`,
      `${join(dir, 's.yaml')}:9:21: compare.0.module: expected a JavaScript module (.js, .mjs, .cjs), found ${join(dir, 'p.ts')}; ` +
        'compile TypeScript to JavaScript first',
    ]);
  });

  it('says what is missing when a balancer has neither `kind` nor `module`', () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { choices: 2 }') });
    const [line] = scenarioProblems(dir);
    // The missing key is placed at the mapping's own key.
    expect(line).toMatch(/:8:1: balancer\.kind: expected `kind` \(one of `round_robin`, `random`, .*\) or `module` \(the path of a balancer module\), found neither$/);
  });

  it('keeps the built-in messages: a misspelt kind lists the kinds, never `undefined`', () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { kind: least_requests }') });
    const [line] = scenarioProblems(dir);
    expect(line).toContain('balancer.kind: expected one of `round_robin`');
    expect(line).toContain('`module`, found "least_requests"; did you mean `least_request`?');
    expect(line).not.toContain('undefined');
  });
});

describe('loadBalancerPlugins', () => {
  it('runs a plug-in in the simulation, labelled by the module, reproducibly', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./least-latency.js, decay: 250 }') });
    copyFileSync(EXAMPLE, join(dir, 'least-latency.js'));
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    const options = { createBalancer: plugins.createBalancer, label: plugins.label };
    const a = runScenario(scenario, options);
    const b = runScenario(scenario, options);
    expect(a.results[0]!.label).toBe('least_latency(decay=250)');
    expect(a.results[0]!.balancer).toBe('module');
    expect(a.results[0]!.metrics.completed).toBe(a.results[0]!.metrics.T);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('builds built-in kinds through the same factory', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { kind: least_request }') });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    expect(plugins.plugins.size).toBe(0);
    expect(plugins.label(scenario.balancer)).toBe('least_request(choices=2)');
    const deps = { random: new RngStream('x'), now: () => 0, load: new ActiveRequests(2) };
    expect(plugins.createBalancer(scenario.balancer, deps).constructor).toBe(createBuiltinBalancer(scenario.balancer, deps).constructor);
  });

  it('labels: label(options), else kind, else module(<file name>); one module may serve several configs', async () => {
    const dir = pluginDir({
      's.yaml': scenarioWith(
        'balancer: { module: ./labelled.js, n: 1 }',
        'compare: [{ module: ./labelled.js, n: 2 }, { module: ./kinded.js }, { module: ./bare.mjs }]',
      ),
      'labelled.js': randomPlugin('label: (o) => `mine(n=${o.n})`,'),
      'kinded.js': randomPlugin("kind: 'kinded',"),
      'bare.mjs': randomPlugin(),
    });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    expect(plugins.plugins.size).toBe(3);
    const strategies = [scenario.balancer, ...scenario.compare!];
    expect(strategies.map(plugins.label)).toEqual(['mine(n=1)', 'mine(n=2)', 'kinded', 'module(bare.mjs)']);
  });

  it('loads modules of extra strategies (a command-line flag), relative to baseDir', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { kind: random }'), 'p.js': randomPlugin("kind: 'extra',") });
    const scenario = load(dir);
    const extra: BalancerConfig = balancerConfig.parse({ module: 'p.js' });
    const plugins = await loadBalancerPlugins(scenario, { strategies: [extra], baseDir: dir });
    expect(plugins.label(extra)).toBe('extra');
    const result = runScenario(scenario, { balancers: [extra], createBalancer: plugins.createBalancer, label: plugins.label });
    expect(result.results[0]!.metrics.completed).toBeGreaterThan(0);
  });

  it('a config whose module was never loaded is a programming error, said plainly', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { kind: random }') });
    const plugins = await loadBalancerPlugins(load(dir));
    const stray = balancerConfig.parse({ module: '/nowhere/x.js' });
    expect(() => plugins.label(stray)).toThrow('balancer module /nowhere/x.js was not loaded');
  });

  it('reports a module without a default export, at the scenario line, naming the module', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./p.js }'), 'p.js': 'export const create = () => ({});\n' });
    expect(await pluginProblems(dir)).toEqual([
      `${join(dir, 's.yaml')}:8:21: balancer.module: ${join(dir, 'p.js')}: expected a default export, ` +
        'export default { create(options, deps) { … } } (see docs/balancers.md); found only named exports (create)',
    ]);
  });

  it('reports a default export of the wrong shape', async () => {
    const dir = pluginDir({
      's.yaml': scenarioWith('balancer: { module: ./f.js }', 'compare: [{ module: ./n.js }, { module: ./l.js }]'),
      'f.js': 'export default function create() {}\n',
      'n.js': 'export default { make() {} };\n',
      'l.js': randomPlugin("label: 'fixed',"),
    });
    const problems = await pluginProblems(dir);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('f.js: expected the default export to be an object');
    expect(problems[0]).toContain('found a function');
    expect(problems[1]).toContain('n.js: expected the default export to have a function `create(options, deps)`');
    expect(problems[2]).toContain('l.js: expected `label` to be a function (options) => string, found string');
  });

  it('reports a module that does not load', async () => {
    // The wording of a syntax error depends on who imports (node, or vitest's transform here);
    // test/cli/plugin.test.ts checks node's, with its line.
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./p.js }'), 'p.js': 'export default {\n  create(\n};\n' });
    const [line] = await pluginProblems(dir);
    expect(line).toContain(`${join(dir, 's.yaml')}:8:21: balancer.module: cannot load ${join(dir, 'p.js')}: `);
  });

  it('reports options a plain-JS `config` rejects, key by key, at their lines', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./least-latency.js, decay: 0, speed: 2 }') });
    copyFileSync(EXAMPLE, join(dir, 'least-latency.js'));
    expect(await pluginProblems(dir)).toEqual([
      `${join(dir, 's.yaml')}:8:48: balancer.decay: expected a positive number of milliseconds, found 0`,
      `${join(dir, 's.yaml')}:8:58: balancer.speed: unknown option; expected one of decay, initialRtt, failurePenalty`,
    ]);
  });

  it('a `config` whose safeParse throws or returns something else than zod does is the module\'s mistake, at the balancer', async () => {
    const create = 'create() { return { setEndpoints() {}, pick() { return -1; } }; }';
    const cases: Array<[string, string]> = [
      ['safeParse() { return 42; }', 'expected config.safeParse to return { success, data } or { success, error }, found 42'],
      ['safeParse() { return null; }', 'expected config.safeParse to return { success, data } or { success, error }, found null'],
      ['safeParse() { return { success: false }; }', 'config.safeParse rejected the options without saying why (no error.issues)'],
      ['safeParse() { return { success: false, error: { issues: [7] } }; }', 'config.safeParse rejected the options without saying why (no error.issues)'],
      ["safeParse() { throw new TypeError('nope'); }", 'config.safeParse threw TypeError: nope (p.js:1:'],
    ];
    for (const [config, message] of cases) {
      const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./p.js }'), 'p.js': `export default { config: { ${config} }, ${create} };\n` });
      const [line] = await pluginProblems(dir);
      expect(line).toContain(`${join(dir, 's.yaml')}:8:1: balancer: ${join(dir, 'p.js')}: ${message}`);
    }
  });

  it('words zod 4 option issues like scenario errors and passes the defaults on', async () => {
    const fixture = join(root, 'test/plugins/fixtures/zod-options.js');
    const bad = pluginDir({ 's.yaml': scenarioWith(`balancer: { module: ${fixture}, threshold: -1, mode: fats }`) });
    const problems = await pluginProblems(bad);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/:8:\d+: balancer\.threshold: expected a positive number, found -1$/);
    expect(problems[1]).toMatch(/:8:\d+: balancer\.mode: expected one of `fast`, `slow`, found "fats"; did you mean `fast`\?$/);

    const good = pluginDir({ 's.yaml': scenarioWith(`balancer: { module: ${fixture}, mode: slow }`) });
    const scenario = load(good);
    expect((await loadBalancerPlugins(scenario)).label(scenario.balancer)).toBe('zod_options(slow,5)');
  });

  it('stops the run when create() throws, naming the module and the line inside it', async () => {
    const dir = pluginDir({
      's.yaml': scenarioWith('balancer: { module: ./p.js }'),
      'p.js': "export default {\n  create() {\n    throw new RangeError('no endpoints today');\n  },\n};\n",
    });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    const run = () => runScenario(scenario, { createBalancer: plugins.createBalancer, label: plugins.label });
    expect(run).toThrow(BalancerPluginError);
    expect(run).toThrow(`${join(dir, 'p.js')}: create() threw RangeError: no endpoints today (p.js:3:11)`);
  });

  it('stops the run when create() returns something that is not a Balancer', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./p.js }'), 'p.js': 'export default { create: () => ({ pick() { return 0; } }) };\n' });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    expect(() => runScenario(scenario, { createBalancer: plugins.createBalancer })).toThrow(
      'expected create() to return a Balancer with methods setEndpoints(endpoints) and pick(ctx), found an object without them',
    );
  });

  it('stops the run when pick() throws or returns an id that is not an endpoint', async () => {
    const dir = pluginDir({
      's.yaml': scenarioWith('balancer: { module: ./seven.js }', 'compare: [{ module: ./throws.js }]'),
      'seven.js': 'export default { create: () => ({ setEndpoints() {}, pick: () => 7 }) };\n',
      'throws.js': "export default { create: () => ({ setEndpoints() {}, pick() { throw new Error('nope'); } }) };\n",
    });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    const run = (balancer: BalancerConfig) => () => runScenario(scenario, { balancers: [balancer], createBalancer: plugins.createBalancer });
    expect(run(scenario.balancer)).toThrow(`${join(dir, 'seven.js')}: expected pick() to return an endpoint id (0…3) or -1, found 7`);
    expect(run(scenario.compare![0]!)).toThrow(`${join(dir, 'throws.js')}: pick() threw Error: nope (throws.js:1:`);
  });

  it('gives feedback methods to the plug-in only when it has them', async () => {
    const dir = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./p.js }'), 'p.js': randomPlugin() });
    const scenario = load(dir);
    const plugins = await loadBalancerPlugins(scenario);
    const deps = { random: new RngStream('x'), now: () => 0, load: new ActiveRequests(2) };
    const balancer = plugins.createBalancer(scenario.balancer, deps);
    expect(balancer.onComplete).toBeUndefined();
    expect(balancer.onBackendReport).toBeUndefined();
    expect(balancer.onIdle).toBeUndefined();
    expect(balancer.healthAware).toBeUndefined();

    const aware = pluginDir({
      's.yaml': scenarioWith('balancer: { module: ./p.js }'),
      'p.js': 'export default { create: () => ({ healthAware: true, setEndpoints() {}, pick: () => -1, onIdle() {} }) };\n',
    });
    const awareScenario = load(aware);
    const guarded = (await loadBalancerPlugins(awareScenario)).createBalancer(awareScenario.balancer, deps);
    expect(guarded.healthAware).toBe(true);
    expect(typeof guarded.onIdle).toBe('function');

    const example = pluginDir({ 's.yaml': scenarioWith('balancer: { module: ./least-latency.js }') });
    copyFileSync(EXAMPLE, join(example, 'least-latency.js'));
    const withFeedback = load(example);
    const latency = (await loadBalancerPlugins(withFeedback)).createBalancer(withFeedback.balancer, deps);
    expect(typeof latency.onComplete).toBe('function');
  });
});
