/**
 * Each client's view of which instances are in rotation, kept up to date change by change.
 *
 * An instance is out of rotation for a client while any of these holds: its active health
 * check (the client's own, or the central checker's) has marked it unhealthy, the client's
 * outlier detector has ejected it, Linkerd failure accrual has shut it, or the heartbeat
 * detector suspects it (a membership change every client sees). Health-aware balancers
 * (Envoy's host selection) have every endpoint with its `healthy` flag and apply their panic
 * threshold themselves; the others have only the instances in rotation.
 *
 * Incremental: a verdict that changes nothing (the same flag again, or a second reason for an
 * instance already out of rotation) costs O(1) and tells no balancer anything; one that moves
 * an instance in or out of a client's rotation sends that one endpoint to the client's balancer
 * (Balancer.updateEndpoints, or the O(n) `setEndpoints` adapter for balancers without it). The
 * per-instance counts behind `checkRecovered` and the time series' ejected/unhealthy columns
 * are kept as the flags change, so no call scans clients × instances.
 *
 * Complexity: O(1) per verdict plus the balancer's update when rotation changes; a suspicion
 * (every client's view) O(clients); memory O(clients × instances).
 */
import { endpointUpdater, type EndpointUpdater } from '../balancers/endpoint-updates.js';
import type { Balancer, Endpoint } from '../balancers/types.js';
import type { Scenario } from '../scenario/schema.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import { endpointsOf } from './endpoints.js';
import type { EventKind, FaultTracker } from './fault-tracker.js';

export interface ViewClient {
  readonly index: number;
  readonly balancer: Pick<Balancer, 'healthAware' | 'setEndpoints' | 'updateEndpoints' | 'inPanic'>;
}

/** Why a client has an instance out of rotation (bits of `reasons`). */
const HC_FAILED = 1;
const EJECTED = 2;
const ACCRUED = 4;
/** Membership: the client's discovery does not list the instance (not in its balancer at all). */
const NOT_DISCOVERED = 8;

/** With membership: who else hears of health-check verdicts, and which instances hold a live pod. */
export interface MembershipView {
  /** Instances that exist at the start (the first `live`); the others are undiscovered everywhere. */
  readonly live: number;
  /** Whether instance `i` holds a pod that has not ended (a detection of a gone one is no false positive). */
  present(i: number): boolean;
  /** A health check changed its verdict on `instance` for `client` (Envoy's removal × health matrix). */
  healthChecked(client: number, instance: number, healthy: boolean): void;
}

const NO_IDS: readonly number[] = [];
const NO_ENDPOINTS: readonly Endpoint[] = [];

export class HealthViews {
  private readonly n: number;
  /** Per client × instance: the HC_FAILED | EJECTED | ACCRUED reasons in force. */
  private readonly reasons: Uint8Array;
  /** Per instance: the heartbeat detector suspects it. */
  private readonly suspected: Uint8Array;
  /** Per client × instance: when the instance last came into the client's rotation (NaN: never). */
  private readonly since: Float64Array;
  /** Per instance: clients that have it out of rotation. */
  private readonly outOfRotation: Int32Array;
  /** Per instance: clients whose outlier detector ejected it, whose health check failed it. */
  private readonly ejectedBy: Int32Array;
  private readonly failedBy: Int32Array;
  /** Per instance: whether it holds a pod (always, without membership); only those are counted below. */
  private readonly present: Uint8Array;
  /** Instances ejected by some client; unhealthy for some client or suspected. */
  private ejectedInstances = 0;
  private unhealthyInstances = 0;
  private readonly eligibleCount: Int32Array;
  /** Per client: in panic by its balancer's own rule, as last logged. */
  private readonly panic: Uint8Array;
  private readonly updaters: EndpointUpdater[];
  private readonly base: Endpoint[];
  /** One-element update lists, reused: balancers copy what they keep. */
  private readonly one: Endpoint[] = [];
  private readonly oneId: number[] = [];

  constructor(
    scenario: Scenario,
    private readonly clients: readonly ViewClient[],
    private readonly tracker: FaultTracker,
    private readonly serving: (instance: number) => boolean,
    private readonly now: () => number,
    /** Called after any client's view changed (the time series samples the cluster then). */
    private readonly onChange: () => void = () => {},
    private readonly membership: MembershipView | null = null,
  ) {
    const n = scenario.service.instances;
    this.n = n;
    const c = clients.length;
    this.reasons = new Uint8Array(c * n);
    this.suspected = new Uint8Array(n);
    this.since = new Float64Array(c * n).fill(NaN);
    this.outOfRotation = new Int32Array(n);
    this.ejectedBy = new Int32Array(n);
    this.failedBy = new Int32Array(n);
    this.eligibleCount = new Int32Array(c).fill(n);
    this.present = new Uint8Array(n).fill(1, 0, membership === null ? n : membership.live);
    this.panic = new Uint8Array(c);
    this.updaters = clients.map((client) => endpointUpdater(client.balancer as Balancer));
    this.base = endpointsOf(instanceConfigs(scenario));
    // Envoy: with a health checker, hosts start failed and the first successful check admits them.
    if (scenario.healthCheck !== undefined && c > 0) {
      this.reasons.fill(HC_FAILED);
      this.outOfRotation.fill(c);
      this.failedBy.fill(c);
      this.unhealthyInstances = membership === null ? n : membership.live;
      this.eligibleCount.fill(0);
    }
    if (membership !== null) {
      const live = membership.live;
      for (let client = 0; client < c; client++) {
        for (let i = live; i < n; i++) this.reasons[client * n + i]! |= NOT_DISCOVERED;
      }
      if (scenario.healthCheck === undefined) {
        this.outOfRotation.fill(c, live);
        this.eligibleCount.fill(live);
      }
    }
  }

  /** Gives every balancer its first endpoint set. */
  initialise(): void {
    for (const client of this.clients) {
      const c = client.index;
      const endpoints: Endpoint[] = [];
      for (let i = 0; i < this.n; i++) {
        const healthy = this.isEligible(c, i);
        if (healthy || (client.balancer.healthAware && this.isDiscovered(c, i))) endpoints.push(this.endpoint(c, i, healthy));
      }
      this.updaters[c]!.set(endpoints);
      this.notePanic(c);
      this.onChange();
    }
  }

  isEligible(client: number, instance: number): boolean {
    return this.reasons[client * this.n + instance] === 0 && this.suspected[instance] === 0;
  }

  /** Whether the client's active health check (or the central one) passes `instance`. */
  isHealthChecked(client: number, instance: number): boolean {
    return (this.reasons[client * this.n + instance]! & HC_FAILED) === 0;
  }

  /** The fewest instances any client has in rotation. */
  minInRotation(): number {
    let min = Infinity;
    for (const count of this.eligibleCount) min = Math.min(min, count);
    return min;
  }

  /** The most instances any client has in rotation. */
  maxInRotation(): number {
    let max = 0;
    for (const count of this.eligibleCount) max = Math.max(max, count);
    return max;
  }

  /** Whether the client's discovery lists `instance` (always, without membership). */
  isDiscovered(client: number, instance: number): boolean {
    return (this.reasons[client * this.n + instance]! & NOT_DISCOVERED) === 0;
  }

  /**
   * Membership: the client's discovery added (or dropped) `instance`. A dropped instance leaves
   * the client's balancer altogether, health-aware or not (it no longer counts towards panic).
   */
  setDiscovered(client: number, instance: number, discovered: boolean): void {
    const k = client * this.n + instance;
    const before = this.reasons[k]!;
    if (((before & NOT_DISCOVERED) === 0) === discovered) return;
    const after = before ^ NOT_DISCOVERED;
    this.reasons[k] = after;
    if (this.suspected[instance] === 0 && (before === 0) !== (after === 0)) {
      this.changed(client, instance, after === 0);
      return;
    }
    if (!this.clients[client]!.balancer.healthAware) return;
    // Out of rotation either way: a health-aware balancer gains or loses it as an unhealthy host.
    this.tell(client, instance, discovered, false);
  }

  /**
   * Membership: the client no longer knows the host in `instance` (its discovery dropped it,
   * or a new pod there is joining it). The reasons it had the host out of rotation go (health
   * check, ejection, accrual), and with them the counts; the health-check verdict becomes
   * `hcFailed` (the new session's: Envoy's new hosts start failed); and the balancer forgets
   * the id (Balancer.forgetEndpoints). The client does not discover the instance, so its
   * rotation and its balancer's set do not change.
   */
  forgetHost(client: number, instance: number, hcFailed: boolean): void {
    const k = client * this.n + instance;
    const before = this.reasons[k]!;
    if ((before & NOT_DISCOVERED) === 0) throw new Error(`internal error: client ${client} forgets instance ${instance}, which it still discovers`);
    const after = NOT_DISCOVERED | (hcFailed ? HC_FAILED : 0);
    if ((before & EJECTED) !== 0) this.countEjected(instance, -1);
    if ((before & HC_FAILED) !== (after & HC_FAILED)) this.countFailed(instance, hcFailed ? 1 : -1);
    this.reasons[k] = after;
    this.since[k] = NaN;
    this.oneId[0] = instance;
    this.updaters[client]!.forget(this.oneId);
  }

  /** Membership: a pod now holds `instance` (created), or no longer (ended); the counts cover held instances only. */
  setPresent(instance: number, present: boolean): void {
    if ((this.present[instance] === 1) === present) return;
    this.present[instance] = present ? 1 : 0;
    const delta = present ? 1 : -1;
    if (this.ejectedBy[instance]! > 0) this.ejectedInstances += delta;
    if (this.failedBy[instance]! > 0 || this.suspected[instance] === 1) this.unhealthyInstances += delta;
  }

  /**
   * Whether the client's balancer may now pick `instance` although it is out of rotation: its
   * own panic rule (Envoy: the instance's priority level is in panic). Never for balancers
   * that do not say.
   */
  inPanic(client: number, instance: number): boolean {
    return this.clients[client]!.balancer.inPanic?.(instance) ?? false;
  }

  /** Instances out of rotation for at least one client, by reason, for the time series. */
  counts(): { ejected: number; unhealthy: number } {
    return { ejected: this.ejectedInstances, unhealthy: this.unhealthyInstances };
  }

  /** Clients whose outlier detector has `instance` ejected. */
  ejectedCount(instance: number): number {
    return this.ejectedBy[instance]!;
  }

  /** Active health checking changed its verdict; `client` −1 is the central checker. */
  setHealthCheckFailed(client: number, instance: number, failed: boolean, cause: string): void {
    const kind = failed ? 'hc_unhealthy' : 'hc_healthy';
    if (client >= 0) {
      this.update(HC_FAILED, client, instance, failed, kind, cause, client);
      return;
    }
    for (const c of this.clients) this.update(HC_FAILED, c.index, instance, failed, kind, cause, -1);
  }

  setEjected(client: number, instance: number, ejected: boolean, cause: string): void {
    this.update(EJECTED, client, instance, ejected, ejected ? 'ejected' : 'unejected', cause, client);
  }

  /** Failure accrual shut (or reopened) the endpoint for `client`; `kind` is what the log says. */
  setAccrued(client: number, instance: number, shut: boolean, kind: 'accrual_open' | 'accrual_probation' | 'accrual_closed', cause: string): void {
    this.update(ACCRUED, client, instance, shut, kind, cause, client);
  }

  setSuspected(instance: number, suspected: boolean, cause: string): void {
    if ((this.suspected[instance] === 1) === suspected) return;
    this.suspected[instance] = suspected ? 1 : 0;
    if (this.failedBy[instance] === 0 && this.present[instance] === 1) this.unhealthyInstances += suspected ? 1 : -1;
    this.tracker.log(this.now(), suspected ? 'suspected' : 'unsuspected', instance, -1, cause);
    if (suspected) this.tracker.detected(this.now(), instance);
    // Only the clients with no reason of their own see the instance come or go.
    for (const c of this.clients) {
      if (this.reasons[c.index * this.n + instance] === 0) this.changed(c.index, instance, !suspected);
    }
    if (!suspected) this.checkRecovered(instance);
  }

  /** Records that the instance is back in rotation everywhere, if it is. */
  checkRecovered(instance: number): void {
    if (this.outOfRotation[instance] === 0 && this.serving(instance)) this.tracker.backInRotation(this.now(), instance);
  }

  private update(reason: number, client: number, instance: number, value: boolean, kind: EventKind, cause: string, logAs: number): void {
    const k = client * this.n + instance;
    const before = this.reasons[k]!;
    if (((before & reason) !== 0) === value) return;
    const after = before ^ reason;
    this.reasons[k] = after;
    if (reason === EJECTED) this.countEjected(instance, value ? 1 : -1);
    else if (reason === HC_FAILED) this.countFailed(instance, value ? 1 : -1);
    this.tracker.log(this.now(), kind, instance, logAs, cause);
    if (value && (this.membership === null || this.membership.present(instance))) this.tracker.detected(this.now(), instance);
    if ((before === 0) !== (after === 0) && this.suspected[instance] === 0) this.changed(client, instance, after === 0);
    if (reason === HC_FAILED && this.membership !== null) this.membership.healthChecked(client, instance, !value);
    if (!value) this.checkRecovered(instance);
  }

  private countEjected(instance: number, delta: 1 | -1): void {
    const count = (this.ejectedBy[instance]! += delta);
    if (count === (delta > 0 ? 1 : 0) && this.present[instance] === 1) this.ejectedInstances += delta;
  }

  private countFailed(instance: number, delta: 1 | -1): void {
    const count = (this.failedBy[instance]! += delta);
    if (count === (delta > 0 ? 1 : 0) && this.suspected[instance] === 0 && this.present[instance] === 1) this.unhealthyInstances += delta;
  }

  /** `instance` came into (or left) the client's rotation: tell its balancer that one endpoint. */
  private changed(client: number, instance: number, eligible: boolean): void {
    this.outOfRotation[instance]! += eligible ? -1 : 1;
    this.eligibleCount[client]! += eligible ? 1 : -1;
    if (eligible) this.since[client * this.n + instance] = this.now();
    this.tell(client, instance, eligible || (this.clients[client]!.balancer.healthAware === true && this.isDiscovered(client, instance)), eligible);
  }

  /** Tells the client's balancer of one endpoint: in its set (with `healthy`) or out of it. */
  private tell(client: number, instance: number, listed: boolean, healthy: boolean): void {
    const updater = this.updaters[client]!;
    if (listed) {
      this.one[0] = this.endpoint(client, instance, healthy);
      updater.update(this.one, NO_IDS);
    } else {
      this.oneId[0] = instance;
      updater.update(NO_ENDPOINTS, this.oneId);
    }
    this.notePanic(client);
    this.onChange();
  }

  /** One shape for every endpoint made here, so the balancers' reads of them stay monomorphic. */
  private endpoint(client: number, instance: number, healthy: boolean): Endpoint {
    const since = this.since[client * this.n + instance]!;
    const { id, weight, zone, priority } = this.base[instance]!;
    return { id, weight, zone, priority: priority ?? 0, healthy, healthySince: Number.isNaN(since) ? undefined : since };
  }

  /** Logs the client's balancer entering or leaving panic, by the balancer's own rule. */
  private notePanic(client: number): void {
    const panic = this.clients[client]!.balancer.inPanic?.() === true ? 1 : 0;
    if (panic === this.panic[client]) return;
    this.panic[client] = panic;
    this.tracker.log(this.now(), panic ? 'panic_enter' : 'panic_exit', -1, client, `${this.eligibleCount[client]}/${this.n} in rotation`);
  }
}
