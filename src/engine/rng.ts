/**
 * Named, independent random streams.
 *
 * Generator: Brent's xorgens xor4096 (period 2^4096 − 1, with a Weyl sequence), exactly as the
 * seedrandom package implements it (`seedrandom/lib/xor4096.js`, seedrandom 3.0.5), read as
 * `.double()` reads it: two 32-bit outputs combined into a 53-bit uniform double, zero redrawn.
 * seedrandom seeds the state (its string mixing and 512 warm-up steps); the stream then copies
 * that state into an Int32Array and steps it here, 64 draws at a time into a buffer that the
 * draws read in order. seedrandom's generator keeps the state on a closure-bound object with a
 * plain array, and its `double()` makes two calls through it; here a draw is an array read, small
 * enough for V8 to inline into every sampler and balancer, and the stepping runs in one tight
 * loop. The numbers are seedrandom's own, draw for draw (test/engine/rng.test.ts). The default
 * ARC4 generator is never used: it is about ten times slower.
 *
 * Derivation: every stream is seeded from the string (seed, replication, name). A stream's
 * sequence therefore depends only on its own name, so adding a new stream never shifts an
 * existing one, and two strategies run with the same seed see the same workload (common
 * random numbers) as long as workload draws come from workload-named streams.
 */
import xor4096 from 'seedrandom/lib/xor4096.js';

/** A uniform source on [0, 1) with 53-bit resolution. The only randomness balancers see. */
export interface RandomSource {
  next(): number;
}

const WEYL_STEP = 0x61c88647;
const TWO_POW_32 = 0x100000000;
const TWO_POW_21 = 1 << 21;
/** Draws made ahead per refill: a draw is then an array read, small enough to inline anywhere. */
const BATCH = 64;

export class RngStream implements RandomSource {
  /** xorgens state: 128 words, the current index and the Weyl counter. */
  private readonly x = new Int32Array(128);
  private i: number;
  private w: number;
  /** The next draws of the stream, in order; `position` is the next one to hand out. */
  private readonly ahead = new Float64Array(BATCH);
  private position = BATCH;

  constructor(readonly seedText: string) {
    const seeded = xor4096(seedText, { state: true }).state();
    this.x.set(seeded.X);
    this.i = seeded.i;
    this.w = seeded.w;
  }

  /** Uniform on [0, 1), 53-bit resolution. */
  next(): number {
    if (this.position === BATCH) this.refill();
    return this.ahead[this.position++]!;
  }

  /** Uniform integer on [0, n). */
  int(n: number): number {
    if (this.position === BATCH) this.refill();
    return Math.floor(this.ahead[this.position++]! * n);
  }

  /** Uniform on (0, 1]: safe to take the logarithm of. */
  nextOpen(): number {
    if (this.position === BATCH) this.refill();
    return 1 - this.ahead[this.position++]!;
  }

  /**
   * The next BATCH draws, each as seedrandom's `prng.double()` makes it: two steps of
   * seedrandom's `XorGen.next` (a signed 32-bit output each), 53 bits from the pair, and a zero
   * drawn again. The state stays in locals for the whole batch, and the two steps are written
   * out rather than looped: a loop over the two halves measured about 5 % slower in M16.
   */
  private refill(): void {
    const x = this.x;
    const ahead = this.ahead;
    let i = this.i;
    let w = this.w;
    for (let k = 0; k < BATCH; ) {
      w = (w + WEYL_STEP) | 0;
      let v = x[(i + 34) & 127]!;
      i = (i + 1) & 127;
      let t = x[i]!;
      v ^= v << 13;
      t ^= t << 17;
      v ^= v >>> 15;
      t ^= t >>> 12;
      v = x[i] = v ^ t;
      const top = ((v + (w ^ (w >>> 16))) | 0) >>> 11;

      w = (w + WEYL_STEP) | 0;
      v = x[(i + 34) & 127]!;
      i = (i + 1) & 127;
      t = x[i]!;
      v ^= v << 13;
      t ^= t << 17;
      v ^= v >>> 15;
      t ^= t >>> 12;
      v = x[i] = v ^ t;
      const bottom = ((v + (w ^ (w >>> 16))) | 0) >>> 0;

      const draw = (top + bottom / TWO_POW_32) / TWO_POW_21;
      if (draw !== 0) ahead[k++] = draw;
    }
    this.i = i;
    this.w = w;
    this.position = 0;
  }
}

/** Builds the stream named `name` for one replication of one seed. */
export type RngFactory = (name: string) => RngStream;

export function streamFactory(seed: number, replication: number): RngFactory {
  return (name: string) => new RngStream(`meshsim/${seed}/${replication}/${name}`);
}
