/**
 * gRPC weighted_round_robin (gRFC A58, grpc-java): ORCA weight math, blackout and expiry on a
 * fake clock, the weight update grid, READY transitions, and the static stride scheduler.
 */
import { describe, expect, it } from 'vitest';
import { StaticStrideScheduler } from '../../src/balancers/_internals/static-stride-scheduler.js';
import { balancerConfig } from '../../src/balancers/configs.js';
import { GRPC_WRR_DEFAULTS, type GrpcWeightedRoundRobinConfig } from '../../src/balancers/feedback-configs.js';
import { GrpcWeightedRoundRobinBalancer } from '../../src/balancers/grpc-weighted-round-robin.js';
import type { BalancerDeps, Endpoint } from '../../src/balancers/types.js';
import { constantRandom, countPicks, depsOf, endpointsOf, pickMany, seedDraw, seeded } from './_harness.js';

class FakeClock {
  t = 0;
  readonly now = (): number => this.t;
}

function grpcWrr(clock: FakeClock, options: Partial<Omit<GrpcWeightedRoundRobinConfig, 'kind'>> = {}, deps?: BalancerDeps) {
  return new GrpcWeightedRoundRobinBalancer({ ...(deps ?? depsOf(constantRandom(seedDraw(0)))), now: clock.now }, { ...GRPC_WRR_DEFAULTS, ...options });
}

/** The report object is reused by the simulator; the balancer must copy what it keeps. */
const scratch = { utilization: 0, qps: 0, eps: 0 };
function report(balancer: GrpcWeightedRoundRobinBalancer, id: number, utilization: number, qps: number, eps = 0): void {
  scratch.utilization = utilization;
  scratch.qps = qps;
  scratch.eps = eps;
  balancer.onBackendReport(id, scratch);
}

describe('GrpcWeightedRoundRobinBalancer: weights from load reports', () => {
  it('computes qps / (utilization + eps/qps × penalty)', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock, { blackoutPeriodMs: 0 });
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
    report(balancer, 0, 0.5, 100); // 200
    report(balancer, 1, 0.5, 100, 10); // 100 / (0.5 + 0.1) = 166.67
    report(balancer, 2, 0.8, 200, 50); // 200 / (0.8 + 0.25)
    expect(balancer.weightOf(0)).toBe(200);
    expect(balancer.weightOf(1)).toBeCloseTo(100 / 0.6, 12);
    expect(balancer.weightOf(2)).toBeCloseTo(200 / 1.05, 12);
    expect(balancer.weightOf(3)).toBe(0);
    // Reports without utilisation or without qps are ignored: the weight stays.
    report(balancer, 0, 0, 100);
    report(balancer, 0, 0.5, 0);
    expect(balancer.weightOf(0)).toBe(200);
    // The report object was reused throughout: values were copied, not kept by reference.
    expect(balancer.weightOf(1)).toBeCloseTo(100 / 0.6, 12);
  });

  it('scales the error penalty, and ignores it at penalty 0', () => {
    const clock = new FakeClock();
    const double = grpcWrr(clock, { blackoutPeriodMs: 0, errorUtilizationPenalty: 2 });
    const none = grpcWrr(clock, { blackoutPeriodMs: 0, errorUtilizationPenalty: 0 });
    for (const balancer of [double, none]) {
      balancer.setEndpoints(endpointsOf([1]));
      report(balancer, 0, 0.5, 100, 10);
    }
    expect(double.weightOf(0)).toBeCloseTo(100 / 0.7, 12);
    expect(none.weightOf(0)).toBe(200);
  });

  it('waits out the blackout period from the first report', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock);
    balancer.setEndpoints(endpointsOf([1, 1]));
    clock.t = 1000;
    report(balancer, 0, 0.5, 100);
    clock.t = 10_999;
    report(balancer, 0, 0.25, 100); // a later report does not restart the blackout
    expect(balancer.weightOf(0)).toBe(0);
    clock.t = 11_000;
    expect(balancer.weightOf(0)).toBe(400);
  });

  it('forgets a weight after the expiration period, and the next report starts a new blackout', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock);
    balancer.setEndpoints(endpointsOf([1, 1]));
    report(balancer, 0, 0.5, 100);
    clock.t = 179_999;
    expect(balancer.weightOf(0)).toBe(200);
    clock.t = 180_000;
    expect(balancer.weightOf(0)).toBe(0);
    pickMany(balancer, 1); // the update due now applies getWeight's side effect
    clock.t = 185_000;
    report(balancer, 0, 0.5, 100);
    expect(balancer.weightOf(0)).toBe(0);
    clock.t = 195_000;
    expect(balancer.weightOf(0)).toBe(200);
  });

  it('restarts the blackout when an endpoint becomes READY again', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock);
    const set = (healthy: boolean): Endpoint[] => [
      { id: 0, weight: 1, zone: 'a' },
      { id: 1, weight: 1, zone: 'a', healthy },
    ];
    balancer.setEndpoints(set(true));
    report(balancer, 1, 0.5, 100);
    clock.t = 20_000;
    expect(balancer.weightOf(1)).toBe(200);
    balancer.setEndpoints(set(false));
    expect(new Set(pickMany(balancer, 10))).toEqual(new Set([0]));
    clock.t = 21_000;
    balancer.setEndpoints(set(true));
    report(balancer, 1, 0.5, 100);
    expect(balancer.weightOf(1)).toBe(0);
    clock.t = 31_000;
    expect(balancer.weightOf(1)).toBe(200);
  });
});

describe('GrpcWeightedRoundRobinBalancer: scheduling', () => {
  /** Endpoints 0…n−1 with weights w (qps = w at utilisation 1), after the blackout. */
  function weighted(weights: number[], options: Partial<Omit<GrpcWeightedRoundRobinConfig, 'kind'>> = {}) {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock, options, depsOf(seeded('grpc-wrr')));
    balancer.setEndpoints(endpointsOf(weights.map(() => 1)));
    weights.forEach((w, id) => w > 0 && report(balancer, id, 1, w));
    clock.t = 10_000;
    return { clock, balancer };
  }

  it('picks in proportion to the reported weights once the scheduler updates', () => {
    const { balancer } = weighted([1, 2, 3, 4]);
    const counts = countPicks(balancer, 100_000);
    // Stride scheduling is deterministic: each share is within a few picks of w/Σw.
    [1, 2, 3, 4].forEach((w, id) => expect(Math.abs(counts.get(id)! - w * 10_000)).toBeLessThan(50));
  });

  it('gives endpoints without a weight the mean weight', () => {
    const { balancer } = weighted([1, 3, 0]);
    expect(balancer.scaledWeights()).toEqual([21845, 65535, 43690]);
    const counts = countPicks(balancer, 60_000);
    expect(Math.abs(counts.get(2)! / 60_000 - 2 / 6)).toBeLessThan(0.002);
  });

  it('clamps weights to [mean/10, 10·mean]', () => {
    // Twenty weights of 1 and one of 1000: mean 1020/21 ≈ 48.6, so 1000 is clamped to 485.7
    // (scaled to 65535) and 1 is raised to a tenth of the mean.
    const { balancer } = weighted([...new Array<number>(20).fill(1), 1000]);
    const mean = 1020 / 21;
    const scale = Math.fround(65535 / Math.fround(10 * mean));
    const scaled = balancer.scaledWeights();
    expect(scaled[20]).toBe(65535);
    expect(scaled[0]).toBe(Math.ceil(scale * mean * 0.1));
    expect(scaled[0]).toBe(656);
  });

  it('is round robin with fewer than two known weights', () => {
    const { balancer } = weighted([5, 0, 0]);
    expect(balancer.scaledWeights()).toEqual([65535, 65535, 65535]);
    const picks = pickMany(balancer, 9);
    for (let i = 1; i < picks.length; i++) expect(picks[i]).toBe((picks[i - 1]! + 1) % 3);
  });

  it('rebuilds on the weight update grid, lazily, with the weights as of each grid point', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock, { blackoutPeriodMs: 0, weightUpdatePeriodMs: 1000 });
    clock.t = 250; // the grid is 1250, 2250, …
    balancer.setEndpoints(endpointsOf([1, 1]));
    report(balancer, 0, 1, 100);
    report(balancer, 1, 1, 300);
    clock.t = 1249;
    expect(balancer.scaledWeights()).toEqual([65535, 65535]);
    // A report at a grid point comes after the update due at that instant.
    clock.t = 1250;
    report(balancer, 1, 1, 100);
    expect(balancer.scaledWeights()).toEqual([21845, 65535]);
    clock.t = 5000; // updates at 2250, 3250, 4250 were missed: the latest one stands
    pickMany(balancer, 1);
    expect(balancer.scaledWeights()).toEqual([65535, 65535]);
  });

  it('raises a weight update period below 100 ms to 100 ms', () => {
    const balancer = grpcWrr(new FakeClock(), { weightUpdatePeriodMs: 10 });
    expect(balancer.weightUpdatePeriodMs).toBe(100);
  });

  it('with enableOobLoadReport, takes one report per endpoint per reporting period', () => {
    const clock = new FakeClock();
    const balancer = grpcWrr(clock, { blackoutPeriodMs: 0, enableOobLoadReport: true, oobReportingPeriodMs: 10_000 });
    balancer.setEndpoints(endpointsOf([1]));
    report(balancer, 0, 0.5, 100);
    clock.t = 9_999;
    report(balancer, 0, 0.25, 100);
    expect(balancer.weightOf(0)).toBe(200);
    clock.t = 10_000;
    report(balancer, 0, 0.25, 100);
    expect(balancer.weightOf(0)).toBe(400);
  });

  it('ignores reports from endpoints outside the set, and returns -1 with no READY endpoint', () => {
    const balancer = grpcWrr(new FakeClock());
    balancer.setEndpoints([{ id: 3, weight: 1, zone: 'a', healthy: false }]);
    report(balancer, 99, 0.5, 10);
    expect(balancer.pick({ key: -1 })).toBe(-1);
    expect(Number.isNaN(balancer.weightOf(99))).toBe(true);
  });

  it('parses A58 defaults from the schema', () => {
    const config = balancerConfig.parse({ kind: 'grpc_weighted_round_robin' });
    expect(config).toEqual({ kind: 'grpc_weighted_round_robin', ...GRPC_WRR_DEFAULTS });
  });
});

describe('StaticStrideScheduler (grpc-java)', () => {
  it('picks slot i exactly W_i times in every n × 65535 sequence numbers', () => {
    const scheduler = new StaticStrideScheduler(123_456);
    const weights = Float32Array.from([1, 2, 3, 7, 0.5]);
    scheduler.rebuild(weights, weights.length);
    const scaled = scheduler.scaledWeights();
    const counts = new Array<number>(weights.length).fill(0);
    // n × 65535 sequence numbers hold Σ W_i picks; count exactly that many.
    const picks = scaled.reduce((a, b) => a + b, 0);
    for (let i = 0; i < picks; i++) counts[scheduler.pick()]!++;
    expect(counts).toEqual(scaled);
  });

  it('wraps its uint32 sequence', () => {
    const scheduler = new StaticStrideScheduler(2 ** 32 - 2);
    scheduler.rebuild(Float32Array.from([1, 1, 1]), 3);
    // 4294967294 % 3 = 2, 4294967295 % 3 = 0, then 0 % 3 = 0.
    expect([scheduler.pick(), scheduler.pick(), scheduler.pick(), scheduler.pick()]).toEqual([2, 0, 0, 1]);
  });
});
