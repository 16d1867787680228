/**
 * Knative's windowed average over time buckets: values recorded into buckets of
 * `granularity`, averaged over the buckets of the last `window`.
 *
 * Implements: `TimedFloat64Buckets` (knative/serving pkg/autoscaler/aggregation/bucketing.go):
 * `Record` adds a value to the bucket of its (truncated) time, zeroing buckets skipped since the
 * last write and resetting everything after a window without writes; `WindowAverage` divides
 * the window total by the number of buckets since the first write (so a young window averages
 * over what it has), drops buckets newer than the last write when no data came since, is 0
 * after a window without data, and floors to 6 decimals (`roundToNDigits`); `IsEmpty` is
 * true after more than a window without writes. Times are ms; bucket indices are whole
 * seconds divided by the granularity in seconds, as Knative's `timeToIndex`.
 *
 * Complexity: O(1) amortised per record (O(window/granularity) after a gap), O(gap) per average.
 */

export class TimedBuckets {
  private readonly buckets: Float64Array;
  private firstWrite = Number.NaN;
  private lastWrite = -Infinity;
  private windowTotal = 0;

  constructor(
    readonly window: number,
    readonly granularity: number,
  ) {
    if (!(granularity >= 1000 && granularity % 1000 === 0)) throw new RangeError(`timed buckets: granularity must be whole seconds, got ${granularity}`);
    if (!(window >= granularity)) throw new RangeError(`timed buckets: window (${window}) shorter than the granularity`);
    this.buckets = new Float64Array(Math.ceil(window / granularity));
  }

  isEmpty(now: number): boolean {
    return this.truncate(now) - this.lastWrite > this.window;
  }

  record(now: number, value: number): void {
    const bucketTime = this.truncate(now);
    const writeIdx = this.index(now);
    if (this.lastWrite !== bucketTime) {
      if (Number.isNaN(this.firstWrite)) this.firstWrite = bucketTime;
      if (bucketTime - this.lastWrite > this.window) {
        this.firstWrite = bucketTime;
        this.buckets.fill(0);
        this.windowTotal = 0;
      } else {
        for (let i = this.index(this.lastWrite) + 1; i <= writeIdx; i++) {
          const idx = i % this.buckets.length;
          this.windowTotal -= this.buckets[idx]!;
          this.buckets[idx] = 0;
        }
      }
      this.lastWrite = bucketTime;
    }
    this.buckets[writeIdx % this.buckets.length]! += value;
    this.windowTotal += value;
  }

  windowAverage(now: number): number {
    now = this.truncate(now);
    const d = now - this.lastWrite;
    const valid = Math.floor((this.lastWrite - this.firstWrite) / this.granularity) + 1;
    if (d <= 0) return floor6(this.windowTotal / Math.min(valid, this.buckets.length));
    if (d < this.window) {
      const st = this.index(this.lastWrite);
      const e = this.index(now);
      let total = this.windowTotal;
      for (let i = st + 1; i <= e; i++) total -= this.buckets[i % this.buckets.length]!;
      return floor6(total / Math.min(valid, this.buckets.length - (e - st)));
    }
    return 0;
  }

  private truncate(t: number): number {
    return Math.floor(t / this.granularity) * this.granularity;
  }

  private index(t: number): number {
    return Math.floor(Math.floor(t / 1000) / (this.granularity / 1000));
  }
}

function floor6(x: number): number {
  return Math.floor(x * 1e6) / 1e6;
}
