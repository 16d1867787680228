/**
 * The acceptance checks of `meshsim check`, shared by `meshsim validate` (full mode: the
 * figures docs/check.md quotes) and the test suite (quick mode: fewer seeds and runs, seconds).
 * Each planted weakness is a small scenario (a few instances, low rates, short runs: a
 * simulation takes milliseconds) whose SLO a known schedule breaks:
 *
 * - a health check too slow for a hang (30 s interval against a 15 s detection bound): found
 *   within 200 runs and shrunk to exactly one hang of instance 0 lasting 16 s, the shortest
 *   the grid allows above the bound;
 * - a crash with an outlier detector that cannot eject (maxEjectionPercent 10 of 3 hosts):
 *   shrunk to one crash no longer than twice the analytic minimum, the outage that fails 1 %
 *   of a 10 s window when a third of the traffic goes to the dead instance, (1 − 0.99)·10 s·3;
 * - a retry storm without a budget: found and shrunk to at most two faults; with Envoy's retry
 *   budget (20 %, minConcurrency 1) the same fault space holds over the whole budget;
 * - the needle: two hangs on 2 of 3 instances must overlap for about 8 s before a 20 s window
 *   loses 15 % (retries mask one hang), which random search rarely draws; annealing finds it
 *   in at least 8 of 10 search seeds within 1,000 runs, and more often than random search;
 * - a known-safe configuration (16 instances, retries, outlier detection, one fault at a
 *   time): holds over the budget with every guarantee's margin above 0, every fault kind
 *   tried, and the rule-of-three bound 3/runs;
 * - the zero-fault case: an SLO the fault-free run already breaks is a counterexample with no
 *   faults.
 * ../shared/reference/guarantee-search.md §7 lists them.
 */
import { checkScenario, type CheckOutcome } from '../check/search.js';
import { inProcessJudge } from '../check/judge.js';
import { resolveScenario } from '../scenario/load.js';
import type { FaultSpec, Scenario } from '../scenario/schema.js';
import type { CheckMode } from './checks.js';

export interface SearchCheckOutcome {
  readonly id: string;
  readonly title: string;
  /** What must hold, in words. */
  readonly claim: string;
  /** What the check measured, in words. */
  readonly measured: string;
  readonly pass: boolean;
  /** Simulations run, all searches together. */
  readonly simulations: number;
}

export interface SearchCheck {
  readonly id: string;
  readonly title: string;
  run(mode: CheckMode): Promise<SearchCheckOutcome>;
}

function scenarioOf(input: Record<string, unknown>): Scenario {
  return resolveScenario(input).scenario;
}

/** Runs the search on `scenario` with search seed `seed`, in this thread. */
export async function searchWithSeed(scenario: Scenario, seed: number, search: Record<string, unknown> = {}): Promise<CheckOutcome> {
  const s = scenarioOf({ ...scenario, search: { ...scenario.search, ...search, seed } });
  return checkScenario(s, { runner: inProcessJudge(s) });
}

function simulations(outcomes: readonly CheckOutcome[]): number {
  return outcomes.reduce((sum, o) => sum + Object.values(o.search.runs).reduce((a, b) => a + b, 0), 0);
}

function seeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

const SMALL_SERVICE = { serviceTime: { dist: 'exponential', mean: '10ms' } };

/** Planted: active health checks every 30 s cannot eject a hung instance within 15 s. */
export const SLOW_HEALTH_CHECK = scenarioOf({
  name: 'planted-slow-health-check',
  seed: 3,
  duration: '60s',
  warmup: '5s',
  arrivals: { kind: 'poisson', rate: 100 },
  service: { instances: 8, ...SMALL_SERVICE },
  timeout: '1s',
  balancer: { kind: 'round_robin' },
  healthCheck: { interval: '30s', timeout: '1s', unhealthyThreshold: 3, healthyThreshold: 1 },
  slo: ['detection.timeToEject <= 15s per fault'],
  faultSpace: {
    kinds: { hang: { for: ['1s', '30s'] }, crash: { for: ['1s', '40s'] }, slow: { for: ['1s', '30s'], factor: [2, 10] } },
    maxFaults: 3,
  },
  search: { runs: 200 },
});

/** Planted: outlier detection with maxEjectionPercent 10 of 3 hosts never ejects (a third is over 10 %). */
export const CRASH_WITHOUT_EJECTION = scenarioOf({
  name: 'planted-crash-without-ejection',
  seed: 5,
  duration: '40s',
  warmup: '5s',
  arrivals: { kind: 'poisson', rate: 60 },
  service: { instances: 3, ...SMALL_SERVICE },
  timeout: '1s',
  balancer: { kind: 'round_robin' },
  outlierDetection: { consecutive5xx: 3, interval: '1s', baseEjectionTime: '10s', maxEjectionPercent: 10 },
  slo: ['availability >= 99% per 10s'],
  faultSpace: {
    kinds: { crash: { for: ['100ms', '20s'] }, hang: { for: ['100ms', '20s'] }, slow: { for: ['1s', '20s'], factor: [2, 10] } },
    grid: '100ms',
    maxFaults: 3,
  },
  search: { runs: 200 },
});

/** The shortest crash that fails more than 1 % of a 10 s window with a third of the traffic on it: (1 − 0.99)·10 s·3, in ms. */
export const CRASH_ANALYTIC_MINIMUM = 300;

function retryStorm(budget: boolean): Scenario {
  return scenarioOf({
    name: budget ? 'retry-budget' : 'planted-retry-storm',
    seed: 9,
    duration: '30s',
    warmup: '5s',
    arrivals: { kind: 'poisson', rate: 100 },
    service: { instances: 8, queueLimit: 20, ...SMALL_SERVICE },
    network: { latency: { dist: 'constant', value: '40ms' } },
    timeout: '1s',
    balancer: { kind: 'random' },
    retries: {
      attempts: 3,
      perTryTimeout: '250ms',
      retryOn: ['5xx', 'reset', 'connect-failure'],
      ...(budget ? { budget: { percent: 20, minConcurrency: 1 } } : { maxRetries: 1000 }),
    },
    slo: ['retries.share <= 20% per 10s'],
    faultSpace: {
      kinds: { errors: { for: ['1s', '20s'], rate: [0.1, 1], size: [1, 2] }, crash: { for: ['1s', '20s'] }, hang: { for: ['1s', '20s'] } },
      maxFaults: 2,
    },
    search: { runs: 200 },
  });
}
/** Planted: every failed attempt retried up to 3 times, with no limit on concurrent retries. */
export const RETRY_STORM = retryStorm(false);
/** The same with Envoy's retry budget: concurrent retries ≤ max(1, 20 % of active requests). */
export const RETRY_BUDGET = retryStorm(true);

/**
 * The needle: retries on a per-try timeout mask one hung instance of 3, but while two hang, a
 * third of the requests fail, and a 20 s window loses 15 % only after about 8 s of overlap.
 */
export const NEEDLE = scenarioOf({
  name: 'needle-two-hangs',
  seed: 2,
  duration: '300s',
  warmup: '5s',
  arrivals: { kind: 'poisson', rate: 10 },
  service: { instances: 3, ...SMALL_SERVICE },
  timeout: '2s',
  balancer: { kind: 'round_robin' },
  retries: { attempts: 1, perTryTimeout: '200ms', retryOn: ['timeout', '5xx', 'reset', 'connect-failure'], maxRetries: 1000 },
  slo: ['availability >= 85% per 20s'],
  faultSpace: {
    kinds: { hang: { for: ['1s', '10s'] }, slow: { for: ['1s', '10s'], factor: [2, 5] } },
    grid: '500ms',
    maxFaults: 2,
  },
  search: { runs: 1000 },
});

/** 16 instances with retries (per-try timeout), outlier detection and one fault at a time. */
export function knownSafe(runs: number): Scenario {
  return scenarioOf({
    name: 'known-safe',
    seed: 21,
    duration: '20s',
    warmup: '4s',
    clients: { count: 2 },
    arrivals: { kind: 'poisson', rate: 80 },
    service: { instances: 16, ...SMALL_SERVICE },
    timeout: '1s',
    balancer: { kind: 'least_request' },
    retries: { attempts: 2, perTryTimeout: '200ms', retryOn: ['5xx', 'reset', 'connect-failure', 'timeout'] },
    outlierDetection: { consecutive5xx: 3, interval: '1s', baseEjectionTime: '10s', maxEjectionPercent: 20 },
    slo: ['availability >= 99% per 10s', 'latency.p99 <= 800ms per 10s', 'lost == 0 over run'],
    faultSpace: {
      kinds: {
        crash: { for: ['1s', '12s'] },
        hang: { for: ['1s', '12s'] },
        slow: { for: ['1s', '12s'], factor: [2, 10] },
        errors: { for: ['1s', '12s'], rate: [0.1, 1] },
      },
      maxFaults: 1,
    },
    search: { runs, strategy: 'off' },
  });
}

/** An SLO the fault-free run breaks: a p50 under half the mean service time. */
export const ZERO_FAULT = scenarioOf({
  name: 'zero-fault',
  seed: 4,
  duration: '20s',
  warmup: '2s',
  arrivals: { kind: 'poisson', rate: 50 },
  service: { instances: 4, ...SMALL_SERVICE },
  balancer: { kind: 'round_robin' },
  slo: ['latency.p50 <= 5ms per 10s'],
  faultSpace: { kinds: { crash: { for: ['1s', '5s'] } } },
  search: { runs: 50 },
});

const describeFaults = (faults: readonly FaultSpec[]) =>
  faults.map((f) => `${f.kind}${'instance' in f && f.instance !== undefined ? `@${f.instance}` : ''}${'for' in f && f.for !== undefined ? ` ${f.for / 1000}s` : ''}`).join(' + ') || 'none';

export const SEARCH_CHECKS: readonly SearchCheck[] = [
  {
    id: 'slow-health-check',
    title: 'planted: health checks every 30 s against a 15 s detection bound',
    async run(mode) {
      const outcomes = await Promise.all(seeds(mode === 'quick' ? 3 : 10).map((s) => searchWithSeed(SLOW_HEALTH_CHECK, s)));
      const found = outcomes.filter((o) => o.status === 'violated');
      const minimal = found.filter((o) => {
        const f = o.counterexample!.faults;
        return f.length === 1 && f[0]!.kind === 'hang' && 'instance' in f[0]! && f[0].instance === 0 && f[0].for === 16_000;
      });
      const needed = mode === 'quick' ? outcomes.length : 9;
      return {
        id: this.id,
        title: this.title,
        claim: `found within 200 runs for ≥ ${needed} of ${outcomes.length} search seeds, each shrunk to one 16 s hang of instance 0`,
        measured: `found ${found.length}/${outcomes.length}, ${minimal.length} shrunk to one 16 s hang of instance 0 (${[...new Set(found.map((o) => describeFaults(o.counterexample!.faults)))].join('; ')})`,
        pass: found.length >= needed && minimal.length === found.length,
        simulations: simulations(outcomes),
      };
    },
  },
  {
    id: 'crash-without-ejection',
    title: 'planted: outlier detection that cannot eject 1 of 3 hosts (maxEjectionPercent 10)',
    async run(mode) {
      const outcomes = await Promise.all(seeds(mode === 'quick' ? 3 : 10).map((s) => searchWithSeed(CRASH_WITHOUT_EJECTION, s)));
      const durations = outcomes.flatMap((o) => (o.status === 'violated' && o.counterexample!.faults.length === 1 && o.counterexample!.faults[0]!.kind === 'crash' ? [o.counterexample!.faults[0]!.for!] : []));
      const within = durations.filter((d) => d >= CRASH_ANALYTIC_MINIMUM && d <= 2 * CRASH_ANALYTIC_MINIMUM);
      return {
        id: this.id,
        title: this.title,
        claim: `every seed finds it and shrinks it to one crash lasting ${CRASH_ANALYTIC_MINIMUM / 1000}–${(2 * CRASH_ANALYTIC_MINIMUM) / 1000} s (analytic minimum to twice it)`,
        measured: `${durations.length}/${outcomes.length} shrunk to one crash; durations ${durations.map((d) => `${d / 1000}s`).join(', ')}`,
        pass: within.length === outcomes.length,
        simulations: simulations(outcomes),
      };
    },
  },
  {
    id: 'retry-storm',
    title: 'planted: retries without a budget; the same with Envoy’s retry budget',
    async run(mode) {
      const storms = await Promise.all(seeds(mode === 'quick' ? 2 : 10).map((s) => searchWithSeed(RETRY_STORM, s)));
      const small = storms.filter((o) => o.status === 'violated' && o.counterexample!.faults.length <= 2);
      const budgetRuns = mode === 'quick' ? 150 : 2000;
      const budget = await searchWithSeed(RETRY_BUDGET, 1, { runs: budgetRuns });
      return {
        id: this.id,
        title: this.title,
        claim: `without a budget: found within 200 runs and shrunk to ≤ 2 faults for every seed; with it: holds over ${budgetRuns} runs`,
        measured: `${small.length}/${storms.length} found with ≤ 2 faults; with the budget: ${budget.status}, lowest margin ${budget.worst?.judgement.margin.toFixed(3)}`,
        pass: small.length === storms.length && budget.status === 'held',
        simulations: simulations([...storms, budget]),
      };
    },
  },
  {
    id: 'needle',
    title: 'needle: two hangs overlapping about 8 s on 2 of 3 instances',
    async run(mode) {
      const list = seeds(mode === 'quick' ? 1 : 10);
      const annealed = await Promise.all(list.map((s) => searchWithSeed(NEEDLE, s)));
      const random = mode === 'quick' ? [] : await Promise.all(list.map((s) => searchWithSeed(NEEDLE, s, { strategy: 'off' })));
      const a = annealed.filter((o) => o.status === 'violated').length;
      const r = random.filter((o) => o.status === 'violated').length;
      const needed = mode === 'quick' ? list.length : 8;
      return {
        id: this.id,
        title: this.title,
        claim: mode === 'quick' ? 'annealing finds it within 1,000 runs' : `annealing finds it in ≥ ${needed} of ${list.length} seeds within 1,000 runs, and more often than random search`,
        measured: `annealing ${a}/${list.length}${mode === 'quick' ? '' : `, random only ${r}/${list.length}`}`,
        pass: a >= needed && (mode === 'quick' || a > r),
        simulations: simulations([...annealed, ...random]),
      };
    },
  },
  {
    id: 'known-safe',
    title: 'known-safe: 16 instances, retries, outlier detection, one fault at a time',
    async run(mode) {
      const runs = mode === 'quick' ? 200 : 2000;
      const minTried = mode === 'quick' ? 10 : 100;
      const o = await searchWithSeed(knownSafe(runs), 1);
      const margins = [...o.worstPerGuarantee].map(([name, f]) => f.judgement.guarantees.find((g) => g.name === name)!.margin);
      const tried = Object.values(o.coverage?.perKind ?? {}).map((k) => k.tried);
      return {
        id: this.id,
        title: this.title,
        claim: `holds over ${runs} runs, every kind tried ≥ ${minTried} times, every guarantee's lowest margin > 0, P(violation) ≤ 3/${runs}`,
        measured: `${o.status}; kinds tried ${tried.join('/')}; lowest margins ${margins.map((m) => m.toFixed(3)).join(', ')}; bound ${o.violationRateUpper95}`,
        pass: o.status === 'held' && tried.every((t) => t >= minTried) && margins.every((m) => m > 0) && o.violationRateUpper95 === 3 / runs,
        simulations: simulations([o]),
      };
    },
  },
  {
    id: 'zero-fault',
    title: 'zero-fault: an SLO the fault-free run already breaks',
    async run() {
      const o = await searchWithSeed(ZERO_FAULT, 1);
      return {
        id: this.id,
        title: this.title,
        claim: 'violated by the baseline, with no faults and no search',
        measured: `${o.status}, ${o.counterexample?.faults.length ?? '–'} faults, phase ${o.counterexample?.phase ?? '–'}`,
        pass: o.status === 'violated' && o.counterexample!.faults.length === 0 && o.counterexample!.phase === 'baseline' && o.search.runs.random === 0,
        simulations: simulations([o]),
      };
    },
  },
];
