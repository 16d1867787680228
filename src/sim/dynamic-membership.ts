/**
 * Instances that join and leave during a run (issue 13): the part of the simulation that
 * drives the membership models of src/membership and src/discovery (ServiceMembership: the
 * Deployment, the EndpointSlice controller, xDS or DNS discovery, every client sidecar's view)
 * and the autoscalers of src/autoscale from the event loop, and turns what they decide into
 * instance states and endpoint updates.
 *
 * Slots: the simulation's instances are a fixed array of slots; a pod occupies a slot from its
 * creation until it has ended, every client has dropped it and no request is on its way to
 * it, and slots are reused oldest-free first. Slot i holds the attributes of instance i
 * (service.overrides); slots past service.instances have the service's defaults. The number of
 * slots is `slotCount`, a bound on the pods alive at once (a run that needs more stops with an
 * error naming it).
 *
 * What a request meets (reference notes §1.1, §4, §7):
 * - a pod that has not started listening, or whose listener SIGTERM has closed, or whose
 *   process has ended: connection refused (fast, a connect failure, retriable); the refusal
 *   of a pod that the client still routes to after its termination is counted by cause:
 *   `staleEndpoint` (xDS: the removal had not reached the client when it sent), `dnsCache`
 *   (DNS: the client's last answer still listed it), `retainedHealthy` (Envoy kept the host,
 *   dropped by discovery, because it still passed its health checks: the removal × health
 *   matrix);
 * - requests held by the process when it ends are reset: `killedInFlight` at SIGKILL,
 *   `drainCutOff` when the application exits at its drain timeout with work left.
 * - a draining application finishes what it holds and exits once idle (Pod.setBusy).
 *
 * Each client's view reaches its balancer incrementally (HealthViews.setDiscovered →
 * Balancer.updateEndpoints): a new pod joins as one added endpoint, never by rebuilding the
 * set, and its slow-start window (where the balancer has one) opens when it comes into the
 * client's rotation.
 *
 * Complexity: per membership event, that of the models (O(p log p) per Deployment sync for p
 * pods) plus O(changed endpoints) balancer updates; per request, O(1) (a refusal's cause,
 * an attempt's cold/warm latency).
 */
import { HpaController } from '../autoscale/hpa-controller.js';
import { HorizontalPodAutoscaler, type HpaPod } from '../autoscale/hpa.js';
import { KnativePodAutoscaler, KpaController } from '../autoscale/kpa.js';
import { PodMetrics } from '../autoscale/pod-metrics.js';
import type { TieredEventQueue } from '../engine/event-queue.js';
import type { RngFactory } from '../engine/rng.js';
import { TimedGroup, type TimedModel } from '../engine/timed-model.js';
import type { DeploymentEvent } from '../membership/deployment.js';
import { WARM_POD_AGE } from '../membership/pod.js';
import { ServiceMembership } from '../membership/service-membership.js';
import type { HostChanges } from '../discovery/sidecar-endpoints.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { MembershipMetrics } from '../metrics/types.js';
import { hpaConfig, kpaConfig } from '../scenario/build-autoscaling.js';
import { membershipConfig, membershipChanges } from '../scenario/build-membership.js';
import type { Scenario } from '../scenario/schema.js';
import type { Clock } from './clock.js';
import { EV_MEMBERSHIP } from './event-kinds.js';
import type { FaultTracker } from './fault-tracker.js';
import type { HealthViews, MembershipView } from './health-views.js';
import type { MembershipSnapshot } from './timeseries.js';
import type { Instances, MembershipHooks } from './instances.js';
import { ATTEMPT_LIVE, type FlightTable } from '../model/flight-table.js';

/** Causes of a request meeting a gone endpoint (membership.sentToGone.*; timeseries GONE_CAUSES order). */
const STALE = 0;
const DNS = 1;
const RETAINED = 2;
const KILLED = 3;
const CUT = 4;

/** Whether a scenario's instances come and go (any of the dynamics keys). */
export function hasDynamicMembership(scenario: Scenario): boolean {
  return scenario.membership !== undefined || scenario.discovery !== undefined || scenario.autoscaling !== undefined;
}

/**
 * A bound on the pods alive at once: the largest replica count the scenario can ask for, with
 * its rollout surge, twice (the pods of a scale-down or a finished rollout may still be
 * terminating while as many new ones run), plus one per pod deletion.
 */
export function slotCount(scenario: Scenario): number {
  const m = scenario.membership;
  const a = scenario.autoscaling;
  let peak = scenario.service.instances;
  for (const c of m?.changes ?? []) if (c.kind === 'scale') peak = Math.max(peak, c.replicas);
  if (a?.kind === 'hpa') peak = Math.max(peak, a.maxReplicas);
  // The simulation refuses a KPA without maxScale (not-yet-simulated.ts): it would name no bound.
  if (a?.kind === 'kpa') peak = Math.max(peak, a.maxScale);
  const strategy = m?.strategy ?? { type: 'RollingUpdate' as const, maxSurge: '25%' };
  const surge =
    strategy.type === 'Recreate' ? 0 : typeof strategy.maxSurge === 'number' ? strategy.maxSurge : Math.ceil((Number(String(strategy.maxSurge).slice(0, -1)) / 100) * peak);
  const deletes = (m?.changes ?? []).filter((c) => c.kind === 'delete').length;
  return 2 * (peak + surge) + deletes;
}

/** How long a pod counts as cold after it starts listening, for the cold-start penalty (ms). */
export const COLD_WINDOW_DEFAULT = 60_000;

/**
 * What makes a pod in a reused slot a new host to every client (Envoy sees a new address):
 * the simulation's detectors and views forget the old one.
 */
export interface HostIdentity {
  /** `client` dropped the host in `slot`, or a new pod there is joining it (Detectors.forgetHost). */
  forget(client: number, slot: number): void;
  /** A new pod takes `slot` (Detectors.newPod). */
  newPod(slot: number): void;
  /** Whether some client still waits for an attempt it sent to `slot` (its response may be on the way). */
  outstanding(slot: number): boolean;
}

interface Autoscaler extends TimedModel {
  readonly decisions: number;
}

export class DynamicMembership implements MembershipHooks, MembershipView {
  readonly world: ServiceMembership;
  private readonly group: TimedGroup;
  readonly live: number;
  private readonly slots: number;
  /** Slot → pod id (−1: free). */
  private readonly podOfSlot: Int32Array;
  private readonly slotOfPod = new Map<number, number>();
  /** Per slot: when its pod ended (NaN while it lives or the slot is free), and clients that still list it. */
  private readonly endedAt: Float64Array;
  private readonly listedBy: Int32Array;
  /** Per slot: when its pod started listening (cold until + coldWindow). */
  private readonly listeningAt: Float64Array;
  /** Listening spans of pods that have ended: (slot, from, to) triples, for the slots' capacity. */
  private readonly endedSpans: number[] = [];
  /** Slots whose pod ended, oldest first: candidates for reuse. */
  private readonly freed: number[] = [];
  private readonly pendingIdle: number[] = [];
  private scheduledAt = Infinity;
  private readonly sentToGone = new Float64Array(5);
  private readonly usage: InstanceUsage | null;
  private readonly dns: boolean;
  private readonly coldWindow: number;
  readonly cold = new LatencyHistogram();
  readonly warm = new LatencyHistogram();
  private readonly warming: WarmingPods | null;
  private readonly autoscaler: (Autoscaler & { readonly log: ScaleLog }) | null;
  private podsCreated = 0;
  private podsKilled = 0;
  private podSeconds = 0;
  private podsAlive: number;
  private integratedTo = 0;

  constructor(
    private readonly scenario: Scenario,
    slots: number,
    rng: RngFactory,
    private readonly clock: Clock,
    private readonly queue: TieredEventQueue,
    private readonly table: FlightTable,
    private readonly tracker: FaultTracker,
    private readonly clients: number,
    private readonly onChange: () => void,
  ) {
    this.live = scenario.service.instances;
    this.slots = slots;
    this.podOfSlot = new Int32Array(slots).fill(-1);
    this.endedAt = new Float64Array(slots).fill(Number.NaN);
    this.listedBy = new Int32Array(slots);
    // The initial pods have listened since long before the start (warm); NaN: never listened.
    this.listeningAt = new Float64Array(slots).fill(Number.NaN).fill(-WARM_POD_AGE, 0, this.live);
    for (let i = 0; i < this.live; i++) {
      this.podOfSlot[i] = i;
      this.slotOfPod.set(i, i);
      this.listedBy[i] = clients;
    }
    for (let i = this.live; i < slots; i++) this.freed.push(i);
    this.podsAlive = this.live;
    this.dns = scenario.discovery?.kind === 'dns';
    this.coldWindow = scenario.membership?.coldWindow ?? COLD_WINDOW_DEFAULT;
    const config = membershipConfig(scenario, rng);
    this.world = new ServiceMembership({ ...config, sidecar: { ...config.sidecar, activeHealthChecking: scenario.healthCheck !== undefined } }, 0, {
      onHostChanges: (client, changes, now) => this.hostChanges(client, changes, now),
      onDeploymentEvent: (e) => this.deploymentEvent(e),
    });
    const changes = new ChangeSchedule(this.world, membershipChanges(scenario, rng));
    this.autoscaler = this.buildAutoscaler(rng);
    this.usage = this.autoscaler === null ? null : new InstanceUsage(slots);
    const cold = scenario.membership?.pod.coldStart;
    this.warming = cold === undefined ? null : new WarmingPods(cold.slowdown, cold.duration, (slot, factor) => this.instances!.setWarmupSlowdown(slot, factor));
    const members: TimedModel[] = [changes, this.world];
    if (this.warming !== null) members.push(this.warming);
    if (this.autoscaler !== null) members.push(this.autoscaler);
    this.group = new TimedGroup(members);
  }

  /**
   * ms each of the first `slots` slots held a listening pod within [warmup, end]: the capacity
   * behind per-slot utilisation and imbalance (a slot used for half the run is not idle).
   */
  occupancy(end: number, slots: number): Float64Array {
    const from = this.scenario.warmup;
    const held = new Float64Array(slots);
    const add = (slot: number, start: number, stop: number) => {
      const span = Math.min(stop, end) - Math.max(start, from);
      if (span > 0 && slot < slots) held[slot]! += span;
    };
    for (let k = 0; k < this.endedSpans.length; k += 3) add(this.endedSpans[k]!, this.endedSpans[k + 1]!, this.endedSpans[k + 2]!);
    for (let slot = 0; slot < slots; slot++) {
      if (this.podOfSlot[slot]! >= 0 && Number.isNaN(this.endedAt[slot]!) && !Number.isNaN(this.listeningAt[slot]!)) add(slot, this.listeningAt[slot]!, end);
    }
    return held;
  }

  /** Slots some pod has occupied: 0 … slotsUsed − 1. */
  get slotsUsed(): number {
    let used = this.live;
    for (let i = this.live; i < this.slots; i++) if (this.podOfSlot[i]! >= 0) used = i + 1;
    return used;
  }

  /** Membership's state for the time series. */
  snapshot(): MembershipSnapshot {
    const status = this.world.deployment.status();
    return { readyPods: status.ready, desiredReplicas: status.replicas, endpointsMin: this.health?.minInRotation() ?? this.live, endpointsMax: this.health?.maxInRotation() ?? this.live };
  }

  /** The busy-time and in-system integrals the autoscalers read (null without autoscaling). */
  get instanceUsage(): InstanceUsage | null {
    return this.usage;
  }

  private health: HealthViews | null = null;
  private instances: Instances | null = null;

  private hosts: HostIdentity | null = null;
  /** Per-window counts for the time series (null when not recorded). */
  onSentToGone: ((time: number, cause: number, count: number) => void) | null = null;

  connect(health: HealthViews, instances: Instances, hosts: HostIdentity): void {
    this.health = health;
    this.instances = instances;
    this.hosts = hosts;
  }

  /** Schedules the first membership event. */
  start(): void {
    this.schedule();
  }

  /** The membership event: everything due now, then the next one. */
  handle(now: number): void {
    if (this.pendingIdle.length > 0) {
      this.world.advance(now);
      for (const slot of this.pendingIdle.splice(0)) {
        const pod = this.podOfSlot[slot]!;
        if (pod >= 0 && this.world.deployment.pod(pod) !== undefined) this.world.deployment.setBusy(now, pod, false);
      }
    }
    this.group.advance(now);
    this.integrate(now);
    this.schedule();
  }

  private schedule(): void {
    const due = this.group.nextDue();
    if (due === Infinity || due === this.scheduledAt) return;
    if (due < this.scheduledAt || this.scheduledAt <= this.clock.now) {
      this.queue.pushBackground(Math.max(due, this.clock.now), EV_MEMBERSHIP, 0);
      this.scheduledAt = due;
    }
  }

  // ---- MembershipHooks (from Instances) ------------------------------------------------

  refused(a: number, instance: number): void {
    if ((this.table.attemptFlags[a]! & ATTEMPT_LIVE) === 0 || this.clock.now < this.scenario.warmup) return;
    const pod = this.podOfSlot[instance]!;
    // A slot never used, or used by a pod that never listened: not a send to a gone endpoint.
    if (pod < 0 || Number.isNaN(this.listeningAt[instance]!)) return;
    const client = this.table.client[this.table.request[a]!]!;
    const view = this.world.view(client);
    const cause = view.isPendingRemoval(pod) ? RETAINED : this.dns ? DNS : STALE;
    this.sentToGone[cause]!++;
    this.onSentToGone?.(this.clock.now, cause, 1);
  }

  drained(instance: number): void {
    this.pendingIdle.push(instance);
    this.queue.pushBackground(this.clock.now, EV_MEMBERSHIP, 0);
  }

  // ---- MembershipView (from HealthViews) -----------------------------------------------

  present(i: number): boolean {
    return this.podOfSlot[i]! >= 0 && Number.isNaN(this.endedAt[i]!);
  }

  healthChecked(client: number, instance: number, healthy: boolean): void {
    const pod = this.podOfSlot[instance]!;
    if (pod < 0) return;
    const view = this.world.view(client);
    if (!view.has(pod)) return;
    const changes = view.healthChanged(pod, healthy);
    for (const id of changes.removed) this.unlist(client, id);
  }

  // ---- from the models -----------------------------------------------------------------

  private hostChanges(client: number, changes: HostChanges, now: number): void {
    const health = this.health!;
    const view = this.world.view(client);
    for (const id of changes.added) {
      const slot = this.slotOfPod.get(id)!;
      this.listedBy[slot]!++;
      // A new host to this client, whatever the slot's previous pod left behind.
      this.hosts!.forget(client, slot);
      health.setDiscovered(client, slot, true);
      // Envoy health-checks a new host at once: the view takes the check's current verdict.
      if (view.config.activeHealthChecking) view.healthChanged(id, health.isHealthChecked(client, slot));
    }
    for (const id of changes.removed) this.unlist(client, id);
    this.tracker.log(now, 'endpoints_applied', -1, client, `v${view.appliedVersion} +${changes.added.length} -${changes.removed.length}${changes.retained.length > 0 ? ` kept ${changes.retained.length}` : ''}`);
    this.autoscaler?.log.routableChanged(now, this.routableMin());
  }

  private unlist(client: number, pod: number): void {
    const slot = this.slotOfPod.get(pod);
    if (slot === undefined) return;
    this.listedBy[slot]!--;
    this.health!.setDiscovered(client, slot, false);
    this.hosts!.forget(client, slot);
  }

  private deploymentEvent(e: DeploymentEvent): void {
    const instances = this.instances!;
    const t = e.time;
    this.integrate(t);
    switch (e.kind) {
      case 'created': {
        const slot = this.allocate(e.pod, t);
        this.podsCreated++;
        this.podsAlive++;
        this.health!.setPresent(slot, true);
        this.tracker.log(t, 'pod_created', slot, -1, `pod ${e.pod} revision ${e.revision}`);
        return;
      }
      case 'listening': {
        const slot = this.slotOfPod.get(e.pod)!;
        this.listeningAt[slot] = t;
        instances.markListening(slot);
        this.warming?.start(slot, t);
        instances.announceIdle(slot);
        this.tracker.log(t, 'pod_listening', slot, -1, `pod ${e.pod}`);
        this.onChange();
        return;
      }
      case 'sigterm': {
        const slot = this.slotOfPod.get(e.pod)!;
        const busy = instances.closeListener(slot);
        // The kubelet's SIGTERM: the application drains what it holds, then exits.
        this.world.deployment.pod(e.pod)?.setBusy(t, busy);
        this.tracker.log(t, 'pod_sigterm', slot, -1, `pod ${e.pod}${busy ? ' draining' : ''}`);
        this.onChange();
        return;
      }
      case 'exited':
      case 'killed': {
        const slot = this.slotOfPod.get(e.pod)!;
        const held = instances.terminate(slot);
        if (t >= this.scenario.warmup && held > 0) {
          const cause = e.kind === 'killed' ? KILLED : CUT;
          this.sentToGone[cause]! += held;
          this.onSentToGone?.(t, cause, held);
        }
        if (e.kind === 'killed') this.podsKilled++;
        if (!Number.isNaN(this.listeningAt[slot]!)) this.endedSpans.push(slot, this.listeningAt[slot]!, t);
        this.endedAt[slot] = t;
        this.podsAlive--;
        this.health!.setPresent(slot, false);
        // The slot may be reused once every client has dropped the pod.
        this.freed.push(slot);
        this.tracker.log(t, e.kind === 'killed' ? 'pod_killed' : 'pod_exited', slot, -1, `pod ${e.pod}${held > 0 ? ` reset ${held}` : ''}`);
        this.onChange();
        return;
      }
      case 'ready':
      case 'unready':
      case 'deleting':
        this.tracker.log(t, `pod_${e.kind}`, this.slotOfPod.get(e.pod) ?? -1, -1, `pod ${e.pod}`);
        return;
      case 'rollout-started':
      case 'rollout-complete':
        this.tracker.log(t, e.kind === 'rollout-started' ? 'rollout_started' : 'rollout_complete', -1, -1, `revision ${e.revision}`);
        return;
      default:
        return;
    }
  }

  /**
   * A slot for a new pod: the free slot that has been free longest and that nothing refers to
   * (no client lists it, no request is in it or on its way back from it), so nothing of the
   * old pod can reach the new one.
   */
  private allocate(pod: number, now: number): number {
    for (let k = 0; k < this.freed.length; k++) {
      const slot = this.freed[k]!;
      if (this.listedBy[slot]! > 0 || this.instances!.holdsAny(slot) || this.hosts!.outstanding(slot)) continue;
      const old = this.podOfSlot[slot]!;
      if (old >= 0) {
        if (this.world.deployment.pod(old) !== undefined) continue;
        this.slotOfPod.delete(old);
      }
      this.freed.splice(k, 1);
      this.podOfSlot[slot] = pod;
      this.slotOfPod.set(pod, slot);
      this.endedAt[slot] = Number.NaN;
      this.listeningAt[slot] = Number.NaN;
      this.instances!.markStarting(slot);
      this.hosts!.newPod(slot);
      return slot;
    }
    throw new RangeError(`membership: more than ${this.slots} pods alive at t=${now} ms; the simulation sizes its instance slots from the scenario's replicas, scale changes and autoscaling bounds`);
  }

  private integrate(now: number): void {
    if (now <= this.integratedTo) return;
    if (now > this.scenario.warmup) this.podSeconds += (now - Math.max(this.integratedTo, this.scenario.warmup)) * this.podsAlive;
    this.integratedTo = now;
  }

  /** The smallest number of endpoints any client routes to. */
  private routableMin(): number {
    return this.health!.minInRotation();
  }

  // ---- autoscaling ---------------------------------------------------------------------

  private buildAutoscaler(rng: RngFactory): (Autoscaler & { readonly log: ScaleLog }) | null {
    const spec = this.scenario.autoscaling;
    if (spec === undefined) return null;
    const world = this.world;
    const log = new ScaleLog(this.tracker, world.deployment.replicas);
    // Logs the controller's decisions so far (its reconciles, panic changes): called before a
    // scale event, so each decision's own event precedes the scaling it causes.
    let logDecisions = () => {};
    const scale = (replicas: number, now: number) => {
      logDecisions();
      if (replicas === world.deployment.replicas) return;
      log.decided(now, world.deployment.replicas, replicas);
      world.scale(now, replicas);
    };
    if (spec.kind === 'hpa') {
      const config = hpaConfig(spec);
      const concurrency = this.scenario.service.concurrency;
      const usage = () => this.usage!;
      const metrics = config.metrics.map((m, i) => {
        const read =
          m.kind !== 'pods'
            ? (pod: number, now: number) => usage().busyTime(this.slotOfPod.get(pod)!, now)
            : m.name === 'concurrency'
              ? (pod: number, now: number) => usage().inSystemIntegral(this.slotOfPod.get(pod)!, this.instances!, now)
              : (pod: number) => usage().completions[this.slotOfPod.get(pod)!]!;
        // busy-ms per ms × 1000 = milli-cores; request-ms per ms × 1000 = milli-requests; completions per ms × 10⁶ = milli-requests per s.
        const scaleBy = m.kind === 'pods' && m.name === 'rps' ? 1e6 : 1000;
        const phase = rng(`autoscaling/scrape-phase/${i}`).next() * config.metricsResolution;
        return new PodMetrics({ interval: config.metricsResolution, firstScrapeAt: phase, scale: scaleBy }, () => this.scrapedPods(), read);
      });
      const hpa = new HorizontalPodAutoscaler(config);
      const controller = new HpaController(
        hpa,
        config.syncPeriod,
        rng('autoscaling/sync-phase').next() * config.syncPeriod,
        () => ({ specReplicas: world.deployment.replicas, pods: this.hpaPods(concurrency), samples: metrics.map((m) => m.latest()) }),
        scale,
      );
      const group = new TimedGroup([...metrics, controller]);
      // Every reconcile in events.csv: why the replicas moved (or did not).
      let logged = 0;
      logDecisions = () => {
        const decisions = controller.decisions();
        for (; logged < decisions.length; logged++) {
          const d = decisions[logged]!;
          this.tracker.log(d.time, 'hpa_sync', -1, -1, `proposal ${d.proposal} stabilized ${d.stabilized} desired ${d.desired}`);
        }
      };
      const advance = (now: number) => {
        group.advance(now);
        logDecisions();
      };
      return { nextDue: () => group.nextDue(), advance, get decisions() { return controller.decisions().length; }, log };
    }
    const config = kpaConfig(spec);
    const kpa = new KnativePodAutoscaler(config);
    const scrape = rng('autoscaling/scrape-phase/0').next() * 1000;
    const controller = new KpaController(
      kpa,
      scrape,
      rng('autoscaling/sync-phase').next() * config.tickInterval,
      (now) => this.usage!.totalInSystemIntegral(this.instances!, now),
      () => world.deployment.status().ready,
      scale,
    );
    // Panic mode's start and end in events.csv, at the decisions that entered and left it.
    let logged = 0;
    let panic = false;
    logDecisions = () => {
      const decisions = controller.decisions();
      for (; logged < decisions.length; logged++) {
        const d = decisions[logged]!;
        if (d.inPanic === panic) continue;
        panic = d.inPanic;
        this.tracker.log(d.time, panic ? 'kpa_panic_enter' : 'kpa_panic_exit', -1, -1, `panic concurrency ${Math.round(d.panicConcurrency * 100) / 100}, ready ${d.readyPods}`);
      }
    };
    const advance = (now: number) => {
      controller.advance(now);
      logDecisions();
    };
    return { nextDue: () => controller.nextDue(), advance, get decisions() { return controller.decisions().length; }, log };
  }

  private scrapedPods(): number[] {
    const ids: number[] = [];
    for (const p of this.world.deployment.pods()) if (p.pod.podPhase === 'Running') ids.push(p.id);
    return ids;
  }

  private hpaPods(concurrency: number): HpaPod[] {
    return this.world.deployment.pods().map(({ id, pod }) => ({
      id,
      phase: pod.podPhase === 'Gone' ? 'Succeeded' : pod.podPhase,
      deleting: pod.terminating,
      ready: pod.podPhase === 'Pending' ? null : pod.isReady,
      readyTransitionTime: pod.readyTransitionTime,
      startTime: Number.isNaN(pod.startTime) ? null : pod.startTime,
      cpuRequest: concurrency * 1000,
    }));
  }

  // ---- per attempt ---------------------------------------------------------------------

  /** A response from `instance` after `rtt` ms: cold-start penalty bookkeeping. */
  observeResponse(instance: number, rtt: number, sentAt: number): void {
    if (sentAt < this.scenario.warmup) return;
    (sentAt < this.listeningAt[instance]! + this.coldWindow ? this.cold : this.warm).record(rtt);
  }

  // ---- the end of the run --------------------------------------------------------------

  finish(now: number): void {
    this.world.advance(now);
    this.integrate(now);
  }

  metrics(): MembershipMetrics {
    const report = this.world.report();
    const p = report.propagation;
    const [coldP50, coldP99] = this.cold.quantiles([0.5, 0.99]);
    const [warmP50, warmP99] = this.warm.quantiles([0.5, 0.99]);
    const s = this.sentToGone;
    const rollouts = report.rollouts.filter((r) => r.completedAt !== null).map((r) => r.completedAt! - r.startedAt);
    const scale = this.autoscaler?.log;
    return {
      sentToGone: { total: s[STALE]! + s[DNS]! + s[RETAINED]! + s[KILLED]! + s[CUT]!, staleEndpoint: s[STALE]!, dnsCache: s[DNS]!, retainedHealthy: s[RETAINED]!, killedInFlight: s[KILLED]!, drainCutOff: s[CUT]! },
      propagation: {
        additionsP99: p.additions.p99,
        additionsMax: p.additions.max,
        removalsP99: p.removals.p99,
        removalsMax: p.removals.max,
        convergenceP99: p.convergence.p99,
        convergenceMax: p.convergence.max,
        changes: p.convergence.count,
        unconverged: p.unconverged,
      },
      capacity: {
        deploymentDeficit: report.capacity.deploymentDeficit / 1000,
        minAvailable: report.capacity.minAvailable,
        clientDeficitMax: report.capacity.maxClientDeficit / 1000,
        minRoutable: report.capacity.minRoutable,
      },
      pods: { created: this.podsCreated, killed: this.podsKilled, podSeconds: this.podSeconds / 1000, rollouts: report.rollouts.length, rolloutsCompleted: rollouts.length, maxRolloutDuration: rollouts.length > 0 ? Math.max(...rollouts) : Number.NaN },
      coldStart: {
        coldResponses: this.cold.count,
        warmResponses: this.warm.count,
        coldP50: coldP50!,
        coldP99: coldP99!,
        warmP50: warmP50!,
        warmP99: warmP99!,
        coldMean: this.cold.mean,
        warmMean: this.warm.mean,
      },
      ...(scale === undefined
        ? {}
        : {
            autoscaling: {
              decisions: this.autoscaler!.decisions,
              scaleEvents: scale.events,
              directionFlips: scale.flips,
              maxReplicas: scale.maxReplicas,
              meanScaleUpToRoutable: scale.meanLag,
              maxScaleUpToRoutable: scale.maxLag,
            },
          }),
    };
  }
}

/**
 * New pods' cold start (`membership.pod.coldStart`): the slot's service-time multiplier starts
 * at `slowdown` when the application listens and falls linearly to 1 over `duration`, in 20
 * steps (each step's value is the line's at the step's middle), so the hot path keeps reading
 * one multiplier per instance; a `slow` fault on the slot multiplies it (Instances).
 */
class WarmingPods implements TimedModel {
  static readonly STEPS = 20;
  /** Per warming slot: its start and the next step index. */
  private readonly warming = new Map<number, { start: number; step: number }>();

  constructor(
    private readonly slowdown: number,
    private readonly duration: number,
    private readonly setFactor: (slot: number, factor: number) => void,
  ) {}

  start(slot: number, now: number): void {
    this.warming.set(slot, { start: now, step: 0 });
    this.apply(slot, 0);
  }

  nextDue(): number {
    let due = Infinity;
    for (const w of this.warming.values()) due = Math.min(due, w.start + ((w.step + 1) * this.duration) / WarmingPods.STEPS);
    return due;
  }

  advance(now: number): void {
    for (const [slot, w] of this.warming) {
      while (w.start + ((w.step + 1) * this.duration) / WarmingPods.STEPS <= now) {
        w.step++;
        if (w.step >= WarmingPods.STEPS) {
          this.setFactor(slot, 1);
          this.warming.delete(slot);
          break;
        }
        this.apply(slot, w.step);
      }
    }
  }

  private apply(slot: number, step: number): void {
    this.setFactor(slot, 1 + (this.slowdown - 1) * (1 - (step + 0.5) / WarmingPods.STEPS));
  }
}

/** The scenario's own membership changes as a timed model, applied in time order (then file order). */
class ChangeSchedule implements TimedModel {
  private next = 0;
  constructor(
    private readonly world: ServiceMembership,
    private readonly changes: ReadonlyArray<{ readonly at: number; readonly apply: (world: ServiceMembership) => void }>,
  ) {}

  nextDue(): number {
    return this.changes[this.next]?.at ?? Infinity;
  }

  advance(now: number): void {
    while (this.next < this.changes.length && this.changes[this.next]!.at <= now) this.changes[this.next++]!.apply(this.world);
  }
}

/**
 * Scale decisions and their effect: events, direction flips (a scale-up after a scale-down
 * or the reverse), and the lag from a scale-up decision to the moment every client routes to
 * at least the new replicas (superseded when the next decision comes first).
 */
class ScaleLog {
  events = 0;
  flips = 0;
  maxReplicas: number;
  private lastDirection = 0;
  private pending: { at: number; target: number } | null = null;
  private lagSum = 0;
  private lagCount = 0;
  maxLag = Number.NaN;

  constructor(
    private readonly tracker: FaultTracker,
    replicas: number,
  ) {
    this.maxReplicas = replicas;
  }

  get meanLag(): number {
    return this.lagCount > 0 ? this.lagSum / this.lagCount : Number.NaN;
  }

  decided(now: number, from: number, to: number): void {
    const direction = Math.sign(to - from);
    this.events++;
    if (this.lastDirection !== 0 && direction !== this.lastDirection) this.flips++;
    this.lastDirection = direction;
    this.maxReplicas = Math.max(this.maxReplicas, to);
    this.pending = direction > 0 ? { at: now, target: to } : null;
    this.tracker.log(now, 'scale', -1, -1, `${from} → ${to}`);
  }

  routableChanged(now: number, minRoutable: number): void {
    if (this.pending === null || minRoutable < this.pending.target) return;
    const lag = now - this.pending.at;
    this.lagSum += lag;
    this.lagCount++;
    this.maxLag = Number.isNaN(this.maxLag) ? lag : Math.max(this.maxLag, lag);
    this.pending = null;
  }
}

/**
 * Per-slot usage counters the autoscalers read, kept by Instances: busy server-ms (CPU), the
 * time integral of requests in the instance (concurrency) and completions (rps).
 * The in-system integral uses the departure − arrival sums: ∫ n dt up to T = Σ(out) − Σ(in) + n(T)·T.
 */
export class InstanceUsage {
  readonly busyMs: Float64Array;
  readonly flow: Float64Array;
  readonly completions: Float64Array;

  constructor(slots: number) {
    this.busyMs = new Float64Array(slots);
    this.flow = new Float64Array(slots);
    this.completions = new Float64Array(slots);
  }

  busyTime(slot: number, _now: number): number {
    return this.busyMs[slot]!;
  }

  inSystemIntegral(slot: number, instances: Instances, now: number): number {
    return this.flow[slot]! + (instances.busy[slot]! + instances.waiting[slot]!.length) * now;
  }

  totalInSystemIntegral(instances: Instances, now: number): number {
    let sum = 0;
    for (let slot = 0; slot < this.flow.length; slot++) sum += this.inSystemIntegral(slot, instances, now);
    return sum;
  }
}
