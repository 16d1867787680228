import { describe, expect, it } from 'vitest';
import { advanceUntil } from '../../src/engine/timed-model.js';
import { EndpointSliceController } from '../../src/discovery/endpoint-slice-controller.js';
import { readyIds, type EndpointSnapshot } from '../../src/discovery/endpoint-slice.js';

function controller(batchPeriod = 0, latency = 0) {
  const writes: EndpointSnapshot[] = [];
  const c = new EndpointSliceController({ batchPeriod, syncLatency: () => latency }, (s) => writes.push(s));
  return { c, writes };
}

describe('EndpointSliceController', () => {
  it('writes each change at once without batching, with KEP-1672 conditions', () => {
    const { c, writes } = controller(0, 20);
    c.podChanged(0, 1, { ready: false, terminating: false });
    c.podChanged(0, 2, { ready: true, terminating: false });
    advanceUntil(c, 100);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.writtenAt).toBe(20);
    expect(writes[0]!.endpoints).toEqual([
      { id: 1, ready: false, serving: false, terminating: false },
      { id: 2, ready: true, serving: true, terminating: false },
    ]);
    expect(writes[0]!.changes).toEqual([{ id: 2, kind: 'ready', at: 0 }]);
    c.podChanged(200, 2, { ready: true, terminating: true });
    advanceUntil(c, 300);
    expect(writes[1]!.endpoints[1]).toEqual({ id: 2, ready: false, serving: true, terminating: true });
    expect(writes[1]!.changes).toEqual([{ id: 2, kind: 'terminating', at: 200 }]);
    expect(writes[1]!.triggerTime).toBe(200);
    c.podChanged(400, 2, null);
    advanceUntil(c, 500);
    expect(writes[2]!.changes).toEqual([{ id: 2, kind: 'removed', at: 400 }]);
    expect(writes.map((w) => w.version)).toEqual([1, 2, 3]);
  });

  it('delays pod updates by the batch period and merges them; adds and deletes go at once', () => {
    const { c, writes } = controller(1000);
    c.podChanged(0, 1, { ready: false, terminating: false }); // add: at once
    c.podChanged(0, 2, { ready: false, terminating: false });
    advanceUntil(c, 10);
    expect(writes).toHaveLength(1);
    c.podChanged(100, 1, { ready: true, terminating: false }); // update: batched to 1100
    c.podChanged(600, 2, { ready: true, terminating: false }); // joins the queued sync
    advanceUntil(c, 1099);
    expect(writes).toHaveLength(1);
    advanceUntil(c, 1100);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.writtenAt).toBe(1100);
    expect(readyIds(writes[1]!)).toEqual([1, 2]);
    expect(writes[1]!.changes).toEqual([
      { id: 1, kind: 'ready', at: 100 },
      { id: 2, kind: 'ready', at: 600 },
    ]);
  });

  it('writes nothing when transitions cancel out before the sync', () => {
    const { c, writes } = controller(500);
    c.podChanged(0, 1, { ready: true, terminating: false });
    advanceUntil(c, 1);
    c.podChanged(10, 1, { ready: false, terminating: false });
    c.podChanged(20, 1, { ready: true, terminating: false });
    advanceUntil(c, 2000);
    expect(writes).toHaveLength(1);
  });

  it('runs one sync at a time: a change during a sync is written by the next one', () => {
    const { c, writes } = controller(0, 300);
    c.podChanged(0, 1, { ready: true, terminating: false });
    advanceUntil(c, 50);
    c.podChanged(100, 2, { ready: true, terminating: false });
    advanceUntil(c, 10_000);
    expect(writes.map((w) => [w.writtenAt, readyIds(w)])).toEqual([
      [300, [1]],
      [600, [1, 2]],
    ]);
  });

  it('ignores updates that change neither readiness nor termination', () => {
    const { c, writes } = controller(0, 0);
    c.podChanged(0, 1, { ready: true, terminating: false });
    advanceUntil(c, 0);
    c.podChanged(5, 1, { ready: true, terminating: false });
    expect(c.nextDue()).toBe(Infinity);
    expect(writes).toHaveLength(1);
  });
});
