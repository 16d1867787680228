/**
 * Join-idle-queue. RESEARCH REFERENCE, NOT A PRODUCTION BALANCER: it needs instances that
 * announce themselves idle to a dispatcher, which no mesh proxy protocol provides.
 *
 * Implements: JIQ-Random of Lu, Xie, Kliot, Geller, Larus and Greenberg, "Join-Idle-Queue: a
 * novel load balancing algorithm for dynamically scalable web services", Performance 2011
 * (reference notes: balancers.md §6). Each dispatcher (here, each client's balancer) keeps an
 * I-queue of idle instances; an instance that becomes idle joins the I-queue of one dispatcher
 * chosen uniformly at random (the simulator does this through `onIdle`, and announces every
 * instance at t = 0).
 *
 * Variant, exactly:
 * - pick: the first instance of the I-queue (FIFO), removed from it; when the I-queue is
 *   empty, an instance chosen uniformly at random (one draw). Weights and priorities are
 *   ignored; only endpoints with `healthy !== false` take part.
 * - An I-queue entry can be stale, as in the paper: the instance may have been sent work by a
 *   random pick of another dispatcher after it announced itself. It is used anyway; nothing is
 *   communicated on the request path.
 * - An instance already waiting in this I-queue is not added twice, so the I-queue is a set of
 *   at most n instances (its announcement is simply in the queue already).
 * - Announcements of instances outside the current set are dropped, and `setEndpoints` drops
 *   the entries of instances that left the set or became unhealthy (order kept).
 *
 * - Endpoint changes (`updateEndpoints`): one slot opened or closed in ascending id order
 *   (EndpointSlots), a change to `healthy: false` counting as a leave, and a leaving instance's
 *   entry taken out of the I-queue (order kept), exactly as `setEndpoints` would leave them.
 *
 * Complexity: pick and onIdle O(1) (one Set lookup each), no allocation once the I-queue has
 * grown to the set; setEndpoints O(n); updateEndpoints O(k log n) plus a memmove of up to n
 * slots per instance that joins or leaves, and O(queue) when a leaving instance was queued.
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { checkUpdate, EndpointSlots } from './_internals/endpoint-slots.js';
import { uniformIndex } from './_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from './types.js';

export class JiqBalancer implements Balancer {
  /** The instances in rotation (`healthy !== false`), for the random pick by rank. */
  private readonly slots = new EndpointSlots();
  /** The same ids, for announcements. */
  private readonly members = new Set<number>();
  private readonly random: RandomSource;
  /** The I-queue: a ring of ids, `length` entries from `head`. */
  private idle = new Int32Array(4);
  private head = 0;
  private length = 0;
  /** The ids in the I-queue. */
  private readonly listed = new Set<number>();

  constructor(deps: BalancerDeps) {
    this.random = deps.random;
  }

  /** Idle instances in this I-queue, in order (for tests and reports). */
  idleQueue(): number[] {
    return Array.from({ length: this.length }, (_, i) => this.idle[(this.head + i) % this.idle.length]!);
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    copyEndpoints(endpoints);
    const inRotation = endpoints.filter((e) => e.healthy !== false);
    this.slots.assign(inRotation);
    this.members.clear();
    for (const { id } of inRotation) this.members.add(id);
    this.requeue(this.idleQueue());
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    const leaving = [...removed];
    for (const endpoint of changed) if (endpoint.healthy === false) leaving.push(endpoint.id);
    const joining = leaving.length === removed.length ? changed : changed.filter((e) => e.healthy !== false);
    this.slots.update(joining, leaving);
    for (const { id } of joining) this.members.add(id);
    let dropQueued = false;
    for (const id of leaving) {
      this.members.delete(id);
      if (this.listed.has(id)) dropQueued = true;
    }
    if (dropQueued) this.requeue(this.idleQueue());
  }

  onIdle(id: number): void {
    if (!this.members.has(id) || this.listed.has(id)) return;
    this.listed.add(id);
    const capacity = this.idle.length;
    if (this.length === capacity) {
      this.idle = Int32Array.from({ length: 2 * capacity }, (_, i) => (i < capacity ? this.idle[(this.head + i) % capacity]! : 0));
      this.head = 0;
    }
    const tail = this.head + this.length;
    this.idle[tail >= this.idle.length ? tail - this.idle.length : tail] = id;
    this.length++;
  }

  pick(_ctx: PickContext): number {
    const n = this.slots.length;
    if (n === 0) return -1;
    if (this.length === 0) return this.slots.ids[uniformIndex(this.random, n)]!;
    const id = this.idle[this.head]!;
    this.head = this.head + 1 === this.idle.length ? 0 : this.head + 1;
    this.length--;
    this.listed.delete(id);
    return id;
  }

  /** Empties the I-queue and announces `queued` again in order: those still in the set stay. */
  private requeue(queued: readonly number[]): void {
    this.head = 0;
    this.length = 0;
    this.listed.clear();
    for (const id of queued) this.onIdle(id);
  }
}
