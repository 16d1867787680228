import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { applySetOverrides } from '../../src/scenario/set-overrides.js';
import { MINIMAL_YAML, errorLines, writeScenario } from './helpers.js';

describe('--set KEY=VALUE', () => {
  it('sets dotted paths, values parsed as YAML scalars, before validation (durations too)', () => {
    const file = writeScenario(MINIMAL_YAML);
    const { scenario } = loadScenarioFile(file, {
      set: ['service.instances=32', 'balancer.kind=least_request', 'duration=2m', 'name=with spaces: ok', 'seed=7'],
    });
    expect(scenario.service.instances).toBe(32);
    expect(scenario.balancer).toEqual({ kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 1 });
    expect(scenario.duration).toBe(120_000);
    expect(scenario.name).toBe('with spaces: ok');
    expect(scenario.seed).toBe(7);
  });

  it('indexes lists, accepts flow collections, creates missing parents, later arguments win', () => {
    const file = writeScenario(`${MINIMAL_YAML}compare: [{ kind: random }]\n`);
    const { scenario } = loadScenarioFile(file, {
      set: [
        'compare.0.kind=round_robin',
        'compare.1={kind: least_request, choices: 3}',
        'network.latency.dist=constant',
        'network.latency.value=1ms',
        'service.overrides.0.instances=[0, 2]',
        'service.overrides.0.speed=0.5',
        'service.instances=5',
        'service.instances=6',
      ],
    });
    expect(scenario.compare).toEqual([
      { kind: 'round_robin' },
      { kind: 'least_request', choices: 3, selection: 'n_choices', activeRequestBias: 1 },
    ]);
    expect(scenario.network).toEqual({ latency: { dist: 'constant', value: 1 } });
    expect(scenario.service.overrides).toEqual([{ instances: [0, 2], speed: 0.5 }]);
    expect(scenario.service.instances).toBe(6);
  });

  it('rejects malformed arguments, naming each one', () => {
    const file = writeScenario(MINIMAL_YAML);
    expect(
      errorLines(() =>
        loadScenarioFile(file, {
          set: ['service.instances', 'a..b=1', '=3', 'name.first=x', 'balancer.kind=[random', 'service.__proto__.x=1'],
        }),
      ),
    ).toEqual([
      '--set service.instances: expected KEY=VALUE, such as service.instances=32',
      '--set a..b=1: expected a dotted key path such as service.instances, found "a..b"',
      '--set =3: expected a dotted key path such as service.instances, found ""',
      '--set name.first=x: cannot set `first` inside `name`, which is "minimal", not a mapping',
      '--set balancer.kind=[random: the value is not valid YAML: Flow sequence must end with a ]',
      '--set service.__proto__.x=1: `__proto__` cannot be a scenario key',
    ]);
  });

  it('an alias bomb or deep nesting in a value is refused like the same text in a file', () => {
    const file = writeScenario(MINIMAL_YAML);
    const bomb = `description=[&a [x, x, x, x, x, x, x, x, x, x], ${'abcde'
      .split('')
      .map((from, i) => `&${'bcdef'[i]} [${Array(10).fill(`*${from}`).join(', ')}]`)
      .join(', ')}]`;
    const deep = `description=${'['.repeat(3000)}${']'.repeat(3000)}`;
    expect(errorLines(() => loadScenarioFile(file, { set: [bomb, deep] }))).toEqual([
      `--set ${bomb}: expected aliases (*name) that expand to a reasonable size, found so many expansions that this looks like an alias bomb`,
      `--set ${deep}: expected at most 64 levels of nested lists and mappings, found more`,
    ]);
  });

  it('malformed arguments are reported together with the problems of the file', () => {
    const file = writeScenario(MINIMAL_YAML.replace('instances: 4', 'instances: 0'));
    expect(errorLines(() => loadScenarioFile(file, { set: ['seed=2', 'nonsense', 'replications=0'] }))).toEqual([
      '--set nonsense: expected KEY=VALUE, such as service.instances=32',
      '--set replications=0: replications: expected a positive integer, found 0',
      `${file}:6:14: service.instances: expected a positive integer, found 0`,
    ]);
  });

  it('list indices must exist or append', () => {
    const file = writeScenario(`${MINIMAL_YAML}compare: [{ kind: random }]\n`);
    expect(errorLines(() => loadScenarioFile(file, { set: ['compare.3.kind=random', 'compare.x=1'] }))).toEqual([
      '--set compare.3.kind=random: index 3 is past the end of `compare`, which has 1 item',
      '--set compare.x=1: `compare` is a list; expected an item index, found "x"',
    ]);
  });

  it('blames the --set argument for the values it wrote', () => {
    const file = writeScenario(MINIMAL_YAML);
    expect(
      errorLines(() =>
        loadScenarioFile(file, {
          set: ['service.instances=-3', 'service.concurency=2', 'arrivals.kind=poison', 'servce.instances=2'],
        }),
      ),
    ).toEqual([
      '--set service.instances=-3: service.instances: expected a positive integer, found -3',
      '--set service.concurency=2: service.concurency: unknown key; did you mean `concurrency`?',
      '--set arrivals.kind=poison: arrivals.kind: expected one of `poisson`, `constant`, `onoff`, `diurnal`, `trace`, ' +
        'found "poison"; did you mean `poisson`?',
      '--set servce.instances=2: servce: unknown key; did you mean `service`?',
    ]);
  });

  it('blames the --set that created a parent for a key missing under it', () => {
    const file = writeScenario(MINIMAL_YAML);
    expect(errorLines(() => loadScenarioFile(file, { set: ['network.latency.dist=exponential'] }))).toEqual([
      '--set network.latency.dist=exponential: network.latency.mean: required key missing; expected a positive duration ' +
        'such as "250us", "10ms" or "30s" (units ns, us, ms, s, m, h; a number means ms)',
    ]);
  });

  it('a problem in the file caused by a --set below it names both', () => {
    const file = writeScenario(MINIMAL_YAML);
    expect(errorLines(() => loadScenarioFile(file, { set: ['arrivals.kind=trace'] }))).toEqual([
      `${file}:4:1: arrivals: expected \`file\` (a CSV of timestamps) or \`times\`, found neither (after --set arrivals.kind=trace)`,
      `${file}:4:28: arrivals.rate: unknown key; allowed keys: kind, file, column, unit, times, keys`,
    ]);
  });

  it('applySetOverrides reports the written paths, numbers for list indices', () => {
    const target: Record<string, unknown> = { compare: [{ kind: 'random' }] };
    const outcome = applySetOverrides(target, ['compare.0.kind=round_robin', 'a.b=~']);
    expect(outcome.problems).toEqual([]);
    expect(outcome.applied).toEqual([
      { argument: 'compare.0.kind=round_robin', path: ['compare', 0, 'kind'] },
      { argument: 'a.b=~', path: ['a', 'b'] },
    ]);
    expect(target).toEqual({ compare: [{ kind: 'round_robin' }], a: { b: null } });
  });
});
