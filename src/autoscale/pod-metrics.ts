/**
 * Per-pod metric samples the way metrics-server (and a Prometheus adapter) produces them for
 * the HPA: a cumulative counter per pod (CPU time, request-seconds, requests) read on a fixed
 * grid, turned into the rate over the last interval.
 *
 * Implements: metrics-server's rate of two cumulative CPU readings `--metric-resolution`
 * apart (default 15 s), each sample stamped with the later reading's time and the window
 * between the two (the `Timestamp` and `Window` of PodMetrics, which the HPA's CPU readiness
 * rule reads). A pod's first reading gives no sample: a new pod is "missing" to the HPA until
 * its second scrape, as with metrics-server. Reference notes: discovery-and-control-plane.md
 * §2.5 (timing consequence) and §4.
 *
 * Units: a counter in ms of busy time (one busy server for 1 ms = 1) with `scale` 1000 gives
 * milli-cores per pod if one server is one core; a counter of request-ms gives average
 * concurrency × `scale`.
 *
 * Complexity: O(p) per scrape for p pods.
 */
import type { TimedModel } from '../engine/timed-model.js';
import type { MetricSample } from './hpa.js';

export interface PodMetricsConfig {
  /** Scrape interval (ms): metrics-server `--metric-resolution`, 15 s. */
  readonly interval: number;
  /** First scrape (ms): a phase on the grid. */
  readonly firstScrapeAt: number;
  /** Multiplier from counter units per ms to sample units (1000: per-ms busy time → milli-cores). */
  readonly scale: number;
}

export class PodMetrics implements TimedModel {
  private nextScrape: number;
  private readonly previous = new Map<number, { value: number; time: number }>();
  private samples = new Map<number, MetricSample>();
  private lastTime = -Infinity;

  constructor(
    readonly config: PodMetricsConfig,
    /** The pods to scrape now. */
    private readonly pods: () => readonly number[],
    /** A pod's cumulative counter at `now`. */
    private readonly read: (pod: number, now: number) => number,
  ) {
    if (!(config.interval > 0 && Number.isFinite(config.interval))) throw new RangeError(`pod metrics: interval must be positive, got ${config.interval}`);
    this.nextScrape = config.firstScrapeAt;
  }

  /** The latest sample of each pod scraped twice or more (and still there at the last scrape). */
  latest(): ReadonlyMap<number, MetricSample> {
    return this.samples;
  }

  nextDue(): number {
    return this.nextScrape;
  }

  advance(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`pod metrics: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    while (this.nextScrape <= now) {
      const t = this.nextScrape;
      this.nextScrape += this.config.interval;
      const samples = new Map<number, MetricSample>();
      const seen = new Set<number>();
      for (const pod of this.pods()) {
        seen.add(pod);
        const value = this.read(pod, t);
        const before = this.previous.get(pod);
        this.previous.set(pod, { value, time: t });
        if (before === undefined || t <= before.time) continue;
        const window = t - before.time;
        samples.set(pod, { value: ((value - before.value) / window) * this.config.scale, timestamp: t, window });
      }
      for (const pod of this.previous.keys()) if (!seen.has(pod)) this.previous.delete(pod);
      this.samples = samples;
    }
  }
}
