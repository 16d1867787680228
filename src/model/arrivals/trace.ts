/**
 * Trace replay: the recorded timestamps (ms, filled by the scenario loader from `file`),
 * shifted so the earliest is at time 0, then Infinity for ever after.
 *
 * Timestamps are replayed in time order: a trace assembled from several logs may be slightly
 * out of order, and the simulator needs non-decreasing arrival times.
 * Cost per arrival: one typed-array read; no random draws.
 */
import type { ArrivalSpec } from '../../scenario/schema.js';
import { MS_PER_S } from './types.js';

export type TraceArrivalSpec = Extract<ArrivalSpec, { kind: 'trace' }>;

/** The trace's timestamps in ms, as given; the scenario loader fills `times` from `file`. */
export function traceTimes(spec: TraceArrivalSpec): readonly number[] {
  if (spec.times === undefined || spec.times.length === 0) {
    const source = spec.file === undefined ? '' : ` from ${spec.file}`;
    throw new Error(`trace arrivals: no timestamps loaded${source} (the scenario loader fills \`times\`)`);
  }
  return spec.times;
}

/**
 * Arrivals per second over the trace: (n − 1) gaps over its span, the reciprocal of the mean
 * gap as for the other kinds. A single timestamp has no rate (0); n > 1 timestamps all at
 * the same instant give Infinity.
 */
export function traceMeanRate(spec: TraceArrivalSpec): number {
  const times = traceTimes(spec);
  if (times.length < 2) return 0;
  let first = Infinity;
  let last = -Infinity;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return ((times.length - 1) * MS_PER_S) / (last - first);
}

export class TraceArrivals {
  private readonly times: Float64Array;
  private index = 0;

  constructor(spec: TraceArrivalSpec) {
    const times = Float64Array.from(traceTimes(spec)).sort();
    const origin = times[0]!;
    for (let i = 0; i < times.length; i++) times[i] = times[i]! - origin;
    this.times = times;
  }

  next(): number {
    if (this.index >= this.times.length) return Infinity;
    return this.times[this.index++]!;
  }
}
