/**
 * The recovery guarantees of issue 3 as properties over random scenarios (2–50 instances,
 * random fault schedules, random detector and retry settings). fast-check's seed is fixed in
 * test/helpers/setup.ts (FC_SEED explores others); a failure prints the seed and the shrunk
 * scenario. Each property states the bound it checks and where the bound comes from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionBound, recoveryBound, resolveActiveHealthCheckConfig } from '../../src/detect/active-health-check.js';
import { resolveOutlierDetectorConfig } from '../../src/detect/outlier-detector.js';
import { simulateReplicationDetailed } from '../../src/sim/run-scenario.js';
import type { SimEvent } from '../../src/sim/fault-tracker.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { scenarioArbitrary } from './arbitraries.js';

const RUNS = Number(process.env.FC_GUARANTEE_RUNS ?? 40);
/** Floating-point slack on time comparisons (ms). */
const EPS = 1e-6;

function run(scenario: Scenario, options: Parameters<typeof simulateReplicationDetailed>[3] = {}) {
  return simulateReplicationDetailed(scenario, 0, scenario.balancer, options);
}

function hcConfig(s: Scenario) {
  const { checker: _checker, jitter, ...rest } = s.healthCheck!;
  return resolveActiveHealthCheckConfig(Object.fromEntries(Object.entries({ ...rest, intervalJitter: jitter }).filter(([, v]) => v !== undefined)));
}

describe('recovery guarantees (properties)', () => {
  it('1. conservation: every request ends exactly once; retries are counted apart from requests', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const m = run(s).metrics;
        expect(m.completed + m.failed + m.timedOut + m.rejected + m.inFlightAtEnd).toBe(m.T);
        expect(m.T).toBe(m.arrived); // no warm-up here
        // Every attempt is either a first attempt (at most one per request) or a retry.
        expect(m.retries.attempts - m.retries.sent).toBeLessThanOrEqual(m.arrived);
        expect(m.retries.sent).toBeLessThanOrEqual(m.retries.attempts);
      }),
      { numRuns: RUNS },
    );
  });

  it('2. determinism: same inputs give identical events and metrics', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const a = run(s);
        const b = run(s);
        expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
        expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('3. active checks detect a hung instance within (U + 1)·(timeout + interval + jitter)', () => {
    const hangs = (n: number, d: number) =>
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 2000, max: Math.max(2000, Math.floor(d / 2)) })).map(([instance, at]) => [
        { kind: 'hang' as const, instance, at },
      ]);
    fc.assert(
      fc.property(scenarioArbitrary({ healthCheck: true, outlierDetection: false, heartbeat: false }, hangs), (s) => {
        const hang = s.faults[0]! as { instance: number; at: number };
        const bound = detectionBound(hcConfig(s));
        const r = run(s);
        const end = r.metrics.simulatedTime;
        const checkers = s.healthCheck!.checker === 'central' ? [-1] : s.clients.count === 0 ? [] : [...Array(s.clients.count).keys()];
        for (const checker of checkers) {
          const marked = r.events.find((e) => e.kind === 'hc_unhealthy' && e.instance === hang.instance && e.client === checker && e.time >= hang.at);
          if (end - hang.at < bound) continue; // the run ended before the bound: nothing to check
          expect(marked, `checker ${checker} never marked instance ${hang.instance}`).toBeDefined();
          expect(marked!.time - hang.at).toBeLessThanOrEqual(bound + EPS);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('4. a healed instance is back in rotation within the healthy-threshold bound (plus restart time after a crash)', () => {
    const healing = (n: number, d: number) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 2000, max: Math.max(2000, Math.floor(d / 3)) }), fc.integer({ min: 500, max: 8000 }), fc.constantFrom('hang' as const, 'crash' as const))
        .map(([instance, at, span, kind]) => [{ kind, instance, at, for: span }]);
    fc.assert(
      fc.property(scenarioArbitrary({ healthCheck: true, outlierDetection: false, heartbeat: false }, healing), (s) => {
        const f = s.faults[0]! as { kind: 'hang' | 'crash'; instance: number; at: number; for: number };
        const bound = recoveryBound(hcConfig(s));
        const r = run(s);
        // When the instance serves again: the hang's end, or the restart's completion.
        const healed = f.kind === 'hang' ? f.at + f.for : r.events.find((e) => e.kind === 'started' && e.instance === f.instance)?.time;
        if (healed === undefined || r.metrics.simulatedTime - healed < bound) return;
        const checkers = s.healthCheck!.checker === 'central' ? [-1] : [...Array(s.clients.count).keys()];
        for (const checker of checkers) {
          const events = r.events.filter((e) => (e.kind === 'hc_unhealthy' || e.kind === 'hc_healthy') && e.instance === f.instance && e.client === checker);
          const lastBefore = events.filter((e) => e.time <= healed).at(-1);
          if (lastBefore?.kind !== 'hc_unhealthy') continue; // never taken out: nothing to heal
          const back = events.find((e) => e.kind === 'hc_healthy' && e.time >= healed);
          expect(back, `checker ${checker} never readmitted instance ${f.instance}`).toBeDefined();
          expect(back!.time - healed).toBeLessThanOrEqual(bound + EPS);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('5. outside panic no balancer picks an instance out of rotation', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        let violations = 0;
        run(s, {
          onPick: (p) => {
            if (!p.eligible && !p.panic) violations++;
          },
        });
        expect(violations).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('6. ejections never exceed max ejection percent at the moment of ejection', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ outlierDetection: true }), (s) => {
        const config = resolveOutlierDetectorConfig(definedOnly(s.outlierDetection!));
        const cap = Math.max(Math.floor((s.service.instances * config.maxEjectionPercent) / 100), config.alwaysEjectOneHost ? 1 : 0);
        const active = new Map<number, Set<number>>();
        for (const e of run(s).events) {
          if (e.kind !== 'ejected' && e.kind !== 'unejected') continue;
          const set = active.get(e.client) ?? new Set<number>();
          active.set(e.client, set);
          if (e.kind === 'ejected') {
            set.add(e.instance);
            expect(set.size).toBeLessThanOrEqual(cap);
          } else {
            set.delete(e.instance);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('7. no ejection lasts longer than max ejection time (+ jitter) + one interval', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ outlierDetection: true, healthCheck: false }), (s) => {
        const config = resolveOutlierDetectorConfig(definedOnly(s.outlierDetection!));
        const bound = config.maxEjectionTime + config.maxEjectionTimeJitter + config.interval;
        const r = run(s);
        const since = new Map<string, number>();
        for (const e of r.events) {
          const key = `${e.client}/${e.instance}`;
          if (e.kind === 'ejected') since.set(key, e.time);
          if (e.kind === 'unejected') {
            expect(e.time - since.get(key)!).toBeLessThanOrEqual(bound + EPS);
            since.delete(key);
          }
        }
        // Still ejected at the end: the run must not have gone on past the bound.
        for (const start of since.values()) expect(r.metrics.simulatedTime - start).toBeLessThanOrEqual(bound + EPS);
      }),
      { numRuns: RUNS },
    );
  });

  it('8. attempts per request ≤ 1 + retries, and concurrent retries ≤ the budget', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ retries: true }), (s) => {
        let over = 0;
        const m = run(s, {
          onRetry: (r) => {
            if (r.activeRetries > r.allowed) over++;
          },
        }).metrics;
        expect(m.retries.maxAttemptsPerRequest).toBeLessThanOrEqual(1 + s.retries!.attempts);
        expect(over).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('9. restart delays follow the CrashLoopBackOff sequence and never exceed its cap', () => {
    const loops = (n: number) =>
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 200, max: 3000 })).map(([instance, uptime]) => [
        { kind: 'crashloop' as const, instance, at: 1000, uptime },
      ]);
    fc.assert(
      fc.property(scenarioArbitrary({}, loops), (s) => {
        const { initial, max } = s.restart.backoff;
        const allowed = new Set<number>([0]);
        for (let d = initial; ; d *= 2) {
          allowed.add(Math.min(d, max));
          if (d >= max) break;
        }
        const events = run(s).events.filter((e) => e.instance === (s.faults[0] as { instance: number }).instance);
        let crashedAt = NaN;
        for (const e of events) {
          if (e.kind === 'crash') crashedAt = e.time;
          if (e.kind === 'restart') {
            const delay = e.time - crashedAt;
            expect(delay).toBeLessThanOrEqual(max + EPS);
            expect([...allowed].some((d) => Math.abs(d - delay) < 1e-6), `delay ${delay} not in ${[...allowed]}`).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('10. a crash is suspected by the heartbeat detector within its analytic bound', () => {
    const crashes = (n: number, d: number) =>
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 3000, max: Math.max(3000, Math.floor(d / 2)) })).map(([instance, at]) => [
        { kind: 'crash' as const, instance, at, for: 60_000 },
      ]);
    fc.assert(
      fc.property(scenarioArbitrary({ heartbeat: true }, crashes), (s) => {
        const crash = s.faults[0] as { instance: number; at: number };
        const detector = s.heartbeat!.detector;
        // Akka with steady 1 s heartbeats and σ floored at 100 ms: φ ≥ 8 at ≈ 4.52 s after the
        // last heartbeat (reference (c)22: h + pause + 5.6·max(σ, 100 ms) bounds it); the
        // timeout detector suspects `after` past the last heartbeat. The last heartbeat came at
        // most one interval before the crash.
        const bound = s.heartbeat!.interval + (detector.kind === 'phi' ? 1000 + 3000 + 5.61 * 100 : detector.after);
        const r = run(s);
        if (r.metrics.simulatedTime - crash.at < bound) return;
        const suspected = r.events.find((e: SimEvent) => e.kind === 'suspected' && e.instance === crash.instance && e.time >= crash.at);
        expect(suspected).toBeDefined();
        expect(suspected!.time - crash.at).toBeLessThanOrEqual(bound + EPS);
      }),
      { numRuns: RUNS },
    );
  });

  it('11. no request succeeds after its deadline; 0 ≤ R ≤ 1 and r never exceeds the requests that met a failure', () => {
    fc.assert(
      fc.property(scenarioArbitrary(), (s) => {
        const m = run(s).metrics;
        if (s.timeout !== undefined && m.completed > 0) expect(m.latency.max).toBeLessThanOrEqual(s.timeout + EPS);
        if (m.T > 0) {
          expect(m.R).toBeGreaterThanOrEqual(0);
          expect(m.R).toBeLessThanOrEqual(1);
        }
        expect(m.recovery.recoveredRequests).toBeLessThanOrEqual(m.recovery.requestsMeetingFailure);
      }),
      { numRuns: RUNS },
    );
  });
});

function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
