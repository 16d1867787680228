/**
 * One service's membership end to end, without traffic: a Deployment whose pods come and go,
 * the EndpointSlice controller, xDS or DNS discovery, and every client sidecar's view. It
 * measures what the reference (discovery-and-control-plane.md §4) asks of membership changes
 * on their own:
 * - propagation: per change and client, pod transition → applied (propagation-tracker.ts);
 * - exposure: for every pod that shut down, how long each client kept routing to it after its
 *   listener closed (SIGTERM) and after the process ended — the windows in which requests
 *   are sent to a gone endpoint (the race of §1.1; zero when preStop covers propagation);
 * - capacity: ∫ max(0, D − n(t)) dt, where n is the Deployment's available pods, or per client
 *   the pods it routes to that accept connections; and the minimum of each;
 * - rollouts: start and completion times.
 * The simulator drives the same models from its event loop and adds the requests; here they
 * run on their own, so rollout plans, preStop and discovery settings can be compared in
 * milliseconds of computer time.
 *
 * DNS clients of kind `resolver-cache` are assumed to resolve whenever their cache expires
 * (a client with traffic at every instant); a resolution is then applied like an Envoy
 * STRICT_DNS answer.
 *
 * Complexity: O(c · p) per event for c clients and p pods (the capacity integrals).
 */
import { ControlPlane, type ControlPlaneConfig } from '../discovery/control-plane.js';
import { DnsCache, DnsServer, StrictDnsRefresh, type DnsAnswer, type DnsCachePolicy, type DnsResolver, type DnsServerConfig, type StrictDnsConfig } from '../discovery/dns.js';
import { EndpointSliceController, type EndpointSliceControllerConfig } from '../discovery/endpoint-slice-controller.js';
import { readyIds, type EndpointSnapshot } from '../discovery/endpoint-slice.js';
import { PropagationTracker, type PropagationSummary } from '../discovery/propagation-tracker.js';
import { SidecarEndpoints, type HostChanges, type SidecarEndpointsConfig } from '../discovery/sidecar-endpoints.js';
import { TimedGroup, type TimedModel } from '../engine/timed-model.js';
import { Deployment, type DeploymentConfig, type DeploymentEvent, type PodTemplate } from './deployment.js';

export type DiscoveryConfig =
  | { readonly kind: 'xds'; readonly controlPlane: ControlPlaneConfig }
  | {
      readonly kind: 'dns';
      readonly server: DnsServerConfig;
      /** The shared cluster DNS cache (CoreDNS `cache`), or none. */
      readonly cache: DnsCachePolicy | null;
      /** Per client: Envoy STRICT_DNS, or an application resolver cache of `ttl` seconds. */
      readonly client: { readonly kind: 'strict-dns'; readonly config: (client: number) => StrictDnsConfig } | { readonly kind: 'resolver-cache'; readonly ttl: number };
      /**
       * Per client: when its first re-resolution comes after the start (ms), in [0, its refresh
       * interval). Clients that started at different times do not refresh in lockstep.
       */
      readonly phase: (client: number) => number;
    };

export interface ServiceMembershipConfig {
  readonly deployment: DeploymentConfig;
  readonly template: PodTemplate;
  readonly initialReplicas: number;
  readonly slices: EndpointSliceControllerConfig;
  readonly discovery: DiscoveryConfig;
  readonly clients: number;
  readonly sidecar: SidecarEndpointsConfig;
}

export interface ServiceMembershipListener {
  /** A client's routable hosts changed (drain `removed`). */
  onHostChanges?(client: number, changes: HostChanges, now: number): void;
  onDeploymentEvent?(event: DeploymentEvent): void;
}

/** How long client routing outlived a pod: per (pod, client), ms. */
export interface ExposureSummary {
  /** (pod, client) pairs in which the client still routed to the pod after its SIGTERM. */
  readonly afterSigterm: { readonly pairs: number; readonly total: number; readonly max: number };
  /** … after the process ended (every request sent then is refused). */
  readonly afterExit: { readonly pairs: number; readonly total: number; readonly max: number };
  /** Pods that shut down. */
  readonly podsShutDown: number;
}

export interface CapacitySummary {
  /** ∫ max(0, D − available) dt over the Deployment's available pods (pod-ms). */
  readonly deploymentDeficit: number;
  readonly minAvailable: number;
  /** Per client: ∫ max(0, D − routable and accepting) dt (pod-ms), and the worst client. */
  readonly clientDeficit: readonly number[];
  readonly maxClientDeficit: number;
  readonly minRoutable: number;
}

export interface MembershipReport {
  readonly until: number;
  readonly propagation: PropagationSummary;
  readonly exposure: ExposureSummary;
  readonly capacity: CapacitySummary;
  readonly rollouts: ReadonlyArray<{ readonly revision: number; readonly startedAt: number; readonly completedAt: number | null }>;
}

interface PodRecord {
  sigtermAt: number;
  endedAt: number;
  accepting: boolean;
}

export class ServiceMembership implements TimedModel {
  readonly deployment: Deployment;
  readonly slices: EndpointSliceController;
  readonly tracker: PropagationTracker;
  private readonly views: SidecarEndpoints[];
  private readonly group: TimedGroup;
  private readonly pods = new Map<number, PodRecord>();
  /** Per client: pod → when the client stopped routing to it. */
  private readonly removedAt: Array<Map<number, number>>;
  private readonly rollouts = new Map<number, { startedAt: number; completedAt: number | null }>();
  private integratedTo: number;
  private deploymentDeficit = 0;
  private minAvailable = Infinity;
  private readonly clientDeficit: Float64Array;
  private minRoutable = Infinity;
  /** False while the constructor builds the chain. */
  private started = false;

  constructor(
    readonly config: ServiceMembershipConfig,
    now: number,
    private readonly listener: ServiceMembershipListener = {},
  ) {
    const clients = config.clients;
    this.views = Array.from({ length: clients }, () => new SidecarEndpoints(config.sidecar));
    this.removedAt = Array.from({ length: clients }, () => new Map());
    this.clientDeficit = new Float64Array(clients);
    this.tracker = new PropagationTracker(clients);
    this.integratedTo = now;
    const members: TimedModel[] = [];
    const apply = (client: number, version: number, ids: readonly number[], at: number) => {
      this.tracker.applied(client, version, at);
      const changes = this.views[client]!.apply(at, version, ids);
      if (changes === null) return;
      for (const id of changes.removed) this.removedAt[client]!.set(id, at);
      for (const id of changes.added) this.removedAt[client]!.delete(id);
      this.listener.onHostChanges?.(client, changes, at);
    };

    let onWrite: (snapshot: EndpointSnapshot) => void;
    let seed: (snapshot: EndpointSnapshot) => void;
    const refreshes: StrictDnsRefresh[] = [];
    const discovery = config.discovery;
    if (discovery.kind === 'xds') {
      const cp = new ControlPlane(discovery.controlPlane, clients, (d) => {
        this.integrate(d.appliedAt);
        apply(d.proxy, d.snapshot.version, readyIds(d.snapshot), d.appliedAt);
      });
      onWrite = (s) => cp.sliceWritten(s.writtenAt, s);
      seed = (s) => cp.seed(s);
      members.push(cp);
    } else {
      const server = new DnsServer(discovery.server);
      const shared: DnsResolver = discovery.cache === null ? server : new DnsCache(server, discovery.cache);
      onWrite = (s) => server.sliceWritten(s.writtenAt, s);
      seed = (s) => server.seed(s);
      members.push(server);
      for (let c = 0; c < clients; c++) {
        const client = c;
        const onResolve = (a: DnsAnswer, at: number) => {
          this.integrate(at);
          apply(client, a.version, a.ids, at);
        };
        refreshes.push(
          discovery.client.kind === 'strict-dns'
            ? new StrictDnsRefresh(shared, discovery.client.config(client), onResolve)
            : new StrictDnsRefresh(new DnsCache(shared, { kind: 'fixed', ttl: discovery.client.ttl }), { refreshRate: discovery.client.ttl * 1000, respectDnsTtl: false, lookupLatency: () => 0 }, onResolve),
        );
      }
      members.push(...refreshes);
    }
    this.slices = new EndpointSliceController(config.slices, (s) => {
      this.tracker.written(s);
      onWrite(s);
    });
    // The initial replicas are up and known everywhere when the run starts, as a static
    // service's instances are.
    this.deployment = new Deployment(config.deployment, config.template, config.initialReplicas, now, (e) => this.onDeploymentEvent(e), { warm: true });
    const initial = this.slices.seed(
      now,
      this.deployment.pods().map((p) => ({ id: p.id, ...p.pod.endpointState })),
    );
    for (const p of this.deployment.pods()) this.pods.set(p.id, { sigtermAt: Infinity, endedAt: Infinity, accepting: p.pod.accepting });
    this.tracker.written(initial);
    seed(initial);
    this.views.forEach((view, client) => {
      view.applySnapshot(now, initial);
      this.tracker.applied(client, initial.version, now);
    });
    if (discovery.kind === 'dns') refreshes.forEach((r, client) => r.start(now, now + discovery.phase(client)));
    // The pods first, then the slice controller, then discovery: a change flows down the chain
    // within one instant.
    this.group = new TimedGroup([this.deployment, this.slices, ...members]);
    this.started = true;
  }

  /** Client `client`'s view of the service. */
  view(client: number): SidecarEndpoints {
    return this.views[client]!;
  }

  nextDue(): number {
    return this.group.nextDue();
  }

  advance(now: number): void {
    this.group.advance(now);
    this.integrate(now);
  }

  /** kubectl scale (or an autoscaler). */
  scale(now: number, replicas: number): void {
    this.advance(now);
    this.deployment.scale(now, replicas);
  }

  /** A new pod template rolls out. */
  rollout(now: number, template?: PodTemplate): void {
    this.advance(now);
    this.deployment.rollout(now, template);
  }

  /** Deletes the `index`-th live pod, oldest first. */
  deletePod(now: number, index: number): void {
    this.advance(now);
    const live = this.deployment.pods().filter((p) => !p.pod.terminating);
    const target = live[index];
    if (target !== undefined) this.deployment.deletePod(now, target.id);
  }

  report(): MembershipReport {
    const now = this.integratedTo;
    const afterSigterm = { pairs: 0, total: 0, max: 0 };
    const afterExit = { pairs: 0, total: 0, max: 0 };
    let podsShutDown = 0;
    for (const [id, p] of this.pods) {
      if (!Number.isFinite(p.sigtermAt)) continue;
      podsShutDown++;
      for (let c = 0; c < this.views.length; c++) {
        const removed = this.removedAt[c]!.get(id) ?? (this.views[c]!.isRoutable(id) ? now : -Infinity);
        const addUp = (acc: { pairs: number; total: number; max: number }, from: number) => {
          const w = removed - from;
          if (!(w > 0)) return;
          acc.pairs++;
          acc.total += w;
          acc.max = Math.max(acc.max, w);
        };
        addUp(afterSigterm, p.sigtermAt);
        if (Number.isFinite(p.endedAt)) addUp(afterExit, p.endedAt);
      }
    }
    const clientDeficit = [...this.clientDeficit];
    return {
      until: now,
      propagation: this.tracker.summary(),
      exposure: { afterSigterm, afterExit, podsShutDown },
      capacity: {
        deploymentDeficit: this.deploymentDeficit,
        minAvailable: this.minAvailable,
        clientDeficit,
        maxClientDeficit: Math.max(0, ...clientDeficit),
        minRoutable: this.minRoutable,
      },
      rollouts: [...this.rollouts].map(([revision, r]) => ({ revision, ...r })),
    };
  }

  private onDeploymentEvent(e: DeploymentEvent): void {
    // Events of the warm start come before the chain exists; the constructor reads the pods.
    if (!this.started) return;
    this.integrate(e.time);
    this.listener.onDeploymentEvent?.(e);
    switch (e.kind) {
      case 'created':
        this.pods.set(e.pod, { sigtermAt: Infinity, endedAt: Infinity, accepting: false });
        this.slices.podChanged(e.time, e.pod, { ready: false, terminating: false });
        return;
      case 'listening':
        this.pods.get(e.pod)!.accepting = true;
        return;
      case 'ready':
      case 'unready':
      case 'deleting': {
        const pod = this.deployment.pod(e.pod);
        if (pod !== undefined) this.slices.podChanged(e.time, e.pod, pod.endpointState);
        return;
      }
      case 'sigterm': {
        const p = this.pods.get(e.pod)!;
        p.sigtermAt = e.time;
        p.accepting = false;
        return;
      }
      case 'exited':
      case 'killed': {
        const p = this.pods.get(e.pod)!;
        p.accepting = false;
        p.endedAt = e.time;
        if (!Number.isFinite(p.sigtermAt)) p.sigtermAt = e.time;
        this.slices.podChanged(e.time, e.pod, null);
        return;
      }
      case 'rollout-started':
        this.rollouts.set(e.revision, { startedAt: e.time, completedAt: null });
        return;
      case 'rollout-complete': {
        const r = this.rollouts.get(e.revision);
        if (r !== undefined) r.completedAt = e.time;
        return;
      }
      default:
        return;
    }
  }

  /** Adds the capacity deficits from the last integration point to `now`, then samples the minima. */
  private integrate(now: number): void {
    if (!this.started || now < this.integratedTo) return;
    const dt = now - this.integratedTo;
    const desired = this.deployment.replicas;
    const available = this.deployment.status().available;
    if (dt > 0) this.deploymentDeficit += dt * Math.max(0, desired - available);
    this.minAvailable = Math.min(this.minAvailable, available);
    const accepting = (id: number) => this.pods.get(id)?.accepting === true;
    for (let c = 0; c < this.views.length; c++) {
      const serving = this.views[c]!.countRoutable(accepting);
      if (dt > 0) this.clientDeficit[c]! += dt * Math.max(0, desired - serving);
      this.minRoutable = Math.min(this.minRoutable, serving);
    }
    this.integratedTo = now;
  }
}
