/**
 * Closed-form results the engine must reproduce (../shared/reference/validation.md).
 * Times are in units of the mean service time unless a function says otherwise.
 */

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ (via the Erlang B recursion). */
export function erlangC(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** M/M/c mean response time W for utilisation ρ, with mean service time 1. */
export function mmcMeanResponse(c: number, rho: number): number {
  const a = rho * c;
  return erlangC(c, a) / (c - a) + 1;
}

/** M/M/1 response-time p-quantile: the response time is exponential with rate μ − λ. */
export function mm1ResponseQuantile(rho: number, p: number): number {
  return -Math.log(1 - p) / (1 - rho);
}

/** Pollaczek–Khinchine mean response time of M/G/1 with mean service time 1 and the given SCV. */
export function mg1MeanResponse(rho: number, scv: number): number {
  return (rho * (1 + scv)) / (2 * (1 - rho)) + 1;
}

/**
 * Mean response time of the supermarket model (n → ∞; Mitzenmacher 2001) with d choices:
 * E[T] = Σ_{i≥1} λ^((d^i − d)/(d − 1)); d = 1 gives 1/(1 − λ).
 */
export function supermarketMeanResponse(lambda: number, d: number): number {
  if (d === 1) return 1 / (1 - lambda);
  let sum = 0;
  for (let i = 1; i < 64; i++) {
    const term = lambda ** ((d ** i - d) / (d - 1));
    sum += term;
    if (term < 1e-16) break;
  }
  return sum;
}

/**
 * Lu et al.'s closed form for JIQ-Random (Performance 2011, §4): with r servers per I-queue,
 * an I-queue holds the r(1 − λ) idle servers of its share on average and behaves as an M/M/1
 * queue, so it is non-empty with probability ρ_I = r(1 − λ) / (1 + r(1 − λ)); each server is
 * then an M/M/1 queue fed by the random dispatches only, at rate λ(1 − ρ_I):
 * E[T] = 1 / (1 − λ / (1 + r(1 − λ))). It takes every listed server to be idle (no stale I-queue
 * entries); `jiqMeanResponse` does not. Both tend to 1 (no queueing) as r grows.
 */
export function jiqLuApproximation(lambda: number, r: number): number {
  return 1 / (1 - lambda / (1 + r * (1 - lambda)));
}

/**
 * Mean response time of JIQ-Random in the mean-field limit (n servers, n/r dispatchers,
 * n → ∞), mean service time 1, load λ, counting stale I-queue entries: an idle server that
 * joined an I-queue may receive a random dispatch meanwhile, and its entry still sends it a job
 * later (the algorithm exchanges no message to withdraw it; meshsim's `jiq` does this).
 *
 * Model. An I-queue gets listings (idle announcements) as a Poisson stream, the superposition of
 * many servers, at rate r·b where b is the rate at which one server becomes idle; the
 * dispatcher's Poisson arrivals (rate λr) each consume one. So it is an M/M/1 queue: a fraction
 * ρ_I = b/λ of arrivals take a listing, the rest, a = λ − b per server, go to a random server,
 * and a listing waits an exponential time of rate θ = λr − rb = r·a before it sends its job.
 * One server is then a Markov chain on (k jobs, j pending listings of it):
 *   (k, j) → (k + 1, j) at rate a (random dispatch); (k, j) → (k + 1, j − 1) at rate jθ (a
 *   listing fires, idle server or not); (k, j) → (k − 1, j) at rate 1 for k ≥ 2; (1, j) →
 *   (0, j + 1) at rate 1 (idle: it announces itself).
 * Consistency asks b = P(k = 1) (the rate of idle transitions, μ = 1) = λ − a; a secant
 * iteration finds a, and E[T] = E[k]/λ by Little's law. The chain is solved by linear level
 * reduction in k (block tridiagonal, blocks indexed by j), truncated where the mass left out
 * is below 1e-15.
 *
 * Requires 0 < λ < 1 and r ≥ 1.
 */
export function jiqMeanResponse(lambda: number, r: number): number {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`jiqMeanResponse: λ must be in (0, 1), got ${lambda}`);
  if (!(r >= 1 && r < Infinity)) throw new RangeError(`jiqMeanResponse: r must be ≥ 1, got ${r}`);
  // g(a) = a + b(a) − λ: the random-dispatch rate a is consistent where g vanishes.
  const g = (a: number): { value: number; meanJobs: number } => {
    const chain = jiqServerChain(a, r * a, lambda);
    return { value: a + chain.idleRate - lambda, meanJobs: chain.meanJobs };
  };
  // Secant from Lu et al.'s stale-free value, which lies close; bracketed in (0, λ).
  let a0 = lambda / (1 + r * (1 - lambda));
  let a1 = a0 * 0.95;
  let g0 = g(a0);
  let g1 = g(a1);
  for (let iteration = 0; iteration < 100 && Math.abs(a1 - a0) > 1e-14; iteration++) {
    let next = a1 - (g1.value * (a1 - a0)) / (g1.value - g0.value);
    if (!(next > 0 && next < lambda)) next = Math.min(Math.max(next, a1 / 2), (a1 + lambda) / 2);
    [a0, g0] = [a1, g1];
    a1 = next;
    g1 = g(a1);
  }
  return g1.meanJobs / lambda;
}

/**
 * The stationary (k, j) chain of `jiqMeanResponse` for given a and θ: mean jobs and idle rate.
 * Levels k = 0…K, phases j = 0…J; K doubles until the top level's mass is negligible.
 */
function jiqServerChain(a: number, theta: number, lambda: number): { meanJobs: number; idleRate: number } {
  // Pending listings are created at rate ≤ λ and live 1/θ on average: J covers their tail.
  const meanPending = lambda / theta;
  const phases = Math.ceil(meanPending + 12 * Math.sqrt(meanPending) + 12) + 1;
  for (let levels = 64; ; levels *= 2) {
    const result = levelReduction(a, theta, levels, phases);
    if (result.topMass < 1e-15 || levels >= 1 << 14) return result;
  }
}

/** Linear level reduction of the block-tridiagonal generator: π_k = π_{k−1} R_k from the top. */
function levelReduction(
  a: number,
  theta: number,
  top: number,
  phases: number,
): { meanJobs: number; idleRate: number; topMass: number } {
  const P = phases;
  const J = P - 1;
  const matrix = (): Float64Array => new Float64Array(P * P);
  // Up (k → k + 1): random dispatch keeps j, a firing listing takes one from j.
  const up = matrix();
  for (let j = 0; j <= J; j++) {
    up[j * P + j] = a;
    if (j > 0) up[j * P + j - 1] = j * theta;
  }
  // Local generator at level k: minus the total out-rate of each phase.
  const local = (k: number): Float64Array => {
    const m = matrix();
    for (let j = 0; j <= J; j++) m[j * P + j] = -((k < top ? a + j * theta : 0) + (k >= 1 ? 1 : 0));
    return m;
  };
  // Down (k → k − 1): a departure; from k = 1 the server turns idle and lists itself (j + 1).
  const downTimes = (R: Float64Array, k: number): Float64Array => {
    const m = matrix();
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= J; j++) m[i * P + (k === 1 ? Math.min(J, j + 1) : j)]! += R[i * P + j]!;
    }
    return m;
  };
  const R: Float64Array[] = new Array<Float64Array>(top + 1);
  let effective = local(top);
  for (let k = top; k >= 1; k--) {
    const Rk = multiply(up, invert(effective, P), P);
    for (let i = 0; i < Rk.length; i++) Rk[i] = -Rk[i]!;
    R[k] = Rk;
    const below = local(k - 1);
    const fold = downTimes(Rk, k);
    for (let i = 0; i < below.length; i++) below[i]! += fold[i]!;
    effective = below;
  }
  // Level 0: π_0 · effective = 0, Σ π_0 = 1 (then everything is renormalised).
  const system = matrix();
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) system[j * P + i] = effective[i * P + j]!;
  for (let j = 0; j < P; j++) system[j] = 1;
  const solved = invert(system, P);
  let level = new Float64Array(P);
  for (let i = 0; i < P; i++) level[i] = solved[i * P]!;
  let total = 0;
  let meanJobs = 0;
  let idle = 0;
  let topMass = 0;
  for (let k = 0; k <= top; k++) {
    if (k > 0) {
      const next = new Float64Array(P);
      const Rk = R[k]!;
      for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) next[j]! += level[i]! * Rk[i * P + j]!;
      level = next;
    }
    const mass = level.reduce((s, p) => s + p, 0);
    total += mass;
    meanJobs += k * mass;
    if (k === 1) idle = mass;
    if (k === top) topMass = mass;
  }
  return { meanJobs: meanJobs / total, idleRate: idle / total, topMass: topMass / total };
}

function multiply(x: Float64Array, y: Float64Array, P: number): Float64Array {
  const z = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let l = 0; l < P; l++) {
      const v = x[i * P + l]!;
      if (v === 0) continue;
      for (let j = 0; j < P; j++) z[i * P + j]! += v * y[l * P + j]!;
    }
  }
  return z;
}

/** Gauss–Jordan inverse with partial pivoting. */
function invert(x: Float64Array, P: number): Float64Array {
  const m = Float64Array.from(x);
  const inverse = new Float64Array(P * P);
  for (let i = 0; i < P; i++) inverse[i * P + i] = 1;
  for (let c = 0; c < P; c++) {
    let pivot = c;
    for (let i = c + 1; i < P; i++) if (Math.abs(m[i * P + c]!) > Math.abs(m[pivot * P + c]!)) pivot = i;
    if (pivot !== c) {
      for (let j = 0; j < P; j++) {
        [m[c * P + j], m[pivot * P + j]] = [m[pivot * P + j]!, m[c * P + j]!];
        [inverse[c * P + j], inverse[pivot * P + j]] = [inverse[pivot * P + j]!, inverse[c * P + j]!];
      }
    }
    const d = m[c * P + c]!;
    for (let j = 0; j < P; j++) {
      m[c * P + j]! /= d;
      inverse[c * P + j]! /= d;
    }
    for (let i = 0; i < P; i++) {
      if (i === c) continue;
      const f = m[i * P + c]!;
      if (f === 0) continue;
      for (let j = 0; j < P; j++) {
        m[i * P + j]! -= f * m[c * P + j]!;
        inverse[i * P + j]! -= f * inverse[c * P + j]!;
      }
    }
  }
  return inverse;
}
