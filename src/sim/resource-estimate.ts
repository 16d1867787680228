/**
 * A pre-run estimate of the work and memory a scenario asks for, computed from the scenario
 * alone, so that a mistyped rate, count or window (10¹² requests per second, a 1 ns time-series
 * window, 10⁹ zipf keys) is refused before the run instead of running for days or exhausting
 * memory. The CLI compares it with caps the user can raise (src/cli/resource-limits.ts).
 *
 * Periodic work goes on for the whole simulated horizon: the arrivals plus the tail a timeout,
 * a fault or a restart adds (horizonOf).
 *
 * Work is counted in simulated events: about four per request attempt (reach, service done,
 * response, timeout), two per health check or liveness probe, one per heartbeat, one per
 * instance per outlier-detection sweep, two per random fault, one per time-series window, and
 * with active health checks the endpoint changes as every client sees every instance turn
 * healthy at the start: clients × instances of them, each a sorted-list splice for balancers
 * that take updates (updatesIncrementally) or a whole O(instances) rebuild for the others
 * (clients × instances², in event-equivalents of time).
 * With membership (pods that come and go), the per-instance work and memory are over the
 * instance slots (slotCount), and the membership events are counted too: every pod's life
 * (about POD_TRANSITIONS changes, each a membership event and an endpoint update applied by
 * every client), its readiness probes, DNS refreshes per client, and the autoscaler's syncs
 * and metric scrapes. The pods a run sees are the initial ones, a set per rollout, what scale
 * changes add, and for an autoscaler a full turnover of the slots per stabilisation window.
 * Retries are counted at their worst (every attempt made), so the figure is an upper bound.
 *
 * Memory is the peak of one simulation (per-instance, per-client and per-(client, instance)
 * state, key tables, requests in flight, SLO recording steps, recorded events and windows)
 * plus what the results keep until they are written (per-instance counts of every replication,
 * and their text). The per-item sizes were measured with process.memoryUsage() after GC on Node 20 (see
 * docs/benchmarks.md, "Pre-run estimate"); they are rounded up, so the estimate errs high.
 *
 * Cost: O(strategies + faults) per scenario; nothing is allocated per instance.
 */
import type { BalancerConfig } from '../balancers/configs.js';
import { updatesIncrementally } from '../balancers/registry.js';
import { meanArrivalRate } from '../model/arrivals/index.js';
import { distributionMoments } from '../model/distributions/index.js';
import type { KeyPath } from '../scenario/issues.js';
import type { Scenario } from '../scenario/schema.js';
import { totalCapacity } from '../scenario/warnings.js';
import { needsLatency, scenarioSlo, stepsOver } from '../slo/plan.js';
import { hasDynamicMembership, slotCount } from './dynamic-membership.js';
import { runsOnFastPath } from './fast-simulation.js';

/** One contribution to the estimate, with the scenario key that drives it. */
export interface EstimateDriver {
  readonly path: KeyPath;
  /** What it is, for messages: "requests", "health checks", "zipf key table". */
  readonly what: string;
  /** Events, or bytes. */
  readonly amount: number;
}

export interface ResourceEstimate {
  /** Simulated events over every simulation (strategies × replications [× cells]). */
  readonly events: number;
  /** Simulations (one replication of one strategy each). */
  readonly simulations: number;
  /** Events of one simulation by cause, largest first (of the largest simulation). */
  readonly eventDrivers: readonly EstimateDriver[];
  /** Peak bytes of one simulation (the largest). */
  readonly simulationBytes: number;
  readonly memoryDrivers: readonly EstimateDriver[];
  /** Bytes the results of every simulation keep until written, their text included. */
  readonly resultBytes: number;
  /** What makes up resultBytes: the per-instance results, and the recorded details. */
  readonly resultDrivers: readonly EstimateDriver[];
}

export interface EstimateOptions {
  /** Events and time series are recorded (run and compare with faults, or --timeseries). */
  readonly details?: boolean;
}

/** Bytes per item, measured (rounded up) on Node 20: see the module header. */
const BYTES = {
  simulation: 1_000_000,
  instanceFast: 500,
  instanceFull: 800,
  client: 8_000,
  pair: 100,
  pairHealthCheck: 150,
  zipfKey: 32,
  pendingFast: 80,
  pendingFull: 240,
  fault: 150,
  event: 220,
  window: 260,
  resultPerInstance: 130,
  resultPerSimulation: 8_000,
  // Membership: per pod over the run (its models, events and propagation records), per client × slot (the sidecar's view).
  pod: 1_000,
  membershipPair: 150,
  maglevEntry: 8,
  ringEntry: 16,
  // Five counters per step, in arrays that grow by doubling; a step's latencies, a few octaves of 512 B.
  sloStep: 80,
  sloLatencyStep: 1_600,
} as const;

const EVENTS_PER_ATTEMPT = 4;
/** A pod's changes that reach the clients: created, listening, ready, deleting, SIGTERM, exit (and a spare). */
const POD_TRANSITIONS = 7;
/** The time of one endpoint copied in an endpoint-list rebuild, in events (measured: 3.75 µs against 0.33 µs). */
const ENDPOINT_COPY_EVENTS = 10;
/**
 * The time of one endpoint change a balancer takes itself, in events: 5–15 µs measured for
 * least_request and round_robin at 1024 and 8192 endpoints (bench/endpoint-updates.ts, a loaded machine).
 */
const ENDPOINT_UPDATE_EVENTS = 30;

/** The estimate for one scenario run with `strategies` (run, compare, or one sweep cell). */
export function estimateScenario(scenario: Scenario, strategies: readonly BalancerConfig[], options: EstimateOptions = {}): ResourceEstimate {
  const simulations = strategies.length * scenario.replications;
  const details = options.details === true;
  const events = eventsOfOneSimulation(scenario, strategies, details);
  const memory = memoryOfOneSimulation(scenario, strategies, details, events);
  const results: EstimateDriver[] = [
    {
      path: ['replications'],
      what: 'results of every replication',
      amount: simulations * (BYTES.resultPerSimulation + instanceSlots(scenario).n * BYTES.resultPerInstance),
    },
    ...memory.recorded.map((d) => ({ ...d, what: `${d.what} of every replication`, amount: d.amount * simulations })),
  ];
  return {
    events: total(events) * simulations,
    simulations,
    eventDrivers: sorted(events),
    simulationBytes: total(memory.drivers),
    memoryDrivers: sorted(memory.drivers),
    resultBytes: total(results),
    resultDrivers: sorted(results),
  };
}

/** The estimates of several cells (a sweep) as one: events and results add up, the peak is the largest. */
export function combineEstimates(estimates: readonly ResourceEstimate[]): ResourceEstimate {
  const heaviest = largestBy(estimates, (e) => e.events / Math.max(1, e.simulations));
  const biggest = largestBy(estimates, (e) => e.simulationBytes);
  return {
    events: estimates.reduce((sum, e) => sum + e.events, 0),
    simulations: estimates.reduce((sum, e) => sum + e.simulations, 0),
    eventDrivers: heaviest?.eventDrivers ?? [],
    simulationBytes: biggest?.simulationBytes ?? 0,
    memoryDrivers: biggest?.memoryDrivers ?? [],
    resultBytes: estimates.reduce((sum, e) => sum + e.resultBytes, 0),
    resultDrivers: mergeDrivers(estimates.flatMap((e) => e.resultDrivers)),
  };
}

/** Drivers of the same cause (path and what) summed. */
function mergeDrivers(drivers: readonly EstimateDriver[]): EstimateDriver[] {
  const byCause = new Map<string, EstimateDriver>();
  for (const d of drivers) {
    const key = `${d.path.join('.')}|${d.what}`;
    const seen = byCause.get(key);
    byCause.set(key, seen === undefined ? d : { ...d, amount: seen.amount + d.amount });
  }
  return sorted([...byCause.values()]);
}

function largestBy<T>(items: readonly T[], size: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>((best, item) => (best === undefined || size(item) > size(best) ? item : best), undefined);
}

/** Arrivals of one replication and the simulated time they span (ms). */
export function arrivalsOf(scenario: Scenario): { arrivals: number; span: number } {
  const arrivals = scenario.arrivals;
  const rate = meanArrivalRate(arrivals) / 1000;
  if (arrivals.kind === 'trace') {
    const times = arrivals.times ?? [];
    let count = times.length;
    if (scenario.requests !== undefined) count = Math.min(count, scenario.requests);
    if (scenario.duration !== undefined) count = Math.min(count, countUpTo(times, scenario.duration));
    const last = count > 0 ? times[count - 1]! - times[0]! : 0;
    return { arrivals: count, span: Math.max(last, scenario.duration ?? 0) };
  }
  if (scenario.requests !== undefined) return { arrivals: scenario.requests, span: rate > 0 ? scenario.requests / rate : 0 };
  return { arrivals: rate * scenario.duration!, span: scenario.duration! };
}

/**
 * Simulated time a replication spans (ms): the arrivals, then the tail in which the run waits
 * for what is still pending, up to `drain`. A request's timeout timer keeps the run going even
 * after the request has finished (timers are dropped lazily), and faults and restarts may end
 * after the last arrival; periodic checks and time-series windows go on all that time.
 */
export function horizonOf(scenario: Scenario): { horizon: number; tailCause: KeyPath | undefined } {
  const { span } = arrivalsOf(scenario);
  let tail = scenario.timeout ?? 0;
  let cause: KeyPath = ['timeout'];
  scenario.faults.forEach((fault, i) => {
    if ('at' in fault && fault.at + (fault.for ?? 0) - span > tail) {
      tail = fault.at + (fault.for ?? 0) - span;
      cause = ['faults', i];
    }
  });
  const restart = scenario.restart.backoff.max + scenario.restart.startupTime;
  if (scenario.faults.length > 0 && restart > tail) {
    tail = restart;
    cause = ['restart', 'backoff', 'max'];
  }
  if (scenario.drain !== undefined && scenario.drain < tail) {
    tail = scenario.drain;
    cause = ['drain'];
  }
  // The tail is to blame for periodic work when it is longer than the arrivals themselves.
  return { horizon: span + tail, tailCause: tail > span ? cause : undefined };
}

function countUpTo(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! - sorted[0]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The instances a simulation holds: the scenario's, or with membership its instance slots, and
 * the key that sizes them.
 */
function instanceSlots(s: Scenario): { n: number; path: KeyPath } {
  if (!hasDynamicMembership(s)) return { n: s.service.instances, path: ['service', 'instances'] };
  const a = s.autoscaling;
  const path: KeyPath = a?.kind === 'hpa' ? ['autoscaling', 'maxReplicas'] : a?.kind === 'kpa' ? ['autoscaling', 'maxScale'] : ['service', 'instances'];
  return { n: slotCount(s), path };
}

/** The pods a run sees (see the module header), and the key that drives them. */
function podsOverRun(s: Scenario, span: number): { pods: number; path: KeyPath } {
  const { n: slots, path: slotsPath } = instanceSlots(s);
  const a = s.autoscaling;
  const changes = s.membership?.changes ?? [];
  let pods = s.service.instances;
  let replicas = s.service.instances;
  for (const c of changes) {
    if (c.kind === 'rollout') pods += replicas + 1;
    else if (c.kind === 'scale') {
      pods += Math.max(0, c.replicas - replicas);
      replicas = c.replicas;
    } else pods += 1;
  }
  if (a !== undefined) {
    const window = a.kind === 'hpa' ? (a.behavior?.scaleDown?.stabilizationWindow ?? 300_000) : a.stableWindow;
    pods += (slots * span) / Math.max(window, 1000);
  }
  return { pods, path: a !== undefined ? slotsPath : changes.length > 0 ? ['membership', 'changes'] : ['service', 'instances'] };
}

/** What membership adds to one simulation's events (none without it). */
function membershipEvents(s: Scenario, span: number, blame: (own: KeyPath) => KeyPath): EstimateDriver[] {
  if (!hasDynamicMembership(s)) return [];
  const { n: slots } = instanceSlots(s);
  const clients = s.clients.count;
  const m = s.membership;
  const a = s.autoscaling;
  const d = s.discovery;
  const drivers: EstimateDriver[] = [];
  const { pods, path: podPath } = podsOverRun(s, span);
  drivers.push({ path: podPath, what: 'pod changes and endpoint updates', amount: pods * POD_TRANSITIONS * (1 + clients) });
  const period = m?.pod.readiness.period ?? 10_000;
  drivers.push({ path: blame(['membership', 'pod', 'readiness', 'period']), what: 'readiness probes', amount: (slots * span) / period });
  if (d?.kind === 'dns') {
    const refresh = d.client.kind === 'strict-dns' ? d.client.refreshRate : d.client.ttl;
    drivers.push({ path: blame(['discovery', 'client']), what: 'DNS refreshes', amount: (clients * span) / Math.max(refresh, 1) });
  }
  if (a?.kind === 'hpa') {
    const scrapes = (a.metrics.length * span) / a.metricsResolution;
    drivers.push({ path: blame(['autoscaling', 'syncPeriod']), what: 'autoscaler syncs and scrapes', amount: span / a.syncPeriod + scrapes });
  } else if (a?.kind === 'kpa') {
    drivers.push({ path: blame(['autoscaling', 'tickInterval']), what: 'autoscaler syncs and scrapes', amount: span / a.tickInterval + span / 1000 });
  }
  return drivers;
}

function eventsOfOneSimulation(s: Scenario, strategies: readonly BalancerConfig[], details: boolean): EstimateDriver[] {
  const { n } = instanceSlots(s);
  const clients = s.clients.count;
  const { arrivals } = arrivalsOf(s);
  const { horizon: span, tailCause } = horizonOf(s);
  const blame = (own: KeyPath): KeyPath => tailCause ?? own;
  const drivers: EstimateDriver[] = [];
  const attempts = 1 + (s.retries?.attempts ?? 0);
  const requestPath: KeyPath = s.requests !== undefined ? ['requests'] : s.arrivals.kind === 'trace' ? ['arrivals'] : ['arrivals', 'rate'];
  drivers.push({ path: requestPath, what: 'requests', amount: arrivals * attempts * EVENTS_PER_ATTEMPT });
  if (s.arrivals.kind === 'onoff') {
    drivers.push({ path: blame(['arrivals', 'on']), what: 'on/off switches', amount: (2 * span) / (s.arrivals.on + s.arrivals.off) });
  }
  const hc = s.healthCheck;
  if (hc !== undefined) {
    const checkers = hc.checker === 'central' ? 1 : clients;
    const shortest = Math.min(hc.interval, hc.unhealthyInterval ?? Infinity, hc.unhealthyEdgeInterval ?? Infinity, hc.healthyEdgeInterval ?? Infinity);
    drivers.push({ path: blame(['healthCheck', 'interval']), what: 'health checks', amount: (2 * checkers * n * span) / shortest });
    // Every (client, instance) pair turns healthy once at the start. A balancer that takes the
    // change itself splices one endpoint; any other rebuilds its whole list, O(n), about ten
    // events' worth of time per endpoint copied. The slowest strategy sets the figure.
    if (strategies.every(updatesIncrementally)) {
      drivers.push({ path: ['clients', 'count'], what: 'endpoint updates', amount: ENDPOINT_UPDATE_EVENTS * clients * n });
    } else {
      drivers.push({ path: ['clients', 'count'], what: 'endpoint-list rebuilds', amount: ENDPOINT_COPY_EVENTS * clients * n * n });
    }
  }
  if (s.heartbeat !== undefined) drivers.push({ path: blame(['heartbeat', 'interval']), what: 'heartbeats', amount: (n * span) / s.heartbeat.interval });
  if (s.liveness !== undefined) drivers.push({ path: blame(['liveness', 'period']), what: 'liveness probes', amount: (2 * n * span) / s.liveness.period });
  if (s.outlierDetection !== undefined) {
    const interval = s.outlierDetection.interval ?? 10_000;
    drivers.push({ path: blame(['outlierDetection', 'interval']), what: 'outlier-detection sweeps', amount: (clients * n * span) / interval });
  }
  drivers.push(...faultEpisodes(s, span).map((f) => ({ ...f, amount: 2 * f.amount })));
  drivers.push(...membershipEvents(s, span, blame));
  if (details) drivers.push({ path: blame(['timeseries', 'window']), what: 'time-series windows', amount: span / s.timeseries.window });
  return drivers.filter((d) => d.amount > 0);
}

/** Fault episodes of one replication: random faults (MTTF + MTTR per cycle) and crash loops. */
function faultEpisodes(s: Scenario, span: number): EstimateDriver[] {
  const n = s.service.instances;
  const episodes: EstimateDriver[] = [];
  s.faults.forEach((f, i) => {
    if (f.kind === 'random') {
      const targets = f.instances?.length ?? n;
      episodes.push({ path: ['faults', i, 'mttf'], what: 'random faults', amount: (targets * span) / (f.mttf + f.mttr) });
    } else if (f.kind === 'crashloop') {
      const targets = f.instances?.length ?? 1;
      episodes.push({ path: ['faults', i, 'uptime'], what: 'crash-loop restarts', amount: (targets * Math.min(span, f.for ?? span)) / f.uptime });
    } else {
      episodes.push({ path: ['faults', i], what: 'faults', amount: f.kind === 'zone' ? n : ('instances' in f && f.instances ? f.instances.length : 1) });
    }
  });
  return episodes;
}

function memoryOfOneSimulation(
  s: Scenario,
  strategies: readonly BalancerConfig[],
  details: boolean,
  events: readonly EstimateDriver[],
): { drivers: EstimateDriver[]; recorded: EstimateDriver[] } {
  const { n, path: instancesPath } = instanceSlots(s);
  const clients = s.clients.count;
  const fast = !details && runsOnFastPath(s, {});
  const drivers: EstimateDriver[] = [{ path: [], what: 'engine', amount: BYTES.simulation }];
  drivers.push({ path: instancesPath, what: hasDynamicMembership(s) ? 'per-slot state' : 'per-instance state', amount: n * (fast ? BYTES.instanceFast : BYTES.instanceFull) });
  const perPair = BYTES.pair + (s.healthCheck !== undefined && s.healthCheck.checker !== 'central' ? BYTES.pairHealthCheck : 0);
  drivers.push({ path: ['clients', 'count'], what: 'per-client state', amount: clients * (BYTES.client + n * perPair + balancerTable(strategies, n)) });
  if (hasDynamicMembership(s)) {
    const { pods, path } = podsOverRun(s, horizonOf(s).horizon);
    drivers.push({ path, what: 'pods and their records', amount: pods * BYTES.pod });
    drivers.push({ path: ['clients', 'count'], what: 'sidecar views', amount: clients * n * BYTES.membershipPair });
  }
  const keys = s.arrivals.keys;
  if (keys?.kind === 'zipf') drivers.push({ path: ['arrivals', 'keys', 'count'], what: 'zipf key table', amount: keys.count * BYTES.zipfKey });
  // The SLO (the scenario's, or the default one) counts requests per step of the counted span.
  const { objectives } = scenarioSlo(s);
  const counted = Math.max(0, arrivalsOf(s).span - s.warmup);
  const steps = objectives.length === 0 ? 0 : stepsOver(objectives, counted);
  const latencySteps = needsLatency(objectives) ? Math.min(steps, arrivalsOf(s).arrivals) : 0;
  drivers.push({ path: ['slo'], what: 'SLO recording steps', amount: steps * BYTES.sloStep + latencySteps * BYTES.sloLatencyStep });
  drivers.push({ path: ['arrivals', 'rate'], what: 'requests in flight', amount: peakInFlight(s) * (fast ? BYTES.pendingFast : BYTES.pendingFull) });
  const { horizon, tailCause } = horizonOf(s);
  const episodes = faultEpisodes(s, horizon);
  const faults = episodes.reduce((sum, f) => sum + f.amount, 0);
  const heaviestFault = [...episodes].sort((a, b) => b.amount - a.amount)[0];
  if (faults > 0) drivers.push({ path: heaviestFault!.path, what: 'fault records', amount: faults * BYTES.fault });
  // Events and time series are built during the simulation and kept until written.
  const recorded: EstimateDriver[] = [];
  if (details) {
    const windows = events.find((e) => e.what === 'time-series windows')?.amount ?? 0;
    // Every fault and detector change is an event, per client for the detectors.
    const logged = faults * 2 * (1 + clients);
    recorded.push({ path: tailCause ?? ['timeseries', 'window'], what: 'time-series windows', amount: windows * BYTES.window });
    if (logged > 0) recorded.push({ path: heaviestFault!.path, what: 'recorded events', amount: logged * BYTES.event });
    // Membership logs each pod change, each client's endpoint update and each autoscaler decision.
    const pods = events.find((e) => e.what === 'pod changes and endpoint updates');
    const decisions = events.find((e) => e.what === 'autoscaler syncs and scrapes')?.amount ?? 0;
    if (pods !== undefined) recorded.push({ path: pods.path, what: 'recorded membership events', amount: (pods.amount + decisions) * BYTES.event });
  }
  drivers.push(...recorded);
  return { drivers: drivers.filter((d) => d.amount > 0), recorded: recorded.filter((d) => d.amount > 0) };
}

/** Lookup tables a hashing balancer builds per client: the largest among the strategies. */
function balancerTable(strategies: readonly BalancerConfig[], n: number): number {
  let bytes = 0;
  for (const strategy of strategies) {
    if (strategy.kind === 'maglev') bytes = Math.max(bytes, strategy.tableSize * BYTES.maglevEntry);
    if (strategy.kind === 'ring_hash') {
      const entries = Math.min(strategy.maximumRingSize * n, Math.max(strategy.minimumRingSize, n));
      bytes = Math.max(bytes, entries * BYTES.ringEntry);
    }
  }
  return bytes;
}

/**
 * Requests in flight at the peak. Overloaded without a queue limit, the backlog grows by the
 * excess rate for the whole run; otherwise Little's law with an M/M/1-like sojourn and a
 * generous factor for variability, bounded by the queues' capacity when they are limited.
 */
function peakInFlight(s: Scenario): number {
  const { arrivals, span } = arrivalsOf(s);
  const rate = span > 0 ? arrivals / span : 0; // per ms
  const meanService = distributionMoments(s.service.serviceTime).mean;
  const capacity = totalCapacity(s) / meanService; // requests per ms
  const servers = s.service.instances * s.service.concurrency;
  const rho = rate / capacity;
  let peak = rho < 1 ? servers + (20 * rate * meanService) / (1 - rho) : servers + (rate - capacity) * span;
  if (s.service.queueLimit !== undefined) peak = Math.min(peak, s.service.instances * (s.service.concurrency + s.service.queueLimit) + rate * (s.timeout ?? 0));
  return Math.min(arrivals, Number.isFinite(peak) ? peak : arrivals);
}

function total(drivers: readonly EstimateDriver[]): number {
  return drivers.reduce((sum, d) => sum + d.amount, 0);
}

function sorted(drivers: readonly EstimateDriver[]): EstimateDriver[] {
  return [...drivers].sort((a, b) => b.amount - a.amount);
}
