/**
 * Bursty arrivals: a two-state Markov-modulated Poisson process (MMPP-2; Fischer &
 * Meier-Hellstern, "The Markov-modulated Poisson process (MMPP) cookbook", Perf. Eval. 18,
 * 1993). Poisson at `rate`/s while on and at `offRate`/s while off; on and off periods are
 * exponential with means `on` and `off` ms (or exactly those lengths with `periods: fixed`).
 * The process starts at time 0 at the beginning of an on period.
 *
 * Long-run rate: (rate·on + offRate·off)/(on + off), for either kind of period.
 *
 * Method: within a period, draw an exponential gap at the period's rate; if it overshoots the
 * period's end, move to the end, switch state and draw again. Restarting the gap at the
 * boundary is exact because the exponential is memoryless. With offRate 0 an off period draws
 * nothing: the clock jumps straight to the next on period.
 * Cost per arrival: one uniform and one log, plus per period switch one wasted gap draw and,
 * for exponential periods, one uniform and one log for the new period's length.
 */
import type { RngStream } from '../../engine/rng.js';
import type { ArrivalSpec } from '../../scenario/schema.js';
import { MS_PER_S } from './types.js';

export type OnOffArrivalSpec = Extract<ArrivalSpec, { kind: 'onoff' }>;

export function onOffMeanRate(spec: OnOffArrivalSpec): number {
  return (spec.rate * spec.on + spec.offRate * spec.off) / (spec.on + spec.off);
}

export class OnOffArrivals {
  private now = 0;
  private isOn = true;
  private periodEnd: number;
  /** Mean gap in ms while on. */
  private readonly onGap: number;
  /** Mean gap in ms while off; Infinity when nothing arrives in off periods. */
  private readonly offGap: number;
  private readonly onLength: number;
  private readonly offLength: number;
  private readonly fixedPeriods: boolean;

  constructor(
    spec: OnOffArrivalSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.rate > 0 && spec.offRate >= 0 && spec.on > 0 && spec.off > 0)) {
      throw new RangeError(
        `onoff arrivals: need rate > 0, offRate ≥ 0, on > 0, off > 0; got ${JSON.stringify(spec)}`,
      );
    }
    this.onGap = MS_PER_S / spec.rate;
    this.offGap = spec.offRate > 0 ? MS_PER_S / spec.offRate : Infinity;
    this.onLength = spec.on;
    this.offLength = spec.off;
    this.fixedPeriods = spec.periods === 'fixed';
    this.periodEnd = this.periodLength(this.onLength);
  }

  next(): number {
    for (;;) {
      const meanGap = this.isOn ? this.onGap : this.offGap;
      if (meanGap !== Infinity) {
        const t = this.now - meanGap * Math.log(this.rng.nextOpen());
        if (t < this.periodEnd) {
          this.now = t;
          return t;
        }
      }
      this.now = this.periodEnd;
      this.isOn = !this.isOn;
      this.periodEnd = this.now + this.periodLength(this.isOn ? this.onLength : this.offLength);
    }
  }

  private periodLength(mean: number): number {
    return this.fixedPeriods ? mean : -mean * Math.log(this.rng.nextOpen());
  }
}
