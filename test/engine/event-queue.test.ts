import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/engine/event-queue.js';

describe('EventQueue', () => {
  it('pops in (time, priority, insertion) order, a total order with no random ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 300,
        }),
        (events) => {
          const q = new EventQueue(16); // small, so the property also exercises growth
          events.forEach((e, i) => q.push(e.time, e.priority, 7, i, i * 2));
          const expected = events
            .map((e, i) => ({ ...e, i }))
            .sort((a, b) => a.time - b.time || a.priority - b.priority || a.i - b.i);
          const popped: number[] = [];
          while (q.pop()) {
            expect(q.popKind).toBe(7);
            expect(q.popAux).toBe(q.popTarget * 2);
            popped.push(q.popTarget);
          }
          expect(popped).toEqual(expected.map((e) => e.i));
        },
      ),
    );
  });

  it('interleaves pushes and pops correctly', () => {
    const q = new EventQueue();
    q.push(5, 0, 0, 1);
    q.push(1, 0, 0, 2);
    expect(q.pop()).toBe(true);
    expect(q.popTarget).toBe(2);
    q.push(3, 0, 0, 3);
    q.push(3, 0, 0, 4);
    expect(q.peekTime()).toBe(3);
    const order: number[] = [];
    while (q.pop()) order.push(q.popTarget);
    expect(order).toEqual([3, 4, 1]);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Infinity);
  });
});
