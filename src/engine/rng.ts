/**
 * Named, independent random streams.
 *
 * Generator: seedrandom's xor4096 (Brent's xorgens, period 2^4096 − 1) read through
 * `.double()`, which combines two 32-bit outputs into a 53-bit uniform double. The default
 * ARC4 generator is never used: it is about ten times slower.
 *
 * Derivation: every stream is seeded from the string (seed, replication, name). A stream's
 * sequence therefore depends only on its own name, so adding a new stream never shifts an
 * existing one, and two strategies run with the same seed see the same workload (common
 * random numbers) as long as workload draws come from workload-named streams.
 */
import seedrandom from 'seedrandom';

/** A uniform source on [0, 1) with 53-bit resolution. The only randomness balancers see. */
export interface RandomSource {
  next(): number;
}

export class RngStream implements RandomSource {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seedText: string) {
    this.prng = seedrandom.xor4096(seedText);
  }

  /** Uniform on [0, 1), 53-bit resolution. */
  next(): number {
    return this.prng.double();
  }

  /** Uniform integer on [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** Uniform on (0, 1]: safe to take the logarithm of. */
  nextOpen(): number {
    return 1 - this.prng.double();
  }
}

/** Builds the stream named `name` for one replication of one seed. */
export type RngFactory = (name: string) => RngStream;

export function streamFactory(seed: number, replication: number): RngFactory {
  return (name: string) => new RngStream(`meshsim/${seed}/${replication}/${name}`);
}
