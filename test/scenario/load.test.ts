import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenarioFile, resolveScenario } from '../../src/scenario/load.js';
import { MINIMAL_YAML, tempDir, writeScenario } from './helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('loadScenarioFile', () => {
  it('loads the contract example with durations in ms and defaults filled in', () => {
    const file = join(fixtures, 'contract-example.yaml');
    const { scenario, warnings, file: loadedFrom } = loadScenarioFile(file);
    expect(loadedFrom).toBe(file);
    expect(scenario).toEqual({
      name: 'crash-one-of-16',
      seed: 42,
      duration: 120_000,
      warmup: 10_000,
      replications: 5,
      clients: { count: 4 },
      arrivals: { kind: 'poisson', rate: 1440, keys: { kind: 'zipf', count: 10_000, s: 1.1 } },
      service: {
        instances: 16,
        concurrency: 1,
        queueLimit: 1000,
        serviceTime: { dist: 'exponential', mean: 10 },
        zone: 'default',
        overrides: [
          { instance: 3, speed: 0.5 },
          { instances: [0, 1], weight: 2, zone: 'b' },
        ],
      },
      network: { latency: { dist: 'constant', value: 0.2 } },
      timeout: 1000,
      balancer: { kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 1 },
      compare: [
        { kind: 'round_robin' },
        { kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 1 },
      ],
      faults: [],
      restart: { startupTime: 0, backoff: { initial: 10_000, max: 300_000, resetAfter: 600_000 } },
      timeseries: { window: 1000 },
    });
    // ρ = 1.44/ms × 10 ms / 15.5 servers ≈ 0.93, and there is a warm-up: nothing to warn about.
    expect(warnings).toEqual([]);
  });

  it('reads JSON, filling defaults for every optional key', () => {
    const { scenario, warnings } = loadScenarioFile(join(fixtures, 'minimal.json'));
    expect(scenario).toEqual({
      $schema: '../../../schema/scenario.schema.json',
      name: 'minimal-json',
      seed: 1,
      requests: 5000,
      warmup: 0,
      replications: 1,
      clients: { count: 1 },
      arrivals: { kind: 'constant', rate: 50 },
      service: {
        instances: 2,
        concurrency: 1,
        serviceTime: { dist: 'constant', value: 5 },
        zone: 'default',
        overrides: [],
      },
      balancer: { kind: 'random' },
      faults: [],
      restart: { startupTime: 0, backoff: { initial: 10_000, max: 300_000, resetAfter: 600_000 } },
      timeseries: { window: 1000 },
    });
    // `requests` instead of `duration`: the zero warm-up warning does not apply.
    expect(warnings).toEqual([]);
  });

  it('accepts .yml and any other extension as YAML', () => {
    for (const name of ['s.yml', 's.scenario']) {
      expect(loadScenarioFile(writeScenario(MINIMAL_YAML, {}, name)).scenario.name).toBe('minimal');
    }
  });
});

describe('resolveScenario', () => {
  it('validates an object without modifying it', () => {
    const input = parse(MINIMAL_YAML) as Record<string, unknown>;
    const before = structuredClone(input);
    const { scenario, file } = resolveScenario(input);
    expect(input).toEqual(before);
    expect(file).toBe('');
    expect(scenario.duration).toBe(10_000);
    expect(scenario.service.serviceTime).toEqual({ dist: 'exponential', mean: 10 });
  });

  it('resolves data files against baseDir', () => {
    const dir = tempDir({ 'samples.csv': '1\n2\n3\n' });
    const input = parse(MINIMAL_YAML) as { service: { serviceTime: unknown } };
    input.service.serviceTime = { dist: 'empirical', file: 'samples.csv' };
    const { scenario } = resolveScenario(input, { baseDir: dir });
    expect(scenario.service.serviceTime).toEqual({ dist: 'empirical', file: 'samples.csv', unit: 'ms', values: [1, 2, 3] });
  });

  it('is idempotent: a loaded scenario resolves to itself, without reading its data files again', () => {
    const loaded = loadScenarioFile(join(fixtures, 'trace.yaml'));
    // From another directory the relative file names would not resolve: they must not be read.
    const again = resolveScenario(structuredClone(loaded.scenario), { baseDir: tempDir() });
    expect(again.scenario).toEqual(loaded.scenario);
    const contract = loadScenarioFile(join(fixtures, 'contract-example.yaml')).scenario;
    expect(resolveScenario(contract).scenario).toEqual(contract);
  });

  it('applies --set overrides to objects too', () => {
    const { scenario } = resolveScenario(parse(MINIMAL_YAML), { set: ['service.instances=9'] });
    expect(scenario.service.instances).toBe(9);
  });
});
