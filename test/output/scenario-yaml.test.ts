/**
 * A resolved scenario written as YAML loads back to the very same scenario (the counterexample
 * of `meshsim check` must), reads like one a person would write where that is exact, and opens
 * with its comment.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatScenarioYaml } from '../../src/output/scenario-yaml.js';
import { resolveScenario } from '../../src/scenario/load.js';

const { scenario } = resolveScenario({
  name: 'round-trip',
  seed: 7,
  duration: '30s',
  warmup: '2.5s',
  arrivals: { kind: 'trace', times: [0, 10.5, 20.25, 1000 / 3] },
  service: { instances: 3, serviceTime: { dist: 'lognormal', median: '7ms', p99: '40ms' }, overrides: [{ instance: 2, zone: 'b' }] },
  balancer: { kind: 'least_request', choices: 3 },
  faults: [
    { kind: 'crash', instance: 1, at: '5s', for: '1.25s' },
    { kind: 'slow', instances: [0, 2], at: 7123.456, for: '3s', factor: 4.5 },
    { kind: 'zone', zone: 'b', at: '20s', for: '1s' },
  ],
  slo: [
    'availability >= 99.9% per 10s',
    { name: 'ejected', sli: 'detection.timeToEject', value: '15s', kinds: ['crash'] },
    { sli: 'latency.p99', value: '200ms', per: '5s', minRequests: 20 },
  ],
});

describe('formatScenarioYaml', () => {
  const text = formatScenarioYaml(scenario, 'first line\nsecond line');

  it('loads back to exactly the scenario it was written from', () => {
    expect(JSON.stringify(resolveScenario(parse(text)).scenario)).toBe(JSON.stringify(scenario));
  });

  it('writes fault times with units where they read back exactly, and one fault per line', () => {
    expect(text).toContain('  - { kind: crash, instance: 1, at: 5s, for: 1.25s }\n');
    // 7123.456 ms would print as 7.12346s, which reads back as another number: it stays a number.
    expect(text).toContain('  - { kind: slow, instances: [ 0, 2 ], at: 7123.456, for: 3s, factor: 4.5 }\n');
  });

  it('writes objectives in their text form when it parses back to the same objective', () => {
    const slo = parse(text).slo as unknown[];
    expect(slo[0]).toBe('availability >= 99.9% per 10s');
    expect(slo[1]).toMatchObject({ name: 'ejected', kinds: ['crash'] });
    expect(slo[2]).toMatchObject({ sli: 'latency.p99', minRequests: 20 });
  });

  it('opens with the header as a comment', () => {
    expect(text.startsWith('# first line\n# second line\n\nname: round-trip\n')).toBe(true);
  });
});
