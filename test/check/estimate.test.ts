import { describe, expect, it } from 'vitest';
import { estimateCheck } from '../../src/check/estimate.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { estimateScenario } from '../../src/sim/resource-estimate.js';

const BASE = {
  name: 'e',
  duration: '40s',
  warmup: '5s',
  arrivals: { kind: 'poisson', rate: 100 },
  service: { instances: 6, serviceTime: { dist: 'exponential', mean: '10ms' } },
  balancer: { kind: 'round_robin' },
  slo: ['availability >= 90% per 10s'],
  faultSpace: { kinds: { crash: { for: ['1s', '20s'] }, crashloop: { for: ['1s', '20s'], uptime: ['100ms', '2s'] } }, maxFaults: 3 },
  search: { runs: 400, shrinkRuns: 100, robustness: 5 },
};

describe('estimateCheck', () => {
  it('counts every simulation the search may run: baseline, runs, shrinking, k(k+1)/2 for minimality, robustness', () => {
    const { scenario } = resolveScenario(BASE);
    expect(estimateCheck(scenario).budget).toEqual({ baseline: 1, search: 400, shrink: 100, minimality: 6, robustness: 5 });
    expect(estimateCheck(scenario, { shrink: false }).budget).toEqual({ baseline: 1, search: 400, shrink: 0, minimality: 0, robustness: 5 });
    expect(estimateCheck(scenario, { replay: true }).budget).toEqual({ baseline: 1, search: 0, shrink: 0, minimality: 0, robustness: 5 });
    expect(estimateCheck(scenario, { path: '3:0' }).estimate.simulations).toBe(1 + 1 + 5 + 1);
  });

  it("prices each simulation at the fault space's heaviest schedule: crash loops with the shortest uptime", () => {
    const { scenario } = resolveScenario(BASE);
    const { estimate } = estimateCheck(scenario);
    const faultFree = estimateScenario({ ...scenario, replications: 1 }, [scenario.balancer]);
    const perSimulation = (estimate.events - estimate.events / estimate.simulations) / (estimate.simulations - 1);
    expect(perSimulation).toBeGreaterThan(faultFree.events);
    expect(estimate.eventDrivers.some((d) => d.what === 'crash-loop restarts')).toBe(true);
    expect(estimate.simulations).toBe(1 + 400 + 100 + 6 + 5 + 1);
  });

  it('keeps every judged schedule until the end, blamed on search.runs', () => {
    const { scenario } = resolveScenario({ ...BASE, search: { runs: 10_000_000 } });
    const { estimate } = estimateCheck(scenario);
    expect(estimate.resultDrivers[0]).toMatchObject({ path: ['search', 'runs'], what: 'judged schedules' });
    expect(estimate.resultDrivers[0]!.amount).toBeGreaterThan(1e9);
  });
});
