import { describe, expect, it } from 'vitest';
import { ActiveRequests } from '../../src/load/active-requests.js';

describe('ActiveRequests', () => {
  it('counts starts minus ends per endpoint', () => {
    const load = new ActiveRequests(4);
    load.start(1);
    load.start(1);
    load.start(3);
    load.end(1);
    expect([0, 1, 2, 3].map((id) => load.active(id))).toEqual([0, 1, 0, 1]);
  });

  it('reports 0 for ids it has never seen, however large', () => {
    expect(new ActiveRequests(2).active(1_000_000)).toBe(0);
  });

  it('grows when an id beyond its size appears, keeping the counts it has', () => {
    const load = new ActiveRequests(2);
    load.start(0);
    load.start(1000);
    load.start(5);
    expect([load.active(0), load.active(5), load.active(1000)]).toEqual([1, 1, 1]);
    const empty = new ActiveRequests();
    empty.start(0);
    expect(empty.active(0)).toBe(1);
  });

  it('throws on an end without a matching start', () => {
    const load = new ActiveRequests(2);
    expect(() => load.end(0)).toThrow(RangeError);
    expect(() => load.end(99)).toThrow(RangeError);
    load.start(0);
    load.end(0);
    expect(() => load.end(0)).toThrow(RangeError);
  });

  it('rejects invalid ids and sizes', () => {
    expect(() => new ActiveRequests(-1)).toThrow(RangeError);
    expect(() => new ActiveRequests(2).start(-1)).toThrow(RangeError);
    expect(() => new ActiveRequests(2).start(2.5)).toThrow(RangeError);
  });

  it('forgets everything on reset', () => {
    const load = new ActiveRequests(3);
    load.start(0);
    load.start(2);
    load.reset();
    expect([load.active(0), load.active(2)]).toEqual([0, 0]);
  });
});
