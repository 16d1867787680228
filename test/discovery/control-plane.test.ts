import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../src/engine/rng.js';
import { advanceUntil, TimedGroup } from '../../src/engine/timed-model.js';
import { ControlPlane, istioPushThrottle, type ControlPlaneConfig, type Delivery } from '../../src/discovery/control-plane.js';
import { EndpointSliceController } from '../../src/discovery/endpoint-slice-controller.js';
import { readyIds, type EndpointSnapshot } from '../../src/discovery/endpoint-slice.js';
import { ISTIO_PUSH_DEBOUNCE } from '../../src/discovery/push-debouncer.js';
import { PropagationTracker } from '../../src/discovery/propagation-tracker.js';
import { SidecarEndpoints } from '../../src/discovery/sidecar-endpoints.js';

const constant = (ms: number) => () => ms;

function snapshot(version: number, ready: number[], writtenAt: number): EndpointSnapshot {
  return {
    version,
    endpoints: ready.map((id) => ({ id, ready: true, serving: true, terminating: false })),
    changes: [],
    writtenAt,
    triggerTime: writtenAt,
  };
}

function plane(proxies: number, overrides: Partial<ControlPlaneConfig> = {}) {
  const deliveries: Delivery[] = [];
  const config: ControlPlaneConfig = {
    debounce: ISTIO_PUSH_DEBOUNCE,
    informerLag: constant(50),
    pushTime: constant(0),
    throttle: 2,
    sendTime: constant(10),
    deliveryDelay: constant(5),
    ...overrides,
  };
  return { cp: new ControlPlane(config, proxies, (d) => deliveries.push(d)), deliveries };
}

describe('ControlPlane (istiod)', () => {
  it('chains informer lag, debounce, throttled sends and delivery', () => {
    const { cp, deliveries } = plane(4);
    cp.sliceWritten(0, snapshot(1, [7], 0));
    advanceUntil(cp, 10_000);
    // informed at 50, pushed at 150; two slots: proxies 0,1 send 150–160, 2,3 send 160–170.
    expect(deliveries.map((d) => [d.proxy, d.queuedAt, d.sendStart, d.sendEnd, d.appliedAt, d.snapshot.version])).toEqual([
      [0, 150, 150, 160, 165, 1],
      [1, 150, 150, 160, 165, 1],
      [2, 150, 160, 170, 175, 1],
      [3, 150, 160, 170, 175, 1],
    ]);
    expect(cp.counters).toMatchObject({ pushes: 1, events: 1, sends: 4, meanQueueTime: 5, maxQueueTime: 10 });
  });

  it('sends the endpoint index as it is when a send starts', () => {
    const { cp, deliveries } = plane(3, { throttle: 1, sendTime: constant(100), debounce: { ...ISTIO_PUSH_DEBOUNCE, edsDebounce: false } });
    cp.sliceWritten(0, snapshot(1, [1], 0)); // informed 50, pushed at once
    cp.sliceWritten(120, snapshot(2, [1, 2], 120)); // informed 170, while proxy 1 is being sent to
    advanceUntil(cp, 10_000);
    const byProxy = (p: number) => deliveries.filter((d) => d.proxy === p).map((d) => d.snapshot.version);
    // v1 informed and pushed at 50: sends p0 50–150 (v1), p1 150–250 (v1: v2 arrives at 170).
    // The push of v2 at 170 finds p0 done (queued again), p1 in progress (again after), p2
    // still waiting from the first push: p2 reads v2 when its send starts at 250.
    expect(byProxy(0)).toEqual([1, 2]);
    expect(byProxy(1)).toEqual([1, 2]);
    expect(byProxy(2)).toEqual([2]);
  });

  it('keeps each proxy’s deliveries in send order even when a later one travels faster', () => {
    let n = 0;
    const { cp, deliveries } = plane(1, { deliveryDelay: () => (n++ === 0 ? 1000 : 1), debounce: { ...ISTIO_PUSH_DEBOUNCE, edsDebounce: false } });
    cp.sliceWritten(0, snapshot(1, [1], 0));
    cp.sliceWritten(100, snapshot(2, [1, 2], 100));
    advanceUntil(cp, 10_000);
    expect(deliveries.map((d) => [d.snapshot.version, d.appliedAt])).toEqual([
      [1, 1060],
      [2, 1060],
    ]);
  });

  it('uses Istio’s default throttle, min(15 + 5·cores, 100)', () => {
    expect([1, 2, 4, 17, 64].map(istioPushThrottle)).toEqual([20, 25, 35, 100, 100]);
  });
});

/**
 * Guarantees 5 and 6 (reference §3) over random pod-change streams and random stage delays:
 * per-client monotone versions, no change dropped (every client ends on the last write), and
 * bounded staleness: after the last change every client converges within the sum of the
 * stages' worst cases.
 */
describe('control plane guarantees 5 and 6 (properties)', () => {
  const scenarios = fc.record({
    seed: fc.nat(1_000_000),
    proxies: fc.integer({ min: 1, max: 40 }),
    throttle: fc.integer({ min: 1, max: 8 }),
    edsDebounce: fc.boolean(),
    after: fc.integer({ min: 0, max: 300 }),
    max: fc.integer({ min: 0, max: 3000 }),
    lagMax: fc.integer({ min: 0, max: 500 }),
    sendMax: fc.integer({ min: 0, max: 50 }),
    deliveryMax: fc.integer({ min: 0, max: 2000 }),
    pushMax: fc.integer({ min: 0, max: 500 }),
    syncMax: fc.integer({ min: 0, max: 200 }),
    batchPeriod: fc.constantFrom(0, 0, 500),
    changes: fc.array(fc.tuple(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
  });

  it('applies versions in order at every sidecar, ends on the truth, and converges within D_max', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const rng = new RngStream(`test/control-plane/${s.seed}`);
        const upTo = (max: number) => () => rng.next() * max;
        const writes: EndpointSnapshot[] = [];
        const views = Array.from({ length: s.proxies }, () => new SidecarEndpoints({ activeHealthChecking: false, ignoreHealthOnHostRemoval: false }));
        const lastVersion = new Array<number>(s.proxies).fill(0);
        const tracker = new PropagationTracker(s.proxies);
        let lastApply = 0;
        const cp = new ControlPlane(
          {
            debounce: { after: s.after, max: s.max, edsDebounce: s.edsDebounce },
            informerLag: upTo(s.lagMax),
            pushTime: upTo(s.pushMax),
            throttle: s.throttle,
            sendTime: upTo(s.sendMax),
            deliveryDelay: upTo(s.deliveryMax),
          },
          s.proxies,
          (d) => {
            expect(d.snapshot.version, 'a sidecar received an older version').toBeGreaterThanOrEqual(lastVersion[d.proxy]!);
            lastVersion[d.proxy] = d.snapshot.version;
            views[d.proxy]!.applySnapshot(d.appliedAt, d.snapshot);
            tracker.applied(d.proxy, d.snapshot.version, d.appliedAt);
            lastApply = Math.max(lastApply, d.appliedAt);
          },
        );
        const slices = new EndpointSliceController({ batchPeriod: s.batchPeriod, syncLatency: upTo(s.syncMax) }, (w) => {
          writes.push(w);
          tracker.written(w);
          cp.sliceWritten(w.writtenAt, w);
        });
        const world = new TimedGroup([slices, cp]);
        let t = 0;
        for (const [gap, pod, ready] of s.changes) {
          t += gap;
          advanceUntil(world, t);
          slices.podChanged(t, pod, { ready, terminating: false });
        }
        advanceUntil(world, t + 1e7);

        const last = writes[writes.length - 1];
        if (last === undefined) return; // every change cancelled out
        for (const view of views) {
          expect(view.appliedVersion).toBe(last.version);
          expect(view.routable()).toEqual(readyIds(last));
        }
        // D_max: slice sync and batching, informer, one debounce window (the push in flight
        // included), a push, a full queue round behind sends in progress, delivery.
        const rounds = Math.ceil(s.proxies / s.throttle) + 1;
        const dMax = s.batchPeriod + 2 * s.syncMax + s.lagMax + s.after + 2 * s.pushMax + rounds * s.sendMax + s.deliveryMax;
        expect(lastApply).toBeLessThanOrEqual(t + dMax + 1e-6);
        const summary = tracker.summary();
        expect(summary.unconverged).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});
