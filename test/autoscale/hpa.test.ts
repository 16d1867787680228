import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  HPA_CONTROLLER_DEFAULTS,
  HorizontalPodAutoscaler,
  type HpaBehavior,
  type HpaConfig,
  type HpaDecision,
  type HpaMetric,
  type HpaPod,
  type MetricSample,
} from '../../src/autoscale/hpa.js';

const DEFAULT_BEHAVIOR: HpaBehavior = { scaleUp: DEFAULT_SCALE_UP, scaleDown: DEFAULT_SCALE_DOWN };
const cpu50: HpaMetric = { kind: 'cpu-utilization', target: 50 };

function config(overrides: Partial<HpaConfig> = {}): HpaConfig {
  const { syncPeriod: _sync, ...controller } = HPA_CONTROLLER_DEFAULTS;
  return { minReplicas: 1, maxReplicas: 100, metrics: [cpu50], behavior: DEFAULT_BEHAVIOR, ...controller, ...overrides };
}

/** A pod Running and Ready since long ago (past the CPU initialization period). */
function pod(id: number, overrides: Partial<HpaPod> = {}): HpaPod {
  return { id, phase: 'Running', deleting: false, ready: true, readyTransitionTime: -1e9, startTime: -1e9, cpuRequest: 1000, ...overrides };
}

function samples(values: Record<number, number>, now: number): Map<number, MetricSample> {
  return new Map(Object.entries(values).map(([id, value]) => [Number(id), { value, timestamp: now, window: 15_000 }]));
}

function reconcile(hpa: HorizontalPodAutoscaler, now: number, spec: number, pods: HpaPod[], values: Record<number, number>): HpaDecision {
  return hpa.reconcile(now, { specReplicas: spec, pods, samples: [samples(values, now)] });
}

describe('HPA replica calculator', () => {
  it('keeps the current replicas within the tolerance and scales to ⌈ratio·ready⌉ outside it', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    const pods = [pod(0), pod(1), pod(2)];
    expect(reconcile(hpa, 0, 3, pods, { 0: 520, 1: 540, 2: 560 }).metrics[0]!.replicas).toBe(3); // 54 % / 50 % = 1.08
    expect(reconcile(hpa, 15_000, 3, pods, { 0: 900, 1: 900, 2: 900 }).metrics[0]!.replicas).toBe(6); // 1.8 · 3 = 5.4
  });

  it('uses integer percent utilization, as Kubernetes does', () => {
    const hpa = new HorizontalPodAutoscaler(config({ metrics: [{ kind: 'cpu-utilization', target: 60 }] }));
    // 1979 m of 3000 m = 65.97 % → 65 %: 65/60 = 1.0833, within the tolerance.
    expect(reconcile(hpa, 0, 3, [pod(0), pod(1), pod(2)], { 0: 660, 1: 660, 2: 659 }).metrics[0]).toMatchObject({ replicas: 3, ratio: 65 / 60 });
  });

  it('counts unready pods as 0 % on a way up', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    const pods = [pod(0), pod(1), pod(2, { ready: false, readyTransitionTime: 0, startTime: -10_000 })];
    // Ready pods: 1800/2000 = 90 % → 1.8; with the unready pod at 0: 60 % → 1.2 · 3 = 3.6 → 4.
    expect(reconcile(hpa, 0, 3, pods, { 0: 900, 1: 900, 2: 900 }).metrics[0]).toMatchObject({ replicas: 4, ready: 2, unready: 1 });
  });

  it('counts missing pods as using their request on a way down, and drops a change that would flip direction', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    // Ready: 200/2000 = 10 % → 0.2; missing at 100 % of 1000 m: 1200/3000 = 40 % → 0.8 · 3 = 2.4 → 3.
    expect(reconcile(hpa, 0, 3, [pod(0), pod(1), pod(2)], { 0: 100, 1: 100 }).metrics[0]).toMatchObject({ replicas: 3, missing: 1 });
    // Ready 400/1000 = 40 % → 0.8; missing 1000 → 1400/2000 = 70 % → 1.4 > 1: direction flips, keep 2.
    expect(reconcile(hpa, 15_000, 2, [pod(0), pod(1)], { 0: 400 }).metrics[0]).toMatchObject({ replicas: 2 });
  });

  it('ignores deleted and failed pods, and treats Pending pods as unready', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    const pods = [pod(0), pod(1, { deleting: true }), pod(2, { phase: 'Failed' }), pod(3, { phase: 'Pending', ready: false, startTime: null })];
    expect(reconcile(hpa, 0, 4, pods, { 0: 250, 1: 1000, 2: 1000 }).metrics[0]).toMatchObject({ ready: 1, unready: 1, ignored: 2, ratio: 0.5 });
  });

  it('applies the CPU initialization rules to young pods', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    const now = 100_000;
    const young = (overrides: Partial<HpaPod>) => pod(0, { startTime: now - 60_000, ...overrides });
    const at = (sampleTime: number) => new Map([[0, { value: 500, timestamp: sampleTime, window: 15_000 }]]);
    const group = (p: HpaPod, sampleTime: number) => hpa.reconcile(now, { specReplicas: 1, pods: [p], samples: [at(sampleTime)] }).metrics[0]!;
    // Ready, but the sample's window began before it became Ready: unready (NaN: no usable pod).
    expect(group(young({ readyTransitionTime: now - 10_000 }), now).ready).toBe(0);
    // Ready for a whole window before the sample: ready.
    expect(group(young({ readyTransitionTime: now - 20_000 }), now).ready).toBe(1);
    // Past the initialization period, unready and never Ready since start (transition within 30 s of start): unready.
    const old = pod(0, { startTime: now - 400_000, ready: false, readyTransitionTime: now - 390_000 });
    expect(group(old, now).unready).toBe(1);
    // … but unready after having been Ready (transition later than start + 30 s): its sample counts.
    expect(group({ ...old, readyTransitionTime: now - 100_000 }, now).ready).toBe(1);
  });

  it('scales per-pod values (milli-units) with integer averages', () => {
    const hpa = new HorizontalPodAutoscaler(config({ metrics: [{ kind: 'pods', name: 'concurrency', target: 10_000 }] }));
    const pods = [pod(0, { ready: false }), pod(1)];
    // Pods metrics skip the CPU readiness rules: both count; ⌊(30000+20000)/2⌋ / 10000 = 2.5 → 5.
    expect(reconcile(hpa, 0, 2, pods, { 0: 30_000, 1: 20_000 }).metrics[0]).toMatchObject({ replicas: 5, ready: 2 });
  });

  it('takes the largest proposal of several metrics, and does not scale down when one is invalid', () => {
    const hpa = new HorizontalPodAutoscaler(config({ metrics: [cpu50, { kind: 'pods', name: 'rps', target: 1000 }], behavior: { ...DEFAULT_BEHAVIOR, scaleDown: { ...DEFAULT_SCALE_DOWN, stabilizationWindowSeconds: 0 } } }));
    const pods = [pod(0), pod(1)];
    const both = hpa.reconcile(0, { specReplicas: 2, pods, samples: [samples({ 0: 500, 1: 500 }, 0), samples({ 0: 3000, 1: 3000 }, 0)] });
    expect(both.proposal).toBe(6);
    const oneInvalid = hpa.reconcile(15_000, { specReplicas: 2, pods, samples: [samples({ 0: 100, 1: 100 }, 15_000), new Map()] });
    expect(oneInvalid).toMatchObject({ rescale: false, reason: 'FailedGetMetrics' });
  });
});

describe('HPA normalization', () => {
  const busy = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [i, 1000]));
  const idle = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [i, 50]));
  const podsOf = (n: number) => Array.from({ length: n }, (_, i) => pod(i));

  it('default behavior: scale-up limited to max(current + 4, 2·current) per 15 s', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    const a = reconcile(hpa, 0, 2, podsOf(2), busy(2)); // wants 4 (200 %), 2 + 4 = 6 allowed
    expect(a.desired).toBe(4);
    const b = reconcile(hpa, 5000, 4, podsOf(4), busy(4)); // wants 8; within the period 2 were added: start 2 → max(6, 4) = 6
    expect(b.desired).toBe(6);
    // At 15 s the first event (t = 0) has left the period (strictly after the cutoff counts),
    // the second (+2 at 5 s) has not: start 4 → max(4 + 4, 2 · 4) = 8.
    const c = reconcile(hpa, 15_000, 6, podsOf(6), busy(6));
    expect(c.desired).toBe(8);
  });

  it('default behavior: a new HPA does not scale down for 300 s, and then all the way at once', () => {
    const hpa = new HorizontalPodAutoscaler(config());
    for (let t = 0; t < 300_000; t += 15_000) expect(reconcile(hpa, t, 10, podsOf(10), idle(10)).desired).toBe(10);
    // The initial recommendation (10 at t = 0) leaves the window at exactly 300 s; 5 % / 50 % · 10 = 1.
    expect(reconcile(hpa, 300_000, 10, podsOf(10), idle(10)).desired).toBe(1);
  });

  it('legacy normalization (no behavior): max(2·current, 4) per reconcile, the highest recommendation of 5 min, samples at the cutoff included', () => {
    const hpa = new HorizontalPodAutoscaler(config({ behavior: null }));
    expect(reconcile(hpa, 0, 1, podsOf(1), { 0: 5000 }).desired).toBe(4); // wants 10
    expect(reconcile(hpa, 15_000, 4, podsOf(4), busy(4)).desired).toBe(8); // wants 8, 10 recommended at 0
    // The load is gone, yet the recommendation of 10 cut short at t = 0 still wins: the legacy
    // path scales up to it (Kubernetes does the same; behaviors never raise above current on a way down).
    let replicas = 8;
    for (let t = 30_000; t <= 300_000; t += 15_000) {
      replicas = reconcile(hpa, t, replicas, podsOf(replicas), idle(replicas)).desired;
      expect(replicas).toBe(10);
    }
    expect(reconcile(hpa, 315_000, 10, podsOf(10), idle(10)).desired).toBe(8); // 10@0 is out, 8@15 s is in
    expect(reconcile(hpa, 330_000, 8, podsOf(8), idle(8)).desired).toBe(1);
  });

  it('selectPolicy Min takes the smaller limit, Disabled stops the direction', () => {
    const behavior: HpaBehavior = {
      scaleUp: { ...DEFAULT_SCALE_UP, selectPolicy: 'Min' },
      scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies: [], tolerance: null },
    };
    const hpa = new HorizontalPodAutoscaler(config({ behavior }));
    expect(reconcile(hpa, 0, 10, podsOf(10), busy(10)).desired).toBe(14); // min(10 + 4, 20)
    expect(reconcile(hpa, 15_000, 14, podsOf(14), idle(14)).desired).toBe(14);
  });

  it('goes straight to the bounds, and leaves a target scaled to zero alone', () => {
    const hpa = new HorizontalPodAutoscaler(config({ minReplicas: 2, maxReplicas: 5 }));
    expect(reconcile(hpa, 0, 9, podsOf(9), busy(9))).toMatchObject({ desired: 5, rescale: true });
    expect(reconcile(hpa, 15_000, 1, podsOf(1), busy(1))).toMatchObject({ desired: 2, rescale: true });
    expect(reconcile(hpa, 30_000, 0, [], {})).toMatchObject({ desired: 0, rescale: false, reason: 'ScalingDisabled' });
  });

  it('honours per-direction tolerances (HPAConfigurableTolerance)', () => {
    const behavior: HpaBehavior = { scaleUp: { ...DEFAULT_SCALE_UP, tolerance: 0 }, scaleDown: { ...DEFAULT_SCALE_DOWN, tolerance: 0.5 } };
    const hpa = new HorizontalPodAutoscaler(config({ behavior }));
    expect(reconcile(hpa, 0, 4, podsOf(4), { 0: 520, 1: 520, 2: 520, 3: 520 }).proposal).toBe(5); // 1.04 > 1 + 0
    expect(reconcile(hpa, 15_000, 4, podsOf(4), { 0: 300, 1: 300, 2: 300, 3: 300 }).proposal).toBe(4); // 0.6 ≥ 1 − 0.5
  });
});

/** Guarantees 8–11 (reference §3) over random pod sets, metrics and reconcile times. */
describe('HPA guarantees 8–11 (properties)', () => {
  const podArb = fc.record({
    state: fc.constantFrom('ready', 'ready', 'ready', 'unready', 'pending', 'missing', 'deleting'),
    usage: fc.integer({ min: 0, max: 3000 }),
  });
  const behaviorArb = fc.constantFrom<'legacy' | 'default' | 'custom'>('legacy', 'default', 'custom');
  const scenario = fc.record({
    min: fc.integer({ min: 1, max: 5 }),
    span: fc.integer({ min: 0, max: 40 }),
    target: fc.integer({ min: 10, max: 150 }),
    behavior: behaviorArb,
    steps: fc.array(fc.record({ gap: fc.integer({ min: 1000, max: 40_000 }), pods: fc.array(podArb, { minLength: 1, maxLength: 40 }) }), { minLength: 1, maxLength: 40 }),
  });

  function behaviorOf(kind: 'legacy' | 'default' | 'custom'): HpaBehavior | null {
    if (kind === 'legacy') return null;
    if (kind === 'default') return DEFAULT_BEHAVIOR;
    return {
      scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }, { type: 'Percent', value: 50, periodSeconds: 60 }], tolerance: null },
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 3, periodSeconds: 20 }], tolerance: null },
    };
  }

  it('stays within bounds, holds the deadband, stabilizes scale-down, respects rate limits and never flips direction', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const behavior = behaviorOf(s.behavior);
        const metric: HpaMetric = { kind: 'cpu-utilization', target: s.target };
        const cfg = config({ minReplicas: s.min, maxReplicas: s.min + s.span, metrics: [metric], behavior });
        const hpa = new HorizontalPodAutoscaler(cfg);
        let replicas = s.min + Math.floor(s.span / 2);
        let now = 0;
        const recs: Array<{ time: number; value: number }> = [];
        const ups: Array<{ time: number; by: number; before: number }> = [];
        for (const step of s.steps) {
          now += step.gap;
          const pods: HpaPod[] = step.pods.map((p, id) =>
            pod(id, {
              ready: p.state === 'unready' || p.state === 'pending' ? false : true,
              phase: p.state === 'pending' ? 'Pending' : 'Running',
              deleting: p.state === 'deleting',
              startTime: p.state === 'pending' ? null : -1e9,
              readyTransitionTime: p.state === 'unready' ? now - 1000 : -1e9,
            }),
          );
          const values = Object.fromEntries(step.pods.flatMap((p, id) => (p.state === 'missing' ? [] : [[id, p.usage]])));
          const d = reconcile(hpa, now, replicas, pods, values);
          if (recs.length === 0) recs.push({ time: now, value: replicas });
          const m = d.metrics[0];
          // 8. bounds
          expect(d.desired).toBeGreaterThanOrEqual(Math.min(cfg.minReplicas, replicas));
          expect(d.desired).toBeLessThanOrEqual(Math.max(cfg.maxReplicas, Math.min(replicas, cfg.maxReplicas)));
          if (replicas >= cfg.minReplicas && replicas <= cfg.maxReplicas) {
            expect(d.desired).toBeGreaterThanOrEqual(cfg.minReplicas);
            expect(d.desired).toBeLessThanOrEqual(cfg.maxReplicas);
          }
          if (m !== undefined && !Number.isNaN(m.replicas)) {
            const clean = m.unready === 0 && m.missing === 0;
            // 8. deadband: the proposal, and with behaviors (scale-up window 0) the output.
            if (clean && Math.abs(m.ratio - 1) <= cfg.tolerance) {
              expect(m.replicas).toBe(replicas);
              if (s.behavior === 'default') expect(d.desired).toBe(replicas);
            }
            // 11. direction safety of the conservative fill.
            if (!clean && m.ratio > 1) expect(m.replicas).toBeGreaterThanOrEqual(replicas);
            if (!clean && m.ratio < 1) expect(m.replicas).toBeLessThanOrEqual(replicas);
            if (!clean && behavior !== null && m.ratio > 1) expect(d.desired).toBeGreaterThanOrEqual(replicas);
            if (!clean && behavior !== null && m.ratio < 1) expect(d.desired).toBeLessThanOrEqual(replicas);
          }
          // 9. scale-down stabilization: out ≥ min(current, max recommendation in the window).
          if (!Number.isNaN(d.proposal)) {
            recs.push({ time: now, value: d.proposal });
            const window = s.behavior === 'custom' ? 120_000 : cfg.downscaleStabilization;
            const inWindow = recs.filter((r) => (behavior === null ? r.time >= now - window : r.time > now - window));
            expect(d.desired).toBeGreaterThanOrEqual(Math.min(replicas, Math.max(...inWindow.map((r) => r.value))));
          }
          // 10. rate limits under the default behavior: added in any 15 s ≤ max(4, replicas at its start).
          if (d.desired > replicas) ups.push({ time: now, by: d.desired - replicas, before: replicas });
          if (s.behavior === 'default' && d.desired > replicas) {
            const period = ups.filter((u) => u.time > now - 15_000);
            const added = period.reduce((n, u) => n + u.by, 0);
            expect(added).toBeLessThanOrEqual(Math.max(4, period[0]!.before));
          }
          replicas = d.desired;
        }
      }),
      { numRuns: 150 },
    );
  });
});
