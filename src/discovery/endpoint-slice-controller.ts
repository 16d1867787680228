/**
 * The Kubernetes EndpointSlice controller for one Service: pod transitions in, versioned
 * slice writes out.
 *
 * Implements: kube-controller-manager's endpointslice controller as far as one Service's
 * timing goes (pkg/controller/endpointslice: `onPodUpdate` → `queue.AddAfter(key, delay)`,
 * `syncService`; `--endpointslice-updates-batch-period`, default 0; reference notes:
 * discovery-and-control-plane.md §1.1 and §2.1).
 *
 * Variant, exactly:
 * - A pod update (readiness change, deletion timestamp) queues the Service after
 *   `batchPeriod` when it is positive, at once otherwise; a pod add or delete queues it at
 *   once. The work queue holds the Service once: a second add keeps the earlier due time.
 * - One sync at a time per Service (the work queue never hands a key to two workers): an add
 *   while a sync runs waits for it to finish, then runs once more.
 * - A sync reads the pods as they are when it starts, and its write is visible to watchers
 *   `syncLatency()` later (controller work plus the API server write). Endpoint conditions
 *   follow KEP-1672: ready = pod Ready and not terminating, serving = pod Ready,
 *   terminating = deletion timestamp set. Terminating pods stay in the slice until the pod
 *   object is deleted.
 * - A sync that would write the same endpoints as the last write writes nothing (the
 *   controller diffs desired against existing slices), and transitions that cancelled out
 *   before the sync leave no trace.
 * - One slice per Service (no 100-endpoint split: the split changes no timing here).
 *
 * Complexity: O(n log n) per sync for n pods; O(1) per pod update otherwise.
 */
import type { TimedModel } from '../engine/timed-model.js';
import type { EndpointChange, EndpointSnapshot, SliceEndpoint } from './endpoint-slice.js';

export interface EndpointSliceControllerConfig {
  /** `--endpointslice-updates-batch-period` (ms); Kubernetes 0 (no batching). */
  readonly batchPeriod: number;
  /** Time from the start of a sync to its write being visible to watchers (ms), drawn per sync. */
  readonly syncLatency: () => number;
}

/** A pod as the controller sees it; `ready` is the pod's Ready condition. */
export interface PodEndpointState {
  readonly ready: boolean;
  readonly terminating: boolean;
}

interface PodRecord {
  ready: boolean;
  terminating: boolean;
  /** When the pod last changed in a way that matters to its endpoint (ms). */
  changedAt: number;
}

export class EndpointSliceController implements TimedModel {
  private readonly pods = new Map<number, PodRecord>();
  /** Transition times of pods that left since the last sync (for the `removed` changes). */
  private readonly removedAt = new Map<number, number>();
  private written: readonly SliceEndpoint[] = [];
  private version = 0;
  /** When the queued Service becomes due (Infinity: not queued). */
  private queuedAt = Infinity;
  /** The write of the sync in progress, and when it becomes visible. */
  private inFlight: EndpointSnapshot | null = null;
  /** When the last write became visible: the next sync starts no earlier. */
  private freeAt = 0;
  private lastTime = 0;

  constructor(
    private readonly config: EndpointSliceControllerConfig,
    private readonly onWrite: (snapshot: EndpointSnapshot) => void,
  ) {
    if (!(config.batchPeriod >= 0 && Number.isFinite(config.batchPeriod))) {
      throw new RangeError(`endpoint slice controller: batchPeriod must be a finite number ≥ 0, got ${config.batchPeriod}`);
    }
  }

  /**
   * The state at the start of a run: these pods exist and the slice listing them was written
   * long ago (version 1, no changes). Returns that write, for discovery to start from.
   */
  seed(now: number, pods: ReadonlyArray<{ id: number } & PodEndpointState>): EndpointSnapshot {
    if (this.version !== 0) throw new Error('endpoint slice controller: seed after the first write');
    this.lastTime = now;
    this.freeAt = now;
    for (const p of pods) this.pods.set(p.id, { ready: p.ready, terminating: p.terminating, changedAt: now });
    this.written = [...this.pods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, p]): SliceEndpoint => ({ id, ready: p.ready && !p.terminating, serving: p.ready, terminating: p.terminating }));
    this.version = 1;
    return Object.freeze({ version: 1, endpoints: Object.freeze(this.written), changes: Object.freeze([]), writtenAt: now, triggerTime: now });
  }

  /**
   * A pod was added, updated or deleted (`state` null) at `now`. Updates that change neither
   * readiness nor termination are ignored, as the controller's `podEndpointsChanged` does.
   */
  podChanged(now: number, id: number, state: PodEndpointState | null): void {
    this.run(now, false);
    const known = this.pods.get(id);
    let delay = 0;
    if (state === null) {
      if (known === undefined) return;
      this.pods.delete(id);
      this.removedAt.set(id, now);
    } else if (known === undefined) {
      this.pods.set(id, { ready: state.ready, terminating: state.terminating, changedAt: now });
      this.removedAt.delete(id);
    } else {
      if (known.ready === state.ready && known.terminating === state.terminating) return;
      known.ready = state.ready;
      known.terminating = state.terminating;
      known.changedAt = now;
      delay = this.config.batchPeriod;
    }
    this.queuedAt = Math.min(this.queuedAt, now + delay);
  }

  nextDue(): number {
    return this.inFlight !== null ? this.inFlight.writtenAt : Math.max(this.queuedAt, this.freeAt);
  }

  advance(now: number): void {
    this.run(now, true);
  }

  /** Work due before `now` (and at `now` when `inclusive`): inputs at `now` join work due then. */
  private run(now: number, inclusive: boolean): void {
    this.tick(now);
    const due = (t: number) => (inclusive ? t <= now : t < now);
    for (;;) {
      if (this.inFlight !== null) {
        if (!due(this.inFlight.writtenAt)) return;
        const write = this.inFlight;
        this.inFlight = null;
        this.freeAt = write.writtenAt;
        this.onWrite(write);
        continue;
      }
      const start = Math.max(this.queuedAt, this.freeAt);
      if (!due(start)) return;
      this.startSync(start);
    }
  }

  private startSync(at: number): void {
    this.queuedAt = Infinity;
    const desired = [...this.pods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([id, p]): SliceEndpoint => ({ id, ready: p.ready && !p.terminating, serving: p.ready, terminating: p.terminating }));
    const changes = this.diff(desired);
    this.removedAt.clear();
    if (sameEndpoints(desired, this.written)) return;
    this.written = desired;
    const latency = this.config.syncLatency();
    if (!(latency >= 0 && Number.isFinite(latency))) throw new RangeError(`endpoint slice controller: syncLatency gave ${latency}`);
    const writtenAt = at + latency;
    this.inFlight = Object.freeze({
      version: ++this.version,
      endpoints: Object.freeze(desired),
      changes: Object.freeze(changes),
      writtenAt,
      triggerTime: changes.length > 0 ? changes[0]!.at : writtenAt,
    });
  }

  /** The routing-relevant transitions between the last write and `desired`, oldest first. */
  private diff(desired: readonly SliceEndpoint[]): EndpointChange[] {
    const before = new Map(this.written.map((e) => [e.id, e]));
    const changes: EndpointChange[] = [];
    for (const e of desired) {
      const at = this.pods.get(e.id)!.changedAt;
      const old = before.get(e.id);
      before.delete(e.id);
      if (e.terminating && !(old?.terminating ?? false)) changes.push({ id: e.id, kind: 'terminating', at });
      else if (e.ready && !(old?.ready ?? false)) changes.push({ id: e.id, kind: 'ready', at });
      else if (!e.ready && !e.terminating && (old?.ready ?? false)) changes.push({ id: e.id, kind: 'unready', at });
    }
    for (const id of before.keys()) changes.push({ id, kind: 'removed', at: this.removedAt.get(id) ?? this.lastTime });
    return changes.sort((a, b) => a.at - b.at || a.id - b.id);
  }

  private tick(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`endpoint slice controller: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
  }
}

function sameEndpoints(a: readonly SliceEndpoint[], b: readonly SliceEndpoint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.id !== y.id || x.ready !== y.ready || x.serving !== y.serving || x.terminating !== y.terminating) return false;
  }
  return true;
}
