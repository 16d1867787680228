/**
 * The fast path: one replication of a scenario with no faults, retries or detectors (see
 * `runsOnFastPath`), where a request is one attempt and nothing but traffic moves. Simulation
 * handles every scenario; this leaner loop gives the same results, event for event and
 * number for number (test/sim/fast-path.test.ts holds the two together for every balancer
 * kind), for the fault-free scenarios that sweeps and comparisons run by the thousand, at
 * about 1.5 times the speed.
 *
 * What the two loops share is shared: the workload's draws (Workload), the clients' balancers
 * (createClientBalancers), the event kinds and their priorities, where requests are counted
 * and end (RequestLedger) and how metrics are assembled (replicationMetrics). What stays
 * separate is the lifecycle itself, written here without the attempt table, fault flags and
 * detector calls of Simulation's parts, which is where the speed comes from.
 *
 * Request lifecycle (times in ms):
 *   arrival at a client ─ pick ─ network ─▶ instance: serve, queue (FIFO) or reject
 *   ◀─ network ─ response; or the client's timeout fires first (the server, unaware, still
 *   serves the request, as a real one would).
 * Each client (sidecar) has its own balancer, random stream and in-flight counts, so
 * load-aware balancers see the client's local view only, as in a real mesh.
 *
 * Common random numbers: the arrival times, client assignment, service demands, network
 * latencies and keys are drawn from workload streams at arrival, in arrival order, whatever
 * the balancer does; only the balancers' own streams differ between strategies.
 *
 * Memory is O(instances + clients + requests in flight): requests live in a slot pool and
 * latencies go to a fixed-size histogram.
 */
import { EventQueue } from '../engine/event-queue.js';
import { streamFactory, type RngStream } from '../engine/rng.js';
import type { BalancerConfig } from '../balancers/configs.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import { endpointsOf } from './endpoints.js';
import type { SimulationOptions } from './simulation.js';
import { IntFifo } from '../model/int-fifo.js';
import { InstanceLoadReports } from '../model/instance-load-reports.js';
import { PENDING_AT_CLIENT, RequestPool } from '../model/request-pool.js';
import type { Scenario } from '../scenario/schema.js';
import { createClients, type ClientBase } from './client-balancers.js';
import { EV_DONE, EV_REACH, EV_RESPONSE, EV_TIMEOUT } from './event-kinds.js';
import { Outcome } from './outcome.js';
import { RequestLedger } from './request-ledger.js';
import { Workload } from './workload.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { replicationMetrics } from './replication-metrics.js';
import type { SloObservation } from '../slo/observation.js';


/** Whether a run can take the fast path: nothing but traffic, and nothing recorded but metrics. */
export function runsOnFastPath(scenario: Scenario, options: SimulationOptions): boolean {
  return (
    scenario.faults.length === 0 &&
    scenario.retries === undefined &&
    scenario.circuitBreakers === undefined &&
    scenario.failureAccrual === undefined &&
    scenario.healthCheck === undefined &&
    scenario.heartbeat === undefined &&
    scenario.outlierDetection === undefined &&
    scenario.liveness === undefined &&
    // Instances that come and go take the full simulation (DynamicMembership).
    scenario.membership === undefined &&
    scenario.discovery === undefined &&
    scenario.autoscaling === undefined &&
    options.recordEvents !== true &&
    options.recordTimeSeries !== true &&
    options.onPick === undefined &&
    options.onRetry === undefined &&
    options.onRequestStart === undefined &&
    options.onAttemptEnd === undefined &&
    options.engine !== 'full'
  );
  // onRequestEnd is served by both paths (RequestLedger).
}

/** A replication's metrics and what its SLO is judged on. */
export interface ObservedMetrics {
  readonly metrics: ReplicationMetrics;
  readonly observation: SloObservation;
}

export class FastSimulation {
  private readonly queue = new EventQueue(256);
  private readonly pool = new RequestPool(1024);
  private readonly ledger: RequestLedger;
  private now = 0;

  // Workload (common random numbers).
  private readonly workload: Workload;

  // Instances.
  private readonly instanceCount: number;
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly speed: Float64Array;
  private readonly busy: Int32Array;
  private readonly waiting: IntFifo[];
  private readonly served: Float64Array;
  private readonly work: Float64Array;

  private readonly clients: ClientBase[];
  private readonly timeout: number;
  /** Announces idle instances to a random client's balancer (JIQ); null unless one listens. */
  private readonly idleAnnouncements: RngStream | null;
  private readonly instanceLoad: InstanceLoadReports | null;

  private readonly drain: number;
  private attemptsSent = 0;

  constructor(
    private readonly scenario: Scenario,
    balancer: BalancerConfig,
    replication: number,
    options: SimulationOptions = {},
  ) {
    const streams = streamFactory(scenario.seed, replication);
    this.workload = new Workload(scenario, streams);

    const service = scenario.service;
    const n = service.instances;
    this.instanceCount = n;
    this.concurrency = service.concurrency;
    this.queueLimit = service.queueLimit ?? Infinity;
    const instances = instanceConfigs(scenario);
    this.speed = Float64Array.from(instances, (i) => i.speed);
    this.busy = new Int32Array(n);
    this.served = new Float64Array(n);
    this.work = new Float64Array(n);
    this.waiting = Array.from({ length: n }, () => new IntFifo(16));
    const endpoints = endpointsOf(instances);

    this.timeout = scenario.timeout ?? Infinity;
    const now = () => this.now;
    const global = { queueLength: (id: number) => this.busy[id]! + this.waiting[id]!.length };
    this.clients = createClients(scenario, balancer, streams, now, global, options.createBalancer);
    for (const client of this.clients) client.balancer.setEndpoints(endpoints);
    const listensForIdle = this.clients.some((c) => typeof c.balancer.onIdle === 'function');
    this.idleAnnouncements = listensForIdle ? streams('idle-announcements') : null;
    this.instanceLoad = this.clients.some((c) => c.wantsReports) ? new InstanceLoadReports(n, this.concurrency) : null;

    this.ledger = new RequestLedger(scenario, null, options.onRequestEnd);
    this.drain = scenario.drain ?? Infinity;
  }

  run(): ObservedMetrics {
    const queue = this.queue;
    // The one pending arrival waits beside the heap rather than in it, which saves a push and
    // a pop per request. At equal times heap events go first, as if arrivals had the lowest
    // priority.
    if (this.idleAnnouncements !== null) {
      for (let instance = 0; instance < this.instanceCount; instance++) this.announceIdle(instance);
    }
    let nextArrival = this.nextArrivalTime();
    let stopAt = Infinity;
    for (;;) {
      if (nextArrival < queue.peekTime()) {
        this.now = nextArrival;
        this.arrive();
        nextArrival = this.nextArrivalTime();
        if (nextArrival === Infinity) stopAt = this.ledger.lastArrival + this.drain;
        continue;
      }
      if (!queue.pop()) break;
      const t = queue.popTime;
      if (t > stopAt) break;
      this.now = t;
      const target = queue.popTarget;
      switch (queue.popKind) {
        case EV_DONE:
          this.finishService(target);
          break;
        case EV_RESPONSE:
          this.receive(target, this.pool.rejected[target] === 0);
          break;
        case EV_TIMEOUT:
          this.expireTimeouts(target);
          break;
        case EV_REACH:
          this.reach(target);
          break;
        default:
          throw new Error(`internal error: unknown event kind ${queue.popKind} at t=${t}ms`);
      }
    }
    const observation = this.ledger.observation(this.timeout, []);
    return { metrics: this.metrics(observation), observation };
  }

  /** Time of the next arrival, or Infinity once the workload has ended. */
  private nextArrivalTime(): number {
    return this.workload.nextArrivalTime(this.ledger.arrived);
  }

  private arrive(): void {
    const now = this.now;
    const id = this.ledger.arrived;
    const isCounted = this.ledger.arrival(now);
    const pool = this.pool;
    const slot = pool.allocate();
    // Workload draws first and always, so every strategy sees the same workload.
    const workload = this.workload;
    workload.drawRequest();
    const c = workload.client;
    const demand = workload.demand;
    const outbound = workload.outbound;
    const inbound = workload.inbound;
    const client = this.clients[c]!;
    client.context.key = workload.key;
    pool.serial[slot] = id;
    pool.arrival[slot] = now;
    pool.demand[slot] = demand;
    pool.returnLatency[slot] = inbound;
    pool.client[slot] = c;
    pool.counted[slot] = isCounted ? 1 : 0;

    const target = client.balancer.pick(client.context);
    if (target < 0) {
      // No endpoint to send to: the client fails the request at once (Envoy: no healthy upstream).
      this.ledger.end(id, c, isCounted, now, now, Outcome.NoEndpoint, false);
      pool.release(slot);
      return;
    }
    pool.instance[slot] = target;
    pool.flags[slot] = PENDING_AT_CLIENT;
    this.attemptsSent++;
    client.load.start(target);
    if (this.timeout !== Infinity) {
      client.timeouts.push(slot);
      client.timeouts.push(pool.generation[slot]!);
      if (!client.timerArmed) {
        client.timerArmed = true;
        this.queue.push(now + this.timeout, EV_TIMEOUT, c);
      }
    }
    if (outbound > 0) this.queue.push(now + outbound, EV_REACH, slot);
    else this.reach(slot);
  }

  private reach(slot: number): void {
    const instance = this.pool.instance[slot]!;
    if (this.busy[instance]! < this.concurrency) {
      this.instanceLoad?.busyChanged(instance, this.busy[instance]!, this.now);
      this.busy[instance]!++;
      this.startService(slot, instance);
    } else if (this.waiting[instance]!.length < this.queueLimit) {
      this.waiting[instance]!.push(slot);
    } else {
      this.respond(slot, false);
    }
  }

  private startService(slot: number, instance: number): void {
    const work = this.pool.demand[slot]! / this.speed[instance]!;
    if (this.pool.counted[slot] === 1) this.work[instance]! += work;
    this.queue.push(this.now + work, EV_DONE, slot);
  }

  private finishService(slot: number): void {
    const instance = this.pool.instance[slot]!;
    if (this.pool.counted[slot] === 1) this.served[instance]!++;
    const waiting = this.waiting[instance]!;
    this.instanceLoad?.completed(instance, this.busy[instance]!, this.now);
    if (waiting.length > 0) {
      this.startService(waiting.shift(), instance);
    } else if (--this.busy[instance]! === 0 && this.idleAnnouncements !== null) {
      this.announceIdle(instance);
    }
    this.respond(slot, true);
  }

  private respond(slot: number, ok: boolean): void {
    const back = this.pool.returnLatency[slot]!;
    if (back > 0) {
      this.pool.rejected[slot] = ok ? 0 : 1;
      this.queue.push(this.now + back, EV_RESPONSE, slot);
    }
    else this.receive(slot, ok);
  }

  /** The response reaches the client: the last event of every slot. */
  private receive(slot: number, ok: boolean): void {
    const pool = this.pool;
    if (pool.flags[slot] === PENDING_AT_CLIENT) {
      const client = this.clients[pool.client[slot]!]!;
      const instance = pool.instance[slot]!;
      client.load.end(instance);
      if (client.wantsCompletions) client.balancer.onComplete!(instance, this.now - pool.arrival[slot]!, ok);
      if (client.wantsReports) client.balancer.onBackendReport!(instance, this.instanceLoad!.report(instance, this.busy[instance]!, this.now));
      this.endRequest(slot, ok ? Outcome.Ok : Outcome.Rejected);
    }
    pool.release(slot);
  }

  /** The client's timer: time out every due request, then re-arm for the oldest live one. */
  private expireTimeouts(c: number): void {
    const client = this.clients[c]!;
    const fifo = client.timeouts;
    const pool = this.pool;
    client.timerArmed = false;
    while (fifo.length > 0) {
      const slot = fifo.peek(0);
      const generation = fifo.peek(1);
      if (pool.generation[slot] === generation && pool.flags[slot] === PENDING_AT_CLIENT) {
        const deadline = pool.arrival[slot]! + this.timeout;
        if (deadline > this.now) {
          client.timerArmed = true;
          this.queue.push(deadline, EV_TIMEOUT, c);
          return;
        }
        pool.flags[slot] = 0;
        client.load.end(pool.instance[slot]!);
        if (client.wantsCompletions) client.balancer.onComplete!(pool.instance[slot]!, this.now - pool.arrival[slot]!, false);
        this.endRequest(slot, Outcome.Timeout);
      }
      fifo.shift();
      fifo.shift();
    }
  }

  /** The request in `slot` ends now with `outcome` (its slot lives on until its response is back). */
  private endRequest(slot: number, outcome: Outcome): void {
    const pool = this.pool;
    this.ledger.end(pool.serial[slot]!, pool.client[slot]!, pool.counted[slot] === 1, pool.arrival[slot]!, this.now, outcome, false);
  }

  /** JIQ-Random (Lu et al. 2011): an idle instance joins the idle queue of a random client. */
  private announceIdle(instance: number): void {
    const client = this.clients[this.idleAnnouncements!.int(this.clients.length)]!;
    client.balancer.onIdle?.(instance);
  }

  private metrics(observation: SloObservation): ReplicationMetrics {
    const ledger = this.ledger;
    return replicationMetrics(
      this.scenario,
      ledger.trafficCounters(this.served, this.speed, this.work, this.now),
      {
        faultyInstances: 0,
        recovered: 0,
        detection: { faults: 0, meanTimeToDetect: NaN, maxTimeToDetect: NaN, missed: 0, falsePositives: 0 },
        recovery: {
          recoveredRequests: 0,
          // Without retries, the only failed attempts are rejections, and each ends its request.
          requestsMeetingFailure: ledger.rejected,
          meanTimeToRecover: NaN,
          maxTimeToRecover: NaN,
          unrecovered: 0,
          restarts: 0,
        },
        retries: {
          sent: 0,
          budgetRefused: 0,
          circuitBreakerOverflows: 0,
          attempts: this.attemptsSent,
          maxAttemptsPerRequest: this.attemptsSent > 0 ? 1 : 0,
        },
      },
      observation,
    );
  }

}
