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
