import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveKubernetesProbeConfig } from '../../src/detect/kubernetes-probe.js';
import { RngStream } from '../../src/engine/rng.js';
import { advanceUntil } from '../../src/engine/timed-model.js';
import { Deployment, KUBERNETES_ROLLING_UPDATE, type DeploymentConfig, type DeploymentEvent, type PodTemplate } from '../../src/membership/deployment.js';
import { KUBERNETES_TERMINATION } from '../../src/membership/pod.js';
import { compareForDeletion } from '../../src/membership/pod-ranking.js';
import { proportion, resolveFenceposts, scaledValue } from '../../src/membership/rollout-math.js';

const readiness = resolveKubernetesProbeConfig('readiness', { period: 1000 });

function template(startup = 5000, preStop: number | null = null): PodTemplate {
  return { schedulingDelay: () => 1000, startupTime: () => startup, readiness, termination: { ...KUBERNETES_TERMINATION, preStop, gracePeriodSeconds: 30 } };
}

function deployment(replicas: number, config: DeploymentConfig = { strategy: KUBERNETES_ROLLING_UPDATE, minReadySeconds: 0 }, t = template()) {
  const events: DeploymentEvent[] = [];
  const d = new Deployment(config, t, replicas, 0, (e) => events.push(e));
  return { d, events };
}

describe('rollout arithmetic', () => {
  it('rounds maxSurge up and maxUnavailable down, and never lets both be 0', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts('25%', '25%', 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts('0%', '10%', 5)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts(2, 0, 5)).toEqual({ surge: 2, unavailable: 0 });
    expect(scaledValue('33%', 10, true)).toBe(4);
  });

  it('spreads a scaling event in proportion to ReplicaSet size (GetProportion)', () => {
    // D 10 → 20 (surge 25 %: max 13 → 25) for ReplicaSets of 7 and 6: fractions round(7·25/13) − 7 = 6, then 6 of 6 left.
    expect(proportion(7, 13, 20, 5, 13, 12, 0)).toBe(6);
    expect(proportion(6, 13, 20, 5, 13, 12, 6)).toBe(6);
    expect(proportion(0, 13, 20, 5, 13, 12, 0)).toBe(0);
  });
});

describe('pod deletion ranking (ActivePodsWithRanks)', () => {
  const base = { id: 1, pending: false, ready: true, readySince: 0, createdAt: 0 };
  it('deletes pending, then unready, then recently ready, then newer pods first', () => {
    const now = 3_600_000;
    expect(compareForDeletion({ ...base, pending: true, ready: false }, base, now)).toBeLessThan(0);
    expect(compareForDeletion({ ...base, ready: false }, base, now)).toBeLessThan(0);
    expect(compareForDeletion({ ...base, readySince: now - 1000 }, { ...base, readySince: now - 600_000 }, now)).toBeLessThan(0);
    // Ready 60 min and 61 min ago fall in the same log2 bucket: the higher id goes first.
    expect(compareForDeletion({ ...base, id: 2, readySince: now - 3_660_000 }, { ...base, id: 3, readySince: now - 3_600_000 }, now)).toBeGreaterThan(0);
    expect(compareForDeletion({ ...base, ready: false, createdAt: now - 10 }, { ...base, ready: false, createdAt: now - 100_000 }, now)).toBeLessThan(0);
  });
});

describe('Deployment', () => {
  it('starts its replicas and reports them available once Ready for minReadySeconds', () => {
    const { d, events } = deployment(3, { strategy: KUBERNETES_ROLLING_UPDATE, minReadySeconds: 10 });
    expect(d.status()).toMatchObject({ replicas: 3, total: 3, ready: 0, available: 0 });
    advanceUntil(d, 6000);
    expect(d.status()).toMatchObject({ ready: 3, available: 0 }); // Ready at 6 s (probe ticks 1, 2, … s)
    advanceUntil(d, 16_000);
    expect(d.status()).toMatchObject({ ready: 3, available: 3, unavailable: 0 });
    expect(events.filter((e) => e.kind === 'available').map((e) => e.time)).toEqual([16_000, 16_000, 16_000]);
  });

  it('scales to N: new pods on the way up, the most recently ready deleted first on the way down', () => {
    const { d } = deployment(2);
    advanceUntil(d, 10_000);
    d.scale(10_000, 4);
    advanceUntil(d, 30_000);
    expect(d.pods().map((p) => p.id)).toEqual([0, 1, 2, 3]);
    d.scale(30_000, 1);
    expect(d.pods().filter((p) => !p.pod.terminating).map((p) => p.id)).toEqual([0]);
    advanceUntil(d, 100_000);
    expect(d.status()).toMatchObject({ total: 1, terminating: 0 });
  });

  it('rolls 10 replicas with 25 % / 25 %: at most 13 pods, at least 8 available, complete when all are new', () => {
    const { d, events } = deployment(10);
    advanceUntil(d, 20_000);
    d.rollout(20_000);
    expect(d.fenceposts()).toEqual({ surge: 3, unavailable: 2 });
    // Immediately: new RS 3→5 (13 total allowed, 2 old may go), old RS 10→8.
    expect(d.status()).toMatchObject({ total: 13 - 2 + 2, updated: 5 });
    for (let t = 20_000; t <= 200_000; t += 250) {
      advanceUntil(d, t);
      const s = d.status();
      expect(s.total).toBeLessThanOrEqual(13);
      expect(s.available).toBeGreaterThanOrEqual(8);
    }
    expect(d.rolloutComplete).toBe(true);
    expect(d.pods().every((p) => p.revision === 2)).toBe(true);
    expect(events.some((e) => e.kind === 'rollout-complete' && e.revision === 2)).toBe(true);
  });

  it('recreates: every old pod gone before any new one starts', () => {
    const { d, events } = deployment(3, { strategy: { type: 'Recreate' }, minReadySeconds: 0 }, template(1000, 4000));
    advanceUntil(d, 10_000);
    d.rollout(10_000);
    advanceUntil(d, 60_000);
    const lastOldGone = Math.max(...events.filter((e) => (e.kind === 'exited' || e.kind === 'killed') && e.revision === 1).map((e) => e.time));
    const firstNew = Math.min(...events.filter((e) => e.kind === 'created' && e.revision === 2).map((e) => e.time));
    expect(lastOldGone).toBe(14_000); // preStop 4 s, then SIGTERM and exit
    expect(firstNew).toBe(lastOldGone);
    expect(d.rolloutComplete).toBe(true);
  });

  it('spreads a scale-up during a rollout over both ReplicaSets in proportion', () => {
    const { d } = deployment(10, { strategy: KUBERNETES_ROLLING_UPDATE, minReadySeconds: 0 }, template(60_000));
    advanceUntil(d, 80_000);
    d.rollout(80_000); // new pods take 60 s to start: the rollout stalls at new 5, old 8
    const before = d.pods().filter((p) => !p.pod.terminating);
    expect([before.filter((p) => p.revision === 1).length, before.filter((p) => p.revision === 2).length]).toEqual([8, 5]);
    d.scale(80_000, 20); // 13 → 25 pods: old 8 → 15, new 5 → 10 (round(8·25/13) − 8 = 7, leftover to the largest)
    const after = d.pods().filter((p) => !p.pod.terminating);
    expect([after.filter((p) => p.revision === 1).length, after.filter((p) => p.revision === 2).length]).toEqual([15, 10]);
    advanceUntil(d, 1_000_000);
    expect(d.rolloutComplete).toBe(true);
    expect(d.status()).toMatchObject({ total: 20, available: 20, updated: 20 });
  });

  it('replaces a deleted pod', () => {
    const { d } = deployment(2, { strategy: KUBERNETES_ROLLING_UPDATE, minReadySeconds: 0 }, template(5000, 3000));
    advanceUntil(d, 10_000);
    d.deletePod(10_000, 0);
    expect(d.status()).toMatchObject({ total: 2, terminating: 1 });
    expect(() => d.deletePod(10_000, 99)).toThrow(/no live pod/);
  });
});

/** Guarantee 4 (reference §3): the rollout envelope, over random sizes, strategies and start-up times. */
describe('Deployment guarantee 4 (property)', () => {
  const percentOrCount = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%` as const));
  it('never exceeds D + surge pods nor drops below D − unavailable available, and completes', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(100_000),
          replicas: fc.integer({ min: 1, max: 30 }),
          maxSurge: percentOrCount,
          maxUnavailable: percentOrCount,
          minReadySeconds: fc.integer({ min: 0, max: 20 }),
          startupMax: fc.integer({ min: 0, max: 30_000 }),
          preStop: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
        }),
        (s) => {
          fc.pre(!(isZero(s.maxSurge) && isZero(s.maxUnavailable)));
          const rng = new RngStream(`test/deployment/${s.seed}`);
          const t: PodTemplate = {
            schedulingDelay: () => rng.next() * 2000,
            startupTime: () => rng.next() * s.startupMax,
            readiness: resolveKubernetesProbeConfig('readiness', { period: 5000 }),
            termination: { ...KUBERNETES_TERMINATION, preStop: s.preStop, gracePeriodSeconds: 30 },
          };
          const events: DeploymentEvent[] = [];
          const d = new Deployment({ strategy: { type: 'RollingUpdate', maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable }, minReadySeconds: s.minReadySeconds }, t, s.replicas, 0, (e) => events.push(e));
          let now = 0;
          while (d.status().available < s.replicas) d.advance((now = d.nextDue()));
          const { surge, unavailable } = d.fenceposts();
          d.rollout(now);
          const check = () => {
            const st = d.status();
            expect(st.total).toBeLessThanOrEqual(s.replicas + surge);
            expect(st.available).toBeGreaterThanOrEqual(s.replicas - unavailable);
          };
          check();
          while (!(d.rolloutComplete && d.status().terminating === 0)) {
            d.advance(d.nextDue());
            check();
          }
          expect(d.rolloutComplete).toBe(true);
          expect(d.pods().every((p) => p.revision === 2)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

function isZero(v: number | string): boolean {
  return typeof v === 'number' ? v === 0 : v === '0%';
}
