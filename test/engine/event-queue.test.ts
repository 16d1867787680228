import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, MAX_PRIORITY, TieredEventQueue } from '../../src/engine/event-queue.js';

describe('EventQueue', () => {
  it('pops in (time, priority, insertion) order, a total order with no random ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 255 }) }), {
          maxLength: 300,
        }),
        (events) => {
          const q = new EventQueue(16); // small, so the property also exercises growth
          events.forEach((e, i) => q.push(e.time, e.priority, i - 1));
          const expected = events
            .map((e, i) => ({ ...e, i }))
            .sort((a, b) => a.time - b.time || a.priority - b.priority || a.i - b.i);
          const popped: number[] = [];
          while (q.pop()) {
            const i = q.popTarget + 1;
            expect(q.popKind).toBe(events[i]!.priority);
            popped.push(i);
          }
          expect(popped).toEqual(expected.map((e) => e.i));
        },
      ),
    );
  });

  it('round-trips negative and extreme int32 targets and the largest priority', () => {
    const q = new EventQueue();
    q.push(1.5, MAX_PRIORITY, -1);
    q.push(1.5, 0, 2 ** 31 - 1);
    expect(q.pop()).toBe(true);
    expect([q.popTime, q.popKind, q.popTarget]).toEqual([1.5, 0, 2 ** 31 - 1]);
    expect(q.pop()).toBe(true);
    expect([q.popTime, q.popKind, q.popTarget]).toEqual([1.5, MAX_PRIORITY, -1]);
  });

  it('interleaves pushes and pops correctly', () => {
    const q = new EventQueue();
    q.push(5, 0, 1);
    q.push(1, 0, 2);
    expect(q.pop()).toBe(true);
    expect(q.popTarget).toBe(2);
    q.push(3, 0, 3);
    q.push(3, 0, 4);
    expect(q.peekTime()).toBe(3);
    const order: number[] = [];
    while (q.pop()) order.push(q.popTarget);
    expect(order).toEqual([3, 4, 1]);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Infinity);
  });
});

describe('TieredEventQueue', () => {
  it('pops foreground and background events in exactly the order one EventQueue pops them all (property)', () => {
    // Interleaved pushes (to either tier) and pops, the way an event loop schedules from what it pops.
    const step = fc.oneof(
      fc.record({ push: fc.constant(true), background: fc.boolean(), delay: fc.integer({ min: 0, max: 5 }), priority: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ push: fc.constant(false) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const one = new EventQueue(16);
        const tiered = new TieredEventQueue(16);
        let now = 0;
        let target = 0;
        for (const s of steps) {
          if (s.push) {
            one.push(now + s.delay, s.priority, target);
            if (s.background) tiered.pushBackground(now + s.delay, s.priority, target);
            else tiered.push(now + s.delay, s.priority, target);
            target++;
          } else {
            expect(tiered.peekTime()).toBe(one.peekTime());
            const popped = one.pop();
            expect(tiered.pop()).toBe(popped);
            if (!popped) continue;
            expect([tiered.popTime, tiered.popKind, tiered.popTarget]).toEqual([one.popTime, one.popKind, one.popTarget]);
            now = one.popTime;
          }
        }
        while (one.pop()) {
          expect(tiered.pop()).toBe(true);
          expect([tiered.popTime, tiered.popKind, tiered.popTarget]).toEqual([one.popTime, one.popKind, one.popTarget]);
        }
        expect(tiered.pop()).toBe(false);
        expect(tiered.foregroundSize).toBe(0);
      }),
    );
  });
});
