/**
 * std::mt19937, the 32-bit Mersenne Twister of the C++ standard (Matsumoto & Nishimura, ACM
 * TOMACS 8(1), 1998; [rand.predef]: the 10000th output of a default-seeded engine is
 * 4123659995).
 *
 * Envoy's bounded-load hashing seeds one with the request hash to shuffle its probe order, so
 * the same hash probes hosts in the same order on every proxy; reproducing that order needs the
 * very same generator. `seed(s)` is the standard `seed(result_type)` with `s mod 2^32`, which is
 * what a 64-bit hash passed to `std::mt19937(seed)` becomes.
 *
 * Lazy, with identical outputs: the reference seeds all 624 state words and then regenerates
 * ("twists") all of them before the first output, about 1,250 word updates. Here word i is
 * twisted just before it is output, and seeded just before the first twist that reads it.
 * Twisting in place and in order, word i reads the old words i, i + 1 and i + 397 (or, past the
 * end, the already twisted word i + 397 − 624, and word 0 for i = 623), exactly as the
 * reference's in-place loop does, so the sequence is the same. A seed followed by k draws
 * (k < 227) costs about 397 + 2k word updates: a probe over a few hosts is ~3 × cheaper.
 *
 * Allocates only in the constructor.
 */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  /** The next word to twist and output. */
  private index = 0;
  /** Words 0 … seeded − 1 hold their seeded (or later) value. */
  private seeded = 0;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** Re-seeds with `seed mod 2^32` (C++ `engine.seed(value)`). */
  seed(seed: number): void {
    this.state[0] = seed >>> 0;
    this.seeded = 1;
    this.index = 0;
  }

  /** The next output, a uniform uint32. */
  next(): number {
    if (this.index === N) this.index = 0;
    const i = this.index++;
    const state = this.state;
    if (this.seeded < N) this.seedThrough(Math.min(i + M, N - 1));
    const y = (state[i]! & UPPER_MASK) | (state[i + 1 === N ? 0 : i + 1]! & LOWER_MASK);
    const twisted = (state[i + M < N ? i + M : i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    state[i] = twisted;
    let z = twisted;
    z ^= z >>> 11;
    z ^= (z << 7) & 0x9d2c5680;
    z ^= (z << 15) & 0xefc60000;
    z ^= z >>> 18;
    return z >>> 0;
  }

  /** The standard initialisation, x_i = 1812433253 · (x_{i−1} ^ (x_{i−1} >>> 30)) + i, up to word `last`. */
  private seedThrough(last: number): void {
    const state = this.state;
    for (let i = this.seeded; i <= last; i++) {
      const previous = state[i - 1]!;
      state[i] = (Math.imul(1812433253, (previous ^ (previous >>> 30)) >>> 0) + i) >>> 0;
    }
    this.seeded = Math.max(this.seeded, last + 1);
  }
}
