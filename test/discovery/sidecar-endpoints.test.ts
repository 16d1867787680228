import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SidecarEndpoints } from '../../src/discovery/sidecar-endpoints.js';

const view = (activeHealthChecking: boolean, ignoreHealthOnHostRemoval = false) => new SidecarEndpoints({ activeHealthChecking, ignoreHealthOnHostRemoval });

describe('SidecarEndpoints: Envoy discovery × health-check matrix (guarantee 13)', () => {
  it('without active health checking, discovery alone decides', () => {
    const v = view(false);
    expect(v.apply(0, 1, [1, 2])).toEqual({ added: [1, 2], removed: [], retained: [] });
    expect(v.routable()).toEqual([1, 2]);
    expect(v.apply(5, 2, [2])).toEqual({ added: [], removed: [1], retained: [] });
    expect(v.routable()).toEqual([2]);
  });

  it('new hosts wait for their first passing check (FAILED_ACTIVE_HC at start)', () => {
    const v = view(true);
    v.apply(0, 1, [1]);
    expect(v.isRoutable(1)).toBe(false); // discovered + not yet checked: no route
    v.healthChanged(1, true);
    expect(v.isRoutable(1)).toBe(true); // discovered + HC ok: route
    v.healthChanged(1, false);
    expect(v.isRoutable(1)).toBe(false); // discovered + HC fail: no route, stays in the view
    expect(v.has(1)).toBe(true);
  });

  it('keeps a removed host that still passes its checks, until its first failed check', () => {
    const v = view(true);
    v.apply(0, 1, [1, 2]);
    v.healthChanged(1, true);
    v.healthChanged(2, true);
    expect(v.apply(10, 2, [2])).toEqual({ added: [], removed: [], retained: [1] });
    expect(v.isRoutable(1)).toBe(true); // absent + HC ok: still routed
    expect(v.isPendingRemoval(1)).toBe(true);
    expect(v.healthChanged(1, false)).toEqual({ added: [], removed: [1], retained: [] }); // absent + HC fail: purged
    expect(v.has(1)).toBe(false);
  });

  it('removes a host failing its checks at once, and any host with ignore_health_on_host_removal', () => {
    const v = view(true);
    v.apply(0, 1, [1, 2]);
    v.healthChanged(2, true);
    expect(v.apply(1, 2, [2])).toEqual({ added: [], removed: [1], retained: [] });
    const w = view(true, true);
    w.apply(0, 1, [1]);
    w.healthChanged(1, true);
    expect(w.apply(1, 2, [])).toEqual({ added: [], removed: [1], retained: [] });
    expect(w.routable()).toEqual([]);
  });

  it('takes a retained host back when discovery lists it again', () => {
    const v = view(true);
    v.apply(0, 1, [1]);
    v.healthChanged(1, true);
    v.apply(1, 2, []);
    expect(v.apply(2, 3, [1])).toEqual({ added: [], removed: [], retained: [] });
    expect(v.isPendingRemoval(1)).toBe(false);
    expect(v.healthChanged(1, false).removed).toEqual([]);
  });

  it('ignores updates that are not newer than the view', () => {
    const v = view(false);
    v.apply(0, 5, [1]);
    expect(v.apply(1, 5, [2])).toBeNull();
    expect(v.apply(1, 3, [2])).toBeNull();
    expect(v.routable()).toEqual([1]);
    expect(v.appliedVersion).toBe(5);
  });
});

describe('SidecarEndpoints guarantees 6 and 13 (properties)', () => {
  type Op = { kind: 'update'; version: number; ids: number[] } | { kind: 'health'; id: number; healthy: boolean };
  const ops = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('update' as const), version: fc.integer({ min: 0, max: 30 }), ids: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }) }),
      fc.record({ kind: fc.constant('health' as const), id: fc.integer({ min: 0, max: 7 }), healthy: fc.boolean() }),
    ),
    { maxLength: 80 },
  );

  it('routes exactly to hosts that are (discovered, or were and never failed since) and healthy; versions never go back', () => {
    fc.assert(
      fc.property(ops, fc.boolean(), fc.boolean(), (sequence: Op[], hc, ignore) => {
        const v = view(hc, ignore);
        // A reference model written from the matrix itself.
        const discovered = new Set<number>();
        const healthy = new Map<number, boolean>();
        const retained = new Set<number>();
        let version = 0;
        for (const op of sequence) {
          if (op.kind === 'update') {
            const applied = v.apply(0, op.version, op.ids);
            if (op.version <= version) {
              expect(applied).toBeNull();
              continue;
            }
            version = op.version;
            for (const id of [...discovered, ...retained]) {
              if (op.ids.includes(id)) continue;
              discovered.delete(id);
              if (hc && !ignore && healthy.get(id) === true) retained.add(id);
              else {
                retained.delete(id);
                healthy.delete(id);
              }
            }
            for (const id of op.ids) {
              if (!discovered.has(id) && !retained.has(id)) healthy.set(id, !hc);
              discovered.add(id);
              retained.delete(id);
            }
          } else if (hc) {
            v.healthChanged(op.id, op.healthy);
            if (!healthy.has(op.id)) continue;
            healthy.set(op.id, op.healthy);
            if (!op.healthy && retained.delete(op.id)) healthy.delete(op.id);
          }
          expect(v.appliedVersion).toBe(version);
          const expected = [...discovered, ...retained].filter((id) => healthy.get(id) === true).sort((a, b) => a - b);
          expect(v.routable()).toEqual(expected);
          // With ignore_health_on_host_removal (or no HC), nothing outside discovery is routed.
          if (!hc || ignore) expect(v.routable().every((id) => discovered.has(id))).toBe(true);
        }
      }),
    );
  });
});
