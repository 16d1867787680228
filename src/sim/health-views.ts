/**
 * Each client's view of which instances are in rotation, and the balancer rebuilds that
 * follow from it.
 *
 * An instance is out of rotation for a client while any of these holds: its active health
 * check (the client's own, or the central checker's) has marked it unhealthy, the client's
 * outlier detector has ejected it, or the heartbeat detector suspects it (a membership change
 * every client sees). Health-aware balancers (Envoy's host selection) receive every endpoint
 * with its `healthy` flag and apply the panic threshold themselves; the others receive only
 * the instances in rotation.
 */
import type { Endpoint } from '../balancers/types.js';
import type { Scenario } from '../scenario/schema.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import { endpointsOf } from './endpoints.js';
import type { FaultTracker } from './fault-tracker.js';

export interface ViewClient {
  readonly index: number;
  readonly balancer: {
    readonly healthAware?: boolean;
    setEndpoints(endpoints: readonly Endpoint[]): void;
  };
}

const DEFAULT_PANIC_THRESHOLD = 50;

export class HealthViews {
  private readonly n: number;
  /** Per client × instance: active health checking says unhealthy. */
  private readonly hcFailed: Uint8Array;
  /** Per client × instance: outlier detection has ejected it. */
  private readonly ejected: Uint8Array;
  /** Per instance: the heartbeat detector suspects it. */
  private readonly suspected: Uint8Array;
  /** Per client × instance: Linkerd failure accrual has shut it (waiting, or probe in flight). */
  private readonly accrued: Uint8Array;
  private readonly eligibleCount: Int32Array;
  private readonly panic: Uint8Array;
  private readonly base: Endpoint[];
  private readonly since: Float64Array;
  private readonly panicThreshold: number;

  constructor(
    scenario: Scenario,
    private readonly clients: readonly ViewClient[],
    private readonly tracker: FaultTracker,
    private readonly serving: (instance: number) => boolean,
    private readonly now: () => number,
    /** Called after any client's view changed (the time series samples the cluster then). */
    private readonly onChange: () => void = () => {},
    /** The threshold the health-aware balancers apply (percent of instances in rotation). */
    panicThreshold = DEFAULT_PANIC_THRESHOLD,
  ) {
    const n = scenario.service.instances;
    this.n = n;
    const c = clients.length;
    this.hcFailed = new Uint8Array(c * n);
    this.ejected = new Uint8Array(c * n);
    this.suspected = new Uint8Array(n);
    this.accrued = new Uint8Array(c * n);
    this.eligibleCount = new Int32Array(c);
    this.panic = new Uint8Array(c);
    this.since = new Float64Array(n).fill(NaN);
    this.panicThreshold = panicThreshold;
    this.base = endpointsOf(instanceConfigs(scenario));
    // Envoy: with a health checker, hosts start failed and the first successful check admits them.
    if (scenario.healthCheck !== undefined) this.hcFailed.fill(1);
  }

  /** Gives every balancer its first endpoint set. */
  initialise(): void {
    for (const client of this.clients) this.rebuild(client.index);
  }

  isEligible(client: number, instance: number): boolean {
    const k = client * this.n + instance;
    return this.hcFailed[k] === 0 && this.ejected[k] === 0 && this.accrued[k] === 0 && this.suspected[instance] === 0;
  }

  /** Fewer instances in rotation than the panic threshold (Envoy's single-priority rule). */
  inPanic(client: number): boolean {
    return this.panic[client] === 1;
  }

  /** Instances out of rotation for at least one client, by reason, for the time series. */
  counts(): { ejected: number; unhealthy: number } {
    let ejected = 0;
    let unhealthy = 0;
    for (let i = 0; i < this.n; i++) {
      let e = false;
      let u = this.suspected[i] === 1;
      for (let c = 0; c < this.clients.length; c++) {
        e ||= this.ejected[c * this.n + i] === 1;
        u ||= this.hcFailed[c * this.n + i] === 1;
      }
      if (e) ejected++;
      if (u) unhealthy++;
    }
    return { ejected, unhealthy };
  }

  /** Active health checking changed its verdict; `client` −1 is the central checker. */
  setHealthCheckFailed(client: number, instance: number, failed: boolean, cause: string): void {
    const targets = client < 0 ? this.clients.map((c) => c.index) : [client];
    for (const c of targets) this.update(this.hcFailed, c, instance, failed, failed ? 'hc_unhealthy' : 'hc_healthy', cause, client < 0);
  }

  setEjected(client: number, instance: number, ejected: boolean, cause: string): void {
    this.update(this.ejected, client, instance, ejected, ejected ? 'ejected' : 'unejected', cause, false);
  }

  /** Failure accrual shut (or reopened) the endpoint for `client`; `kind` is what the log says. */
  setAccrued(client: number, instance: number, shut: boolean, kind: 'accrual_open' | 'accrual_probation' | 'accrual_closed', cause: string): void {
    this.update(this.accrued, client, instance, shut, kind, cause, false);
  }

  setSuspected(instance: number, suspected: boolean, cause: string): void {
    if ((this.suspected[instance] === 1) === suspected) return;
    const before = this.clients.map((c) => this.isEligible(c.index, instance));
    this.suspected[instance] = suspected ? 1 : 0;
    this.tracker.log(this.now(), suspected ? 'suspected' : 'unsuspected', instance, -1, cause);
    if (suspected) this.tracker.detected(this.now(), instance);
    this.clients.forEach((c, k) => {
      if (before[k] !== this.isEligible(c.index, instance)) this.changed(c.index, instance);
    });
    if (!suspected) this.checkRecovered(instance);
  }

  /** Records that the instance is back in rotation everywhere, if it is. */
  checkRecovered(instance: number): void {
    if (!this.serving(instance)) return;
    for (const c of this.clients) if (!this.isEligible(c.index, instance)) return;
    this.tracker.backInRotation(this.now(), instance);
  }

  private update(
    flags: Uint8Array,
    client: number,
    instance: number,
    value: boolean,
    kind: 'hc_unhealthy' | 'hc_healthy' | 'ejected' | 'unejected' | 'accrual_open' | 'accrual_probation' | 'accrual_closed',
    cause: string,
    central: boolean,
  ): void {
    const k = client * this.n + instance;
    if ((flags[k] === 1) === value) return;
    const wasEligible = this.isEligible(client, instance);
    flags[k] = value ? 1 : 0;
    this.tracker.log(this.now(), kind, instance, central ? -1 : client, cause);
    if (value) this.tracker.detected(this.now(), instance);
    if (wasEligible !== this.isEligible(client, instance)) this.changed(client, instance);
    if (!value) this.checkRecovered(instance);
  }

  private changed(client: number, instance: number): void {
    if (this.isEligible(client, instance)) this.since[instance] = this.now();
    this.rebuild(client);
  }

  private rebuild(client: number): void {
    const balancer = this.clients[client]!.balancer;
    const endpoints: Endpoint[] = [];
    let eligible = 0;
    for (let i = 0; i < this.n; i++) {
      const healthy = this.isEligible(client, i);
      if (healthy) eligible++;
      if (!healthy && !balancer.healthAware) continue;
      const since = this.since[i]!;
      const base = this.base[i]!;
      endpoints.push(Number.isNaN(since) ? { ...base, healthy } : { ...base, healthy, healthySince: since });
    }
    this.eligibleCount[client] = eligible;
    // Only balancers that do Envoy's host selection have a panic mode; the others just get
    // fewer endpoints (none at all when none is in rotation).
    const panic = balancer.healthAware === true && this.panicThreshold > 0 && (100 * eligible) / this.n < this.panicThreshold ? 1 : 0;
    if (panic !== this.panic[client]) {
      this.panic[client] = panic;
      this.tracker.log(this.now(), panic ? 'panic_enter' : 'panic_exit', -1, client, `${eligible}/${this.n} in rotation`);
    }
    balancer.setEndpoints(endpoints);
    this.onChange();
  }
}
