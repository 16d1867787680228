import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveKubernetesProbeConfig } from '../../src/detect/kubernetes-probe.js';
import { advanceUntil } from '../../src/engine/timed-model.js';
import { KUBERNETES_TERMINATION, Pod, terminationTimeline, type PodEvent, type TerminationConfig } from '../../src/membership/pod.js';

const readiness = resolveKubernetesProbeConfig('readiness', { period: 10_000, failureThreshold: 3 });

function pod(timings = { schedulingDelay: 2000, startupTime: 15_000 }, termination: TerminationConfig = KUBERNETES_TERMINATION, probe = readiness) {
  const events: PodEvent[] = [];
  const p = new Pod(7, 0, timings, probe, termination, (e) => events.push(e));
  const kinds = () => events.map((e) => [e.kind, e.time]);
  return { p, events, kinds };
}

describe('Pod start-up and readiness', () => {
  it('is Pending, then Running, then Ready at the first probe tick after the application listens', () => {
    const { p, kinds } = pod();
    expect(p.podPhase).toBe('Pending');
    advanceUntil(p, 60_000);
    // Probes at 2 s, 12 s, 22 s …; the application listens from 17 s.
    expect(kinds()).toEqual([
      ['started', 2000],
      ['listening', 17_000],
      ['ready', 22_000],
    ]);
    expect(p.readyTransitionTime).toBe(22_000);
    expect(p.startTime).toBe(2000);
  });

  it('waits for initialDelay and for successThreshold passing probes', () => {
    const probe = resolveKubernetesProbeConfig('readiness', { period: 5000, initialDelay: 12_000, successThreshold: 2 });
    const { p, kinds } = pod({ schedulingDelay: 0, startupTime: 0 }, KUBERNETES_TERMINATION, probe);
    advanceUntil(p, 60_000);
    // Ticks at 0, 5, 10 skip (before 12 s); 15 s passes once, 20 s twice.
    expect(kinds()).toEqual([
      ['started', 0],
      ['listening', 0],
      ['ready', 20_000],
    ]);
  });

  it('turns unready after failureThreshold failing probes while the application is unhealthy', () => {
    const { p, kinds } = pod({ schedulingDelay: 0, startupTime: 0 });
    advanceUntil(p, 1000);
    p.setAppHealthy(25_000, false);
    advanceUntil(p, 100_000);
    expect(kinds()).toContainEqual(['unready', 50_000]); // failures at 30, 40, 50 s
  });
});

describe('Pod termination: the kubelet branch', () => {
  it('runs preStop, sends SIGTERM, and exits once idle', () => {
    const { p, kinds } = pod({ schedulingDelay: 0, startupTime: 0 }, { ...KUBERNETES_TERMINATION, preStop: 5000, exitDelay: 100 });
    advanceUntil(p, 20_000);
    p.delete(20_000);
    expect(p.terminating).toBe(true);
    expect(p.endpointState).toEqual({ ready: true, terminating: true });
    advanceUntil(p, 60_000);
    expect(kinds().slice(-4)).toEqual([
      ['deleting', 20_000],
      ['prestop-done', 25_000],
      ['sigterm', 25_000],
      ['exited', 25_100],
    ]);
    expect(p.ended).toEqual({ at: 25_100, by: 'exited' });
  });

  it('drains a busy application until idle or SIGKILL', () => {
    const { p, kinds } = pod({ schedulingDelay: 0, startupTime: 0 }, { ...KUBERNETES_TERMINATION, gracePeriodSeconds: 10 });
    advanceUntil(p, 1000);
    p.setBusy(1000, true);
    p.delete(2000);
    expect(p.accepting).toBe(false); // no hook: SIGTERM at once, listener closed
    advanceUntil(p, 100_000);
    expect(kinds().slice(-2)).toEqual([
      ['sigterm', 2000],
      ['killed', 12_000],
    ]);
  });

  it('kills a Pending pod at once', () => {
    const { p, kinds } = pod();
    p.delete(500);
    expect(kinds()).toEqual([
      ['deleting', 500],
      ['killed', 500],
    ]);
    expect(p.nextDue()).toBe(Infinity);
  });

  it('follows the kubelet’s arithmetic: whole seconds of preStop off the grace, a 2 s floor, +2 s past G', () => {
    const g30 = { ...KUBERNETES_TERMINATION, gracePeriodSeconds: 30 };
    expect(terminationTimeline(0, { ...g30, preStop: 5000 })).toEqual({ deletedAt: 0, preStopEndsAt: 5000, sigtermAt: 5000, killAt: 30_000 });
    expect(terminationTimeline(0, { ...g30, preStop: 5500 }).killAt).toBe(30_500); // 30 − ⌊5.5⌋ = 25 s after SIGTERM
    expect(terminationTimeline(0, { ...g30, preStop: 29_000 }).killAt).toBe(31_000); // floor of 2 s
    expect(terminationTimeline(0, { ...g30, preStop: 45_000 })).toEqual({ deletedAt: 0, preStopEndsAt: 45_000, sigtermAt: 30_000, killAt: 32_000 });
    expect(terminationTimeline(0, { ...g30, gracePeriodSeconds: 0 }).killAt).toBe(2000);
  });
});

/** Guarantee 3 (reference §3): the kill deadline, over random hooks, graces and drains. */
describe('Pod guarantee 3 (property)', () => {
  it('every deleted pod is gone by t_del + G + 2 s, by t_del + G for a whole-second hook ≤ G − 2 s, and not before t_del + min(G, preStop + shutdown)', () => {
    fc.assert(
      fc.property(
        fc.record({
          grace: fc.integer({ min: 0, max: 120 }),
          preStop: fc.option(fc.integer({ min: 0, max: 150_000 }), { nil: null }),
          wholeSeconds: fc.boolean(),
          exitDelay: fc.integer({ min: 0, max: 60_000 }),
          drainTimeout: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 100_000 })),
          busyFor: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 200_000 })),
          deleteAt: fc.integer({ min: 0, max: 100_000 }),
        }),
        (s) => {
          const preStop = s.preStop === null ? null : s.wholeSeconds ? Math.round(s.preStop / 1000) * 1000 : s.preStop;
          const config = { gracePeriodSeconds: s.grace, preStop, exitDelay: s.exitDelay, drainTimeout: s.drainTimeout };
          const { p } = pod({ schedulingDelay: 0, startupTime: 0 }, config);
          advanceUntil(p, s.deleteAt);
          p.setBusy(s.deleteAt, true);
          p.delete(s.deleteAt);
          if (s.busyFor !== Infinity) {
            advanceUntil(p, s.deleteAt + s.busyFor);
            if (p.ended === null) p.setBusy(s.deleteAt + s.busyFor, false);
          }
          advanceUntil(p, s.deleteAt + 1e9);
          const end = p.ended!;
          const G = s.grace * 1000;
          const elapsed = end.at - s.deleteAt;
          expect(elapsed).toBeLessThanOrEqual(G + 2000);
          if (preStop === null || (preStop % 1000 === 0 && preStop <= G - 2000)) expect(elapsed).toBeLessThanOrEqual(Math.max(G, 2000));
          const shutdown = Math.min(s.exitDelay + (s.busyFor === Infinity ? Infinity : Math.max(0, s.busyFor - (preStop ?? 0))), s.drainTimeout);
          expect(elapsed).toBeGreaterThanOrEqual(Math.min(G, (preStop ?? 0) + shutdown) - 1e-9);
          expect(end.by === 'killed').toBe(end.at === p.terminationTimeline!.killAt);
        },
      ),
    );
  });
});
