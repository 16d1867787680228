/**
 * One client sidecar's view of a service's endpoints: the membership updates it has applied,
 * in version order, combined with its own active health checking as Envoy combines them.
 *
 * Implements: Envoy's `BaseDynamicClusterImpl::updateDynamicHostList` and the health-check
 * completion callback that purges hosts pending dynamic removal (envoyproxy/envoy
 * source/common/upstream/upstream_impl.cc; `ignore_health_on_host_removal`, cluster.proto
 * field 32; docs "On eventually consistent service discovery"; reference notes:
 * discovery-and-control-plane.md §1.5, §2.3, guarantee 13).
 *
 * Variant, exactly:
 * - Updates are applied in version order only: one older than or equal to the last applied is
 *   ignored (`apply` returns null), so the view never goes back in time however updates
 *   arrive (guarantee 6).
 * - A host in the update and not in the view is added. With active health checking it starts
 *   failed (Envoy's FAILED_ACTIVE_HC) and takes traffic after its first passing check;
 *   without, it is routable at once.
 * - A host in the view and not in the update is removed at once when there is no active health
 *   checking, when `ignoreHealthOnHostRemoval` is set, or when it is failing its checks.
 *   Otherwise it stays, routable, marked pending removal (absent + healthy ⇒ still routed),
 *   until its first failed check removes it, or an update lists it again.
 * - Only endpoints that are ready in the update count as discovered (Istio leaves unready
 *   ones out of EDS by default, PILOT_SEND_UNHEALTHY_ENDPOINTS=false, and DNS answers list
 *   ready pods only).
 *
 * Removing a host drains it (no new requests; requests in flight finish), which is the
 * caller's part: `removed` lists the hosts to drain.
 *
 * Complexity: O(n + m) per update (n hosts in the view, m in the update); O(1) per health
 * change and per routability query.
 */
import type { EndpointSnapshot } from './endpoint-slice.js';

export interface SidecarEndpointsConfig {
  /** The sidecar actively health-checks the service's hosts. */
  readonly activeHealthChecking: boolean;
  /** Envoy `ignore_health_on_host_removal` (default false). */
  readonly ignoreHealthOnHostRemoval: boolean;
}

/** What an update or a health change did to the view. */
export interface HostChanges {
  /** Hosts that joined the view. */
  readonly added: readonly number[];
  /** Hosts that left the view: drain them. */
  readonly removed: readonly number[];
  /** Hosts the update left out but that stay routable until they fail a check. */
  readonly retained: readonly number[];
}

interface HostState {
  /** Passing active health checks (always true without active health checking). */
  healthy: boolean;
  /** Left out by the last update, kept while healthy (Envoy PENDING_DYNAMIC_REMOVAL). */
  pendingRemoval: boolean;
  /** When the host joined the view (ms). */
  addedAt: number;
}

const NO_CHANGES: HostChanges = Object.freeze({ added: [], removed: [], retained: [] });

export class SidecarEndpoints {
  private readonly hosts = new Map<number, HostState>();
  private version = 0;

  constructor(readonly config: SidecarEndpointsConfig) {}

  /** The version of the last update applied (0: none yet). */
  get appliedVersion(): number {
    return this.version;
  }

  /** Applies a slice snapshot (its ready endpoints); null if it is not newer than the view. */
  applySnapshot(now: number, snapshot: EndpointSnapshot): HostChanges | null {
    return this.apply(
      now,
      snapshot.version,
      snapshot.endpoints.filter((e) => e.ready).map((e) => e.id),
    );
  }

  /** Applies membership `ids` of `version`; null (and no effect) if it is not newer than the view. */
  apply(now: number, version: number, ids: readonly number[]): HostChanges | null {
    if (version <= this.version) return null;
    this.version = version;
    const listed = new Set(ids);
    const added: number[] = [];
    const removed: number[] = [];
    const retained: number[] = [];
    for (const id of listed) {
      const host = this.hosts.get(id);
      if (host === undefined) {
        this.hosts.set(id, { healthy: !this.config.activeHealthChecking, pendingRemoval: false, addedAt: now });
        added.push(id);
      } else {
        host.pendingRemoval = false;
      }
    }
    for (const [id, host] of this.hosts) {
      if (listed.has(id)) continue;
      if (!this.config.activeHealthChecking || this.config.ignoreHealthOnHostRemoval || !host.healthy) {
        this.hosts.delete(id);
        removed.push(id);
      } else {
        if (!host.pendingRemoval) retained.push(id);
        host.pendingRemoval = true;
      }
    }
    return { added: added.sort(ascending), removed: removed.sort(ascending), retained: retained.sort(ascending) };
  }

  /**
   * The sidecar's active health check changed host `id`'s state. A host pending removal that
   * fails is removed (the only purge of a host discovery has dropped).
   */
  healthChanged(id: number, healthy: boolean): HostChanges {
    if (!this.config.activeHealthChecking) throw new Error('sidecar endpoints: health change without active health checking');
    const host = this.hosts.get(id);
    if (host === undefined || host.healthy === healthy) return NO_CHANGES;
    host.healthy = healthy;
    if (!healthy && host.pendingRemoval) {
      this.hosts.delete(id);
      return { added: [], removed: [id], retained: [] };
    }
    return NO_CHANGES;
  }

  /** Host `id` is in the view (discovered, or pending removal). */
  has(id: number): boolean {
    return this.hosts.has(id);
  }

  /** Host `id` may be picked for a new request. */
  isRoutable(id: number): boolean {
    return this.hosts.get(id)?.healthy ?? false;
  }

  /** Host `id` was left out by discovery and is kept only because it still passes its checks. */
  isPendingRemoval(id: number): boolean {
    return this.hosts.get(id)?.pendingRemoval ?? false;
  }

  /** When host `id` joined the view (NaN if it is not in it). */
  addedAt(id: number): number {
    return this.hosts.get(id)?.addedAt ?? Number.NaN;
  }

  /** The routable hosts, ascending. */
  /** How many routable hosts `counts` accepts: no array, no sort (the capacity integral asks per event). */
  countRoutable(counts: (id: number) => boolean): number {
    let n = 0;
    for (const [id, host] of this.hosts) if (host.healthy && counts(id)) n++;
    return n;
  }

  routable(): number[] {
    return [...this.hosts].filter(([, h]) => h.healthy).map(([id]) => id).sort(ascending);
  }

  /** Every host in the view, ascending. */
  members(): number[] {
    return [...this.hosts.keys()].sort(ascending);
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}
