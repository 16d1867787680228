/**
 * The teaching scenarios of scenarios/discovery: each shows what its comment says, with the
 * figures it quotes (the scenarios' own replications, common random numbers; the runs are
 * deterministic, so the figures are exact for this seed and code).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/analysis/types.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run-scenario.js';

const root = new URL('../..', import.meta.url).pathname;

function run(file: string, set: string[] = []): RunResult {
  const { scenario } = loadScenarioFile(`${root}scenarios/discovery/${file}`, { set });
  return runScenario(scenario, { balancers: scenario.compare ?? [scenario.balancer] });
}

const membership = (r: RunResult, label?: string) => (label === undefined ? r.results[0]! : r.results.find((x) => x.label === label)!).metrics.membership!;

describe('rolling deploys with and without preStop', () => {
  it('without preStop, clients keep sending to pods whose listener closed (483 refused attempts); with preStop 5 s, none', () => {
    const bare = run('rolling-deploy-no-prestop.yaml');
    expect(membership(bare).sentToGone.staleEndpoint).toBeCloseTo(483, 5);
    expect(bare.results[0]!.metrics.availability).toBeCloseTo(0.981, 3);
    const covered = run('rolling-deploy-prestop.yaml');
    expect(membership(covered).sentToGone.total).toBe(0);
    expect(covered.results[0]!.metrics.availability).toBe(1);
  });
});

describe('scale-down behind a 30 s DNS cache', () => {
  it('refuses what the stale answers send (1878 attempts) where xDS with the same preStop refuses none', () => {
    const dns = run('dns-scale-down.yaml');
    expect(membership(dns).sentToGone.dnsCache).toBeCloseTo(1877.8, 5);
    expect(membership(dns).propagation.convergenceMax).toBeGreaterThan(30_000);
    const xds = run('dns-scale-down.yaml', ['discovery={kind: xds}']);
    expect(membership(xds).sentToGone.total).toBe(0);
  });
});

describe('HPA under a diurnal load', () => {
  it('scales 3 → 6 and back to the minimum after the stabilisation window, lagging ~16 s to routable', () => {
    const m = membership(run('hpa-diurnal.yaml', ['replications=1']));
    expect(m.autoscaling!.maxReplicas).toBe(6);
    expect(m.autoscaling!.scaleEvents).toBe(8);
    expect(m.autoscaling!.directionFlips).toBe(2);
    expect(m.autoscaling!.meanScaleUpToRoutable).toBeGreaterThan(10_000);
    expect(m.autoscaling!.meanScaleUpToRoutable).toBeLessThan(25_000);
    expect(m.sentToGone.total).toBe(0);
  });
});

describe('a cold new pod', () => {
  it('round robin floods it (cold p99 ~5 s, requests time out); least request and slow start protect it', () => {
    const r = run('cold-pod.yaml', ['replications=2']);
    const cold = (label: string) => membership(r, label).coldStart.coldP99;
    expect(cold('round_robin')).toBeGreaterThan(3000);
    expect(r.results.find((x) => x.label === 'round_robin')!.metrics.timedOut).toBeGreaterThan(1000);
    expect(cold('least_request(choices=2)')).toBeLessThan(1000);
    expect(cold('round_robin(slow_start=60000ms)')).toBeLessThan(cold('least_request(choices=2)'));
    expect(cold('least_request(choices=2,slow_start=60000ms)')).toBeLessThan(cold('least_request(choices=2)'));
  });
});

describe('the KPA under bursts', () => {
  it('panics on a 10× burst and jumps to maxScale in one tick; scales down by halves a stable window later; the queue built during start-up still times out', () => {
    const { scenario } = loadScenarioFile(`${root}scenarios/discovery/kpa-burst.yaml`);
    const scales: string[][] = [];
    const r = runScenario(scenario, { onDetails: (d) => scales.push(d.events.filter((e) => e.kind === 'scale').map((e) => e.cause)) });
    const m = membership(r);
    expect(m.autoscaling!.maxReplicas).toBe(12);
    // Every replication's first decision is the panic jump from the 2 warm pods to maxScale.
    for (const decisions of scales) expect(decisions[0]).toBe('2 → 12');
    // Down by at most the rate 2 per decision: 12 → 6 → 3 → 2.
    expect(scales.flat()).toContain('12 → 6');
    expect(scales.flat().every((d) => { const [from, to] = d.split(' → ').map(Number); return to! >= from! || to! * 2 >= from!; })).toBe(true);
    expect(m.autoscaling!.meanScaleUpToRoutable).toBeCloseTo(5326.3, 0);
    expect(m.autoscaling!.directionFlips).toBeCloseTo(5, 5);
    expect(m.sentToGone.total).toBe(0);
    expect(r.results[0]!.metrics.availability).toBeCloseTo(0.9487, 4);
  });
});
