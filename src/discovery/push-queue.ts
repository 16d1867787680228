/**
 * istiod's per-proxy push queue: a proxy waits in the queue at most once, with its requests
 * merged, and a proxy being pushed to is not handed out again until it is marked done.
 *
 * Implements: `PushQueue` (istio pilot/pkg/xds/pushqueue.go): `Enqueue` merges into a queued
 * or in-progress proxy's request, `Dequeue` hands out the oldest proxy and marks it in
 * progress, `MarkDone` puts a proxy that received requests while in progress back at the end.
 * Requests here carry only the time the proxy was first queued (for the queue-time metric):
 * what a proxy receives is read from the endpoint index when its push is generated.
 *
 * Complexity: O(1) amortised per operation.
 */

export class PushQueue {
  /** Proxies waiting, oldest first (a ring of indices into `waiting`). */
  private readonly order: number[] = [];
  private head = 0;
  /** Queued proxy → when it was first queued. */
  private readonly waiting = new Map<number, number>();
  /** In-progress proxy → when a request arrived meanwhile (NaN: none). */
  private readonly inProgress = new Map<number, number>();

  get length(): number {
    return this.waiting.size;
  }

  enqueue(proxy: number, now: number): void {
    if (this.inProgress.has(proxy)) {
      if (Number.isNaN(this.inProgress.get(proxy)!)) this.inProgress.set(proxy, now);
      return;
    }
    if (this.waiting.has(proxy)) return;
    this.waiting.set(proxy, now);
    this.order.push(proxy);
  }

  /** The oldest waiting proxy and when it was queued, now in progress; undefined when empty. */
  dequeue(): { proxy: number; queuedAt: number } | undefined {
    if (this.head === this.order.length) return undefined;
    const proxy = this.order[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    const queuedAt = this.waiting.get(proxy)!;
    this.waiting.delete(proxy);
    this.inProgress.set(proxy, Number.NaN);
    return { proxy, queuedAt };
  }

  /** The push to `proxy` ended; a request that came meanwhile queues it again at the end. */
  markDone(proxy: number): void {
    const again = this.inProgress.get(proxy);
    if (again === undefined) throw new Error(`push queue: proxy ${proxy} was not in progress`);
    this.inProgress.delete(proxy);
    if (!Number.isNaN(again)) {
      this.waiting.set(proxy, again);
      this.order.push(proxy);
    }
  }
}
