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
 * Complexity: pick and onIdle O(1) (onIdle one Map lookup), no allocation; setEndpoints O(n).
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { uniformIndex } from './_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from './types.js';

export class JiqBalancer implements Balancer {
  private ids = new Int32Array(0);
  private readonly slotOf = new Map<number, number>();
  private readonly random: RandomSource;
  /** The I-queue: a ring of slots, `length` entries from `head`. */
  private idle = new Int32Array(0);
  private head = 0;
  private length = 0;
  /** 1 for slots in the I-queue. */
  private listed = new Uint8Array(0);

  constructor(deps: BalancerDeps) {
    this.random = deps.random;
  }

  /** Idle instances in this I-queue, in order (for tests and reports). */
  idleQueue(): number[] {
    return Array.from({ length: this.length }, (_, i) => this.ids[this.idle[(this.head + i) % this.idle.length]!]!);
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    copyEndpoints(endpoints);
    const queued = this.idleQueue();
    this.ids = Int32Array.from(endpoints.filter((e) => e.healthy !== false).map((e) => e.id));
    this.slotOf.clear();
    this.ids.forEach((id, slot) => this.slotOf.set(id, slot));
    this.idle = new Int32Array(this.ids.length);
    this.listed = new Uint8Array(this.ids.length);
    this.head = 0;
    this.length = 0;
    for (const id of queued) this.onIdle(id);
  }

  onIdle(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined || this.listed[slot] === 1) return;
    this.listed[slot] = 1;
    const capacity = this.idle.length;
    const tail = this.head + this.length;
    this.idle[tail >= capacity ? tail - capacity : tail] = slot;
    this.length++;
  }

  pick(_ctx: PickContext): number {
    const n = this.ids.length;
    if (n === 0) return -1;
    if (this.length === 0) return this.ids[uniformIndex(this.random, n)]!;
    const slot = this.idle[this.head]!;
    this.head = this.head + 1 === n ? 0 : this.head + 1;
    this.length--;
    this.listed[slot] = 0;
    return this.ids[slot]!;
  }
}
