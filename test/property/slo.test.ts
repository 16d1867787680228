/**
 * Properties of the SLO evaluator over random request logs and random objectives (fast-check,
 * seed fixed in test/helpers/setup.ts, FC_SEED explores others):
 * - a margin's sign is the verdict: holds ⇔ margin ≥ 0, for every objective and for the SLO;
 * - loosening a threshold never turns a held objective into a violated one, and never lowers
 *   its margin;
 * - a window's p99 read from merged per-step histograms is the exact nearest-rank p99 of the
 *   window's requests within the histogram's stated relative error (2^-8);
 * - the steps add up to the log: every request with an arrival in the span is counted once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSlo, windowSeries } from '../../src/slo/evaluate.js';
import { WINDOW_QUANTILE_RELATIVE_ERROR } from '../../src/metrics/window-latencies.js';
import { sliDefinition, type SloObjective, type SloScope } from '../../src/slo/objective.js';
import type { FaultRecord } from '../../src/slo/observation.js';
import { objective, observe, type Ending } from '../slo/helpers.js';

const TIMEOUT = 1000;

const ending: fc.Arbitrary<Ending> = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -3, max: Math.log10(TIMEOUT), noNaN: true }).map((e) => ({ ok: 10 ** e })) },
  { weight: 1, arbitrary: fc.constant('failed' as const) },
  { weight: 1, arbitrary: fc.constant('timeout' as const) },
  { weight: 1, arbitrary: fc.constant('inflight' as const) },
);

const log = (span: number) =>
  fc.array(
    fc.record({ arrival: fc.integer({ min: 0, max: span - 1 }), ending, retries: fc.nat({ max: 3 }) }),
    { maxLength: 1500 },
  );

const faultRecord = (span: number): fc.Arbitrary<FaultRecord> =>
  fc
    .record({
      instance: fc.nat({ max: 3 }),
      mode: fc.constantFrom('crash', 'hang', 'slow', 'errors', 'partition', 'crashloop' as const),
      start: fc.integer({ min: 0, max: span - 1 }),
      length: fc.integer({ min: 1, max: span }),
      detect: fc.option(fc.integer({ min: 0, max: span }), { nil: undefined }),
      recover: fc.option(fc.integer({ min: 0, max: span }), { nil: undefined }),
    })
    .map(({ instance, mode, start, length, detect, recover }) => ({
      instance,
      mode,
      start,
      end: start + length,
      detectedAt: detect === undefined ? NaN : start + Math.min(detect, length),
      recoveredAt: recover === undefined ? NaN : start + length + recover,
    }));

/** An objective of any SLI, with a scope it allows and a threshold in its range. */
const objectiveArbitrary: fc.Arbitrary<SloObjective> = fc
  .record({
    sli: fc.constantFrom(
      'availability',
      'errors.share',
      'timeouts.share',
      'retries.share',
      'goodput',
      'latency.p50',
      'latency.p99',
      'latency.p999',
      'lost',
      'detection.timeToEject',
      'recovery.timeToRecover',
      'recovery.afterFaultEnd',
      'recovery.serviceTimeToRecover',
    ),
    scopePick: fc.nat({ max: 1 }),
    window: fc.constantFrom(500, 1000, 2000, 5000, 10_000),
    level: fc.double({ min: 0, max: 1, noNaN: true }),
    minRequests: fc.nat({ max: 30 }),
  })
  .map(({ sli, scopePick, window, level, minRequests }) => {
    const definition = sliDefinition(sli)!;
    const kind = definition.scopes[Math.min(scopePick, definition.scopes.length - 1)]!;
    const per: SloScope = kind === 'window' ? window : kind;
    const value =
      definition.measure === 'ratio'
        ? definition.op === '>='
          ? Math.min(level, 0.9999)
          : Math.max(level, 1e-4)
        : definition.measure === 'time'
          ? 1 + level * 2 * TIMEOUT
          : definition.measure === 'rate'
            ? 1 + level * 200
            : 0;
    return { name: `${sli}#${per}#${value}`, sli, op: definition.op, value, per, minRequests };
  });

/** The same objective with a looser threshold (more values hold). */
function loosen(o: SloObjective, by: number): SloObjective {
  if (o.op === '==') return o;
  if (o.op === '>=') return { ...o, value: o.value * (1 - by) };
  return { ...o, value: sliDefinition(o.sli)!.measure === 'ratio' ? Math.min(1, o.value + (1 - o.value) * by) : o.value * (1 + by) };
}

/** A per-window serviceTimeToRecover needs a windowed objective beside it, as the schema demands. */
function withWindows(objectives: SloObjective[]): SloObjective[] {
  return objectives.some((o) => typeof o.per === 'number') ? objectives : [...objectives, objective('availability >= 99% per 1s')];
}

const scenario = fc.integer({ min: 2000, max: 40_000 }).chain((span) =>
  fc.record({
    span: fc.constant(span),
    requests: log(span),
    faults: fc.array(faultRecord(span), { maxLength: 4 }),
    objectives: fc.array(objectiveArbitrary, { minLength: 1, maxLength: 5 }).map(withWindows),
  }),
);

describe('SLO evaluator (properties)', () => {
  it('margin sign equals the verdict, for each objective and for the SLO', () => {
    fc.assert(
      fc.property(scenario, ({ span, requests, faults, objectives }) => {
        const verdict = evaluateSlo(objectives, observe(objectives, requests, { end: span, timeout: TIMEOUT, faults }));
        for (const g of verdict.guarantees) {
          expect(Number.isNaN(g.margin)).toBe(false);
          expect(g.holds).toBe(g.margin >= 0);
          expect(g.holds).toBe(g.violations === 0);
          expect(g.violations).toBeLessThanOrEqual(g.judged);
          expect(g.worst === null).toBe(g.judged === 0);
        }
        expect(verdict.holds).toBe(verdict.margin >= 0);
        expect(verdict.holds).toBe(verdict.guarantees.every((g) => g.holds));
        expect(verdict.margin).toBe(Math.min(...verdict.guarantees.map((g) => g.margin)));
      }),
      { numRuns: 150 },
    );
  });

  it('loosening a threshold never turns held into violated, nor lowers the margin', () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 0, max: 0.9, noNaN: true }), ({ span, requests, faults, objectives }, by) => {
        const observation = observe(objectives, requests, { end: span, timeout: TIMEOUT, faults });
        const tight = evaluateSlo(objectives, observation);
        const loose = evaluateSlo(objectives.map((o) => loosen(o, by)), observation);
        tight.guarantees.forEach((g, i) => {
          const l = loose.guarantees[i]!;
          if (g.holds) expect(l.holds).toBe(true);
          expect(l.margin).toBeGreaterThanOrEqual(g.margin - 1e-12);
          expect(l.judged).toBe(g.judged);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a window p99 from merged per-step histograms is the exact p99 within 2^-8', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3000, max: 30_000 }).chain((span) => fc.tuple(fc.constant(span), log(span))),
        fc.constantFrom(1000, 2000, 5000),
        fc.constantFrom('latency.p50', 'latency.p99', 'latency.p999'),
        ([span, requests], window, sli) => {
          const o = objective(`${sli} <= 1s per ${window}ms`);
          const q = Number(`0.${sli.slice('latency.p'.length)}`);
          for (const point of windowSeries(o, observe([o], requests, { end: span, timeout: TIMEOUT }))) {
            const samples = requests
              .filter((r) => r.arrival >= point.start && r.arrival < point.end)
              .flatMap((r) => (r.ending === 'timeout' ? [TIMEOUT] : typeof r.ending === 'object' ? [r.ending.ok] : []))
              .sort((a, b) => a - b);
            if (samples.length === 0) {
              expect(point.value).toBeNaN();
              continue;
            }
            const exact = samples[Math.max(1, Math.ceil(q * samples.length)) - 1]!;
            expect(Math.abs(point.value - exact)).toBeLessThanOrEqual(exact * WINDOW_QUANTILE_RELATIVE_ERROR);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('steps add up to the log: each request of the span counted once, by its ending', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 30_000 }).chain((span) => fc.tuple(fc.constant(span), log(span), fc.integer({ min: 0, max: span - 1 }))),
        ([span, requests, start]) => {
          const objectives = [objective('availability >= 99% per 1s')];
          const { counts } = observe(objectives, requests, { start, end: span, timeout: TIMEOUT });
          const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
          const inSpan = requests.filter((r) => r.arrival >= start);
          expect(sum(counts.total)).toBe(inSpan.length);
          expect(sum(counts.completed)).toBe(inSpan.filter((r) => typeof r.ending === 'object').length);
          expect(sum(counts.errors)).toBe(inSpan.filter((r) => r.ending === 'failed').length);
          expect(sum(counts.timedOut)).toBe(inSpan.filter((r) => r.ending === 'timeout').length);
          expect(sum(counts.retries)).toBe(inSpan.reduce((n, r) => n + (r.retries ?? 0), 0));
        },
      ),
      { numRuns: 100 },
    );
  });
});

