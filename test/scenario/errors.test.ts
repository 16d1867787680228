/**
 * The text of error messages is part of the user interface: these tests pin it down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ScenarioError, formatProblem } from '../../src/scenario/errors.js';
import { loadScenarioFile, resolveScenario } from '../../src/scenario/load.js';
import { MINIMAL_YAML, errorLines, scenarioError, tempDir, writeScenario } from './helpers.js';

/** MINIMAL_YAML with one line replaced (1-based), to put a mistake on a known line. */
function withLine(line: number, text: string): string {
  const lines = MINIMAL_YAML.split('\n');
  lines[line - 1] = text;
  return lines.join('\n');
}

const DIST_KINDS = '`constant`, `exponential`, `lognormal`, `gamma`, `hyperexponential`, `pareto`, `uniform`, `empirical`';

describe('error messages: one line per problem, file:line:col: path: expected …, found …', () => {
  it('YAML syntax error, with the position the parser reports', () => {
    const file = writeScenario('name: x\narrivals: { kind: poisson, rate: 100\nservice: {}\n');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:3:1: syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
  });

  it('unknown key, suggesting the nearest allowed key', () => {
    const file = writeScenario(withLine(6, '  instances: 4\n  concurency: 2'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:7:3: service.concurency: unknown key; did you mean \`concurrency\`?`,
    ]);
  });

  it('unknown key with nothing close: lists the allowed keys', () => {
    const file = writeScenario(`${MINIMAL_YAML}colour: blue\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:9:1: colour: unknown key; allowed keys: $schema, name, description, seed, duration, requests, warmup, ` +
        'drain, replications, clients, arrivals, service, network, timeout, balancer, compare, faults, restart, ' +
        'liveness, healthCheck, heartbeat, outlierDetection, panicThreshold, retries, circuitBreakers, failureAccrual, timeseries, ' +
        'membership, discovery, autoscaling, slo, faultSpace, search, provenance',
    ]);
  });

  it('unknown `dist` value: lists the allowed ones', () => {
    const file = writeScenario(withLine(7, '  serviceTime: { dist: weibull, mean: 10ms }'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:7:24: service.serviceTime.dist: expected one of ${DIST_KINDS}, found "weibull"`,
    ]);
  });

  it('misspelt `kind` value: lists the allowed ones and suggests the nearest', () => {
    const file = writeScenario(withLine(4, 'arrivals: { kind: poison, rate: 100 }'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:4:19: arrivals.kind: expected one of \`poisson\`, \`constant\`, \`onoff\`, \`diurnal\`, \`trace\`, ` +
        'found "poison"; did you mean `poisson`?',
    ]);
  });

  it('wrong type', () => {
    const file = writeScenario(withLine(6, '  instances: sixteen'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:6:14: service.instances: expected a positive integer, found "sixteen"`,
    ]);
  });

  it('a mapping where a number belongs', () => {
    const file = writeScenario(withLine(6, '  instances: { count: 4 }'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:6:3: service.instances: expected a positive integer, found a mapping with key \`count\``,
    ]);
  });

  it('negative integer', () => {
    const file = writeScenario(withLine(6, '  instances: -3'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:6:14: service.instances: expected a positive integer, found -3`,
    ]);
  });

  it('zero or negative rate', () => {
    for (const rate of ['0', '-5']) {
      const file = writeScenario(withLine(4, `arrivals: { kind: poisson, rate: ${rate} }`));
      expect(errorLines(() => loadScenarioFile(file))).toEqual([
        `${file}:4:34: arrivals.rate: expected a positive number of requests per second, found ${rate}`,
      ]);
    }
  });

  it('malformed and zero durations', () => {
    const file = writeScenario(withLine(2, 'duration: 10 sec'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:2:11: duration: expected a positive duration such as "250us", "10ms" or "30s" ` +
        '(units ns, us, ms, s, m, h; a number means ms), found "10 sec"',
    ]);
    const zero = writeScenario(withLine(2, 'duration: 0s'));
    expect(errorLines(() => loadScenarioFile(zero))).toEqual([
      `${zero}:2:11: duration: expected a duration greater than zero, found "0s"`,
    ]);
  });

  it('missing required key: points at the parent', () => {
    const file = writeScenario(withLine(6, '  # instances: 4'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:5:1: service.instances: required key missing; expected a positive integer`,
    ]);
  });

  it('missing discriminator: lists the allowed values', () => {
    const file = writeScenario(withLine(4, 'arrivals: { rate: 100 }'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:4:1: arrivals.kind: required key missing; expected one of \`poisson\`, \`constant\`, \`onoff\`, ` +
        '`diurnal`, `trace`',
    ]);
  });

  it('cross-field rules name both sides', () => {
    const both = writeScenario(`${MINIMAL_YAML}requests: 100\n`);
    expect(errorLines(() => loadScenarioFile(both))).toEqual([
      `${both}:1:1: expected exactly one of \`duration\` or \`requests\`, found both`,
    ]);
    const warmup = writeScenario(withLine(3, 'warmup: 20s'));
    expect(errorLines(() => loadScenarioFile(warmup))).toEqual([
      `${warmup}:3:9: warmup: expected a warm-up shorter than \`duration\` (10s), found "20s"`,
    ]);
    const lognormal = writeScenario(withLine(7, '  serviceTime: { dist: lognormal, median: 10ms, p99: 5ms }'));
    expect(errorLines(() => loadScenarioFile(lognormal))).toEqual([
      `${lognormal}:7:54: service.serviceTime.p99: expected a duration greater than \`median\` (10ms), found "5ms"`,
    ]);
    const override = writeScenario(withLine(6, '  instances: 4\n  overrides: [{ instance: 4, speed: 0.5 }]'));
    expect(errorLines(() => loadScenarioFile(override))).toEqual([
      `${override}:7:27: service.overrides.0.instance: expected an instance index below 4 (service.instances), found 4`,
    ]);
  });

  it('reports every problem, in file order', () => {
    const file = writeScenario(`name: ""
duration: 10s
arrivals: { kind: poisson, rate: 0 }
service:
  instances: 2.5
  concurrency: 0
  serviceTime: { dist: exponential, mean: -1 }
balancer: { kind: least_request, choices: 1 }
compare: []
`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:1:7: name: expected a non-empty string, found ""`,
      `${file}:3:34: arrivals.rate: expected a positive number of requests per second, found 0`,
      `${file}:5:14: service.instances: expected a positive integer, found 2.5`,
      `${file}:6:16: service.concurrency: expected a positive integer, found 0`,
      `${file}:7:43: service.serviceTime.mean: expected a positive duration such as "250us", "10ms" or "30s" ` +
        '(units ns, us, ms, s, m, h; a number means ms), found -1',
      `${file}:8:43: balancer.choices: expected an integer of at least 2, found 1`,
      `${file}:9:1: compare: expected a non-empty list, found an empty list`,
    ]);
  });

  it('JSON files get line and column too', () => {
    const file = writeScenario(
      JSON.stringify({ ...parse(MINIMAL_YAML), service: { instances: 0, serviceTime: { dist: 'constant', value: 1 } } }, null, 2),
      {},
      'scenario.json',
    );
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:10:18: service.instances: expected a positive integer, found 0`,
    ]);
  });

  it('objects: key paths without positions', () => {
    const input = parse(withLine(6, '  instances: -3'));
    expect(errorLines(() => resolveScenario(input))).toEqual([
      'service.instances: expected a positive integer, found -3',
    ]);
    expect(errorLines(() => resolveScenario(input, { file: 'inline' }))).toEqual([
      'inline: service.instances: expected a positive integer, found -3',
    ]);
  });

  it('a document that is not a mapping', () => {
    const empty = writeScenario('# nothing yet\n');
    expect(errorLines(() => loadScenarioFile(empty))).toEqual([
      `${empty}:1:1: expected a mapping of scenario keys (name, arrivals, service, …), found an empty document`,
    ]);
    const list = writeScenario('- name: x\n');
    expect(errorLines(() => loadScenarioFile(list))).toEqual([
      `${list}:1:1: expected a mapping of scenario keys (name, arrivals, service, …), found a list of 1 item`,
    ]);
  });

  it('a scenario file that does not exist, with a near miss suggested', () => {
    const dir = tempDir({ 'crash.yaml': MINIMAL_YAML });
    expect(errorLines(() => loadScenarioFile(join(dir, 'crahs.yaml')))).toEqual([
      `${join(dir, 'crahs.yaml')}: no such file; did you mean ${join(dir, 'crash.yaml')}?`,
    ]);
    expect(errorLines(() => loadScenarioFile(join(dir, 'other.yaml')))).toEqual([`${join(dir, 'other.yaml')}: no such file`]);
  });

  it('a directory instead of a file, listing the scenario files in it', () => {
    const dir = tempDir({ 'b.yaml': MINIMAL_YAML, 'a.json': '{}', 'notes.txt': '' });
    mkdirSync(join(dir, 'sub'));
    expect(errorLines(() => loadScenarioFile(dir))).toEqual([
      `${dir}: expected a scenario file (.yaml, .yml or .json), found a directory; it contains a.json, b.yaml`,
    ]);
    expect(errorLines(() => loadScenarioFile(join(dir, 'sub')))).toEqual([
      `${join(dir, 'sub')}: expected a scenario file (.yaml, .yml or .json), found a directory`,
    ]);
  });

  it('ScenarioError keeps the problems as data', () => {
    const error = scenarioError(() => loadScenarioFile(writeScenario(withLine(6, '  instances: -3'))));
    expect(error.name).toBe('ScenarioError');
    expect(error.problems).toEqual([
      expect.objectContaining({ line: 6, column: 14, path: 'service.instances', message: 'expected a positive integer, found -3' }),
    ]);
    expect(formatProblem({ setArgument: 'a=1', path: 'a', message: 'm' })).toBe('--set a=1: a: m');
    expect(new ScenarioError([{ message: 'one' }, { file: 'f', line: 2, message: 'two' }]).message).toBe('one\nf:2: two');
  });

});

describe('input the engine cannot take: refused with the reason, never an internal error', () => {
  it('a duration that overflows to infinity, or goes beyond what simulated time resolves', () => {
    const file = writeScenario(withLine(2, 'duration: "1e400s"'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:2:11: duration: expected a duration of at most about 285 years (simulated time is a double of milliseconds, which then stops resolving a microsecond), found "1e400s"`,
    ]);
  });

  it('counts beyond the arrays that hold them', () => {
    const file = writeScenario(withLine(6, '  instances: 1e9'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:6:14: service.instances: expected a positive integer of at most 100,000,000 (per-instance and per-client state are JavaScript arrays, which V8 caps at about 134 million elements), found 1000000000`,
    ]);
    const pairs = writeScenario(withLine(6, '  instances: 100000') + 'clients: { count: 50000 }\n');
    expect(errorLines(() => loadScenarioFile(pairs))).toEqual([
      `${pairs}:9:19: clients.count: expected at most 42,949 clients with 100,000 instances (the per-client views of every instance are typed arrays, which hold at most 2³² − 1 entries), found 50000`,
    ]);
    const keys = writeScenario(withLine(4, 'arrivals: { kind: poisson, rate: 100, keys: { kind: zipf, count: 1e10 } }'));
    expect(errorLines(() => loadScenarioFile(keys))).toEqual([
      `${keys}:4:66: arrivals.keys.count: expected a positive integer of at most 2,147,483,648 (request keys are stored as 32-bit integers), found 10000000000`,
    ]);
  });

  it('nesting deeper than any scenario needs, at the collection that crosses the limit', () => {
    const file = writeScenario(`${MINIMAL_YAML}description: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:9:77: expected at most 64 levels of nested lists and mappings, found more`,
    ]);
  });

  it('an alias bomb, at its first alias', () => {
    const bomb = ['&a [x, x, x, x, x, x, x, x, x, x]', ...'abcde'.split('').map((from, i) => `&${'bcdef'[i]} [${Array(10).fill(`*${from}`).join(', ')}]`)];
    const file = writeScenario(`${MINIMAL_YAML}description: [${bomb.join(', ')}]\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:9:54: expected aliases (*name) that expand to a reasonable size, found so many expansions that this looks like an alias bomb`,
    ]);
  });

  it('a scenario that is not UTF-8', () => {
    const file = writeScenario('');
    writeFileSync(file, Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:1:10: expected UTF-8 text, found the bytes E9 0A; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
    ]);
  });
});

