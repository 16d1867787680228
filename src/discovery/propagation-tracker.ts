/**
 * Propagation metrics: for every endpoint change and every client, how long the change took
 * from the pod transition to the client applying an endpoint set that includes it (the
 * simulator's `pilot_proxy_convergence_time` / `network_programming_duration_seconds`), and
 * the convergence time of each change (the slowest client).
 *
 * A client "has" a change once it applies any version at or after the write that carried it
 * (later writes include earlier changes). Additions (`ready`) and removals (`unready`,
 * `terminating`, `removed`) are reported apart: a slow addition costs capacity, a slow
 * removal costs failed requests.
 *
 * Complexity: O(1) amortised per (change, client) pair; O(c log c) for a summary of c values.
 */
import type { EndpointChange, EndpointChangeKind, EndpointSnapshot } from './endpoint-slice.js';

export interface ChangePropagation {
  readonly change: EndpointChange;
  readonly version: number;
  /** Per client: applied − change time (ms); NaN while the client has not applied it. */
  readonly delays: Float64Array;
}

export interface DelaySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface PropagationSummary {
  /** Per (change, client) delays of additions and removals (ms). */
  readonly additions: DelaySummary;
  readonly removals: DelaySummary;
  /** Per change, the slowest client (ms), over changes every client has applied. */
  readonly convergence: DelaySummary;
  /** Changes some client has not applied yet. */
  readonly unconverged: number;
}

export function isRemoval(kind: EndpointChangeKind): boolean {
  return kind !== 'ready';
}

export class PropagationTracker {
  private readonly changes: ChangePropagation[] = [];
  /** Per client: index of the first change it has not applied. */
  private readonly next: Int32Array;
  private readonly lastVersion: Float64Array;

  constructor(readonly clients: number) {
    this.next = new Int32Array(clients);
    this.lastVersion = new Float64Array(clients);
  }

  /** The truth moved: a slice write with its changes (versions must increase). */
  written(snapshot: EndpointSnapshot): void {
    const last = this.changes[this.changes.length - 1];
    if (last !== undefined && snapshot.version < last.version) throw new RangeError(`propagation: write ${snapshot.version} after ${last.version}`);
    for (const change of snapshot.changes) {
      this.changes.push({ change, version: snapshot.version, delays: new Float64Array(this.clients).fill(Number.NaN) });
    }
  }

  /** Client `client` applied endpoint set `version` at `now`. */
  applied(client: number, version: number, now: number): void {
    if (version <= this.lastVersion[client]!) return;
    this.lastVersion[client] = version;
    let i = this.next[client]!;
    for (; i < this.changes.length && this.changes[i]!.version <= version; i++) {
      const c = this.changes[i]!;
      c.delays[client] = now - c.change.at;
    }
    this.next[client] = i;
  }

  /** Every change so far, in write order. */
  perChange(): readonly ChangePropagation[] {
    return this.changes;
  }

  summary(): PropagationSummary {
    const additions: number[] = [];
    const removals: number[] = [];
    const convergence: number[] = [];
    let unconverged = 0;
    for (const c of this.changes) {
      let worst = -Infinity;
      let complete = true;
      for (const d of c.delays) {
        if (Number.isNaN(d)) {
          complete = false;
          continue;
        }
        (isRemoval(c.change.kind) ? removals : additions).push(d);
        worst = Math.max(worst, d);
      }
      if (complete && this.clients > 0) convergence.push(worst);
      else unconverged++;
    }
    return { additions: summarize(additions), removals: summarize(removals), convergence: summarize(convergence), unconverged };
  }
}

/** Nearest-rank quantiles (p50, p99), max and mean; zeros for an empty sample. */
export function summarize(values: number[]): DelaySummary {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1]!, mean: sum / sorted.length };
}
