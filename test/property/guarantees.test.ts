/**
 * The recovery guarantees as properties over random scenarios (2–16 instances, load up to
 * overload, random fault schedules, random detector, retry, back-off, panic and priority
 * settings; test/property/arbitraries.ts). fast-check's seed is fixed in test/helpers/setup.ts
 * (FC_SEED explores others); a failure prints the seed and the shrunk scenario.
 *
 * Each property states its bound and where the bound comes from, and checks what it claims:
 * - counts are made independently of the simulator's counters, from per-request hooks;
 * - bounds are the tight ones of src/detect and src/recovery, or exact models of them;
 * - no property passes vacuously: each counts the runs that reach its assertion and requires a
 *   minimum share of them (fc.pre discards the few runs that cannot reach it at all).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectionBoundTight,
  recoveryBoundTight,
  resolveActiveHealthCheckConfig,
} from '../../src/detect/active-health-check.js';
import { resolveOutlierDetectorConfig } from '../../src/detect/outlier-detector.js';
import { phiQuantile, resolvePhiAccrualConfig } from '../../src/detect/phi-accrual.js';
import type { ReplicationMetrics } from '../../src/metrics/types.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { SimEvent } from '../../src/sim/fault-tracker.js';
import { simulateReplicationDetailed } from '../../src/sim/run-scenario.js';
import type { SimulationOptions } from '../../src/sim/simulation.js';
import { fault as arbitraryFault, scenarioArbitrary } from './arbitraries.js';
import { conservationViolations, tracing, type RequestTrace } from './conservation.js';

const RUNS = Number(process.env.FC_GUARANTEE_RUNS ?? 40);
/** Floating-point slack on time comparisons (ms). */
const EPS = 1e-6;

function run(scenario: Scenario, options: SimulationOptions = {}) {
  return simulateReplicationDetailed(scenario, 0, scenario.balancer, options);
}

function hcConfig(s: Scenario) {
  const { checker: _checker, jitter, ...rest } = s.healthCheck!;
  return resolveActiveHealthCheckConfig(definedOnly({ ...rest, intervalJitter: jitter }));
}

/** Round trip of a check (2 × the constant network latency of the generated scenarios). */
function roundTrip(s: Scenario): number {
  const latency = s.network?.latency;
  return latency?.dist === 'constant' ? 2 * latency.value : 0;
}

/** The checkers of a scenario with active health checks: -1 for the central one, else each client. */
function checkers(s: Scenario): number[] {
  return s.healthCheck!.checker === 'central' ? [-1] : [...Array(s.clients.count).keys()];
}

/** Runs that reach a property's assertion, out of all runs: the share must not be small. */
class Reach {
  private runs = 0;
  private reached = 0;
  count(reached: boolean): void {
    this.runs++;
    if (reached) this.reached++;
  }
  expectShare(min: number, what: string): void {
    expect(this.runs).toBeGreaterThan(0);
    expect(this.reached / this.runs, `${what}: ${this.reached} of ${this.runs} runs`).toBeGreaterThanOrEqual(min);
  }
}

/** Whether an instance left some client's rotation before `time`. */
function outOfRotationBefore(events: readonly SimEvent[], time: number): boolean {
  return events.some((e) => e.time <= time && (e.kind === 'hc_unhealthy' || e.kind === 'ejected' || e.kind === 'suspected' || e.kind === 'accrual_open'));
}

describe('conservation, counted from per-request hooks', () => {
  const faulty = scenarioArbitrary({ faults: (n, d) => fc.array(arbitraryFault(n, d), { minLength: 1, maxLength: 4 }) });

  it('1. every request arrives once and ends at most once; the ends add up to the metrics; retries are counted apart', () => {
    const reach = new Reach();
    fc.assert(
      fc.property(faulty, (s) => {
        const { trace, hooks } = tracing();
        const m = run(s, hooks).metrics;
        expect(conservationViolations(trace, m)).toEqual([]);
        expect(m.T).toBe(m.arrived); // no warm-up here
        reach.count(trace.ends.length > 0 && trace.ends.some((e) => e.outcome !== 0));
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.6, 'runs with a failed request');
  });

  it('catches a request that ends twice, a missing end and a miscount', () => {
    const m = { arrived: 2, T: 2, completed: 2, rejected: 0, timedOut: 0, failed: 0, inFlightAtEnd: 0, retries: { sent: 0, budgetRefused: 0, attempts: 2 } } as unknown as ReplicationMetrics;
    const trace: RequestTrace = {
      starts: [{ id: 0, client: 0, time: 0 }, { id: 1, client: 0, time: 1 }],
      ends: [{ id: 0, client: 0, time: 2, outcome: 0, counted: true }, { id: 1, client: 0, time: 3, outcome: 0, counted: true }],
      retries: [],
    };
    expect(conservationViolations(trace, m)).toEqual([]);
    const twice = { ...trace, ends: [...trace.ends, { id: 1, client: 0, time: 4, outcome: 0 as const, counted: true }] };
    expect(conservationViolations(twice, m)).toContain('request 1 ended twice');
    const lost = { ...trace, ends: trace.ends.slice(0, 1) };
    expect(conservationViolations(lost, m).join('\n')).toMatch(/completed: 1 ends seen, 2 reported/);
  });

  it('2. determinism: same inputs give identical events and metrics', () => {
    fc.assert(
      fc.property(faulty, (s) => {
        const a = run(s);
        const b = run(s);
        expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
        expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('active health checking (bounds of src/detect/active-health-check.ts)', () => {
  it('3. a hung instance is marked unhealthy by every checker within U·(τ + I*) + the check round trip (detectionBoundTight)', () => {
    // detectionBoundTight: U failing checks, each within τ + I*. The simulator decides a check's
    // result when it is sent, so a check sent just before the hang still succeeds: its round trip
    // comes first.
    const hangs = (n: number, d: number) =>
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 2000, max: Math.max(2000, d - 25_000) })).map(([instance, at]) => [{ kind: 'hang' as const, instance, at }]);
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { healthCheck: true, outlierDetection: false, heartbeat: false, liveness: false }, faults: hangs, duration: { min: 35, max: 45 }, maxLoad: 0.3 }), (s) => {
        const hang = s.faults[0]! as { instance: number; at: number };
        const bound = detectionBoundTight(hcConfig(s)) + roundTrip(s);
        const r = run(s);
        fc.pre(r.metrics.simulatedTime - hang.at >= bound);
        for (const checker of checkers(s)) {
          const marked = r.events.find((e) => e.kind === 'hc_unhealthy' && e.instance === hang.instance && e.client === checker && e.time >= hang.at);
          expect(marked, `checker ${checker} never marked instance ${hang.instance}`).toBeDefined();
          expect(marked!.time - hang.at).toBeLessThanOrEqual(bound + EPS);
        }
        reach.count(true);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(1, 'runs checked');
  });

  it('4. a healed instance is back in rotation within τ + I* + H·τ + (H − 1)·Ihe* of serving again (recoveryBoundTight)', () => {
    const healing = (n: number) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 2000, max: 8000 }), fc.integer({ min: 500, max: 15_000 }), fc.constantFrom('hang' as const, 'crash' as const))
        .map(([instance, at, span, kind]) => [{ kind, instance, at, for: span }]);
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { healthCheck: true, outlierDetection: false, heartbeat: false, liveness: false }, faults: healing, duration: { min: 50, max: 60 }, maxLoad: 0.3 }), (s) => {
        const f = s.faults[0]! as { kind: 'hang' | 'crash'; instance: number; at: number; for: number };
        const bound = recoveryBoundTight(hcConfig(s));
        const r = run(s);
        // When the instance serves again: the hang's end, or the restart's completion.
        const healed = f.kind === 'hang' ? f.at + f.for : r.events.find((e) => e.kind === 'started' && e.instance === f.instance)?.time;
        fc.pre(healed !== undefined && r.metrics.simulatedTime - healed >= bound);
        let readmitted = false;
        for (const checker of checkers(s)) {
          const events = r.events.filter((e) => (e.kind === 'hc_unhealthy' || e.kind === 'hc_healthy') && e.instance === f.instance && e.client === checker);
          const lastBefore = events.filter((e) => e.time <= healed!).at(-1);
          if (lastBefore?.kind !== 'hc_unhealthy') continue; // never taken out: nothing to heal
          const back = events.find((e) => e.kind === 'hc_healthy' && e.time >= healed!);
          expect(back, `checker ${checker} never readmitted instance ${f.instance}`).toBeDefined();
          expect(back!.time - healed!).toBeLessThanOrEqual(bound + EPS);
          readmitted = true;
        }
        reach.count(readmitted);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.5, 'runs where a checker had taken the instance out before it healed');
  });
});

describe('rotation and outlier detection', () => {
  it("5. no pick goes to an instance out of the client's rotation unless the balancer picked in panic, by its own rule", () => {
    const reach = new Reach();
    let panicPicksOutOfRotation = 0;
    const detected = scenarioArbitrary({ force: { outlierDetection: true }, faults: (n, d) => fc.array(arbitraryFault(n, d), { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(detected, (s) => {
        let violations = 0;
        let lastPick = -Infinity;
        const r = run(s, {
          onPick: (p) => {
            lastPick = p.time;
            if (!p.eligible && !p.panic) violations++;
            if (!p.eligible && p.panic) panicPicksOutOfRotation++;
          },
        });
        expect(violations).toBe(0);
        reach.count(outOfRotationBefore(r.events, lastPick));
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.5, 'runs with an instance out of rotation while picks went on');
    expect(panicPicksOutOfRotation, 'picks of out-of-rotation instances in panic, over all runs').toBeGreaterThan(0);
  });

  it('6. ejections never exceed max ejection percent at the moment of ejection', () => {
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { outlierDetection: true }, faults: failing }), (s) => {
        const config = resolveOutlierDetectorConfig(definedOnly(s.outlierDetection!));
        const cap = Math.max(Math.floor((s.service.instances * config.maxEjectionPercent) / 100), config.alwaysEjectOneHost ? 1 : 0);
        const active = new Map<number, Set<number>>();
        let decisions = 0;
        for (const e of run(s).events) {
          if (e.kind === 'ejection_overflow') decisions++;
          if (e.kind !== 'ejected' && e.kind !== 'unejected') continue;
          const set = active.get(e.client) ?? new Set<number>();
          active.set(e.client, set);
          if (e.kind === 'ejected') {
            decisions++;
            set.add(e.instance);
            expect(set.size).toBeLessThanOrEqual(cap);
          } else {
            set.delete(e.instance);
          }
        }
        reach.count(decisions > 0);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.5, 'runs with an ejection, or one the cap refused');
  });

  it('7. no ejection lasts longer than max ejection time (+ jitter) + one interval', () => {
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { outlierDetection: true, healthCheck: false }, faults: failing }), (s) => {
        const config = resolveOutlierDetectorConfig(definedOnly(s.outlierDetection!));
        const bound = config.maxEjectionTime + config.maxEjectionTimeJitter + config.interval;
        const r = run(s);
        const since = new Map<string, number>();
        let ejections = 0;
        for (const e of r.events) {
          const key = `${e.client}/${e.instance}`;
          if (e.kind === 'ejected') {
            since.set(key, e.time);
            ejections++;
          }
          if (e.kind === 'unejected') {
            expect(e.time - since.get(key)!).toBeLessThanOrEqual(bound + EPS);
            since.delete(key);
          }
        }
        // Still ejected at the end: the run must not have gone on past the bound.
        for (const start of since.values()) expect(r.metrics.simulatedTime - start).toBeLessThanOrEqual(bound + EPS);
        reach.count(ejections > 0);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.3, 'runs with an ejection');
  });
});

describe('retries', () => {
  it('8. concurrent retries per client never exceed the budget, counted independently; refusals only at the limit', () => {
    const reach = new Reach();
    let refusals = 0;
    fc.assert(
      fc.property(scenarioArbitrary({ force: { retries: true }, faults: failing }), (s) => {
        const retries = s.retries!;
        // Envoy: max(min_retry_concurrency, ⌊percent/100 × active requests⌋) with a budget, else max_retries.
        const limit = (active: number) =>
          retries.budget === undefined ? retries.maxRetries : Math.max(retries.budget.minConcurrency, Math.floor((retries.budget.percent / 100) * active));
        const active = new Map<number, number>(); // requests in flight per client
        const retrying = new Map<number, Set<number>>(); // requests with a retry in progress, per client
        const retryingOf = (client: number) => retrying.get(client) ?? retrying.set(client, new Set()).get(client)!;
        const retriesOf = new Map<number, number>();
        let admitted = 0;
        const m = run(s, {
          onRequestStart: (r) => active.set(r.client, (active.get(r.client) ?? 0) + 1),
          onRequestEnd: (e) => {
            active.set(e.client, active.get(e.client)! - 1);
            retryingOf(e.client).delete(e.id);
          },
          // A retry is in progress from its scheduling until its attempt ends (or its request does).
          onAttemptEnd: (a) => retryingOf(a.client).delete(a.request),
          onRetry: (r) => {
            const mine = retryingOf(r.client);
            const allowed = limit(active.get(r.client)!);
            expect(r.allowed).toBe(allowed);
            if (r.refused) {
              refusals++;
              expect(mine.size).toBeGreaterThanOrEqual(allowed);
              expect(r.activeRetries).toBe(mine.size);
              return;
            }
            mine.add(r.request);
            admitted++;
            retriesOf.set(r.request, (retriesOf.get(r.request) ?? 0) + 1);
            expect(mine.size).toBeLessThanOrEqual(allowed);
            expect(r.activeRetries).toBe(mine.size);
          },
        }).metrics;
        for (const count of retriesOf.values()) expect(count).toBeLessThanOrEqual(retries.attempts);
        expect(m.retries.maxAttemptsPerRequest).toBeLessThanOrEqual(1 + retries.attempts);
        reach.count(admitted > 0);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.5, 'runs with a retry');
    expect(refusals, 'budget refusals over all runs').toBeGreaterThan(0);
  });
});

describe('restarts (Kubernetes CrashLoopBackOff, src/recovery/crash-loop-backoff.ts)', () => {
  it('9. restart delays follow the back-off exactly: 0, initial, 2·initial, … capped at max, back to 0 after resetAfter', () => {
    // Two crash loops on one instance with a quiet gap between them; the back-off parameters,
    // uptimes and startup times are random, so runs reach the cap, and the reset, or both.
    const loops = (n: number) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 50, max: 3000 }), fc.integer({ min: 3000, max: 25_000 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 50, max: 3000 }))
        .map(([instance, uptime, span, gap, uptime2]) => [
          { kind: 'crashloop' as const, instance, at: 1000, for: span, uptime },
          { kind: 'crashloop' as const, instance, at: 1000 + span + gap, uptime: uptime2 },
        ]);
    const capped = new Reach();
    const reset = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { liveness: false }, faults: loops, duration: { min: 40, max: 60 }, maxLoad: 0.2 }), (s) => {
        const { initial, max, resetAfter } = s.restart.backoff;
        const instance = (s.faults[0] as { instance: number }).instance;
        // client-go's flowcontrol.Backoff as the kubelet uses it, written out independently.
        let entry = false;
        let backoff = 0;
        let lastUpdate = NaN;
        const onExit = (t: number) => {
          if (!entry || t - lastUpdate > resetAfter) {
            entry = true;
            backoff = Math.min(initial, max);
            lastUpdate = t;
            return t;
          }
          const at = t + backoff;
          backoff = Math.min(2 * backoff, max);
          lastUpdate = at;
          return at;
        };
        let exitedAt = NaN;
        let expected = NaN;
        let exits = 0;
        let hitCap = false;
        let hitReset = false;
        for (const e of run(s).events.filter((e) => e.instance === instance)) {
          if (e.kind === 'crash') {
            exitedAt = e.time;
            expected = onExit(e.time);
            exits++;
          }
          if (e.kind === 'restart') {
            expect(e.time).toBeCloseTo(expected, 6);
            const delay = e.time - exitedAt;
            if (max >= initial && Math.abs(delay - max) < EPS && exits > 1) hitCap = true;
            if (delay === 0 && exits > 1) hitReset = true;
            lastUpdate = e.time; // the kubelet counts the reset window from the real restart
          }
        }
        capped.count(hitCap);
        reset.count(hitReset);
      }),
      { numRuns: RUNS },
    );
    capped.expectShare(0.25, 'runs whose delays reached the cap');
    reset.expectShare(0.25, 'runs whose back-off was reset');
  });
});

describe('heartbeats (src/detect/phi-accrual.ts, heartbeat-timeout.ts)', () => {
  it('10. a crash is suspected exactly when the detector crosses its threshold after the last heartbeat', () => {
    const crashes = (n: number, d: number) =>
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 3000, max: Math.max(3000, d - 20_000) })).map(([instance, at]) => [{ kind: 'crash' as const, instance, at, for: 60_000 }]);
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ force: { heartbeat: true, liveness: false }, faults: crashes, duration: { min: 30, max: 40 }, maxLoad: 0.2 }), (s) => {
        const crash = s.faults[0] as { instance: number; at: number };
        const hb = s.heartbeat!;
        // Heartbeats at interval, 2·interval, … until the crash (one due at the crash instant is lost).
        const beats = Math.ceil(crash.at / hb.interval) - 1;
        const last = beats * hb.interval;
        const expected = last + suspicionDelay(hb, beats);
        const r = run(s);
        fc.pre(r.metrics.simulatedTime > expected);
        // At the last heartbeat it is unsuspected; the first suspicion after it is the one.
        const suspected = r.events.find((e: SimEvent) => e.kind === 'suspected' && e.instance === crash.instance && e.time > last);
        expect(suspected).toBeDefined();
        expect(Math.abs(suspected!.time - expected)).toBeLessThanOrEqual(1e-6 * expected);
        reach.count(true);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(1, 'runs checked');
  });
});

describe('deadlines and recovery', () => {
  it('11. no request succeeds after its deadline; 0 ≤ R ≤ 1 and r never exceeds the requests that met a failure', () => {
    const reach = new Reach();
    fc.assert(
      fc.property(scenarioArbitrary({ faults: (n, d) => fc.array(arbitraryFault(n, d), { minLength: 1, maxLength: 4 }) }), (s) => {
        const m = run(s).metrics;
        if (s.timeout !== undefined && m.completed > 0) expect(m.latency.max).toBeLessThanOrEqual(s.timeout + EPS);
        if (m.T > 0) {
          expect(m.R).toBeGreaterThanOrEqual(0);
          expect(m.R).toBeLessThanOrEqual(1);
        }
        expect(m.recovery.recoveredRequests).toBeLessThanOrEqual(m.recovery.requestsMeetingFailure);
        reach.count(s.timeout !== undefined && m.completed > 0 && m.recovery.requestsMeetingFailure > 0);
      }),
      { numRuns: RUNS },
    );
    reach.expectShare(0.3, 'runs with a deadline, successes and failed attempts');
  });
});

/** Faults that make requests fail (crashes, error bursts, data-path cuts), one to three of them. */
function failing(n: number, d: number) {
  const instance = fc.integer({ min: 0, max: n - 1 });
  const at = fc.integer({ min: 1000, max: Math.max(1000, Math.floor(d / 2)) });
  const one = fc.oneof(
    fc.tuple(instance, at).map(([i, t]) => ({ kind: 'errors' as const, instance: i, at: t, for: 5000, rate: 0.9 })),
    fc.tuple(instance, at).map(([i, t]) => ({ kind: 'crash' as const, instance: i, at: t, for: 4000 })),
    fc.tuple(instance, at).map(([i, t]) => ({ kind: 'partition' as const, instance: i, at: t, for: 3000, path: 'data' as const })),
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

/**
 * The detector's delay from the last heartbeat to suspicion, written out from Akka's definition:
 * after `beats` steady heartbeats the history holds m₀ ∓ ⌊m₀/4⌋ and beats − 1 exact intervals
 * (the last maxSampleSize of them), and φ reaches the threshold at
 * mean + acceptable pause + y*·max(σ, minStdDeviation), y* the threshold's quantile.
 */
function suspicionDelay(hb: NonNullable<Scenario['heartbeat']>, beats: number): number {
  const detector = hb.detector;
  if (detector.kind === 'timeout') return detector.after;
  const config = resolvePhiAccrualConfig(
    definedOnly({ threshold: detector.threshold, maxSampleSize: detector.maxSampleSize, minStdDeviation: detector.minStdDeviation, acceptableHeartbeatPause: detector.acceptablePause }),
  );
  const m0 = Math.floor(hb.interval);
  const samples = [m0 - Math.floor(m0 / 4), m0 + Math.floor(m0 / 4), ...Array<number>(Math.max(0, beats - 1)).fill(hb.interval)].slice(-config.maxSampleSize);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const variance = Math.max(0, samples.reduce((a, b) => a + b * b, 0) / samples.length - mean * mean);
  const sigma = Math.max(Math.sqrt(variance), config.minStdDeviation);
  return mean + config.acceptableHeartbeatPause + phiQuantile(config.threshold) * sigma;
}

function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
