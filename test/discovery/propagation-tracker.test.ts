import { describe, expect, it } from 'vitest';
import { PropagationTracker, summarize } from '../../src/discovery/propagation-tracker.js';
import type { EndpointChange, EndpointSnapshot } from '../../src/discovery/endpoint-slice.js';

function write(version: number, changes: EndpointChange[]): EndpointSnapshot {
  return { version, endpoints: [], changes, writtenAt: 0, triggerTime: changes[0]?.at ?? 0 };
}

describe('PropagationTracker', () => {
  it('measures each change per client from its pod transition, counting later versions as carrying it', () => {
    const t = new PropagationTracker(2);
    t.written(write(1, [{ id: 1, kind: 'ready', at: 100 }]));
    t.written(write(2, [{ id: 2, kind: 'terminating', at: 200 }]));
    t.applied(0, 1, 400);
    t.applied(0, 2, 900);
    t.applied(1, 2, 500); // skipped version 1: it has both changes at 500
    t.applied(1, 1, 600); // older: ignored
    const per = t.perChange();
    expect([...per[0]!.delays]).toEqual([300, 400]);
    expect([...per[1]!.delays]).toEqual([700, 300]);
    const s = t.summary();
    expect(s.additions).toMatchObject({ count: 2, max: 400 });
    expect(s.removals).toMatchObject({ count: 2, max: 700, p50: 300 });
    expect(s.convergence).toMatchObject({ count: 2, p50: 400, max: 700 });
    expect(s.unconverged).toBe(0);
  });

  it('counts changes a client has not applied yet as unconverged', () => {
    const t = new PropagationTracker(2);
    t.written(write(1, [{ id: 1, kind: 'removed', at: 0 }]));
    t.applied(0, 1, 10);
    expect(t.summary().unconverged).toBe(1);
    expect(t.summary().convergence.count).toBe(0);
  });

  it('summarizes with nearest-rank quantiles', () => {
    expect(summarize([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0, mean: 0 });
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100, mean: 50.5 });
  });
});
