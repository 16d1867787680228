import { describe, expect, it } from 'vitest';
import { evaluateSlo, windowSeries } from '../../src/slo/evaluate.js';
import { evenly, fault, objective, observe, type RequestRecord } from './helpers.js';

const OK = { ok: 10 };

describe('evaluateSlo over the run and per rolling window', () => {
  it('judges availability over the run as completed / counted requests', () => {
    const o = objective('availability >= 99% over run');
    const requests = [...evenly(0, 10_000, 990, OK), ...evenly(0, 10_000, 5, 'failed'), ...evenly(0, 10_000, 5, 'timeout')];
    const verdict = evaluateSlo([o], observe([o], requests, { end: 10_000 }));
    expect(verdict.guarantees[0]).toMatchObject({ holds: true, judged: 1, violations: 0, worst: { start: 0, end: 10_000, value: 0.99 } });
    expect(verdict.guarantees[0]!.margin).toBeCloseTo(0, 12);
  });

  it('catches an outage that straddles two tumbling windows (which would each pass)', () => {
    // 10 s windows; 100 requests/s; an outage from 7 s to 13 s fails 600 requests. A tumbling
    // grid (0–10, 10–20) sees 300 failures in each: 70 % availability. A rolling window over
    // 3–13 s (the first of those holding the whole outage) sees all 600: 40 %.
    const requests: RequestRecord[] = evenly(0, 30_000, 3000, OK).map((r) =>
      r.arrival >= 7000 && r.arrival < 13_000 ? { ...r, ending: 'failed' as const } : r,
    );
    const o = objective('availability >= 50% per 10s');
    const verdict = evaluateSlo([o], observe([o], requests, { end: 30_000 }));
    const g = verdict.guarantees[0]!;
    expect(g.holds).toBe(false);
    expect(g.worst).toMatchObject({ start: 3000, end: 13_000 });
    expect(g.worst!.value).toBeCloseTo(0.4, 12);
    const tumbling = windowSeries(o, observe([o], requests, { end: 30_000 })).filter((w) => w.start % 10_000 === 0);
    expect(tumbling.map((w) => w.value)).toEqual([0.7, 0.7, 1]);
  });

  it('moves windows one recording step at a time and judges every one', () => {
    const o = objective('availability >= 90% per 10s');
    const points = windowSeries(o, observe([o], evenly(0, 60_000, 600, OK), { end: 60_000 }));
    expect(points.map((p) => p.start)).toEqual(Array.from({ length: 51 }, (_, i) => 1000 * i));
    expect(points.every((p) => p.end - p.start === 10_000 && p.requests === 100 && p.judged)).toBe(true);
  });

  it('rolls by the largest step that divides every window and 1 s', () => {
    const a = objective('availability >= 90% per 1500ms');
    const b = objective('availability >= 90% per 10s');
    const points = windowSeries(a, observe([a, b], evenly(0, 5000, 50, OK), { end: 5000 }));
    expect(points.map((p) => p.start)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
  });

  it('leaves windows with fewer than minRequests requests unjudged; judging nothing holds with margin 1', () => {
    const o = objective('availability >= 99% per 1s', { minRequests: 20 });
    const requests = [...evenly(0, 1000, 50, OK), ...evenly(1000, 2000, 10, 'failed')];
    const g = evaluateSlo([o], observe([o], requests, { end: 2000 })).guarantees[0]!;
    expect(g).toMatchObject({ holds: true, judged: 1, violations: 0 });
    const none = evaluateSlo([o], observe([o], evenly(0, 2000, 10, 'failed'), { end: 2000 })).guarantees[0]!;
    expect(none).toMatchObject({ holds: true, margin: 1, judged: 0, worst: null });
  });

  it('counts timed-out requests at the timeout in latency objectives, and failed ones nowhere', () => {
    const o = objective('latency.p99 <= 200ms per 10s');
    // 97 fast answers and 3 timeouts: the p99 is a timeout, whatever the answered latencies.
    const requests = [...evenly(0, 10_000, 97, { ok: 20 }), ...evenly(0, 10_000, 3, 'timeout'), ...evenly(0, 10_000, 50, 'failed')];
    const g = evaluateSlo([o], observe([o], requests, { end: 10_000, timeout: 1000 })).guarantees[0]!;
    expect(g.worst!.value).toBe(1000);
    expect(g.margin).toBe(-4);
    const fast = evaluateSlo([o], observe([o], evenly(0, 10_000, 100, { ok: 20 }), { end: 10_000, timeout: 1000 })).guarantees[0]!;
    expect(fast.holds).toBe(true);
    expect(Math.abs(fast.worst!.value - 20) / 20).toBeLessThan(0.004);
  });

  it('judges shares, goodput and the conservation invariant', () => {
    const objectives = [
      objective('errors.share <= 1% over run'),
      objective('timeouts.share <= 1% over run'),
      objective('retries.share <= 10% over run'),
      objective('goodput >= 90/s over run'),
      objective('lost == 0 over run'),
    ];
    const requests: RequestRecord[] = [
      ...evenly(0, 10_000, 960, OK),
      ...evenly(0, 10_000, 20, 'failed'),
      ...evenly(0, 10_000, 10, 'timeout'),
      ...evenly(0, 10_000, 10, 'inflight'),
      { arrival: 5000, ending: OK, retries: 150 },
    ];
    const values = evaluateSlo(objectives, observe(objectives, requests, { end: 10_000 })).guarantees.map((g) => [g.holds, g.worst!.value]);
    expect(values).toEqual([
      [false, 20 / 1001],
      [true, 10 / 1001],
      [false, 150 / 1001],
      [true, 96.1],
      [false, 10],
    ]);
  });

  it('the SLO holds when every objective does; its margin is the least', () => {
    const objectives = [objective('availability >= 90% per 1s'), objective('latency.p50 <= 100ms over run')];
    const verdict = evaluateSlo(objectives, observe(objectives, evenly(0, 5000, 500, { ok: 50 }), { end: 5000 }));
    expect(verdict.holds).toBe(true);
    expect(verdict.margin).toBe(Math.min(...verdict.guarantees.map((g) => g.margin)));
  });
});

describe('per-fault objectives and service-level recovery', () => {
  const span = { end: 120_000, timeout: 1000 };

  it('judges each fault by what the run observed; an undetected fault by its observed duration', () => {
    const o = objective('detection.timeToEject <= 15s per fault');
    const faults = [
      fault({ instance: 1, start: 10_000, end: 40_000, detectedAt: 14_000 }),
      fault({ instance: 2, mode: 'hang', start: 50_000, end: 110_000 }),
      fault({ instance: 3, mode: 'slow', start: 60_000, end: 65_000 }),
    ];
    const g = evaluateSlo([o], observe([o], evenly(0, 120_000, 1200, OK), { ...span, faults })).guarantees[0]!;
    expect(g).toMatchObject({ holds: false, judged: 3, violations: 1 });
    expect(g.worst).toMatchObject({ value: 60_000, fault: { instance: 2, mode: 'hang', censored: true } });
    const crashesOnly = objective('detection.timeToEject <= 15s per fault', { kinds: ['crash'] });
    expect(evaluateSlo([crashesOnly], observe([crashesOnly], [], { ...span, faults })).guarantees[0]).toMatchObject({ holds: true, judged: 1 });
  });

  it('counts a recovery only for a fault that ended before arrivals stopped', () => {
    const fromStart = objective('recovery.timeToRecover <= 30s per fault');
    const afterEnd = objective('recovery.afterFaultEnd <= 5s per fault');
    const faults = [
      fault({ start: 10_000, end: 20_000, recoveredAt: 24_000 }),
      // A crash loop stopped once the run only drains: its end says nothing about recovery.
      fault({ instance: 1, mode: 'crashloop', start: 30_000, end: 125_000, recoveredAt: 126_000 }),
    ];
    const [a, b] = evaluateSlo([fromStart, afterEnd], observe([fromStart, afterEnd], [], { ...span, faults })).guarantees;
    expect(a).toMatchObject({ holds: false, judged: 2, violations: 1, worst: { value: 90_000, fault: { instance: 1, censored: true } } });
    expect(b).toMatchObject({ holds: true, judged: 1, worst: { value: 4000 } });
  });

  it('measures from a fault’s start until every window holds again, and says never when the run ends broken', () => {
    const availability = objective('availability >= 99% per 10s');
    const service = objective('recovery.serviceTimeToRecover <= 30s per fault');
    // Requests fail from 20 s to 35 s: the last 10 s window holding a failure is [34 s, 44 s),
    // so the SLO holds again at 44 s, 24 s after the fault started at 20 s.
    const requests = evenly(0, 120_000, 12_000, OK).map((r) => (r.arrival >= 20_000 && r.arrival < 35_000 ? { ...r, ending: 'failed' as const } : r));
    const faults = [fault({ start: 20_000, end: 30_000, recoveredAt: 31_000 })];
    const verdict = evaluateSlo([availability, service], observe([availability, service], requests, { ...span, faults }));
    expect(verdict.incidents).toEqual([{ start: 20_000, end: 30_000, timeToRecover: 24_000 }]);
    expect(verdict.guarantees[1]).toMatchObject({ holds: true, worst: { value: 24_000 } });

    const broken = requests.map((r) => (r.arrival >= 100_000 ? { ...r, ending: 'failed' as const } : r));
    const late = [...faults, fault({ instance: 1, start: 100_000, end: Infinity })];
    const never = evaluateSlo([availability, service], observe([availability, service], broken, { ...span, faults: late }));
    expect(never.incidents.map((i) => i.timeToRecover)).toEqual([24_000, Infinity]);
    // The run ended 20 s after the second fault, still broken: 20 s is all it observed, which a
    // 30 s bound cannot call a violation, and a 15 s bound must.
    expect(never.guarantees[1]).toMatchObject({ holds: true, worst: { value: 24_000, fault: { instance: 0, censored: false } } });
    const tight = objective('recovery.serviceTimeToRecover <= 15s per fault');
    const verdict15 = evaluateSlo([availability, tight], observe([availability, tight], broken, { ...span, faults: late }));
    expect(verdict15.guarantees[1]).toMatchObject({ holds: false, violations: 2, worst: { value: 24_000 } });
    const censored = verdict15.guarantees[1]!;
    expect(censored.judged).toBe(2);
  });

  it('groups overlapping faults into one incident and gives 0 when no window broke', () => {
    const availability = objective('availability >= 90% per 10s');
    const faults = [fault({ start: 20_000, end: 40_000 }), fault({ instance: 1, start: 30_000, end: 50_000 }), fault({ instance: 2, start: 70_000, end: 80_000 })];
    const verdict = evaluateSlo([availability], observe([availability], evenly(0, 120_000, 1200, OK), { ...span, faults }));
    expect(verdict.incidents).toEqual([
      { start: 20_000, end: 50_000, timeToRecover: 0 },
      { start: 70_000, end: 80_000, timeToRecover: 0 },
    ]);
  });
});

describe('evaluateSlo on an observation recorded for another SLO', () => {
  it('says what is missing rather than judging wrongly', () => {
    const availability = objective('availability >= 99% per 1s');
    const observation = observe([availability], evenly(0, 5000, 50, OK), { end: 5000 });
    expect(() => evaluateSlo([objective('latency.p99 <= 1s over run')], observation)).toThrow(/needs latencies, and this run kept none/);
    expect(() => windowSeries(objective('availability >= 99% per 1500ms'), observation)).toThrow(/whole number of the run's 1000 ms steps/);
    expect(evaluateSlo([objective('availability >= 99% per 3s')], observation).holds).toBe(true);
  });
});
