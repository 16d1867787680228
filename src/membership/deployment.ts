/**
 * A Kubernetes Deployment with its ReplicaSets and pods: scaling to N, rolling updates and
 * recreates, driven by explicit times.
 *
 * Implements (kubernetes pkg/controller/deployment: `syncDeployment`, `isScalingEvent`,
 * `sync`/`scale` (proportional scaling), `rolloutRolling` with `reconcileNewReplicaSet`,
 * `reconcileOldReplicaSets`, `cleanupUnhealthyReplicas`, `scaleDownOldReplicaSetsForRollingUpdate`,
 * `rolloutRecreate`, `DeploymentComplete`; pkg/controller/replicaset `manageReplicas` with
 * `getPodsToDelete`; reference notes: discovery-and-control-plane.md §1.1, §2.4):
 * - maxSurge rounds up, maxUnavailable rounds down, both 0 ⇒ unavailable 1
 *   (rollout-math.ts). A rolling update never runs more than D + surge non-terminating pods,
 *   and never deletes an old pod while that would leave fewer than D − unavailable available
 *   (Ready for minReadySeconds), so both bounds hold at every instant as long as pods do not
 *   fail on their own (guarantee 4). Unhealthy old pods are cleaned up first.
 * - A change of replicas while several ReplicaSets are active is a scaling event: the change
 *   is spread over them in proportion to their size (largest first, the leftover to the
 *   largest), as `scale` does with the max-replicas annotations.
 * - Each ReplicaSet keeps its non-terminating pods at its replica count: it creates pods, or
 *   deletes the ones pod-ranking.ts ranks first. Terminating pods count nowhere.
 * - The controllers react to every change at once and run until nothing changes: Kubernetes
 *   reaches the same fixed point through a sync per informer event, a few milliseconds apart.
 * - A pod counts as available from readySince + minReadySeconds on (Kubernetes: strictly
 *   after; the instant itself has measure zero).
 * - The rollout is complete when every non-terminating pod is of the new revision and all D
 *   are available (old pods may still be terminating), as `DeploymentComplete` says.
 *
 * Not modelled: progressDeadlineSeconds, paused Deployments, rollbacks, revision history,
 * the ReplicaSet's burst limit and slow-start batches of pod creation, pod disruption budgets.
 *
 * Complexity: O(p log p) per controller sync for p pods; `nextDue` is O(p).
 */
import type { KubernetesProbeConfig } from '../detect/kubernetes-probe.js';
import type { TimedModel } from '../engine/timed-model.js';
import { Pod, type PodEvent, type TerminationConfig } from './pod.js';
import { compareForDeletion } from './pod-ranking.js';
import { checkIntOrPercent, maxUnavailable, proportion, resolveFenceposts, scaledValue, type IntOrPercent } from './rollout-math.js';

/** What a ReplicaSet's pods are made of; durations are drawn per pod. */
export interface PodTemplate {
  readonly schedulingDelay: () => number;
  readonly startupTime: () => number;
  readonly readiness: Readonly<KubernetesProbeConfig>;
  readonly termination: TerminationConfig;
}

export type DeploymentStrategy =
  | { readonly type: 'RollingUpdate'; readonly maxSurge: IntOrPercent; readonly maxUnavailable: IntOrPercent }
  | { readonly type: 'Recreate' };

export const KUBERNETES_ROLLING_UPDATE: DeploymentStrategy = Object.freeze({ type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' });

export interface DeploymentConfig {
  readonly strategy: DeploymentStrategy;
  /** Seconds a pod must be Ready to count as available (Kubernetes 0). */
  readonly minReadySeconds: number;
}

export type DeploymentEvent =
  | (PodEvent & { readonly revision: number })
  | { readonly time: number; readonly kind: 'created' | 'available'; readonly pod: number; readonly revision: number }
  | { readonly time: number; readonly kind: 'replicaset-scaled'; readonly revision: number; readonly from: number; readonly to: number }
  | { readonly time: number; readonly kind: 'rollout-started' | 'rollout-complete'; readonly revision: number };

export interface DeploymentOptions {
  /** Id of the first pod (later pods count up from it). */
  readonly firstPodId?: number;
  /** The initial replicas exist, Running and Ready, when the run starts (Pod.warm). */
  readonly warm?: boolean;
}

export interface DeploymentStatus {
  /** spec.replicas. */
  readonly replicas: number;
  /** Non-terminating pods (status.replicas). */
  readonly total: number;
  /** Non-terminating pods of the newest revision. */
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
  /** D − available, floored at 0. */
  readonly unavailable: number;
  /** Deleted, not yet gone. */
  readonly terminating: number;
}

/** What the outside (an autoscaler, the simulator) may read about a pod. */
export interface PodView {
  readonly id: number;
  readonly revision: number;
  readonly pod: Pod;
}

interface ReplicaSet {
  readonly revision: number;
  readonly createdAt: number;
  readonly template: PodTemplate;
  replicas: number;
  /** deployment.kubernetes.io/desired-replicas and max-replicas annotations. */
  desiredAnnotation: number;
  maxAnnotation: number;
}

interface PodEntry {
  readonly pod: Pod;
  readonly revision: number;
  availableNoted: boolean;
}

const MAX_SYNC_ROUNDS = 10_000;

export class Deployment implements TimedModel {
  private readonly replicaSets: ReplicaSet[] = [];
  private readonly entries = new Map<number, PodEntry>();
  private desired: number;
  private revision = 0;
  private nextPodId: number;
  private lastTime: number;
  private completeRevision = 0;
  private readonly surge: IntOrPercent;
  private readonly unavailable: IntOrPercent;

  constructor(
    readonly config: DeploymentConfig,
    template: PodTemplate,
    replicas: number,
    now: number,
    private readonly emit: (event: DeploymentEvent) => void,
    options: DeploymentOptions = {},
  ) {
    checkReplicas(replicas);
    if (!(Number.isSafeInteger(config.minReadySeconds) && config.minReadySeconds >= 0)) {
      throw new RangeError(`deployment: minReadySeconds must be a whole number ≥ 0, got ${config.minReadySeconds}`);
    }
    if (config.strategy.type === 'RollingUpdate') {
      checkIntOrPercent('deployment', 'maxSurge', config.strategy.maxSurge);
      checkIntOrPercent('deployment', 'maxUnavailable', config.strategy.maxUnavailable);
      if (isZero(config.strategy.maxSurge) && isZero(config.strategy.maxUnavailable)) {
        throw new RangeError('deployment: maxSurge and maxUnavailable may not both be 0');
      }
      this.surge = config.strategy.maxSurge;
      this.unavailable = config.strategy.maxUnavailable;
    } else {
      this.surge = 0;
      this.unavailable = 0;
    }
    this.desired = replicas;
    this.nextPodId = options.firstPodId ?? 0;
    this.lastTime = now;
    this.newRevision(now, template);
    if (options.warm === true) {
      const rs = this.newestSet();
      rs.replicas = replicas;
      for (let i = 0; i < replicas; i++) this.createPod(now, rs, true);
    }
    this.completeRevision = options.warm === true ? this.revision : 0;
    this.sync(now);
  }

  get replicas(): number {
    return this.desired;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** The rollout of the current revision has completed. */
  get rolloutComplete(): boolean {
    return this.completeRevision === this.revision;
  }

  /** Sets spec.replicas (kubectl scale, an autoscaler). */
  scale(now: number, replicas: number): void {
    checkReplicas(replicas);
    this.run(now, false);
    this.desired = replicas;
    this.sync(now);
  }

  /** A new pod template (an image update): a new revision rolls out. */
  rollout(now: number, template?: PodTemplate): void {
    this.run(now, false);
    this.newRevision(now, template ?? this.newestSet().template);
    this.sync(now);
  }

  /** Deletes one pod (an eviction, `kubectl delete pod`); its ReplicaSet replaces it. */
  deletePod(now: number, id: number): void {
    this.run(now, false);
    this.entryOf(id).pod.delete(now);
    this.sync(now);
  }

  /** The pod's application starts or stops passing its readiness probe. */
  setAppHealthy(now: number, id: number, healthy: boolean): void {
    this.run(now, false);
    this.entryOf(id).pod.setAppHealthy(now, healthy);
  }

  /** Whether the pod has requests in flight (a draining pod exits once idle). */
  setBusy(now: number, id: number, busy: boolean): void {
    this.run(now, false);
    this.entryOf(id).pod.setBusy(now, busy);
    this.sync(now);
  }

  /** The live pod `id` (undefined once it has ended). */
  pod(id: number): Pod | undefined {
    return this.entries.get(id)?.pod;
  }

  /** Every pod that has not ended, in id order. */
  pods(): PodView[] {
    return [...this.entries.entries()].sort(([a], [b]) => a - b).map(([id, e]) => ({ id, revision: e.revision, pod: e.pod }));
  }

  status(): DeploymentStatus {
    const now = this.lastTime;
    let total = 0;
    let updated = 0;
    let ready = 0;
    let available = 0;
    let terminating = 0;
    for (const e of this.entries.values()) {
      if (e.pod.terminating) {
        terminating++;
        continue;
      }
      total++;
      if (e.revision === this.revision) updated++;
      if (e.pod.isReady) ready++;
      if (this.isAvailable(e, now)) available++;
    }
    return { replicas: this.desired, total, updated, ready, available, unavailable: Math.max(0, this.desired - available), terminating };
  }

  /** maxSurge and maxUnavailable resolved for the current replicas. */
  fenceposts(): { surge: number; unavailable: number } {
    if (this.config.strategy.type === 'Recreate') return { surge: 0, unavailable: this.desired };
    return { surge: resolveFenceposts(this.surge, this.unavailable, this.desired).surge, unavailable: this.maxUnavailable() };
  }

  nextDue(): number {
    let due = Infinity;
    const minReady = this.config.minReadySeconds * 1000;
    for (const e of this.entries.values()) {
      due = Math.min(due, e.pod.nextDue());
      if (!e.availableNoted && e.pod.isReady && !e.pod.terminating) due = Math.min(due, e.pod.readyTransitionTime + minReady);
    }
    return due;
  }

  advance(now: number): void {
    this.run(now, true);
  }

  private run(now: number, inclusive: boolean): void {
    if (!(now >= this.lastTime)) throw new RangeError(`deployment: time went backwards (${now} after ${this.lastTime})`);
    for (let due = this.nextDue(); inclusive ? due <= now : due < now; due = this.nextDue()) {
      this.lastTime = due;
      for (const e of [...this.entries.values()]) if (e.pod.nextDue() <= due) e.pod.advance(due);
      this.sync(due);
    }
    this.lastTime = now;
  }

  private sync(now: number): void {
    this.lastTime = now;
    for (let round = 0; ; round++) {
      if (round > MAX_SYNC_ROUNDS) throw new Error(`deployment: controllers did not settle at t=${now}`);
      this.noteAvailable(now);
      const deploymentChanged = this.syncDeployment(now);
      const podsChanged = this.manageReplicas(now);
      if (!deploymentChanged && !podsChanged) break;
    }
    this.noteAvailable(now);
    if (this.completeRevision !== this.revision && this.isComplete(now)) {
      this.completeRevision = this.revision;
      this.emit({ time: now, kind: 'rollout-complete', revision: this.revision });
    }
  }

  // ---- Deployment controller ------------------------------------------------------------

  private syncDeployment(now: number): boolean {
    if (this.isScalingEvent()) return this.scaleSets(now);
    return this.config.strategy.type === 'Recreate' ? this.rolloutRecreate(now) : this.rolloutRolling(now);
  }

  private isScalingEvent(): boolean {
    return this.replicaSets.some((rs) => rs.replicas > 0 && rs.desiredAnnotation !== this.desired);
  }

  /** `sync` → `scale`: a change of spec.replicas. */
  private scaleSets(now: number): boolean {
    const newRS = this.newestSet();
    const active = this.replicaSets.filter((rs) => rs.replicas > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS;
      return this.scaleSet(now, target, this.desired);
    }
    if (this.isSaturated(newRS, now)) {
      let changed = false;
      for (const rs of active) if (rs !== newRS) changed = this.scaleSet(now, rs, 0) || changed;
      return changed;
    }
    if (this.config.strategy.type !== 'RollingUpdate') return false;
    const total = active.reduce((n, rs) => n + rs.replicas, 0);
    const surge = this.maxSurge();
    const allowed = this.desired > 0 ? this.desired + surge : 0;
    const toAdd = allowed - total;
    // Larger first; equal sizes: newer first when growing, older first when shrinking.
    const order = [...active].sort((a, b) => b.replicas - a.replicas || (toAdd > 0 ? b.revision - a.revision : a.revision - b.revision));
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of order) {
      const share = toAdd === 0 ? 0 : proportion(rs.replicas, rs.maxAnnotation, this.desired, surge, total, toAdd, added);
      sizes.set(rs, rs.replicas + share);
      added += share;
    }
    if (toAdd !== 0) sizes.set(order[0]!, Math.max(0, sizes.get(order[0]!)! + toAdd - added));
    let changed = false;
    for (const rs of order) changed = this.scaleSet(now, rs, sizes.get(rs)!, true) || changed;
    return changed;
  }

  private rolloutRolling(now: number): boolean {
    const newRS = this.newestSet();
    const old = this.replicaSets.filter((rs) => rs !== newRS);
    // reconcileNewReplicaSet
    if (newRS.replicas > this.desired) return this.scaleSet(now, newRS, this.desired);
    if (newRS.replicas < this.desired) {
      const total = this.replicaSets.reduce((n, rs) => n + rs.replicas, 0);
      const maxTotal = this.desired + scaledValue(this.surge, this.desired, true);
      if (total < maxTotal) {
        const up = Math.min(maxTotal - total, this.desired - newRS.replicas);
        if (this.scaleSet(now, newRS, newRS.replicas + up)) return true;
      }
    }
    // reconcileOldReplicaSets
    const oldCount = old.reduce((n, rs) => n + rs.replicas, 0);
    if (oldCount === 0) return false;
    const allCount = oldCount + newRS.replicas;
    const minAvailable = this.desired - this.maxUnavailable();
    const newUnavailable = newRS.replicas - this.availableOf(newRS, now);
    const maxScaledDown = allCount - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const byAge = [...old].sort((a, b) => a.createdAt - b.createdAt || a.revision - b.revision);
    let cleaned = 0;
    for (const rs of byAge) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = rs.replicas - this.availableOf(rs, now);
      if (rs.replicas === 0 || unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown - cleaned, unhealthy);
      this.scaleSet(now, rs, rs.replicas - down);
      cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: availability as the ReplicaSets' status reports
    // it (the pods the cleanup scaled away were not available anyway).
    const available = this.replicaSets.reduce((n, rs) => n + this.availableOf(rs, now), 0);
    let scaledDown = 0;
    if (available > minAvailable) {
      const budget = available - minAvailable;
      for (const rs of byAge) {
        if (scaledDown >= budget) break;
        if (rs.replicas === 0) continue;
        const down = Math.min(rs.replicas, budget - scaledDown);
        this.scaleSet(now, rs, rs.replicas - down);
        scaledDown += down;
      }
    }
    return cleaned + scaledDown > 0;
  }

  private rolloutRecreate(now: number): boolean {
    const newRS = this.newestSet();
    let changed = false;
    for (const rs of this.replicaSets) if (rs !== newRS && rs.replicas > 0) changed = this.scaleSet(now, rs, 0) || changed;
    if (changed) return true;
    // Wait until no old pod runs any more, terminating ones included.
    for (const e of this.entries.values()) if (e.revision !== newRS.revision) return false;
    return newRS.replicas !== this.desired && this.scaleSet(now, newRS, this.desired);
  }

  /** Sets a ReplicaSet's size and annotations; `always` updates annotations even at equal size. */
  private scaleSet(now: number, rs: ReplicaSet, size: number, always = false): boolean {
    const sizeChanged = rs.replicas !== size;
    const max = this.desired + this.maxSurge();
    const annotationsChanged = rs.desiredAnnotation !== this.desired || rs.maxAnnotation !== max;
    if (!sizeChanged && !(always && annotationsChanged)) return false;
    const from = rs.replicas;
    rs.replicas = size;
    rs.desiredAnnotation = this.desired;
    rs.maxAnnotation = max;
    if (sizeChanged) this.emit({ time: now, kind: 'replicaset-scaled', revision: rs.revision, from, to: size });
    return sizeChanged || annotationsChanged;
  }

  // ---- ReplicaSet controller ------------------------------------------------------------

  private manageReplicas(now: number): boolean {
    let changed = false;
    for (const rs of this.replicaSets) {
      const active = this.activeOf(rs);
      if (active.length < rs.replicas) {
        for (let i = active.length; i < rs.replicas; i++) this.createPod(now, rs);
        changed = true;
      } else if (active.length > rs.replicas) {
        const ranked = active
          .map((e) => ({ e, rank: { id: e.pod.id, pending: e.pod.podPhase === 'Pending', ready: e.pod.isReady, readySince: e.pod.readyTransitionTime, createdAt: e.pod.createdAt } }))
          .sort((a, b) => compareForDeletion(a.rank, b.rank, now));
        for (const { e } of ranked.slice(0, active.length - rs.replicas)) e.pod.delete(now);
        changed = true;
      }
    }
    return changed;
  }

  private createPod(now: number, rs: ReplicaSet, warm = false): void {
    const id = this.nextPodId++;
    const t = rs.template;
    const emit = (event: PodEvent) => this.onPodEvent(event, rs.revision);
    const entry: PodEntry = {
      revision: rs.revision,
      availableNoted: warm,
      pod: warm
        ? Pod.warm(id, now, t.readiness, t.termination, emit)
        : new Pod(id, now, { schedulingDelay: t.schedulingDelay(), startupTime: t.startupTime() }, t.readiness, t.termination, emit),
    };
    this.entries.set(id, entry);
    this.emit({ time: now, kind: 'created', pod: id, revision: rs.revision });
  }

  private onPodEvent(event: PodEvent, revision: number): void {
    if (event.kind === 'unready') this.entries.get(event.pod)!.availableNoted = false;
    this.emit({ ...event, revision });
    if (event.kind === 'exited' || event.kind === 'killed') this.entries.delete(event.pod);
  }

  // ---- helpers --------------------------------------------------------------------------

  private newRevision(now: number, template: PodTemplate): void {
    this.revision++;
    const max = this.desired + this.maxSurge();
    this.replicaSets.push({ revision: this.revision, createdAt: now, template, replicas: 0, desiredAnnotation: this.desired, maxAnnotation: max });
    if (this.revision > 1) this.emit({ time: now, kind: 'rollout-started', revision: this.revision });
  }

  private newestSet(): ReplicaSet {
    return this.replicaSets[this.replicaSets.length - 1]!;
  }

  private activeOf(rs: ReplicaSet): PodEntry[] {
    const list: PodEntry[] = [];
    for (const e of this.entries.values()) if (e.revision === rs.revision && !e.pod.terminating) list.push(e);
    return list;
  }

  private isAvailable(e: PodEntry, now: number): boolean {
    return e.pod.isReady && !e.pod.terminating && e.pod.readyTransitionTime + this.config.minReadySeconds * 1000 <= now;
  }

  private availableOf(rs: ReplicaSet, now: number): number {
    let n = 0;
    for (const e of this.activeOf(rs)) if (this.isAvailable(e, now)) n++;
    return n;
  }

  private isSaturated(rs: ReplicaSet, now: number): boolean {
    return rs.replicas === this.desired && rs.desiredAnnotation === this.desired && this.availableOf(rs, now) === this.desired;
  }

  private isComplete(now: number): boolean {
    const s = this.status();
    const newRS = this.newestSet();
    return s.updated === this.desired && s.total === this.desired && this.availableOf(newRS, now) === this.desired;
  }

  private noteAvailable(now: number): void {
    for (const [id, e] of this.entries) {
      if (!e.availableNoted && this.isAvailable(e, now)) {
        e.availableNoted = true;
        this.emit({ time: now, kind: 'available', pod: id, revision: e.revision });
      }
    }
  }

  private maxSurge(): number {
    return this.config.strategy.type === 'RollingUpdate' ? resolveFenceposts(this.surge, this.unavailable, this.desired).surge : 0;
  }

  private maxUnavailable(): number {
    return maxUnavailable(this.surge, this.unavailable, this.desired);
  }

  private entryOf(id: number): PodEntry {
    const e = this.entries.get(id);
    if (e === undefined) throw new RangeError(`deployment: no live pod ${id}`);
    return e;
  }
}

function checkReplicas(replicas: number): void {
  if (!(Number.isSafeInteger(replicas) && replicas >= 0)) throw new RangeError(`deployment: replicas must be a whole number ≥ 0, got ${replicas}`);
}

function isZero(value: IntOrPercent): boolean {
  return typeof value === 'number' ? value === 0 : Number(value.slice(0, -1)) === 0;
}
