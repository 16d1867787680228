/**
 * The instances of the service and their servers: where an attempt is served, queued (FIFO),
 * rejected (queue full) or refused (process down), and what faults do to that machinery.
 *
 * Each instance has `concurrency` servers and a FIFO queue of up to `queueLimit` attempts.
 * A served attempt takes `demand × slowFactor / speed` ms and is answered Ok, or with a 5xx at
 * the instance's error rate (one draw per response from the `faults/errors` stream). Faults
 * act through `crash` (every attempt held is reset, connections refused until `markUp`),
 * `freeze` / `resume` (a hang: in-service attempts stop with their remaining time, new ones
 * queue) and the per-instance flags (data-path cut, control-path cut, slow factor, error rate);
 * when and why they happen is FaultInjection's business.
 *
 * Responses leave through `respond`, which hands them to the client pipeline after the
 * attempt's return latency (or drops them while the data path is cut).
 *
 * Complexity: O(1) per attempt (O(concurrency) to find a server when crashes or hangs must
 * know who holds it); a crash or hang O(concurrency + queue).
 */
import type { TieredEventQueue } from '../engine/event-queue.js';
import type { RngStream } from '../engine/rng.js';
import type { Balancer } from '../balancers/types.js';
import { ATTEMPT_IN_SERVICE, ATTEMPT_LIVE, type FlightTable } from '../model/flight-table.js';
import { IntFifo } from '../model/int-fifo.js';
import { InstanceLoadReports } from '../model/instance-load-reports.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import type { Scenario } from '../scenario/schema.js';
import type { Clock } from './clock.js';
import { EV_DONE, EV_RESPONSE } from './event-kinds.js';
import { Outcome } from './outcome.js';

/** Instance states. */
export const UP = 0;
export const DOWN = 1; // crashed, waiting for the supervisor
export const STARTING = 2;
/** Membership: SIGTERM closed the listener; requests held are still served (drain). */
export const CLOSED = 3;
/** Membership: no process in this slot (not created yet, or exited / killed). */
export const GONE = 4;

/**
 * What membership (DynamicMembership) hears from the instances: a refused attempt, and a
 * closed instance that has just finished its last request.
 */
export interface MembershipHooks {
  /** Attempt `a` met `instance` in state CLOSED or GONE: connection refused. */
  refused(a: number, instance: number): void;
  /** A CLOSED instance holds no request any more. */
  drained(instance: number): void;
}

/** Where a response goes once it reaches the client (ClientPipeline.receive). */
export interface ResponseSink {
  receive(a: number): void;
}

/** Per instance: busy server-ms, Σ departures − Σ arrivals (ms), completions. */
export interface InstanceUsageCounters {
  readonly busyMs: Float64Array;
  readonly flow: Float64Array;
  readonly completions: Float64Array;
}

export class Instances {
  readonly count: number;
  readonly concurrency: number;
  private readonly queueLimit: number;
  /** Each instance's speed (the service rate multiplier). */
  readonly speed: Float64Array;
  /** Servers busy per instance. */
  readonly busy: Int32Array;
  readonly waiting: IntFifo[];
  /**
   * Attempts in service per instance, `concurrency` entries each, -1 when free: what a crash
   * resets and a hang freezes. Kept only when the scenario can crash or hang an instance.
   */
  private readonly servers: Int32Array;
  private readonly trackServers: boolean;
  /** Counted requests served, per instance. */
  readonly served: Float64Array;
  /** ms of service time begun for counted requests, per instance (utilisation). */
  readonly work: Float64Array;
  readonly state: Uint8Array;
  readonly hung: Uint8Array;
  readonly controlCut: Uint8Array;
  readonly dataCut: Uint8Array;
  /** Service-time multiplier: a `slow` fault's factor × a cold pod's warm-up factor (read per attempt). */
  readonly slowFactor: Float64Array;
  private readonly faultSlowdown: Float64Array;
  private readonly warmupSlowdown: Float64Array;
  readonly errorRate: Float64Array;
  /** Changes at every crash, start, hang and resume: service completions from before are void. */
  private readonly epoch: Int32Array;
  /** Instances up and not hung. */
  servingCount: number;
  /** Load reports for balancers that take them (gRPC ORCA); null when none does. */
  readonly loadReports: InstanceLoadReports | null;
  /** JIQ: idle instances announce themselves to a random client's balancer; null when none listens. */
  private readonly idleAnnouncements: RngStream | null;
  private sink: ResponseSink | null = null;
  private membership: MembershipHooks | null = null;
  /** Counters the autoscalers read; null unless a run autoscales. */
  private usage: InstanceUsageCounters | null = null;

  constructor(
    scenario: Scenario,
    private readonly table: FlightTable,
    private readonly clock: Clock,
    private readonly queue: TieredEventQueue,
    private readonly errorStream: RngStream,
    private readonly balancers: readonly Balancer[],
    idleAnnouncements: RngStream | null,
    /** With membership: only the first `live` instances exist at the start, the others are GONE. */
    live: number = scenario.service.instances,
  ) {
    const dynamic = live < scenario.service.instances;
    const service = scenario.service;
    const n = service.instances;
    this.count = n;
    this.concurrency = service.concurrency;
    this.queueLimit = service.queueLimit ?? Infinity;
    this.speed = Float64Array.from(instanceConfigs(scenario), (i) => i.speed);
    this.busy = new Int32Array(n);
    this.served = new Float64Array(n);
    this.work = new Float64Array(n);
    this.waiting = Array.from({ length: n }, () => new IntFifo(16));
    this.trackServers =
      dynamic ||
      scenario.liveness !== undefined ||
      scenario.faults.some((f) => f.kind !== 'slow' && f.kind !== 'errors' && f.kind !== 'partition' && !(f.kind === 'random' && (f.mode === 'slow' || f.mode === 'errors')));
    this.servers = new Int32Array(this.trackServers ? n * this.concurrency : 0).fill(-1);
    this.state = new Uint8Array(n).fill(GONE, live);
    this.hung = new Uint8Array(n);
    this.controlCut = new Uint8Array(n);
    this.dataCut = new Uint8Array(n);
    this.slowFactor = new Float64Array(n).fill(1);
    this.faultSlowdown = new Float64Array(n).fill(1);
    this.warmupSlowdown = new Float64Array(n).fill(1);
    this.errorRate = new Float64Array(n);
    this.epoch = new Int32Array(n);
    this.servingCount = live;
    this.loadReports = balancers.some((b) => typeof b.onBackendReport === 'function') ? new InstanceLoadReports(n, this.concurrency) : null;
    this.idleAnnouncements = idleAnnouncements;
  }

  /** Where responses go (the client pipeline, built after the instances). */
  connect(sink: ResponseSink): void {
    this.sink = sink;
  }

  /** Membership's hooks (runs whose instances come and go), and the autoscalers' counters. */
  connectMembership(hooks: MembershipHooks, usage: InstanceUsageCounters | null): void {
    this.membership = hooks;
    this.usage = usage;
  }

  isServing(i: number): boolean {
    return this.state[i] === UP && this.hung[i] === 0;
  }

  /** Attempt `a` reaches its instance: served, queued, rejected, refused, or lost on the way. */
  reach(a: number): void {
    const instance = this.table.instance[a]!;
    if (this.state[instance] !== UP) {
      if (this.state[instance]! >= CLOSED) this.membership!.refused(a, instance);
      this.respond(a, Outcome.Refused);
    } else if (this.dataCut[instance] === 1) {
      this.dropAttempt(a);
    } else if (this.busy[instance]! < this.concurrency && this.hung[instance] === 0) {
      this.loadReports?.busyChanged(instance, this.busy[instance]!, this.clock.now);
      if (this.usage !== null) this.usage.flow[instance]! -= this.clock.now;
      this.busy[instance]!++;
      this.startService(a, instance);
    } else if (this.waiting[instance]!.length < this.queueLimit) {
      if (this.usage !== null) this.usage.flow[instance]! -= this.clock.now;
      this.waiting[instance]!.push(a);
    } else {
      this.respond(a, Outcome.Rejected);
    }
  }

  private startService(a: number, instance: number): void {
    const attempts = this.table;
    if (this.trackServers) {
      const servers = this.servers;
      let server = instance * this.concurrency;
      while (servers[server] !== -1) server++;
      servers[server] = a;
    }
    attempts.attemptFlags[a]! |= ATTEMPT_IN_SERVICE;
    attempts.epoch[a] = this.epoch[instance]!;
    const work = (attempts.demand[a]! * this.slowFactor[instance]!) / this.speed[instance]!;
    const end = this.clock.now + work;
    const request = attempts.request[a]!;
    if (attempts.generation[request] === attempts.requestGeneration[a] && attempts.counted[request] === 1) this.work[instance]! += work;
    if (this.usage !== null) this.usage.busyMs[instance]! += work;
    attempts.serviceEnd[a] = end;
    attempts.completionScheduled(a);
    this.queue.push(end, EV_DONE, a);
  }

  /** A service completion event: the attempt is answered, unless a crash or hang voided it. */
  finishService(a: number): void {
    const attempts = this.table;
    const instance = attempts.instance[a]!;
    if (!attempts.completionPopped(a)) return;
    if ((attempts.attemptFlags[a]! & ATTEMPT_IN_SERVICE) === 0 || attempts.epoch[a] !== this.epoch[instance]) return;
    this.freeServer(a, instance);
    const request = attempts.request[a]!;
    if (attempts.generation[request] === attempts.requestGeneration[a] && attempts.counted[request] === 1) {
      this.served[instance]!++;
    }
    this.loadReports?.completed(instance, this.busy[instance]!, this.clock.now);
    if (this.usage !== null) {
      this.usage.flow[instance]! += this.clock.now;
      this.usage.completions[instance]!++;
    }
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
    this.table.attemptFlags[a]! &= ~ATTEMPT_IN_SERVICE;
  }

  private startNextOrIdle(instance: number): void {
    const waiting = this.waiting[instance]!;
    if (waiting.length > 0 && this.hung[instance] === 0) {
      this.startService(waiting.shift(), instance);
    } else if (--this.busy[instance]! === 0) {
      if (this.state[instance] === CLOSED) this.membership!.drained(instance);
      else this.announceIdle(instance);
    }
  }

  /** The attempt's outcome travels back to the client. */
  private respond(a: number, outcome: Outcome): void {
    const attempts = this.table;
    const instance = attempts.instance[a]!;
    if (this.dataCut[instance] === 1) {
      this.dropAttempt(a);
      return;
    }
    attempts.outcome[a] = outcome;
    const back = attempts.returnLatency[a]!;
    if (back > 0) this.queue.push(this.clock.now + back, EV_RESPONSE, a);
    else this.sink!.receive(a);
  }

  /** The network lost the attempt (data-path partition): no response will come. */
  private dropAttempt(a: number): void {
    const attempts = this.table;
    if ((attempts.attemptFlags[a]! & ATTEMPT_LIVE) === 0) attempts.releaseAttempt(a);
    else attempts.returnLatency[a] = -1; // still awaited: released when the client gives up on it
  }

  /**
   * The process dies: every attempt it holds (in service or queued) is reset, and it refuses
   * connections until `markStarting` and `markUp`. The caller checks that it was up.
   */
  crash(i: number): void {
    this.state[i] = DOWN;
    if (this.hung[i] === 0) this.servingCount--;
    this.hung[i] = 0;
    this.resetHeld(i);
  }

  /** Every attempt instance `i` holds (in service or queued) is reset. */
  private resetHeld(i: number): void {
    this.epoch[i]!++;
    if (this.usage !== null) this.usage.flow[i]! += this.clock.now * (this.busy[i]! + this.waiting[i]!.length);
    const servers = this.servers;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = servers[base + k]!;
      if (a < 0) continue;
      servers[base + k] = -1;
      this.table.attemptFlags[a]! &= ~ATTEMPT_IN_SERVICE;
      this.respond(a, Outcome.Reset);
    }
    const waiting = this.waiting[i]!;
    while (waiting.length > 0) this.respond(waiting.shift(), Outcome.Reset);
    this.busy[i] = 0;
  }

  /** Whether instance `i` holds any attempt (in service or queued). */
  holdsAny(i: number): boolean {
    return this.busy[i]! > 0 || this.waiting[i]!.length > 0;
  }

  /** Membership: a pod's application is listening in slot `i` (a fresh process, idle). */
  markListening(i: number): void {
    this.setWarmupSlowdown(i, 1);
    this.epoch[i]!++;
    this.state[i] = UP;
    this.servingCount++;
  }

  /** Membership: SIGTERM; the listener closes, requests held go on. Whether it holds any. */
  closeListener(i: number): boolean {
    if (this.state[i] === UP && this.hung[i] === 0) this.servingCount--;
    this.state[i] = CLOSED;
    return this.busy[i]! > 0 || this.waiting[i]!.length > 0;
  }

  /**
   * Membership: the process in slot `i` ended (exit or SIGKILL); every request it still holds
   * is reset. Returns how many.
   */
  terminate(i: number): number {
    const held = this.busy[i]! + this.waiting[i]!.length;
    if (this.state[i] === UP && this.hung[i] === 0) this.servingCount--;
    this.hung[i] = 0;
    this.state[i] = GONE;
    this.resetHeld(i);
    return held;
  }

  /**
   * A `slow` fault on instance `i` (1 when it ends). It composes with a cold pod's warm-up by
   * multiplication: both stretch the same service time, independently (a throttled CPU slows a
   * JIT-warming process as much as a warm one).
   */
  setFaultSlowdown(i: number, factor: number): void {
    this.faultSlowdown[i] = factor;
    this.slowFactor[i] = factor * this.warmupSlowdown[i]!;
  }

  /** Membership: the warm-up factor of the pod in slot `i` (1 once warm). */
  setWarmupSlowdown(i: number, factor: number): void {
    this.warmupSlowdown[i] = factor;
    this.slowFactor[i] = this.faultSlowdown[i]! * factor;
  }

  markStarting(i: number): void {
    this.state[i] = STARTING;
  }

  /** Startup finished: the instance serves again (idle: `announceIdle` once the others have heard). */
  markUp(i: number): void {
    this.state[i] = UP;
    this.servingCount++;
    this.epoch[i]!++;
  }

  /** Hang: in-service attempts stop where they are; queued ones wait; new ones queue. */
  freeze(i: number): void {
    this.hung[i] = 1;
    this.servingCount--;
    this.epoch[i]!++;
    const attempts = this.table;
    const now = this.clock.now;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = this.servers[base + k]!;
      if (a >= 0) attempts.serviceEnd[a] = Math.max(0, attempts.serviceEnd[a]! - now); // now the remaining time
    }
  }

  /** The hang ends: frozen attempts continue with their remaining service time. */
  resume(i: number): void {
    this.hung[i] = 0;
    this.servingCount++;
    this.epoch[i]!++;
    const attempts = this.table;
    const now = this.clock.now;
    const base = i * this.concurrency;
    for (let k = 0; k < this.concurrency; k++) {
      const a = this.servers[base + k]!;
      if (a < 0) continue;
      attempts.epoch[a] = this.epoch[i]!;
      attempts.serviceEnd[a] = now + attempts.serviceEnd[a]!;
      attempts.completionScheduled(a);
      this.queue.push(attempts.serviceEnd[a]!, EV_DONE, a);
    }
    while (this.busy[i]! < this.concurrency && this.waiting[i]!.length > 0) {
      this.busy[i]!++;
      this.startService(this.waiting[i]!.shift(), i);
    }
  }

  /** JIQ at the start of the run: every instance is idle and announces itself. */
  announceAllIdle(): void {
    for (let instance = 0; instance < this.count; instance++) this.announceIdle(instance);
  }

  /** JIQ-Random (Lu et al. 2011): an idle instance joins the idle queue of a random client. */
  announceIdle(instance: number): void {
    if (this.idleAnnouncements === null) return;
    const balancer = this.balancers[this.idleAnnouncements.int(this.balancers.length)]!;
    balancer.onIdle?.(instance);
  }
}
