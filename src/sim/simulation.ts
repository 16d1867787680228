/**
 * One replication of one strategy: the event loop that moves requests from the clients'
 * balancers through the network to the instances' servers and back, through faults,
 * detection and recovery.
 *
 * Request lifecycle (times in ms):
 *   arrival at a client ─ pick ─ attempt ─ network ─▶ instance: serve, queue (FIFO), reject,
 *   or refuse (crashed) ─ network ─▶ response; a failed attempt may be retried after a
 *   back-off (retries), a per-try timeout abandons an attempt, the request timeout ends the
 *   request whatever its attempts are doing (the server, unaware, still serves them).
 * Each client (sidecar) has its own balancer, random stream, in-flight counts, outlier
 * detector and health-check view, so load-aware balancers and detectors see the client's
 * local view only, as in a real mesh.
 *
 * Common random numbers: the arrival times, client assignment, service demands, network
 * latencies and keys of requests are drawn from workload streams at arrival, in arrival
 * order, whatever the balancer does; retries draw their demands from a stream of their own,
 * and faults from per-instance streams. Only the balancers' own streams (and what depends on
 * their choices) differ between strategies.
 *
 * Memory is O(instances × clients + requests in flight): requests and attempts live in slot
 * pools and latencies go to fixed-size histograms.
 */
import { EventQueue } from '../engine/event-queue.js';
import { streamFactory, type RngFactory, type RngStream } from '../engine/rng.js';
import type { BalancerConfig } from '../balancers/configs.js';
import { createBalancer } from '../balancers/registry.js';
import type { Balancer, BalancerDeps, PickContext } from '../balancers/types.js';
import { ActiveRequests } from '../load/active-requests.js';
import { createSampler, type Sampler } from '../model/distributions/index.js';
import { IntFifo } from '../model/int-fifo.js';
import { InstanceLoadReports } from '../model/instance-load-reports.js';
import { ATTEMPT_IN_SERVICE, ATTEMPT_LIVE, ATTEMPT_PENDING, FlightTable, PENDING_AT_CLIENT } from '../model/flight-table.js';
import { CircuitBreaker, resolveCircuitBreakerConfig } from '../recovery/circuit-breaker.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import type { Scenario } from '../scenario/schema.js';
import { Workload } from './workload.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { replicationMetrics } from './replication-metrics.js';
import { RandomFaults, scheduledEpisodes, type FaultEpisode } from './fault-schedule.js';
import { FaultTracker, type SimEvent } from './fault-tracker.js';
import { HealthViews } from './health-views.js';
import { Outcome } from './outcome.js';
import { RecoveryPolicies } from './recovery-policies.js';
import { Detectors } from './detectors.js';
import { TimeSeries, type TimeSeriesRow } from './timeseries.js';
import { SloRecorder } from '../slo/recorder.js';
import { scenarioSlo } from '../slo/plan.js';
import type { SloObservation } from '../slo/observation.js';

// Event kinds. The kind is also the priority at equal times (see EventQueue): a departure
// frees its server before anything else happens at that instant, responses beat a timeout
// due at the same moment, and instance state changes come after the traffic of that instant.
// Arrivals are not heap events (see run()) and come after all of these.
const EV_DONE = 0;
const EV_RESPONSE = 1; // target: attempt; the outcome is in the attempt's own record
const EV_TIMEOUT = 2; // target: client (overall request timeouts)
const EV_TRY_TIMEOUT = 3; // target: client (per-try timeouts)
const EV_REACH = 4; // target: attempt
const EV_RETRY = 5; // target: request
const EV_FAULT_START = 6; // target: episode
const EV_FAULT_END = 7; // target: episode
const EV_RESTART = 8; // target: instance (the supervisor starts it)
const EV_STARTED = 9; // target: instance (startup finished)
const EV_CRASHLOOP = 10; // target: instance (a crash-looping process dies again)
export const FIRST_DETECTOR_EVENT = 11; // kinds ≥ this belong to Detectors


/** Instance states. */
const UP = 0;
const DOWN = 1; // crashed, waiting for the supervisor
const STARTING = 2;

export interface SimulationOptions {
  /**
   * Builds each client's balancer; default the built-in registry. Plug-in balancers and tests
   * supply their own (the config passed is the strategy's).
   */
  createBalancer?: (config: BalancerConfig, deps: BalancerDeps) => Balancer;
  /** Keep every fault, detection and recovery event (events.csv, property tests). */
  recordEvents?: boolean;
  /** Keep per-window counters (timeseries.csv). */
  recordTimeSeries?: boolean;
  /** Called for every pick (property tests): the instance chosen and whether it was eligible. */
  onPick?: (pick: PickRecord) => void;
  /** Called whenever a retry is scheduled (property tests): the client's retries then and its allowance. */
  onRetry?: (retry: { time: number; client: number; activeRetries: number; allowed: number }) => void;
}

export interface PickRecord {
  readonly time: number;
  readonly client: number;
  readonly instance: number;
  /** In rotation for this client: healthy in its view (not HC-failed, ejected or suspected). */
  readonly eligible: boolean;
  /** The client's balancer was in panic (fewer healthy hosts than the threshold). */
  readonly panic: boolean;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
}

export interface SimulationResult {
  readonly metrics: ReplicationMetrics;
  readonly events: readonly SimEvent[];
  readonly timeseries: readonly TimeSeriesRow[];
  /** What the SLO is judged on (src/slo/evaluate.ts). */
  readonly observation: SloObservation;
}

export interface Client {
  readonly index: number;
  readonly balancer: Balancer;
  /** Whether the balancer takes onComplete / onBackendReport feedback (checked once, not per request). */
  readonly wantsCompletions: boolean;
  readonly wantsReports: boolean;
  readonly load: ActiveRequests;
  readonly context: PickContext;
  /** (request slot, generation) pairs in deadline order: the timeout is the same for every request. */
  readonly timeouts: IntFifo;
  timerArmed: boolean;
  /** (attempt slot, generation) pairs in per-try deadline order. */
  readonly tryTimeouts: IntFifo;
  tryTimerArmed: boolean;
  /** Requests of this client in flight (Envoy's active requests, for the retry budget). */
  activeRequests: number;
  /** Envoy's circuit breaker of this client's cluster; null when none is configured. */
  readonly breaker: CircuitBreaker | null;
  /** Attempts waiting for a circuit-breaker slot, in arrival order. */
  readonly pending: IntFifo;
  readonly retryRandom: RngStream | null;
}

export class Simulation {
  private readonly queue = new EventQueue(256);
  /** Requests and attempts share one table (a request's first attempt shares its slot). */
  private readonly requests = new FlightTable(1024);
  private readonly attempts = this.requests;
  private readonly histogram = new LatencyHistogram();
  private readonly slo: SloRecorder;
  now = 0;

  // Workload (common random numbers).
  private readonly workload: Workload;
  private readonly retryDemand: Sampler | null;

  // Instances.
  readonly instanceCount: number;
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly speed: Float64Array;
  readonly busy: Int32Array;
  readonly waiting: IntFifo[];
  /**
   * Attempts in service per instance, `concurrency` entries each, -1 when free: what a crash
   * resets and a hang freezes. Kept only when the scenario can crash or hang an instance.
   */
  private readonly servers: Int32Array;
  private readonly trackServers: boolean;
  private readonly served: Float64Array;
  private readonly work: Float64Array;
  readonly state: Uint8Array;
  readonly hung: Uint8Array;
  readonly controlCut: Uint8Array;
  private readonly dataCut: Uint8Array;
  private readonly slowFactor: Float64Array;
  private readonly errorRate: Float64Array;
  private readonly epoch: Int32Array;
  /** Open fault ids per instance for crash/hang episodes that end with a restart or resume. */
  private readonly openCrash: Int32Array;
  private readonly openHang: Int32Array;
  private readonly crashloopUptime: Float64Array;
  private readonly crashloopUntil: Float64Array;
  /** Expected time of each instance's pending singleton timers (restart, started, crashloop). */
  private readonly restartAt: Float64Array;
  private readonly startedAt: Float64Array;
  private readonly crashloopAt: Float64Array;
  private readonly downUntil: Float64Array;
  private readonly faultEpisodes: FaultEpisode[] = [];
  private readonly episodeFault: number[] = [];
  private readonly randomFaults: RandomFaults;
  private readonly errorStream: RngStream;
  restarts = 0;

  readonly clients: Client[];
  private readonly timeout: number;
  private readonly idleAnnouncements: RngStream | null;
  private readonly instanceLoad: InstanceLoadReports | null;

  readonly tracker: FaultTracker;
  readonly health: HealthViews;
  private readonly recovery: RecoveryPolicies;
  private readonly detectors: Detectors;
  private readonly timeseries: TimeSeries | null;
  private readonly onPick: ((pick: PickRecord) => void) | undefined;
  private readonly onRetry: SimulationOptions['onRetry'];
  /** Failure accrual needs to see picks (its probation admits exactly one). */
  private readonly watchPicks: boolean;

  // Stop rules.
  private readonly warmup: number;
  private readonly drain: number;
  private lastArrival = 0;
  private arrivalsDone = false;
  /** Traffic and fault events in the heap (everything but background detector events). */
  private progressEvents = 0;

  // Counters. "Counted" requests arrived after the warm-up.
  private arrived = 0;
  private counted = 0;
  private completed = 0;
  private failed = 0;
  private timedOut = 0;
  private rejected = 0;
  private pendingCounted = 0;
  private recovered = 0;
  /** Requests failed at once by a circuit breaker (Envoy `upstream_rq_pending_overflow`). */
  private overflows = 0;
  /** Counted requests with at least one failed attempt (r can never exceed it). */
  private meetingFailure = 0;
  private retriesSent = 0;
  private retriesRefused = 0;
  private attemptsSent = 0;
  private maxAttemptsPerRequest = 0;

  constructor(
    readonly scenario: Scenario,
    balancer: BalancerConfig,
    replication: number,
    options: SimulationOptions = {},
  ) {
    const streams: RngFactory = streamFactory(scenario.seed, replication);
    this.workload = new Workload(scenario, streams);
    this.retryDemand = scenario.retries ? createSampler(scenario.service.serviceTime, streams('retry-service')) : null;

    const service = scenario.service;
    const n = service.instances;
    this.instanceCount = n;
    this.concurrency = service.concurrency;
    this.queueLimit = service.queueLimit ?? Infinity;
    this.speed = Float64Array.from(instanceConfigs(scenario), (i) => i.speed);
    this.busy = new Int32Array(n);
    this.served = new Float64Array(n);
    this.work = new Float64Array(n);
    this.waiting = Array.from({ length: n }, () => new IntFifo(16));
    this.trackServers =
      scenario.liveness !== undefined ||
      scenario.faults.some((f) => f.kind !== 'slow' && f.kind !== 'errors' && f.kind !== 'partition' && !(f.kind === 'random' && (f.mode === 'slow' || f.mode === 'errors')));
    this.servers = new Int32Array(this.trackServers ? n * this.concurrency : 0).fill(-1);
    this.state = new Uint8Array(n);
    this.hung = new Uint8Array(n);
    this.controlCut = new Uint8Array(n);
    this.dataCut = new Uint8Array(n);
    this.slowFactor = new Float64Array(n).fill(1);
    this.errorRate = new Float64Array(n);
    this.epoch = new Int32Array(n);
    this.openCrash = new Int32Array(n).fill(-1);
    this.openHang = new Int32Array(n).fill(-1);
    this.crashloopUptime = new Float64Array(n);
    this.crashloopUntil = new Float64Array(n).fill(-Infinity);
    this.restartAt = new Float64Array(n).fill(NaN);
    this.startedAt = new Float64Array(n).fill(NaN);
    this.crashloopAt = new Float64Array(n).fill(NaN);
    this.downUntil = new Float64Array(n).fill(-Infinity);
    this.errorStream = streams('faults/errors');
    this.randomFaults = new RandomFaults(scenario, streams);
    this.tracker = new FaultTracker(n, options.recordEvents === true);
    this.timeseries = options.recordTimeSeries ? new TimeSeries(scenario.timeseries.window) : null;
    this.onPick = options.onPick;
    this.onRetry = options.onRetry;

    this.timeout = scenario.timeout ?? Infinity;
    const now = () => this.now;
    const global = { queueLength: (id: number) => this.busy[id]! + this.waiting[id]!.length };
    const clientZones = scenario.clients.zones ?? [service.zone];
    const build = options.createBalancer ?? createBalancer;
    const strategy = withScenarioPanicThreshold(balancer, scenario.panicThreshold);
    this.clients = Array.from({ length: scenario.clients.count }, (_, c) => {
      const load = new ActiveRequests(n);
      const localZone = clientZones[c % clientZones.length]!;
      const instance = build(strategy, { random: streams(`client/${c}/balancer`), now, load, localZone, global });
      return {
        index: c,
        balancer: instance,
        wantsCompletions: typeof instance.onComplete === 'function',
        wantsReports: typeof instance.onBackendReport === 'function',
        load,
        context: { key: -1 },
        timeouts: new IntFifo(64),
        timerArmed: false,
        tryTimeouts: new IntFifo(64),
        tryTimerArmed: false,
        activeRequests: 0,
        breaker:
          scenario.circuitBreakers === undefined
            ? null
            : new CircuitBreaker(
                resolveCircuitBreakerConfig({
                  maxRequests: scenario.circuitBreakers.maxRequests,
                  maxPendingRequests: scenario.circuitBreakers.maxPendingRequests,
                }),
              ),
        pending: new IntFifo(16),
        retryRandom: scenario.retries ? streams(`client/${c}/retries`) : null,
      };
    });
    this.health = new HealthViews(
      scenario,
      this.clients,
      this.tracker,
      (i) => this.isServing(i),
      now,
      () => this.noteClusterState(),
      effectivePanicThreshold(strategy),
    );
    this.recovery = new RecoveryPolicies(scenario);
    this.detectors = new Detectors(this, streams, FIRST_DETECTOR_EVENT);
    this.watchPicks = scenario.failureAccrual !== undefined;
    const listensForIdle = this.clients.some((c) => typeof c.balancer.onIdle === 'function');
    this.idleAnnouncements = listensForIdle ? streams('idle-announcements') : null;
    this.instanceLoad = this.clients.some((c) => c.wantsReports) ? new InstanceLoadReports(n, this.concurrency) : null;

    this.warmup = scenario.warmup;
    this.drain = scenario.drain ?? Infinity;
    this.slo = new SloRecorder(scenarioSlo(scenario).objectives, scenario.warmup, (scenario.duration ?? Infinity) - scenario.warmup);
  }

  /** Schedules an event of a detector (kinds ≥ FIRST_DETECTOR_EVENT). */
  schedule(time: number, kind: number, target: number): void {
    this.queue.push(time, kind, target);
  }

  /** Schedules an event that moves traffic or faults forward (see the stop rule in run()). */
  private pushProgress(time: number, kind: number, target: number): void {
    this.progressEvents++;
    this.queue.push(time, kind, target);
  }

  run(): SimulationResult {
    const queue = this.queue;
    this.health.initialise();
    this.noteClusterState();
    for (const episode of [...scheduledEpisodes(this.scenario), ...this.randomFaults.firstEpisodes()]) this.addEpisode(episode);
    this.detectors.start();
    if (this.idleAnnouncements !== null) {
      for (let instance = 0; instance < this.instanceCount; instance++) this.announceIdle(instance);
    }
    // The one pending arrival waits beside the heap rather than in it, which saves a push and
    // a pop per request. At equal times heap events go first, as if arrivals had the lowest
    // priority.
    let nextArrival = this.nextArrivalTime();
    let stopAt = Infinity;
    for (;;) {
      if (nextArrival < queue.peekTime()) {
        this.now = nextArrival;
        this.arrive();
        nextArrival = this.nextArrivalTime();
        if (nextArrival === Infinity) {
          stopAt = this.lastArrival + this.drain;
          this.arrivalsDone = true;
        }
        continue;
      }
      // Background events (checks, heartbeats, sweeps) recur forever: once arrivals have
      // stopped and nothing but them is left, the run is over (requests still waiting then,
      // lost or stuck with no timeout, are reported as in flight at the end).
      if (nextArrival === Infinity && this.progressEvents === 0) break;
      if (!queue.pop()) break;
      const t = queue.popTime;
      if (t > stopAt) break;
      this.now = t;
      const target = queue.popTarget;
      const kind = queue.popKind;
      if (kind < FIRST_DETECTOR_EVENT) this.progressEvents--;
      switch (kind) {
        case EV_DONE:
          this.finishService(target);
          break;
        case EV_RESPONSE:
          this.receive(target);
          break;
        case EV_TIMEOUT:
          this.expireTimeouts(target);
          break;
        case EV_TRY_TIMEOUT:
          this.expireTryTimeouts(target);
          break;
        case EV_REACH:
          this.reach(target);
          break;
        case EV_RETRY:
          this.retry(target);
          break;
        case EV_FAULT_START:
          this.startEpisode(target);
          break;
        case EV_FAULT_END:
          this.endEpisode(target);
          break;
        case EV_RESTART:
          if (this.restartAt[target] === t) this.beginStartup(target);
          break;
        case EV_STARTED:
          if (this.startedAt[target] === t) this.finishStartup(target);
          break;
        case EV_CRASHLOOP:
          if (this.crashloopAt[target] === t) this.crash(target, 'crashloop');
          break;
        default:
          this.detectors.handle(kind, target);
      }
    }
    const observation = this.slo.observation(this.spanEnd(), this.timeout, this.tracker.records());
    return {
      metrics: this.metrics(observation),
      events: this.tracker.events,
      timeseries: this.timeseries?.rows(this.now) ?? [],
      observation,
    };
  }

  /** Time of the next arrival, or Infinity once the workload has ended. */
  private nextArrivalTime(): number {
    return this.workload.nextArrivalTime(this.arrived);
  }

  // ===== requests and attempts =====

  private arrive(): void {
    const now = this.now;
    this.arrived++;
    this.lastArrival = now;
    const requests = this.requests;
    const slot = requests.allocateRequest();
    // Workload draws first and always, so every strategy sees the same workload.
    const workload = this.workload;
    workload.drawRequest();
    const c = workload.client;
    const demand = workload.demand;
    const outbound = workload.outbound;
    const inbound = workload.inbound;
    const key = workload.key;
    const isCounted = now >= this.warmup;
    if (isCounted) {
      this.counted++;
      this.pendingCounted++;
      this.slo.arrival(now);
    }
    this.timeseries?.arrival(now);
    const client = this.clients[c]!;
    requests.arrival[slot] = now;
    requests.client[slot] = c;
    requests.counted[slot] = isCounted ? 1 : 0;
    requests.key[slot] = key;
    requests.flags[slot] = PENDING_AT_CLIENT;
    client.activeRequests++;
    if (this.timeout !== Infinity) {
      client.timeouts.push(slot);
      client.timeouts.push(requests.generation[slot]!);
      if (!client.timerArmed) {
        client.timerArmed = true;
        this.pushProgress(now + this.timeout, EV_TIMEOUT, c);
      }
    }
    this.sendAttempt(slot, client, demand, outbound, inbound);
  }

  /** Picks an instance and sends the request's next attempt; ends the request if none is left. */
  private sendAttempt(slot: number, client: Client, demand: number, outbound: number, inbound: number): void {
    const requests = this.requests;
    client.context.key = requests.key[slot]!;
    const target = this.pickFor(slot, client);
    if (target < 0) {
      // No endpoint to send to: the client fails the request at once (Envoy: no healthy upstream).
      this.finishRequest(slot, client, Outcome.NoEndpoint);
      return;
    }
    const breaker = client.breaker;
    let pending = false;
    if (breaker !== null && !breaker.tryAdmitRequest()) {
      // Envoy's circuit breaker: past max_requests the request waits for a slot, past
      // max_pending_requests it fails at once (503, x-envoy-overloaded), never retried.
      if (!breaker.tryAdmitPending()) {
        this.overflows++;
        this.finishRequest(slot, client, Outcome.Overflow);
        return;
      }
      pending = true;
    }
    const attempts = this.attempts;
    const a = attempts.allocateAttempt(slot);
    attempts.request[a] = slot;
    attempts.requestGeneration[a] = requests.generation[slot]!;
    attempts.instance[a] = target;
    attempts.demand[a] = demand;
    attempts.returnLatency[a] = inbound;
    attempts.serviceEnd[a] = outbound; // the outbound delay, until the attempt is dispatched
    attempts.attemptFlags[a] = ATTEMPT_LIVE;
    if (this.recovery.avoidPreviousHosts) requests.recordTried(slot, target);
    const number = ++requests.attempts[slot]!;
    if (number > this.maxAttemptsPerRequest) this.maxAttemptsPerRequest = number;
    requests.liveAttempt[slot] = a;
    if (pending) {
      attempts.attemptFlags[a]! |= ATTEMPT_PENDING;
      client.pending.push(a);
      return;
    }
    this.dispatch(a, client);
  }

  /** The attempt leaves the client for its instance. */
  private dispatch(a: number, client: Client): void {
    const attempts = this.attempts;
    const target = attempts.instance[a]!;
    const outbound = attempts.serviceEnd[a]!;
    attempts.sentAt[a] = this.now;
    this.attemptsSent++;
    client.load.start(target);
    const perTry = this.recovery.perTryTimeout;
    if (perTry !== Infinity && this.now + perTry < this.requests.arrival[attempts.request[a]!]! + this.timeout) {
      client.tryTimeouts.push(a);
      client.tryTimeouts.push(attempts.generation[a]!);
      if (!client.tryTimerArmed) {
        client.tryTimerArmed = true;
        this.pushProgress(this.now + perTry, EV_TRY_TIMEOUT, client.index);
      }
    }
    if (this.dataCut[target] === 1) {
      // The network loses it: no response will ever come; only a timeout ends the wait.
      attempts.returnLatency[a] = -1;
      return;
    }
    if (outbound > 0) this.pushProgress(this.now + outbound, EV_REACH, a);
    else this.reach(a);
  }

  /** An admitted attempt ended at the client: its circuit-breaker slot goes to the next pending one. */
  private releaseAdmission(client: Client): void {
    const breaker = client.breaker;
    if (breaker === null) return;
    breaker.releaseRequest();
    const attempts = this.attempts;
    while (client.pending.length > 0) {
      const a = client.pending.peek();
      if ((attempts.attemptFlags[a]! & ATTEMPT_LIVE) === 0) {
        // Its request timed out while it waited; its pending slot was given back then.
        client.pending.shift();
        attempts.releaseAttempt(a);
        continue;
      }
      if (!breaker.tryAdmitRequest()) return;
      client.pending.shift();
      breaker.releasePending();
      attempts.attemptFlags[a]! &= ~ATTEMPT_PENDING;
      this.dispatch(a, client);
    }
  }

  private pickFor(slot: number, client: Client): number {
    const requests = this.requests;
    const attemptNumber = requests.attempts[slot]! + 1;
    let target = client.balancer.pick(client.context);
    // Envoy previous_hosts: reselect up to host_selection_retry_max_attempts times, then
    // accept the last pick.
    if (attemptNumber > 1 && target >= 0 && this.recovery.avoidPreviousHosts) {
      for (let i = 1; i < this.recovery.hostSelectionAttempts && requests.hasTried(slot, target); i++) {
        target = client.balancer.pick(client.context);
      }
    }
    if (this.onPick !== undefined && target >= 0) {
      this.onPick({
        time: this.now,
        client: client.index,
        instance: target,
        eligible: this.health.isEligible(client.index, target),
        panic: this.health.inPanic(client.index),
        attempt: attemptNumber,
      });
    }
    if (target >= 0 && this.watchPicks) this.detectors.picked(client.index, target);
    return target;
  }

  private reach(a: number): void {
    const instance = this.attempts.instance[a]!;
    if (this.state[instance] !== UP) {
      this.respond(a, Outcome.Refused);
    } else if (this.dataCut[instance] === 1) {
      this.dropAttempt(a);
    } else if (this.busy[instance]! < this.concurrency && this.hung[instance] === 0) {
      this.instanceLoad?.busyChanged(instance, this.busy[instance]!, this.now);
      this.busy[instance]!++;
      this.startService(a, instance);
    } else if (this.waiting[instance]!.length < this.queueLimit) {
      this.waiting[instance]!.push(a);
    } else {
      this.respond(a, Outcome.Rejected);
    }
  }

  private startService(a: number, instance: number): void {
    const attempts = this.attempts;
    if (this.trackServers) {
      const servers = this.servers;
      let server = instance * this.concurrency;
      while (servers[server] !== -1) server++;
      servers[server] = a;
    }
    attempts.attemptFlags[a]! |= ATTEMPT_IN_SERVICE;
    attempts.epoch[a] = this.epoch[instance]!;
    const work = (attempts.demand[a]! * this.slowFactor[instance]!) / this.speed[instance]!;
    const end = this.now + work;
    const request = attempts.request[a]!;
    if (this.requests.generation[request] === attempts.requestGeneration[a] && this.requests.counted[request] === 1) this.work[instance]! += work;
    attempts.serviceEnd[a] = end;
    attempts.completionScheduled(a);
    this.pushProgress(end, EV_DONE, a);
  }

  private finishService(a: number): void {
    const attempts = this.attempts;
    const instance = attempts.instance[a]!;
    // A crash or a hang since the service began makes this completion void.
    if (!attempts.completionPopped(a)) return;
    if ((attempts.attemptFlags[a]! & ATTEMPT_IN_SERVICE) === 0 || attempts.epoch[a] !== this.epoch[instance]) return;
    this.freeServer(a, instance);
    const request = attempts.request[a]!;
    if (this.requests.generation[request] === attempts.requestGeneration[a] && this.requests.counted[request] === 1) {
      this.served[instance]!++;
    }
    this.instanceLoad?.completed(instance, this.busy[instance]!, this.now);
    this.startNextOrIdle(instance);
    const rate = this.errorRate[instance]!;
    this.respond(a, rate > 0 && this.errorStream.next() < rate ? Outcome.Error5xx : Outcome.Ok);
  }

  private freeServer(a: number, instance: number): void {
    if (this.trackServers) {
      const servers = this.servers;
      let server = instance * this.concurrency;
      while (servers[server] !== a) server++;
      servers[server] = -1;
    }
    this.attempts.attemptFlags[a]! &= ~ATTEMPT_IN_SERVICE;
  }

  private startNextOrIdle(instance: number): void {
    const waiting = this.waiting[instance]!;
    if (waiting.length > 0 && this.hung[instance] === 0) {
      this.startService(waiting.shift(), instance);
    } else if (--this.busy[instance]! === 0 && this.idleAnnouncements !== null) {
      this.announceIdle(instance);
    }
  }

  /** The attempt's outcome travels back to the client. */
  private respond(a: number, outcome: Outcome): void {
    const attempts = this.attempts;
    const instance = attempts.instance[a]!;
    if (this.dataCut[instance] === 1) {
      this.dropAttempt(a);
      return;
    }
    attempts.outcome[a] = outcome;
    const back = attempts.returnLatency[a]!;
    if (back > 0) this.pushProgress(this.now + back, EV_RESPONSE, a);
    else this.receive(a);
  }

  /** The network lost the attempt (data-path partition): no response will come. */
  private dropAttempt(a: number): void {
    const attempts = this.attempts;
    if ((attempts.attemptFlags[a]! & ATTEMPT_LIVE) === 0) attempts.releaseAttempt(a);
    else attempts.returnLatency[a] = -1; // still awaited: released when the client gives up on it
  }

  /** A response (or a refusal) reaches the client: the last event of an answered attempt. */
  private receive(a: number): void {
    const attempts = this.attempts;
    const outcome = attempts.outcome[a]! as Outcome;
    if ((attempts.attemptFlags[a]! & ATTEMPT_LIVE) !== 0) {
      const slot = attempts.request[a]!;
      const requests = this.requests;
      const instance = attempts.instance[a]!;
      const client = this.clients[requests.client[slot]!]!;
      client.load.end(instance);
      const ok = outcome === Outcome.Ok;
      if (client.wantsCompletions) client.balancer.onComplete!(instance, this.now - attempts.sentAt[a]!, ok);
      if (client.wantsReports) client.balancer.onBackendReport!(instance, this.instanceLoad!.report(instance, this.busy[instance]!, this.now));
      if (this.detectors.observesOutcomes) this.detectors.observeOutcome(client.index, instance, outcome, this.now);
      requests.liveAttempt[slot] = -1;
      this.endRetry(slot, client);
      if (ok) this.finishRequest(slot, client, Outcome.Ok);
      else this.attemptFailed(slot, client, outcome);
      attempts.releaseAttempt(a);
      this.releaseAdmission(client);
      return;
    }
    attempts.releaseAttempt(a);
  }

  /** An attempt failed at the client: retry it if the policy allows, or end the request. */
  private attemptFailed(slot: number, client: Client, outcome: Outcome): void {
    const requests = this.requests;
    if (requests.hadFailure[slot] === 0 && requests.counted[slot] === 1) this.meetingFailure++;
    requests.hadFailure[slot] = 1;
    const delay = this.recovery.retryDelay(
      requests.attempts[slot]!,
      outcome,
      client.index,
      client.activeRequests,
      client.retryRandom!,
      requests.arrival[slot]! + this.timeout,
      this.now,
    );
    if (delay < 0) {
      if (delay === RecoveryPolicies.REFUSED_BY_BUDGET) this.retriesRefused++;
      this.finishRequest(slot, client, outcome);
      return;
    }
    requests.retryActive[slot] = 1;
    requests.retryAt[slot] = this.now + delay;
    if (this.onRetry !== undefined) {
      const state = this.recovery.retryState(client.index, client.activeRequests);
      this.onRetry({ time: this.now, client: client.index, activeRetries: state.active, allowed: state.allowed });
    }
    this.pushProgress(this.now + delay, EV_RETRY, slot);
  }

  /** The request's retry (scheduled or in flight) is over: it no longer counts against the budget. */
  private endRetry(slot: number, client: Client): void {
    if (this.requests.retryActive[slot] === 1) {
      this.requests.retryActive[slot] = 0;
      this.recovery.endRetry(client.index);
    }
  }

  private retry(slot: number): void {
    const requests = this.requests;
    // The request ended (timed out) during the back-off, and the slot may hold another by now.
    if (requests.retryAt[slot] !== this.now || requests.flags[slot] !== PENDING_AT_CLIENT) return;
    requests.retryAt[slot] = NaN;
    const client = this.clients[requests.client[slot]!]!;
    this.retriesSent++;
    this.slo.retried(requests.arrival[slot]!);
    const workload = this.workload;
    workload.drawDelays();
    this.sendAttempt(slot, client, this.retryDemand!.sample(), workload.outbound, workload.inbound);
  }

  /** The request ends at the client with `outcome`. */
  private finishRequest(slot: number, client: Client, outcome: Outcome): void {
    const requests = this.requests;
    this.endRetry(slot, client);
    requests.flags[slot] = 0;
    client.activeRequests--;
    if (requests.counted[slot] === 1) {
      this.pendingCounted--;
      const arrival = requests.arrival[slot]!;
      if (outcome === Outcome.Ok) {
        this.completed++;
        const latency = this.now - arrival;
        this.histogram.record(latency);
        this.timeseries?.success(this.now, latency);
        this.slo.completed(arrival, latency);
        if (requests.hadFailure[slot] === 1) this.recovered++;
      } else if (outcome === Outcome.Rejected) {
        this.rejected++;
        this.timeseries?.error(this.now);
        this.slo.failed(arrival);
      } else if (outcome === Outcome.Timeout) {
        this.timedOut++;
        this.timeseries?.timeout(this.now);
        this.slo.timedOut(arrival);
      } else {
        this.failed++;
        this.timeseries?.error(this.now);
        this.slo.failed(arrival);
      }
    }
    requests.releaseRequest(slot);
  }

  /** The client gives up on an attempt (per-try timeout, or the request's own timeout). */
  private abandonAttempt(a: number, client: Client): void {
    const attempts = this.attempts;
    attempts.attemptFlags[a]! &= ~ATTEMPT_LIVE;
    if ((attempts.attemptFlags[a]! & ATTEMPT_PENDING) !== 0) {
      // Never sent: it gives its pending place back; the queue entry is dropped when reached.
      client.breaker!.releasePending();
      return;
    }
    const instance = attempts.instance[a]!;
    client.load.end(instance);
    if (client.wantsCompletions) client.balancer.onComplete!(instance, this.now - attempts.sentAt[a]!, false);
    // A lost attempt (data path cut) has no response to wait for.
    if (attempts.returnLatency[a] === -1 && (attempts.attemptFlags[a]! & ATTEMPT_IN_SERVICE) === 0) attempts.releaseAttempt(a);
    this.releaseAdmission(client);
  }

  /** The client's request-timeout timer: time out every due request, then re-arm. */
  private expireTimeouts(c: number): void {
    const client = this.clients[c]!;
    const fifo = client.timeouts;
    const requests = this.requests;
    client.timerArmed = false;
    while (fifo.length > 0) {
      const slot = fifo.peek(0);
      const generation = fifo.peek(1);
      if (requests.generation[slot] === generation && requests.flags[slot] === PENDING_AT_CLIENT) {
        const deadline = requests.arrival[slot]! + this.timeout;
        if (deadline > this.now) {
          client.timerArmed = true;
          this.pushProgress(deadline, EV_TIMEOUT, c);
          return;
        }
        const a = requests.liveAttempt[slot]!;
        if (a >= 0) {
          this.detectors.observeOutcome(c, this.attempts.instance[a]!, Outcome.Timeout, this.now);
          this.abandonAttempt(a, client);
        }
        this.finishRequest(slot, client, Outcome.Timeout);
      }
      fifo.shift();
      fifo.shift();
    }
  }

  /** The client's per-try timer: abandon every attempt past its per-try deadline. */
  private expireTryTimeouts(c: number): void {
    const client = this.clients[c]!;
    const fifo = client.tryTimeouts;
    const attempts = this.attempts;
    const perTry = this.recovery.perTryTimeout;
    client.tryTimerArmed = false;
    while (fifo.length > 0) {
      const a = fifo.peek(0);
      const generation = fifo.peek(1);
      if (attempts.generation[a] === generation && (attempts.attemptFlags[a]! & ATTEMPT_LIVE) !== 0) {
        const deadline = attempts.sentAt[a]! + perTry;
        if (deadline > this.now) {
          client.tryTimerArmed = true;
          this.pushProgress(deadline, EV_TRY_TIMEOUT, c);
          return;
        }
        const slot = attempts.request[a]!;
        const instance = attempts.instance[a]!;
        this.detectors.observeOutcome(c, instance, Outcome.Timeout, this.now);
        this.requests.liveAttempt[slot] = -1;
        this.endRetry(slot, client);
        this.abandonAttempt(a, client);
        this.attemptFailed(slot, client, Outcome.Timeout);
      }
      fifo.shift();
      fifo.shift();
    }
  }

  // ===== faults, restarts =====

  private addEpisode(episode: FaultEpisode): void {
    const id = this.faultEpisodes.length;
    this.faultEpisodes.push(episode);
    this.episodeFault.push(-1);
    this.pushProgress(episode.start, EV_FAULT_START, id);
  }

  private startEpisode(id: number): void {
    const episode = this.faultEpisodes[id]!;
    if (this.arrivalsDone) return; // no new faults while the run only drains
    const i = episode.instance;
    const now = this.now;
    if (episode.end !== Infinity) this.pushProgress(Math.max(episode.end, now), EV_FAULT_END, id);
    switch (episode.mode) {
      case 'crash':
        this.downUntil[i] = Math.max(this.downUntil[i]!, episode.end === Infinity ? -Infinity : episode.end);
        if (this.state[i] === UP) {
          this.openCrash[i] = this.tracker.faultStarted(now, i, 'crash', '');
          this.crash(i, 'fault');
        } else {
          // Already down: the new window may push the restart out.
          this.scheduleRestart(i);
        }
        break;
      case 'crashloop':
        this.crashloopUptime[i] = episode.parameter;
        this.crashloopUntil[i] = episode.end;
        if (this.state[i] === UP) {
          this.openCrash[i] = this.tracker.faultStarted(now, i, 'crashloop', '');
          this.crash(i, 'crashloop');
        }
        break;
      case 'hang':
        if (this.hung[i] === 0 && this.state[i] === UP) {
          this.openHang[i] = this.tracker.faultStarted(now, i, 'hang', '');
          this.freeze(i);
        }
        break;
      case 'slow':
        this.slowFactor[i] = episode.parameter;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'slow', `factor=${episode.parameter}`);
        break;
      case 'errors':
        this.errorRate[i] = episode.parameter;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'errors', `rate=${episode.parameter}`);
        break;
      case 'partition-control':
        this.controlCut[i] = 1;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'partition', 'control');
        break;
      case 'partition-data':
        this.dataCut[i] = 1;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'partition', 'data');
        break;
    }
  }

  private endEpisode(id: number): void {
    const episode = this.faultEpisodes[id]!;
    const i = episode.instance;
    switch (episode.mode) {
      case 'crash':
        break; // the restart (not before the window's end) ends the fault
      case 'crashloop':
        this.crashloopUntil[i] = -Infinity;
        break;
      case 'hang':
        if (this.hung[i] === 1) this.resume(i);
        break;
      case 'slow':
        this.slowFactor[i] = 1;
        break;
      case 'errors':
        this.errorRate[i] = 0;
        break;
      case 'partition-control':
        this.controlCut[i] = 0;
        break;
      case 'partition-data':
        this.dataCut[i] = 0;
        break;
    }
    if (this.episodeFault[id]! >= 0) {
      this.tracker.faultEnded(this.now, this.episodeFault[id]!);
      this.health.checkRecovered(i);
    }
    // Random faults recur while requests still arrive; afterwards the run only drains.
    if (!this.arrivalsDone && this.scenario.faults[episode.source]?.kind === 'random') this.addEpisode(this.randomFaults.next(episode));
  }

  /**
   * The process dies: every attempt at the instance (in service or queued) is reset, new
   * connections are refused until the supervisor has restarted it.
   */
  crash(i: number, cause: string): void {
    if (this.state[i] !== UP) return;
    this.tracker.log(this.now, 'crash', i, -1, cause);
    this.state[i] = DOWN;
    this.epoch[i]!++;
    this.hung[i] = 0;
    if (this.openHang[i]! >= 0) {
      this.tracker.faultEnded(this.now, this.openHang[i]!);
      this.openHang[i] = -1;
    }
    if (this.openCrash[i]! < 0) this.openCrash[i] = this.tracker.faultStarted(this.now, i, cause === 'crashloop' ? 'crashloop' : 'crash', cause);
    this.crashloopAt[i] = NaN;
    const servers = this.servers;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = servers[base + k]!;
      if (a < 0) continue;
      servers[base + k] = -1;
      this.attempts.attemptFlags[a]! &= ~ATTEMPT_IN_SERVICE;
      this.respond(a, Outcome.Reset);
    }
    const waiting = this.waiting[i]!;
    while (waiting.length > 0) this.respond(waiting.shift(), Outcome.Reset);
    this.busy[i] = 0;
    this.detectors.instanceDown(i);
    this.noteClusterState();
    this.scheduleRestart(i);
  }

  private scheduleRestart(i: number): void {
    if (this.state[i] !== DOWN) return;
    const at = Math.max(this.recovery.nextRestart(i, this.now), this.downUntil[i]!);
    this.restartAt[i] = at;
    this.pushProgress(at, EV_RESTART, i);
  }

  private beginStartup(i: number): void {
    this.restartAt[i] = NaN;
    this.recovery.restarted(i, this.now);
    this.state[i] = STARTING;
    this.restarts++;
    this.tracker.log(this.now, 'restart', i, -1, `startup ${this.scenario.restart.startupTime}ms`);
    const at = this.now + this.scenario.restart.startupTime;
    this.startedAt[i] = at;
    this.pushProgress(at, EV_STARTED, i);
  }

  private finishStartup(i: number): void {
    this.startedAt[i] = NaN;
    this.state[i] = UP;
    this.epoch[i]!++;
    this.tracker.log(this.now, 'started', i, -1, '');
    // A crash loop goes on while requests arrive; once the run only drains, the process stays up.
    if (!this.arrivalsDone && this.now < this.crashloopUntil[i]!) {
      const at = this.now + this.crashloopUptime[i]!;
      this.crashloopAt[i] = at;
      this.pushProgress(at, EV_CRASHLOOP, i);
    } else if (this.openCrash[i]! >= 0) {
      this.tracker.faultEnded(this.now, this.openCrash[i]!);
      this.openCrash[i] = -1;
    }
    this.detectors.instanceUp(i);
    this.noteClusterState();
    this.health.checkRecovered(i);
    if (this.idleAnnouncements !== null) this.announceIdle(i);
  }

  /** Hang: in-service attempts stop where they are; queued ones wait; new ones queue. */
  private freeze(i: number): void {
    this.hung[i] = 1;
    this.epoch[i]!++;
    this.noteClusterState();
    const attempts = this.attempts;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = this.servers[base + k]!;
      if (a >= 0) attempts.serviceEnd[a] = Math.max(0, attempts.serviceEnd[a]! - this.now); // now the remaining time
    }
  }

  /** The hang ends: frozen attempts continue with their remaining service time. */
  resume(i: number): void {
    this.hung[i] = 0;
    this.epoch[i]!++;
    this.noteClusterState();
    if (this.openHang[i]! >= 0) {
      this.tracker.faultEnded(this.now, this.openHang[i]!);
      this.openHang[i] = -1;
    }
    const attempts = this.attempts;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = this.servers[base + k]!;
      if (a < 0) continue;
      attempts.epoch[a] = this.epoch[i]!;
      attempts.serviceEnd[a] = this.now + attempts.serviceEnd[a]!;
      attempts.completionScheduled(a);
      this.pushProgress(attempts.serviceEnd[a]!, EV_DONE, a);
    }
    while (this.busy[i]! < this.concurrency && this.waiting[i]!.length > 0) {
      this.busy[i]!++;
      this.startService(this.waiting[i]!.shift(), i);
    }
    this.health.checkRecovered(i);
  }

  isServing(i: number): boolean {
    return this.state[i] === UP && this.hung[i] === 0;
  }

  /** Records the cluster's state in the time series after a change (crash, start, health). */
  private noteClusterState(): void {
    if (this.timeseries === null) return;
    let up = 0;
    for (let i = 0; i < this.instanceCount; i++) if (this.isServing(i)) up++;
    const { ejected, unhealthy } = this.health.counts();
    this.timeseries.snapshot(this.now, up, ejected, unhealthy);
  }

  /** JIQ-Random (Lu et al. 2011): an idle instance joins the idle queue of a random client. */
  private announceIdle(instance: number): void {
    const client = this.clients[this.idleAnnouncements!.int(this.clients.length)]!;
    client.balancer.onIdle?.(instance);
  }

  /** The end of the counted span: the end of arrivals. */
  private spanEnd(): number {
    return this.scenario.duration ?? this.lastArrival;
  }

  private metrics(observation: SloObservation): ReplicationMetrics {
    const faults = this.tracker.summary(this.spanEnd());
    return replicationMetrics(
      this.scenario,
      {
        arrived: this.arrived,
        counted: this.counted,
        completed: this.completed,
        failed: this.failed,
        timedOut: this.timedOut,
        rejected: this.rejected,
        pendingCounted: this.pendingCounted,
        lastArrival: this.lastArrival,
        served: this.served,
        speed: this.speed,
        work: this.work,
        histogram: this.histogram,
        simulatedTime: this.now,
      },
      {
        faultyInstances: this.tracker.faultyInstancesBetween(this.warmup, Math.max(this.warmup, this.now)),
        recovered: this.recovered,
        detection: {
          faults: faults.faults,
          meanTimeToDetect: faults.meanTimeToDetect,
          maxTimeToDetect: faults.maxTimeToDetect,
          missed: faults.missed,
          falsePositives: this.tracker.falsePositives,
        },
        recovery: {
          recoveredRequests: this.recovered,
          requestsMeetingFailure: this.meetingFailure,
          meanTimeToRecover: faults.meanTimeToRecover,
          maxTimeToRecover: faults.maxTimeToRecover,
          unrecovered: faults.unrecovered,
          restarts: this.restarts,
        },
        retries: {
          sent: this.retriesSent,
          budgetRefused: this.retriesRefused,
          circuitBreakerOverflows: this.overflows,
          attempts: this.attemptsSent,
          maxAttemptsPerRequest: this.maxAttemptsPerRequest,
        },
      },
      observation,
    );
  }

}

/** The scenario's top-level `panicThreshold` applies to balancers that model Envoy's panic. */
function withScenarioPanicThreshold(balancer: BalancerConfig, panicThreshold: number | undefined): BalancerConfig {
  if (panicThreshold === undefined || !takesHostSelection(balancer)) return balancer;
  if ((balancer as { panicThreshold?: number }).panicThreshold !== undefined) return balancer; // its own wins
  return { ...balancer, panicThreshold } as BalancerConfig;
}

/** The kinds wrapped in Envoy's host selection (priorities, panic, zone-aware routing). */
function takesHostSelection(balancer: BalancerConfig): boolean {
  switch (balancer.kind) {
    case 'round_robin':
    case 'random':
    case 'least_request':
      return true;
    case 'weighted_round_robin':
      return balancer.variant === 'edf';
    default:
      return false;
  }
}

/** The panic threshold the client's balancer applies (Envoy's default 50). */
function effectivePanicThreshold(balancer: BalancerConfig): number {
  return (balancer as { panicThreshold?: number }).panicThreshold ?? 50;
}

