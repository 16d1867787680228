import fc from 'fast-check';
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

/** The least-loaded members by brute force: what leastActiveOf must return whenever it answers. */
function leastByScan(load: ActiveRequests, members: number): number {
  let least = Infinity;
  let mask = 0;
  for (let id = 0; id < 32; id++) {
    if ((members & (1 << id)) === 0) continue;
    const active = load.active(id);
    if (active < least) {
      least = active;
      mask = 0;
    }
    if (active === least) mask |= 1 << id;
  }
  return mask;
}

describe('ActiveRequests.leastActiveOf', () => {
  it('answers an empty member set with 0 and a fresh view with every member', () => {
    const load = new ActiveRequests(4);
    expect(load.leastActiveOf(0)).toBe(0);
    expect(load.leastActiveOf(0b1011)).toBe(0b1011);
    // Ids beyond the initial size have nothing in flight either.
    expect(load.leastActiveOf(1 << 20)).toBe(1 << 20);
    expect(load.leastActiveOf(-1)).toBe(-1);
  });

  it('follows starts and ends', () => {
    const load = new ActiveRequests(3);
    load.start(0);
    load.start(1);
    expect(load.leastActiveOf(0b111)).toBe(0b100);
    load.start(2);
    load.start(2);
    expect(load.leastActiveOf(0b111)).toBe(0b011);
    expect(load.leastActiveOf(0b100)).toBe(0b100);
    load.end(2);
    load.end(2);
    expect(load.leastActiveOf(0b111)).toBe(0b100);
    load.reset();
    expect(load.leastActiveOf(0b111)).toBe(0b111);
  });

  it('leaves a member set far above the lowest count to a scan (0) rather than searching on', () => {
    const load = new ActiveRequests(2);
    for (let i = 0; i < 100; i++) load.start(1);
    expect(load.leastActiveOf(0b10)).toBe(0);
    expect(load.leastActiveOf(0b11)).toBe(0b01);
  });

  it('agrees with a scan of active() after any starts, ends and resets (property)', () => {
    const operation = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('start' as const), id: fc.oneof(fc.nat(40), fc.constant(1000)) }) },
      { weight: 5, arbitrary: fc.record({ op: fc.constant('end' as const), id: fc.nat(40) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('reset' as const), id: fc.constant(0) }) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('ask' as const), id: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }) },
    );
    fc.assert(
      fc.property(fc.nat(40), fc.array(operation, { maxLength: 300 }), (size, operations) => {
        const load = new ActiveRequests(size);
        for (const { op, id } of operations) {
          if (op === 'start') load.start(id);
          else if (op === 'end' && load.active(id) > 0) load.end(id);
          else if (op === 'reset') load.reset();
          else if (op === 'ask') {
            const answer = load.leastActiveOf(id);
            if (answer !== 0 || id === 0) expect(answer).toBe(leastByScan(load, id));
          }
        }
        // With every id below 32 asked for, the answer comes without a scan: some id is at the floor.
        expect(load.leastActiveOf(-1)).toBe(leastByScan(load, -1));
      }),
    );
  });
});
