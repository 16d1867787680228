import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceUntil } from '../../src/engine/timed-model.js';
import { ISTIO_PUSH_DEBOUNCE, PushDebouncer, type PushDebounceConfig, type PushRequest } from '../../src/discovery/push-debouncer.js';

interface Push {
  at: number;
  request: PushRequest;
}

function recorder(config: PushDebounceConfig = ISTIO_PUSH_DEBOUNCE) {
  const pushes: Push[] = [];
  const debouncer = new PushDebouncer(config, (request, at) => pushes.push({ at, request }));
  return { debouncer, pushes };
}

describe('PushDebouncer (istiod debounce)', () => {
  it('pushes an isolated event after the quiet period', () => {
    const { debouncer, pushes } = recorder();
    debouncer.event(1000, false);
    expect(debouncer.nextDue()).toBe(1100);
    advanceUntil(debouncer, 1099);
    expect(pushes).toEqual([]);
    advanceUntil(debouncer, 1100);
    expect(pushes).toEqual([{ at: 1100, request: { full: false, eventTimes: [1000], debounced: true } }]);
    expect(debouncer.pushInFlight).toBe(true);
  });

  it('merges a burst into one push once the stream has been quiet for `after` (full wins)', () => {
    const { debouncer, pushes } = recorder();
    debouncer.event(0, false);
    debouncer.event(60, true);
    debouncer.event(120, false);
    advanceUntil(debouncer, 1000);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toEqual({ at: 220, request: { full: true, eventTimes: [0, 60, 120], debounced: true } });
  });

  it('forces a push once the window is `max` old under a continuous stream', () => {
    const { debouncer, pushes } = recorder();
    for (let t = 0; t <= 25_000; t += 50) {
      debouncer.event(t, false);
      if (debouncer.pushInFlight) debouncer.pushFinished(t);
    }
    // Timer fires at 100, 150, ... : the first fire with the window ≥ 10 s old pushes.
    expect(pushes[0]!.at).toBe(10_000);
    expect(pushes[0]!.request.eventTimes[0]).toBe(0);
    expect(pushes[1]!.at - pushes[1]!.request.eventTimes[0]!).toBeGreaterThanOrEqual(10_000);
    expect(pushes[1]!.at - pushes[1]!.request.eventTimes[0]!).toBeLessThanOrEqual(10_100);
  });

  it('pushes endpoint events at once with EDS debounce off, and still debounces full pushes', () => {
    const { debouncer, pushes } = recorder({ ...ISTIO_PUSH_DEBOUNCE, edsDebounce: false });
    debouncer.event(10, false);
    expect(pushes).toEqual([{ at: 10, request: { full: false, eventTimes: [10], debounced: false } }]);
    expect(debouncer.pushInFlight).toBe(false);
    debouncer.event(20, true);
    debouncer.event(30, false);
    advanceUntil(debouncer, 500);
    expect(pushes.map((p) => [p.at, p.request.debounced, p.request.full])).toEqual([
      [10, false, false],
      [30, false, false],
      [120, true, true],
    ]);
  });

  it('holds a window while a push is in flight and pushes when that push finishes', () => {
    const { debouncer, pushes } = recorder();
    debouncer.event(0, false);
    advanceUntil(debouncer, 100); // push 1 at 100, in flight
    debouncer.event(150, false);
    advanceUntil(debouncer, 5000); // the timer at 250 fires while the gate is closed: nothing
    expect(pushes).toHaveLength(1);
    expect(debouncer.nextDue()).toBe(Infinity);
    debouncer.pushFinished(5000);
    expect(pushes).toHaveLength(2);
    expect(pushes[1]).toEqual({ at: 5000, request: { full: false, eventTimes: [150], debounced: true } });
  });

  it('rejects pushFinished without a push and time going backwards', () => {
    const { debouncer } = recorder();
    expect(() => debouncer.pushFinished(0)).toThrow(/without a push/);
    debouncer.event(10, false);
    expect(() => debouncer.event(5, false)).toThrow(/backwards/);
  });
});

/** Guarantee 7 (reference §3): debounce bounds, over random event streams and push durations. */
describe('PushDebouncer guarantee 7 (properties)', () => {
  const streams = fc.record({
    after: fc.integer({ min: 1, max: 500 }),
    max: fc.integer({ min: 0, max: 5000 }),
    edsDebounce: fc.boolean(),
    gaps: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 120 }),
    fulls: fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
    pushDurations: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 20 }),
  });

  it('holds events ≥ after unless the window is max old; windows ≤ max + after (+ push in flight); one push in flight; nothing lost', () => {
    fc.assert(
      fc.property(streams, ({ after, max, edsDebounce, gaps, fulls, pushDurations }) => {
        const times: number[] = [];
        gaps.reduce((t, g) => (times.push(t + g), t + g), 0);
        const pushes: Array<Push & { gateOpenedAt: number }> = [];
        let finishAt = Infinity;
        let gateOpenedAt = -Infinity;
        let inFlight = false;
        const debouncer = new PushDebouncer({ after, max, edsDebounce }, (request, at) => {
          pushes.push({ at, request, gateOpenedAt });
          if (!request.debounced) return;
          expect(inFlight, 'a second debounced push started while one was in flight').toBe(false);
          inFlight = true;
          finishAt = at + pushDurations[(pushes.length - 1) % pushDurations.length]!;
        });
        const finishUpTo = (t: number) => {
          for (;;) {
            const next = Math.min(finishAt, debouncer.nextDue());
            if (next === Infinity || next > t) break;
            if (finishAt <= debouncer.nextDue()) {
              const f = finishAt;
              finishAt = Infinity;
              inFlight = false;
              gateOpenedAt = f;
              debouncer.pushFinished(f);
            } else debouncer.advance(debouncer.nextDue());
          }
        };
        times.forEach((t, i) => {
          finishUpTo(t);
          debouncer.event(t, fulls[i]!);
        });
        finishUpTo(Infinity);

        let merged = 0;
        for (const { at, request, gateOpenedAt: opened } of pushes) {
          merged += request.eventTimes.length;
          if (!request.debounced) {
            expect(request.full).toBe(false);
            expect(request.eventTimes).toEqual([at]);
            continue;
          }
          const first = request.eventTimes[0]!;
          const last = request.eventTimes[request.eventTimes.length - 1]!;
          // Each event is ≥ after old at the push, unless the MAX rule fired.
          expect(at - last >= after || at - first >= max).toBe(true);
          // The window ends by max + after, or when the push holding the gate finished.
          expect(at).toBeLessThanOrEqual(Math.max(first + max + after, opened));
        }
        expect(merged).toBe(times.length);
        expect(pushes.length).toBeLessThanOrEqual(times.length);
        expect(debouncer.counts).toEqual({ pushes: pushes.length, events: times.length });
      }),
    );
  });
});
