/**
 * NGINX smooth weighted round robin: the per-peer state machine behind
 * `weighted_round_robin(smooth)`.
 *
 * Implements: `ngx_http_upstream_get_peer` in nginx src/http/ngx_http_upstream_round_robin.c
 * (nginx HEAD 3f6f7824 per balancers.md §5 and B16).
 *
 * Variant, exactly: each peer has a static `weight`, an `effective` weight (starts at weight)
 * and a `current` weight (starts at 0). A pick, over every peer in order:
 * `current += effective; total += effective; if effective < weight: effective++`, keeping the
 * peer with the largest `current` (strict `>`, so the first maximum wins); then the chosen
 * peer's `current -= total`. Weights 5,1,1 give `a a b a c a a`, and the cycle is exactly Σw.
 * - `effective` only drops on failures (`effective -= weight / max_fails`), which the Balancer
 *   contract does not report yet; the recovery step is kept so failures can plug in. For
 *   non-integer weights the recovery is clamped at `weight` (NGINX weights are integers).
 * - State is kept per endpoint id across rebuilds. NGINX keeps a peer's state while it is
 *   ineligible (down, failed, at max_conns) by skipping it in the loop; a rebuild that drops an
 *   endpoint and later restores it reproduces that. A changed weight resets `effective` to the
 *   new weight and keeps `current`. (A full NGINX reload would reset everything.)
 * - No randomness: every NGINX worker starts at the same peer.
 *
 * Complexity: pick O(n) (NGINX scans every peer), no allocation; rebuild O(n).
 */
export class SmoothRotation {
  private weights = new Float64Array(0);
  private effective = new Float64Array(0);
  private current = new Float64Array(0);
  private ids = new Int32Array(0);
  /** Survives rebuilds: the state of every id ever scheduled. */
  private readonly saved = new Map<number, { weight: number; effective: number; current: number }>();

  /** Takes the new (id, weight) list, restoring the state of ids seen before. */
  rebuild(ids: Int32Array<ArrayBuffer>, weights: Float64Array<ArrayBuffer>): void {
    this.saveState();
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

  /** Returns the chosen slot, or -1 when there are no peers. */
  pick(): number {
    const { weights, effective, current } = this;
    let best = -1;
    let bestCurrent = 0;
    let total = 0;
    for (let slot = 0; slot < weights.length; slot++) {
      const eff = effective[slot]!;
      const cur = current[slot]! + eff;
      current[slot] = cur;
      total += eff;
      const weight = weights[slot]!;
      if (eff < weight) effective[slot] = Math.min(weight, eff + 1);
      if (best < 0 || cur > bestCurrent) {
        best = slot;
        bestCurrent = cur;
      }
    }
    if (best >= 0) current[best] = bestCurrent - total;
    return best;
  }

  private saveState(): void {
    for (let slot = 0; slot < this.ids.length; slot++) {
      this.saved.set(this.ids[slot]!, {
        weight: this.weights[slot]!,
        effective: this.effective[slot]!,
        current: this.current[slot]!,
      });
    }
  }
}
