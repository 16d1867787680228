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

  it('judges a replication against SLO objectives in-process (observeReplication → evaluateSlo)', () => {
    const { scenario } = meshsim.resolveScenario({
      name: 'slo-library-call',
      duration: '10s',
      warmup: '1s',
      arrivals: { kind: 'poisson', rate: 400 },
      service: { instances: 4, serviceTime: { dist: 'exponential', mean: '5ms' } },
      timeout: '100ms',
      balancer: { kind: 'least_request' },
      faults: [{ kind: 'crash', instance: 0, at: '3s', for: '2s' }],
      slo: ['availability >= 99% per 2s', 'latency.p99 <= 50ms over run', 'recovery.serviceTimeToRecover <= 8s per fault'],
    });
    const objectives = meshsim.scenarioSlo(scenario).objectives;
    const { observation } = meshsim.observeReplication(scenario, 0);
    const verdict = meshsim.evaluateSlo(objectives, observation);
    expect(verdict.guarantees.map((g) => g.name)).toEqual(objectives.map((o) => o.name));
    // A crash without a detector fails a quarter of the requests for 2 s: the windows break.
    expect(verdict.guarantees[0]).toMatchObject({ holds: false });
    expect(verdict.holds).toBe(false);
    expect(verdict.margin).toBeLessThan(0);
    // A stricter objective parsed from text judges the same observation.
    const text = meshsim.parseObjectiveText('availability >= 50% per 2s');
    if ('expected' in text) throw new Error(text.expected);
    expect(meshsim.evaluateSlo([text], observation).holds).toBe(true);
  });

  it('searches a fault space in-process for the smallest schedule that breaks the SLO (checkScenario)', async () => {
    const { scenario } = meshsim.resolveScenario({
      name: 'check-library-call',
      duration: '20s',
      warmup: '2s',
      arrivals: { kind: 'poisson', rate: 60 },
      service: { instances: 3, serviceTime: { dist: 'exponential', mean: '10ms' } },
      balancer: { kind: 'round_robin' },
      slo: ['availability >= 99% per 5s'],
      faultSpace: { kinds: { crash: { for: ['1s', '5s'] } }, maxFaults: 2 },
      search: { runs: 20, robustness: 0 },
    });
    const outcome = await meshsim.checkScenario(scenario, { runner: meshsim.inProcessJudge(scenario) });
    // Round robin with no detector: any crash of a third of the instances fails a third of a window's requests.
    expect(outcome.status).toBe('violated');
    expect(outcome.counterexample!.faults).toEqual([{ kind: 'crash', instance: 0, at: 2000, for: 1000 }]);
    expect(meshsim.judgeSchedule(scenario, { faults: outcome.counterexample!.faults, replication: 0 }).margin).toBe(outcome.counterexample!.judgement.margin);
  });

  it('reports invalid objects as ScenarioError with key paths', () => {
    expect(() => meshsim.resolveScenario({ name: 'x' })).toThrow(meshsim.ScenarioError);
  });

  it('has the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(meshsim.MESHSIM_VERSION).toBe(pkg.version);
  });
});
