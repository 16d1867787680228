/**
 * Per-window counters for timeseries.csv: arrivals, successes, errors, timeouts, p50 and p99
 * latency of the requests that ended in the window, and the state of the cluster at the
 * window's end (instances up, ejected by some client, unhealthy for some client or suspected).
 *
 * Memory is O(run length / window), each window holding a coarse latency histogram (16
 * sub-buckets per power of two: quantiles within 3 %), never O(requests).
 */
import { LatencyHistogram } from '../metrics/latency-histogram.js';

export interface TimeSeriesRow {
  readonly start: number;
  readonly end: number;
  readonly arrivals: number;
  readonly successes: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly p50: number;
  readonly p99: number;
  readonly instancesUp: number;
  readonly ejected: number;
  readonly unhealthy: number;
  /** With membership only: pods Ready, the Deployment's replicas, and the fewest and most endpoints any client has in rotation, at the window's end. */
  readonly readyPods?: number;
  readonly desiredReplicas?: number;
  readonly endpointsMin?: number;
  readonly endpointsMax?: number;
  /** With membership only: attempts in the window that met a gone endpoint, by cause (GONE_CAUSES order). */
  readonly sentToGone?: readonly number[];
}

/** Per-window counts of attempts that met a gone endpoint, by cause (membership.sentToGone.*), in this order. */
export const GONE_CAUSES = ['staleEndpoint', 'dnsCache', 'retainedHealthy', 'killedInFlight', 'drainCutOff'] as const;
export type GoneCause = (typeof GONE_CAUSES)[number];

/** What membership adds to a window. */
export interface MembershipSnapshot {
  readyPods: number;
  desiredReplicas: number;
  endpointsMin: number;
  endpointsMax: number;
}

interface Window {
  arrivals: number;
  successes: number;
  errors: number;
  timeouts: number;
  latency: LatencyHistogram;
  instancesUp: number;
  ejected: number;
  unhealthy: number;
  membership: MembershipSnapshot | null;
  /** Counts by GONE_CAUSES index; null until the first. */
  gone: number[] | null;
}

const WINDOW_HISTOGRAM_SUB_BITS = 4;

export class TimeSeries {
  private readonly windows: Window[] = [];

  constructor(private readonly width: number) {}

  private at(time: number): Window {
    const index = Math.floor(time / this.width);
    while (this.windows.length <= index) {
      const previous = this.windows[this.windows.length - 1];
      this.windows.push({
        arrivals: 0,
        successes: 0,
        errors: 0,
        timeouts: 0,
        latency: new LatencyHistogram(WINDOW_HISTOGRAM_SUB_BITS),
        // Until a snapshot says otherwise, the state carries over from the window before.
        instancesUp: previous?.instancesUp ?? NaN,
        ejected: previous?.ejected ?? 0,
        unhealthy: previous?.unhealthy ?? 0,
        membership: previous?.membership ?? null,
        gone: null,
      });
    }
    return this.windows[index]!;
  }

  arrival(time: number): void {
    this.at(time).arrivals++;
  }

  success(time: number, latency: number): void {
    const w = this.at(time);
    w.successes++;
    w.latency.record(latency);
  }

  error(time: number): void {
    this.at(time).errors++;
  }

  timeout(time: number): void {
    this.at(time).timeouts++;
  }

  /** The cluster's state as of `time`; the last snapshot in a window is what it reports. */
  snapshot(time: number, instancesUp: number, ejected: number, unhealthy: number): void {
    const w = this.at(time);
    w.instancesUp = instancesUp;
    w.ejected = ejected;
    w.unhealthy = unhealthy;
  }

  /** Membership's state as of `time` (kept, like the cluster's, until the next snapshot). */
  snapshotMembership(time: number, state: MembershipSnapshot): void {
    this.at(time).membership = state;
  }

  /** `count` attempts met a gone endpoint for cause `cause` (a GONE_CAUSES index) at `time`. */
  sentToGone(time: number, cause: number, count: number): void {
    const w = this.at(time);
    (w.gone ??= GONE_CAUSES.map(() => 0))[cause]! += count;
  }

  rows(endTime: number): TimeSeriesRow[] {
    if (endTime > 0) this.at(endTime);
    return this.windows.map((w, i) => {
      const [p50, p99] = w.latency.quantiles([0.5, 0.99]);
      return {
        start: i * this.width,
        end: (i + 1) * this.width,
        arrivals: w.arrivals,
        successes: w.successes,
        errors: w.errors,
        timeouts: w.timeouts,
        p50: p50!,
        p99: p99!,
        instancesUp: w.instancesUp,
        ejected: w.ejected,
        unhealthy: w.unhealthy,
        ...(w.membership === null ? {} : { ...w.membership, sentToGone: w.gone ?? GONE_CAUSES.map(() => 0) }),
      };
    });
  }
}
