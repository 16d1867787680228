/**
 * The clients' (sidecars') side of a request's life: arrival, the balancer's pick, the circuit
 * breaker, attempts and their per-try timeouts, retries with back-off and budget, the request
 * timeout, and the request's end. The one request lifecycle of the full simulation.
 *
 * Lifecycle (times in ms):
 *   arrival ─ pick ─ circuit breaker (admit, hold as pending, or overflow) ─ attempt ─ network
 *   ─▶ instance (Instances) ─▶ response ─ receive: success ends the request; a failure is
 *   retried after a back-off if the policy and the budget allow, else ends it. A per-try
 *   timeout abandons an attempt (and may retry); the request timeout ends the request whatever
 *   its attempts are doing (the server, unaware, still serves them). No endpoint to pick ends
 *   it at once (Envoy: no healthy upstream).
 *
 * Requests and attempts share one FlightTable (a request's first attempt shares its slot).
 * Each client keeps its own balancer, in-flight counts, timeout queues, circuit breaker and
 * retry stream, so load-aware balancers and budgets see the client's local view only.
 *
 * Complexity: O(1) per event besides the balancer's pick; timeouts are FIFO queues per client
 * (every request has the same timeout), each with at most one timer event armed.
 */
import type { BalancerConfig } from '../balancers/configs.js';
import type { TieredEventQueue } from '../engine/event-queue.js';
import type { RngFactory, RngStream } from '../engine/rng.js';
import type { Sampler } from '../model/distributions/index.js';
import { ATTEMPT_IN_SERVICE, ATTEMPT_LIVE, ATTEMPT_PENDING, PENDING_AT_CLIENT, type FlightTable } from '../model/flight-table.js';
import { IntFifo } from '../model/int-fifo.js';
import { CircuitBreaker, resolveCircuitBreakerConfig } from '../recovery/circuit-breaker.js';
import type { Scenario } from '../scenario/schema.js';
import { createClients, type BalancerFactory, type ClientBase } from './client-balancers.js';
import type { Clock } from './clock.js';
import type { Detectors } from './detectors.js';
import { EV_REACH, EV_RETRY, EV_TIMEOUT, EV_TRY_TIMEOUT } from './event-kinds.js';
import type { HealthViews } from './health-views.js';
import type { Instances } from './instances.js';
import { Outcome } from './outcome.js';
import { RecoveryPolicies } from './recovery-policies.js';
import type { RequestLedger } from './request-ledger.js';
import type { Workload } from './workload.js';

export interface PickRecord {
  readonly time: number;
  readonly client: number;
  /** The request's id (its arrival number, from 0). */
  readonly request: number;
  readonly instance: number;
  /** In rotation for this client: healthy in its view (not HC-failed, ejected or suspected). */
  readonly eligible: boolean;
  /** The balancer made this pick in panic, by its own rule (Balancer.inPanic): it may pick hosts out of rotation. */
  readonly panic: boolean;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
}

/**
 * A retry decided by the budget: scheduled (the client's retries in progress then, this one
 * included, and its allowance), or refused (`refused`: the budget was full).
 */
export interface RetryRecord {
  readonly time: number;
  readonly client: number;
  /** The request's id (its arrival number, from 0). */
  readonly request: number;
  readonly activeRetries: number;
  readonly allowed: number;
  readonly refused: boolean;
}

/** A request's arrival at its client. */
export interface RequestStart {
  readonly id: number;
  readonly client: number;
  readonly time: number;
}

/**
 * An attempt's end at the client: its response arrived (`outcome` what it said), or the client
 * gave up on it (a per-try or the request timeout: Outcome.Timeout).
 */
export interface AttemptEnd {
  readonly request: number;
  readonly client: number;
  readonly instance: number;
  readonly time: number;
  readonly outcome: Outcome;
}

export interface Client extends ClientBase {
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

/** The clients of a run (client-balancers.ts) with what retries, breakers and per-try timeouts need. */
export function buildClients(
  scenario: Scenario,
  strategy: BalancerConfig,
  streams: RngFactory,
  now: () => number,
  queueLength: (instance: number) => number,
  build: BalancerFactory | undefined,
): Client[] {
  const breakers = scenario.circuitBreakers;
  return createClients(scenario, strategy, streams, now, { queueLength }, build).map((base) => ({
    ...base,
    tryTimeouts: new IntFifo(64),
    tryTimerArmed: false,
    activeRequests: 0,
    breaker:
      breakers === undefined
        ? null
        : new CircuitBreaker(resolveCircuitBreakerConfig({ maxRequests: breakers.maxRequests, maxPendingRequests: breakers.maxPendingRequests })),
    pending: new IntFifo(16),
    retryRandom: scenario.retries ? streams(`client/${base.index}/retries`) : null,
  }));
}

/** What the pipeline reports besides the ledger's counters. */
export interface AttemptCounters {
  /** Requests failed at once by a circuit breaker (Envoy `upstream_rq_pending_overflow`). */
  overflows: number;
  /** Counted requests with at least one failed attempt (r can never exceed it). */
  meetingFailure: number;
  retriesSent: number;
  retriesRefused: number;
  attemptsSent: number;
  maxAttemptsPerRequest: number;
}

export interface PipelineHooks {
  readonly onPick?: ((pick: PickRecord) => void) | undefined;
  readonly onRetry?: ((retry: RetryRecord) => void) | undefined;
  readonly onRequestStart?: ((start: RequestStart) => void) | undefined;
  readonly onAttemptEnd?: ((end: AttemptEnd) => void) | undefined;
}

export class ClientPipeline {
  /** Membership's cold-start bookkeeping: every successful response, its instance, time and send time. */
  observeResponse: ((instance: number, rtt: number, sentAt: number) => void) | null = null;
  readonly counters: AttemptCounters = { overflows: 0, meetingFailure: 0, retriesSent: 0, retriesRefused: 0, attemptsSent: 0, maxAttemptsPerRequest: 0 };
  private readonly timeout: number;
  /** Failure accrual needs to see picks (its probation admits exactly one). */
  private readonly watchPicks: boolean;

  constructor(
    scenario: Scenario,
    readonly clients: readonly Client[],
    private readonly table: FlightTable,
    private readonly clock: Clock,
    private readonly queue: TieredEventQueue,
    private readonly workload: Workload,
    /** Service demands of retries (their own stream, so first attempts keep common random numbers). */
    private readonly retryDemand: Sampler | null,
    private readonly ledger: RequestLedger,
    private readonly instances: Instances,
    private readonly health: HealthViews,
    private readonly detectors: Detectors,
    private readonly recovery: RecoveryPolicies,
    private readonly hooks: PipelineHooks,
  ) {
    this.timeout = scenario.timeout ?? Infinity;
    this.watchPicks = scenario.failureAccrual !== undefined;
  }

  /** A request arrives now, with the workload's next draws. */
  arrive(): void {
    const now = this.clock.now;
    const requests = this.table;
    const id = this.ledger.arrived;
    const isCounted = this.ledger.arrival(now);
    const slot = requests.allocateRequest();
    // Workload draws first and always, so every strategy sees the same workload.
    const workload = this.workload;
    workload.drawRequest();
    const c = workload.client;
    const client = this.clients[c]!;
    requests.serial[slot] = id;
    requests.arrival[slot] = now;
    requests.client[slot] = c;
    requests.counted[slot] = isCounted ? 1 : 0;
    requests.key[slot] = workload.key;
    requests.flags[slot] = PENDING_AT_CLIENT;
    client.activeRequests++;
    this.hooks.onRequestStart?.({ id, client: c, time: now });
    if (this.timeout !== Infinity) {
      client.timeouts.push(slot);
      client.timeouts.push(requests.generation[slot]!);
      if (!client.timerArmed) {
        client.timerArmed = true;
        this.queue.push(now + this.timeout, EV_TIMEOUT, c);
      }
    }
    this.sendAttempt(slot, client, workload.demand, workload.outbound, workload.inbound);
  }

  /** Picks an instance and sends the request's next attempt; ends the request if none is left. */
  private sendAttempt(slot: number, client: Client, demand: number, outbound: number, inbound: number): void {
    const requests = this.table;
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
        this.counters.overflows++;
        this.finishRequest(slot, client, Outcome.Overflow);
        return;
      }
      pending = true;
    }
    const attempts = this.table;
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
    if (number > this.counters.maxAttemptsPerRequest) this.counters.maxAttemptsPerRequest = number;
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
    const attempts = this.table;
    const now = this.clock.now;
    const target = attempts.instance[a]!;
    const outbound = attempts.serviceEnd[a]!;
    attempts.sentAt[a] = now;
    this.counters.attemptsSent++;
    client.load.start(target);
    const perTry = this.recovery.perTryTimeout;
    if (perTry !== Infinity && now + perTry < attempts.arrival[attempts.request[a]!]! + this.timeout) {
      client.tryTimeouts.push(a);
      client.tryTimeouts.push(attempts.generation[a]!);
      if (!client.tryTimerArmed) {
        client.tryTimerArmed = true;
        this.queue.push(now + perTry, EV_TRY_TIMEOUT, client.index);
      }
    }
    if (this.instances.dataCut[target] === 1) {
      // The network loses it: no response will ever come; only a timeout ends the wait.
      attempts.returnLatency[a] = -1;
      return;
    }
    if (outbound > 0) this.queue.push(now + outbound, EV_REACH, a);
    else this.instances.reach(a);
  }

  /** An admitted attempt ended at the client: its circuit-breaker slot goes to the next pending one. */
  private releaseAdmission(client: Client): void {
    const breaker = client.breaker;
    if (breaker === null) return;
    breaker.releaseRequest();
    const attempts = this.table;
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
    const requests = this.table;
    const attemptNumber = requests.attempts[slot]! + 1;
    let target = client.balancer.pick(client.context);
    // Envoy previous_hosts: reselect up to host_selection_retry_max_attempts times, then
    // accept the last pick.
    if (attemptNumber > 1 && target >= 0 && this.recovery.avoidPreviousHosts) {
      for (let i = 1; i < this.recovery.hostSelectionAttempts && requests.hasTried(slot, target); i++) {
        target = client.balancer.pick(client.context);
      }
    }
    const onPick = this.hooks.onPick;
    if (onPick !== undefined && target >= 0) {
      onPick({
        time: this.clock.now,
        client: client.index,
        request: requests.serial[slot]!,
        instance: target,
        eligible: this.health.isEligible(client.index, target),
        panic: this.health.inPanic(client.index, target),
        attempt: attemptNumber,
      });
    }
    if (target >= 0 && this.watchPicks) this.detectors.picked(client.index, target);
    return target;
  }

  /** A response (or a refusal) reaches the client: the last event of an answered attempt. */
  receive(a: number): void {
    const attempts = this.table;
    const outcome = attempts.outcome[a]! as Outcome;
    if ((attempts.attemptFlags[a]! & ATTEMPT_LIVE) !== 0) {
      const now = this.clock.now;
      const slot = attempts.request[a]!;
      const instance = attempts.instance[a]!;
      const client = this.clients[attempts.client[slot]!]!;
      client.load.end(instance);
      const ok = outcome === Outcome.Ok;
      if (ok && this.observeResponse !== null) this.observeResponse(instance, now - attempts.sentAt[a]!, attempts.sentAt[a]!);
      if (client.wantsCompletions) client.balancer.onComplete!(instance, now - attempts.sentAt[a]!, ok);
      if (client.wantsReports) {
        client.balancer.onBackendReport!(instance, this.instances.loadReports!.report(instance, this.instances.busy[instance]!, now));
      }
      if (this.detectors.observesOutcomes) this.detectors.observeOutcome(client.index, instance, outcome, now);
      attempts.liveAttempt[slot] = -1;
      this.attemptEnded(slot, client, instance, outcome);
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
    const requests = this.table;
    const now = this.clock.now;
    if (requests.hadFailure[slot] === 0 && requests.counted[slot] === 1) this.counters.meetingFailure++;
    requests.hadFailure[slot] = 1;
    const delay = this.recovery.retryDelay(
      requests.attempts[slot]!,
      outcome,
      client.index,
      client.activeRequests,
      client.retryRandom!,
      requests.arrival[slot]! + this.timeout,
      now,
    );
    if (delay < 0) {
      if (delay === RecoveryPolicies.REFUSED_BY_BUDGET) {
        this.counters.retriesRefused++;
        this.noteRetry(slot, client, true);
      }
      this.finishRequest(slot, client, outcome);
      return;
    }
    requests.retryActive[slot] = 1;
    requests.retryAt[slot] = now + delay;
    this.noteRetry(slot, client, false);
    this.queue.push(now + delay, EV_RETRY, slot);
  }

  private noteRetry(slot: number, client: Client, refused: boolean): void {
    const onRetry = this.hooks.onRetry;
    if (onRetry === undefined) return;
    const state = this.recovery.retryState(client.index, client.activeRequests);
    onRetry({ time: this.clock.now, client: client.index, request: this.table.serial[slot]!, activeRetries: state.active, allowed: state.allowed, refused });
  }

  private attemptEnded(slot: number, client: Client, instance: number, outcome: Outcome): void {
    const onAttemptEnd = this.hooks.onAttemptEnd;
    if (onAttemptEnd !== undefined) onAttemptEnd({ request: this.table.serial[slot]!, client: client.index, instance, time: this.clock.now, outcome });
  }

  /** The request's retry (scheduled or in flight) is over: it no longer counts against the budget. */
  private endRetry(slot: number, client: Client): void {
    if (this.table.retryActive[slot] === 1) {
      this.table.retryActive[slot] = 0;
      this.recovery.endRetry(client.index);
    }
  }

  /** A retry's back-off is over: its attempt goes out, unless the request has ended meanwhile. */
  retry(slot: number): void {
    const requests = this.table;
    // The request ended (timed out) during the back-off, and the slot may hold another by now.
    if (requests.retryAt[slot] !== this.clock.now || requests.flags[slot] !== PENDING_AT_CLIENT) return;
    requests.retryAt[slot] = NaN;
    const client = this.clients[requests.client[slot]!]!;
    this.counters.retriesSent++;
    this.ledger.retried(requests.arrival[slot]!);
    const workload = this.workload;
    workload.drawDelays();
    this.sendAttempt(slot, client, this.retryDemand!.sample(), workload.outbound, workload.inbound);
  }

  /** The request ends at the client with `outcome`: the one place a request ends. */
  private finishRequest(slot: number, client: Client, outcome: Outcome): void {
    const requests = this.table;
    this.endRetry(slot, client);
    requests.flags[slot] = 0;
    client.activeRequests--;
    this.ledger.end(
      requests.serial[slot]!,
      client.index,
      requests.counted[slot] === 1,
      requests.arrival[slot]!,
      this.clock.now,
      outcome,
      requests.hadFailure[slot] === 1,
    );
    requests.releaseRequest(slot);
  }

  /** The client gives up on an attempt (per-try timeout, or the request's own timeout). */
  private abandonAttempt(a: number, client: Client): void {
    const attempts = this.table;
    attempts.attemptFlags[a]! &= ~ATTEMPT_LIVE;
    if ((attempts.attemptFlags[a]! & ATTEMPT_PENDING) !== 0) {
      // Never sent: it gives its pending place back; the queue entry is dropped when reached.
      client.breaker!.releasePending();
      return;
    }
    const instance = attempts.instance[a]!;
    client.load.end(instance);
    if (client.wantsCompletions) client.balancer.onComplete!(instance, this.clock.now - attempts.sentAt[a]!, false);
    // A lost attempt (data path cut) has no response to wait for.
    if (attempts.returnLatency[a] === -1 && (attempts.attemptFlags[a]! & ATTEMPT_IN_SERVICE) === 0) attempts.releaseAttempt(a);
    this.releaseAdmission(client);
  }

  /** The client's request-timeout timer: time out every due request, then re-arm. */
  expireTimeouts(c: number): void {
    const client = this.clients[c]!;
    const fifo = client.timeouts;
    const requests = this.table;
    const now = this.clock.now;
    client.timerArmed = false;
    while (fifo.length > 0) {
      const slot = fifo.peek(0);
      const generation = fifo.peek(1);
      if (requests.generation[slot] === generation && requests.flags[slot] === PENDING_AT_CLIENT) {
        const deadline = requests.arrival[slot]! + this.timeout;
        if (deadline > now) {
          client.timerArmed = true;
          this.queue.push(deadline, EV_TIMEOUT, c);
          return;
        }
        const a = requests.liveAttempt[slot]!;
        if (a >= 0) {
          this.detectors.observeOutcome(c, requests.instance[a]!, Outcome.Timeout, now);
          this.attemptEnded(slot, client, requests.instance[a]!, Outcome.Timeout);
          this.abandonAttempt(a, client);
        }
        this.finishRequest(slot, client, Outcome.Timeout);
      }
      fifo.shift();
      fifo.shift();
    }
  }

  /** The client's per-try timer: abandon every attempt past its per-try deadline. */
  expireTryTimeouts(c: number): void {
    const client = this.clients[c]!;
    const fifo = client.tryTimeouts;
    const attempts = this.table;
    const now = this.clock.now;
    const perTry = this.recovery.perTryTimeout;
    client.tryTimerArmed = false;
    while (fifo.length > 0) {
      const a = fifo.peek(0);
      const generation = fifo.peek(1);
      if (attempts.generation[a] === generation && (attempts.attemptFlags[a]! & ATTEMPT_LIVE) !== 0) {
        const deadline = attempts.sentAt[a]! + perTry;
        if (deadline > now) {
          client.tryTimerArmed = true;
          this.queue.push(deadline, EV_TRY_TIMEOUT, c);
          return;
        }
        const slot = attempts.request[a]!;
        const instance = attempts.instance[a]!;
        this.detectors.observeOutcome(c, instance, Outcome.Timeout, now);
        attempts.liveAttempt[slot] = -1;
        this.attemptEnded(slot, client, instance, Outcome.Timeout);
        this.endRetry(slot, client);
        this.abandonAttempt(a, client);
        this.attemptFailed(slot, client, Outcome.Timeout);
      }
      fifo.shift();
      fifo.shift();
    }
  }
}
