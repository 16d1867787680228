/**
 * NGINX upstream peers' round-robin state (`ngx_http_upstream_rr_peer_t`: `weight`,
 * `effective_weight`, `current_weight`), shared by every NGINX balancer as it is in NGINX:
 * least_conn breaks ties with it and random falls back to it, on the same per-peer fields.
 *
 * Implements: ngx_http_upstream_round_robin.c (`ngx_http_upstream_get_peer`, nginx HEAD
 * 3f6f7824 per balancers.md §5 and B16).
 *
 * - `smoothStep(slot)` is one peer's share of a smooth-WRR round: `current += effective`,
 *   and `effective` recovers by 1 toward `weight` (it only drops on failures, which the
 *   Balancer contract does not report; for non-integer weights the recovery is clamped at
 *   `weight`). The caller keeps the round's total and the best peer (strict `>`: the first
 *   maximum wins) and finally calls `settle(best, total)`: `best.current -= total`.
 * - State is kept per endpoint id across rebuilds: NGINX keeps a peer's fields while it is
 *   ineligible (down, failed), and a rebuild that drops an endpoint and later restores it
 *   reproduces that. A changed weight resets `effective` to it and keeps `current`. An id
 *   the caller forgets (discovery removed the server) is a new peer if it comes back.
 *
 * Complexity: rebuild O(n); the step functions O(1); no allocation outside rebuild.
 */
export class NginxPeers {
  ids = new Int32Array(0);
  weights = new Float64Array(0);
  effective = new Float64Array(0);
  current = new Float64Array(0);
  /** Survives rebuilds: the state of every id ever seen. */
  private readonly saved = new Map<number, { weight: number; effective: number; current: number }>();

  get size(): number {
    return this.ids.length;
  }

  /** Takes the new (id, weight) list, restoring the state of ids seen before. */
  rebuild(ids: Int32Array<ArrayBuffer>, weights: Float64Array<ArrayBuffer>): void {
    for (let slot = 0; slot < this.ids.length; slot++) {
      this.saved.set(this.ids[slot]!, { weight: this.weights[slot]!, effective: this.effective[slot]!, current: this.current[slot]! });
    }
    const n = ids.length;
    this.ids = ids;
    this.weights = weights;
    this.effective = new Float64Array(n);
    this.current = new Float64Array(n);
    for (let slot = 0; slot < n; slot++) {
      const weight = weights[slot]!;
      const prior = this.saved.get(ids[slot]!);
      this.effective[slot] = prior !== undefined && prior.weight === weight ? prior.effective : weight;
      this.current[slot] = prior?.current ?? 0;
    }
  }

  /** Endpoints that left for good: a later peer with one of these ids starts afresh (ids in the list stay). */
  forget(ids: readonly number[]): void {
    const listed = new Set(this.ids);
    for (const id of ids) if (!listed.has(id)) this.saved.delete(id);
  }

  /** Adds `slot`'s effective weight to its current weight; returns the effective weight added. */
  smoothStep(slot: number): number {
    const effective = this.effective[slot]!;
    this.current[slot] = this.current[slot]! + effective;
    const weight = this.weights[slot]!;
    if (effective < weight) this.effective[slot] = Math.min(weight, effective + 1);
    return effective;
  }

  /** Ends a smooth-WRR round: the chosen peer gives back the round's total. */
  settle(slot: number, total: number): void {
    this.current[slot] = this.current[slot]! - total;
  }

  /**
   * `ngx_http_upstream_get_round_robin_peer` over every peer: a single peer is returned as is
   * (NGINX's `peers->single` path leaves its weights alone); otherwise one smooth-WRR round.
   * Returns a slot, or -1 when there are no peers.
   */
  roundRobin(): number {
    const n = this.ids.length;
    if (n <= 1) return n - 1;
    let best = -1;
    let total = 0;
    for (let slot = 0; slot < n; slot++) {
      total += this.smoothStep(slot);
      if (best < 0 || this.current[slot]! > this.current[best]!) best = slot;
    }
    this.settle(best, total);
    return best;
  }
}
