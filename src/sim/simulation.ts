/**
 * One replication of one strategy: the event loop that drives requests from the clients'
 * balancers through the network to the instances' servers and back, through faults,
 * detection and recovery. This file is the loop and the wiring; each concern is a part of
 * its own:
 * - ClientPipeline (client-pipeline.ts): the request lifecycle at the clients — picks,
 *   attempts, circuit breakers, per-try and request timeouts, retries — ending every request
 *   in the RequestLedger (request-ledger.ts), where it is counted;
 * - Instances (instances.ts): the servers, their queues and the per-instance fault state;
 * - FaultInjection (fault-injection.ts): when faults start and end, crashes and restarts;
 * - Detectors and HealthViews: detection, and each client's view of what is in rotation;
 * - RecoveryPolicies: retry and restart decisions.
 *
 * Common random numbers: the arrival times, client assignment, service demands, network
 * latencies and keys of requests are drawn from workload streams at arrival, in arrival
 * order, whatever the balancer does; retries draw their demands from a stream of their own,
 * and faults from per-instance streams. Only the balancers' own streams (and what depends on
 * their choices) differ between strategies.
 *
 * Events: traffic and fault events go to the foreground heap, the detectors' recurring events
 * to the background one (TieredEventQueue: one order, two heaps). The run stops when the
 * drain time after the last arrival has passed, or when nothing but background events is
 * left.
 *
 * Memory is O(instances × clients + requests in flight): requests and attempts live in slot
 * pools and latencies go to fixed-size histograms.
 */
import { TieredEventQueue } from '../engine/event-queue.js';
import { streamFactory, type RngStream } from '../engine/rng.js';
import type { BalancerConfig } from '../balancers/configs.js';
import type { Balancer, BalancerDeps } from '../balancers/types.js';
import { createSampler } from '../model/distributions/index.js';
import { FlightTable } from '../model/flight-table.js';
import type { Scenario } from '../scenario/schema.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { buildClients, ClientPipeline, type AttemptEnd, type PickRecord, type RequestStart, type RetryRecord } from './client-pipeline.js';
import { Clock } from './clock.js';
import { Detectors } from './detectors.js';
import { DynamicMembership, hasDynamicMembership, slotCount } from './dynamic-membership.js';
import {
  EV_CRASHLOOP,
  EV_DONE,
  EV_FAULT_END,
  EV_FAULT_START,
  EV_MEMBERSHIP,
  EV_REACH,
  EV_RESPONSE,
  EV_RESTART,
  EV_RETRY,
  EV_STARTED,
  EV_TIMEOUT,
  EV_TRY_TIMEOUT,
  FIRST_DETECTOR_EVENT,
} from './event-kinds.js';
import { FaultInjection } from './fault-injection.js';
import { FaultTracker, type SimEvent } from './fault-tracker.js';
import { HealthViews } from './health-views.js';
import { Instances } from './instances.js';
import { RecoveryPolicies } from './recovery-policies.js';
import { RequestLedger, type RequestEnd } from './request-ledger.js';
import { replicationMetrics } from './replication-metrics.js';
import type { SloObservation } from '../slo/observation.js';
import { TimeSeries, type TimeSeriesRow } from './timeseries.js';
import { Workload } from './workload.js';

export type { AttemptEnd, PickRecord, RequestStart, RetryRecord } from './client-pipeline.js';
export type { RequestEnd } from './request-ledger.js';

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
  /** Called whenever the retry budget admits or refuses a retry (property tests): the client's retries then and its allowance. */
  onRetry?: (retry: RetryRecord) => void;
  /** Called for every arrival, with the request's id (its arrival number) and client (property tests). */
  onRequestStart?: (start: RequestStart) => void;
  /** Called for every attempt the client stops waiting for: its response came, or a timeout (property tests). */
  onAttemptEnd?: (end: AttemptEnd) => void;
  /** Called once for every request that ends, with its id and outcome (property tests); the fast path serves it too. */
  onRequestEnd?: (end: RequestEnd) => void;
  /**
   * `full` runs the full simulation even when the fast path would give the same numbers
   * (validation through the full engine, equality properties); default `auto`.
   */
  engine?: 'auto' | 'full';
}

export interface SimulationResult {
  readonly metrics: ReplicationMetrics;
  readonly events: readonly SimEvent[];
  readonly timeseries: readonly TimeSeriesRow[];
  /** What the SLO is judged on (src/slo/evaluate.ts). */
  readonly observation: SloObservation;
}

export class Simulation {
  private readonly queue = new TieredEventQueue(256);
  private readonly clock = new Clock();
  private readonly workload: Workload;
  private readonly ledger: RequestLedger;
  private readonly tracker: FaultTracker;
  private readonly timeseries: TimeSeries | null;
  private readonly instances: Instances;
  private readonly health: HealthViews;
  private readonly faults: FaultInjection;
  private readonly detectors: Detectors;
  private readonly pipeline: ClientPipeline;
  private readonly drain: number;
  /** Instances that come and go; null for a static service. */
  private readonly membership: DynamicMembership | null;

  constructor(
    readonly scenario: Scenario,
    balancer: BalancerConfig,
    replication: number,
    options: SimulationOptions = {},
  ) {
    const streams = streamFactory(scenario.seed, replication);
    const clock = this.clock;
    const queue = this.queue;
    const table = new FlightTable(1024);
    // With membership the parts below are built over instance slots, of which the pods of the
    // moment occupy some (DynamicMembership); `sized` is the scenario with that many instances.
    const dynamic = hasDynamicMembership(scenario);
    const live = scenario.service.instances;
    const sized: Scenario = dynamic ? { ...scenario, service: { ...scenario.service, instances: slotCount(scenario) } } : scenario;
    const n = sized.service.instances;
    this.workload = new Workload(scenario, streams);
    this.tracker = new FaultTracker(n, options.recordEvents === true, scenario.warmup);
    this.timeseries = options.recordTimeSeries ? new TimeSeries(scenario.timeseries.window) : null;
    this.ledger = new RequestLedger(scenario, this.timeseries, options.onRequestEnd);
    this.drain = scenario.drain ?? Infinity;

    const now = () => clock.now;
    // The instances are built after the clients (JIQ announces to their balancers); the global
    // view the research balancers read reaches them through this late binding.
    let instances: Instances | null = null;
    const queueLength = (id: number) => instances!.busy[id]! + instances!.waiting[id]!.length;
    const clients = buildClients(sized, balancer, streams, now, queueLength, options.createBalancer);
    const balancers = clients.map((c) => c.balancer);
    const listensForIdle = balancers.some((b) => typeof b.onIdle === 'function');
    const idle: RngStream | null = listensForIdle ? streams('idle-announcements') : null;
    instances = new Instances(sized, table, clock, queue, streams('faults/errors'), balancers, idle, live);
    this.instances = instances;
    const servingOf = instances;
    this.membership = dynamic ? new DynamicMembership(scenario, n, streams, clock, queue, table, this.tracker, clients.length, () => this.noteClusterState()) : null;
    this.health = new HealthViews(sized, clients, this.tracker, (i) => servingOf.isServing(i), now, () => this.noteClusterState(), this.membership);
    if (this.membership !== null) instances.connectMembership(this.membership, this.membership.instanceUsage);
    const recovery = new RecoveryPolicies(sized);
    this.faults = new FaultInjection(sized, streams, instances, clock, queue, this.tracker, this.health, recovery, () => this.noteClusterState());
    const faults = this.faults;
    this.detectors = new Detectors(
      {
        scenario: sized,
        clock,
        instanceCount: n,
        clients,
        health: this.health,
        tracker: this.tracker,
        state: instances.state,
        hung: instances.hung,
        controlCut: instances.controlCut,
        schedule: (time, kind, target) => queue.pushBackground(time, kind, target),
        crash: (instance, cause) => faults.crash(instance, cause),
      },
      streams,
      FIRST_DETECTOR_EVENT,
    );
    this.faults.connect(this.detectors);
    if (this.membership !== null) {
      const detectors = this.detectors;
      this.membership.connect(this.health, instances, {
        forget: (client, slot) => detectors.forgetHost(client, slot),
        newPod: (slot) => detectors.newPod(slot),
        outstanding: (slot) => clients.some((c) => c.load.active(slot) > 0),
      });
      const timeseries = this.timeseries;
      if (timeseries !== null) this.membership.onSentToGone = (time, cause, count) => timeseries.sentToGone(time, cause, count);
    }
    const retryDemand = scenario.retries ? createSampler(scenario.service.serviceTime, streams('retry-service')) : null;
    this.pipeline = new ClientPipeline(sized, clients, table, clock, queue, this.workload, retryDemand, this.ledger, instances, this.health, this.detectors, recovery, {
      onPick: options.onPick,
      onRetry: options.onRetry,
      onRequestStart: options.onRequestStart,
      onAttemptEnd: options.onAttemptEnd,
    });
    instances.connect(this.pipeline);
    if (this.membership !== null) {
      const membership = this.membership;
      this.pipeline.observeResponse = (instance, rtt, sentAt) => membership.observeResponse(instance, rtt, sentAt);
    }
  }

  run(): SimulationResult {
    const queue = this.queue;
    const clock = this.clock;
    const pipeline = this.pipeline;
    const instances = this.instances;
    this.health.initialise();
    this.noteClusterState();
    this.faults.start();
    this.detectors.start();
    this.membership?.start();
    instances.announceAllIdle();
    // The one pending arrival waits beside the heap rather than in it, which saves a push and
    // a pop per request. At equal times heap events go first, as if arrivals had the lowest
    // priority.
    let nextArrival = this.nextArrivalTime();
    let stopAt = Infinity;
    for (;;) {
      if (nextArrival < queue.peekTime()) {
        clock.now = nextArrival;
        pipeline.arrive();
        nextArrival = this.nextArrivalTime();
        if (nextArrival === Infinity) {
          stopAt = this.ledger.lastArrival + this.drain;
          this.faults.arrivalsDone = true;
        }
        continue;
      }
      // Background events (checks, heartbeats, sweeps) recur forever: once arrivals have
      // stopped and nothing but them is left, the run is over (requests still waiting then,
      // lost or stuck with no timeout, are reported as in flight at the end).
      if (nextArrival === Infinity && queue.foregroundSize === 0) break;
      if (!queue.pop()) break;
      const t = queue.popTime;
      if (t > stopAt) break;
      clock.now = t;
      const target = queue.popTarget;
      const kind = queue.popKind;
      switch (kind) {
        case EV_DONE:
          instances.finishService(target);
          break;
        case EV_RESPONSE:
          pipeline.receive(target);
          break;
        case EV_TIMEOUT:
          pipeline.expireTimeouts(target);
          break;
        case EV_TRY_TIMEOUT:
          pipeline.expireTryTimeouts(target);
          break;
        case EV_REACH:
          instances.reach(target);
          break;
        case EV_RETRY:
          pipeline.retry(target);
          break;
        case EV_FAULT_START:
        case EV_FAULT_END:
        case EV_RESTART:
        case EV_STARTED:
        case EV_CRASHLOOP:
          this.faults.handle(kind, target, t);
          break;
        case EV_MEMBERSHIP:
          this.membership!.handle(t);
          break;
        default:
          this.detectors.handle(kind, target);
      }
    }
    this.membership?.finish(clock.now);
    const observation = this.ledger.observation(this.scenario.timeout ?? Infinity, this.tracker.records());
    return {
      metrics: this.metrics(observation),
      events: this.tracker.events,
      timeseries: this.timeseries?.rows(clock.now) ?? [],
      observation,
    };
  }

  /** Time of the next arrival, or Infinity once the workload has ended. */
  private nextArrivalTime(): number {
    return this.workload.nextArrivalTime(this.ledger.arrived);
  }

  /** Records the cluster's state in the time series after a change (crash, start, health). */
  private noteClusterState(): void {
    if (this.timeseries === null) return;
    const { ejected, unhealthy } = this.health.counts();
    this.timeseries.snapshot(this.clock.now, this.instances.servingCount, ejected, unhealthy);
    if (this.membership !== null) this.timeseries.snapshotMembership(this.clock.now, this.membership.snapshot());
  }

  private metrics(observation: SloObservation): ReplicationMetrics {
    const ledger = this.ledger;
    const faults = this.tracker.summary(ledger.spanEnd());
    const counters = this.pipeline.counters;
    const now = this.clock.now;
    const instances = this.instances;
    const membership = this.membership;
    // With membership, per-instance counts are per slot, over the slots some pod occupied.
    const used = membership === null ? instances.served.length : membership.slotsUsed;
    const traffic = ledger.trafficCounters(instances.served.subarray(0, used), instances.speed.subarray(0, used), instances.work.subarray(0, used), now);
    const metrics = replicationMetrics(
      this.scenario,
      membership === null ? traffic : { ...traffic, occupancy: membership.occupancy(this.scenario.duration ?? traffic.lastArrival, used) },
      {
        faultyInstances: this.tracker.faultyInstances(),
        recovered: ledger.recovered,
        detection: {
          faults: faults.faults,
          meanTimeToDetect: faults.meanTimeToDetect,
          maxTimeToDetect: faults.maxTimeToDetect,
          missed: faults.missed,
          falsePositives: this.tracker.falsePositives,
        },
        recovery: {
          recoveredRequests: ledger.recovered,
          requestsMeetingFailure: counters.meetingFailure,
          meanTimeToRecover: faults.meanTimeToRecover,
          maxTimeToRecover: faults.maxTimeToRecover,
          unrecovered: faults.unrecovered,
          restarts: this.faults.restarts,
        },
        retries: {
          sent: counters.retriesSent,
          budgetRefused: counters.retriesRefused,
          circuitBreakerOverflows: counters.overflows,
          attempts: counters.attemptsSent,
          maxAttemptsPerRequest: counters.maxAttemptsPerRequest,
        },
      },
      observation,
    );
    return membership === null ? metrics : { ...metrics, membership: membership.metrics() };
  }
}
