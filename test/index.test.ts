import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as meshsim from '../src/index.js';

describe('public API', () => {
  it('runs a scenario object in-process, with no files', () => {
    const { scenario, warnings } = meshsim.resolveScenario({
      name: 'library-call',
      duration: '10s',
      warmup: '1s',
      replications: 3,
      arrivals: { kind: 'poisson', rate: 400 },
      service: { instances: 8, serviceTime: { dist: 'exponential', mean: '10ms' } },
      balancer: { kind: 'least_request' },
    });
    expect(warnings).toEqual([]);
    const result = meshsim.runScenario(scenario, {
      balancers: [meshsim.balancerConfig.parse({ kind: 'round_robin' }), meshsim.balancerConfig.parse({ kind: 'least_request' })],
    });
    expect(result.results.map((r) => r.label)).toEqual(['round_robin', 'least_request(choices=2)']);
    for (const r of result.results) {
      expect(r.replicationMetrics).toHaveLength(3);
      expect(r.metrics.completed).toBeGreaterThan(0);
    }
    // Common random numbers: both strategies met the same arrivals.
    expect(result.results[0]!.metrics.T).toBe(result.results[1]!.metrics.T);
  });

  it('reports invalid objects as ScenarioError with key paths', () => {
    expect(() => meshsim.resolveScenario({ name: 'x' })).toThrow(meshsim.ScenarioError);
  });

  it('has the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(meshsim.MESHSIM_VERSION).toBe(pkg.version);
  });
});
