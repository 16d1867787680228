/**
 * Request arrival processes: when the next request arrives, over all clients together.
 */
import type { RngStream } from '../../engine/rng.js';
import type { ArrivalSpec } from '../../scenario/schema.js';
import { ConstantArrivals } from './constant.js';
import { DiurnalArrivals } from './diurnal.js';
import { OnOffArrivals, onOffMeanRate } from './onoff.js';
import { PoissonArrivals } from './poisson.js';
import { TraceArrivals, traceMeanRate } from './trace.js';
import type { ArrivalProcess } from './types.js';

export type { ArrivalProcess } from './types.js';

export function createArrivalProcess(spec: ArrivalSpec, rng: RngStream): ArrivalProcess {
  switch (spec.kind) {
    case 'poisson':
      return new PoissonArrivals(spec, rng);
    case 'constant':
      return new ConstantArrivals(spec);
    case 'onoff':
      return new OnOffArrivals(spec, rng);
    case 'diurnal':
      return new DiurnalArrivals(spec, rng);
    case 'trace':
      return new TraceArrivals(spec);
    default:
      return unknownArrivals(spec);
  }
}

/** The long-run mean arrival rate, per second. */
export function meanArrivalRate(spec: ArrivalSpec): number {
  switch (spec.kind) {
    case 'poisson':
    case 'constant':
    case 'diurnal':
      return spec.rate;
    case 'onoff':
      return onOffMeanRate(spec);
    case 'trace':
      return traceMeanRate(spec);
    default:
      return unknownArrivals(spec);
  }
}

function unknownArrivals(spec: never): never {
  throw new Error(`unknown arrival process: ${JSON.stringify(spec)}`);
}
