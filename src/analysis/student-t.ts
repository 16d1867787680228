/**
 * Quantiles (and the CDF) of Student's t distribution, for confidence intervals over
 * replications.
 *
 * Method (sources):
 * - CDF through the regularized incomplete beta function,
 *     P(|T| ≤ t) = I_y(1/2, ν/2),  P(T > t) = ½·I_x(ν/2, 1/2),  x = ν/(ν+t²), y = t²/(ν+t²)
 *   (Abramowitz & Stegun 26.7.1 / 26.5.27), with I evaluated by its continued fraction in
 *   Lentz's form (Press et al., Numerical Recipes, 3rd ed., §6.4 `betacf`) and log Γ by the
 *   Lanczos approximation (g = 7, n = 9; Numerical Recipes §6.1).
 * - Quantile: safeguarded Newton iteration on that CDF (bisection whenever a Newton step leaves
 *   the current bracket), solving on the central probability near the median and on the log of
 *   the tail probability in the tails so that neither loses relative precision. Starting point:
 *   the Cornish–Fisher expansion of A&S 26.7.5 (as in Hill 1970, CACM algorithm 396) or the
 *   power-law tail t ≈ (k/q)^(1/ν), whichever is larger.
 * - ν = 1 and ν = 2 have closed forms: t = cot(π·q) and t = (1−2q)/√(2q(1−q)) for the upper
 *   tail q = min(p, 1−p).
 * - ν > 1e5: the Cornish–Fisher expansion alone (error O(ν⁻⁵), far below double precision
 *   there), which avoids the continued fraction's O(√ν) iteration count.
 * - ν = ∞: the normal quantile, Wichura 1988, Applied Statistics algorithm AS 241 (PPND16),
 *   relative accuracy about 1e-16.
 *
 * Accuracy (relative, against SciPy and mpmath over random ν and p down to 1e-200): about
 * 1e-13 for ν ≤ 1e4, 2e-12 for 1e4 < ν ≤ 1e5 (the continued fraction accumulates rounding
 * near its convergence boundary), 1e-14 beyond; far more than the 6 significant digits
 * confidence intervals need. Where the true quantile exceeds the double range (ν < 1 and tiny
 * p) the result is ±Infinity.
 *
 * log Γ differences of large arguments, ln Γ(a+½) − ln Γ(a), are combined through Stirling's
 * series rather than subtracted, which would cancel about log10(a) digits.
 */

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos; reflection below ½ keeps the series in its accurate range). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    series += LANCZOS_COEFFICIENTS[i]! / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Stirling's series remainder δ(x) = ln Γ(x) − [(x−½)ln x − x + ½ln 2π], for x ≥ 10. */
function stirlingRemainder(x: number): number {
  const x2 = x * x;
  return (
    (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x
  );
}

const STIRLING_FROM = 20;

/**
 * ln Γ(a+b) − ln Γ(a) without the cancellation of two large log-gammas: for large a the
 * Stirling terms are combined analytically first (error about 1e-16 absolute for a ≥ 20).
 */
function logGammaRatio(a: number, b: number): number {
  if (a < STIRLING_FROM) return logGamma(a + b) - logGamma(a);
  return (
    (a - 0.5) * Math.log1p(b / a) +
    b * Math.log(a + b) -
    b +
    stirlingRemainder(a + b) -
    stirlingRemainder(a)
  );
}

/** −ln B(a, b) = ln Γ(a+b) − ln Γ(a) − ln Γ(b). */
function logInverseBeta(a: number, b: number): number {
  return a >= b ? logGammaRatio(a, b) - logGamma(b) : logGammaRatio(b, a) - logGamma(a);
}

const CF_MAX_ITERATIONS = 20_000;
const CF_EPSILON = Number.EPSILON;
const CF_TINY = 1e-300;

/** Continued fraction of I_x(a, b) (modified Lentz), converging fast for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= CF_EPSILON) break;
  }
  return h;
}

/**
 * The argument of I and its complement with their logarithms: x and y = 1 − x, each computed
 * without cancellation, and ln x, ln y without underflow even when x or y is below 1e-308.
 */
interface BetaArgument {
  x: number;
  y: number;
  logX: number;
  logY: number;
}

function swapped(arg: BetaArgument): BetaArgument {
  return { x: arg.y, y: arg.x, logX: arg.logY, logY: arg.logX };
}

/** ln I_x(a, b), the regularized incomplete beta. */
function logRegularizedBeta(arg: BetaArgument, a: number, b: number): number {
  if (arg.x <= 0 && arg.logX === -Infinity) return -Infinity;
  if (arg.y <= 0 && arg.logY === -Infinity) return 0;
  const logPrefactor = logInverseBeta(a, b) + a * arg.logX + b * arg.logY;
  if (arg.x < (a + 1) / (a + b + 2)) {
    return logPrefactor + Math.log(betaContinuedFraction(arg.x, a, b) / a);
  }
  return Math.log1p(-Math.exp(logPrefactor) * (betaContinuedFraction(arg.y, b, a) / b));
}

/**
 * For the t variable: x = ν/(ν+t²), y = t²/(ν+t²). Beyond t = √ν the ratio r = √ν/t is used so
 * that neither t² nor x = r²/(1+r²) has to be representable.
 */
function tArgument(t: number, df: number): BetaArgument {
  if (t * t <= df) {
    const u = (t * t) / df;
    return {
      x: 1 / (1 + u),
      y: u / (1 + u),
      logX: -Math.log1p(u),
      logY: 2 * Math.log(t) - Math.log(df) - Math.log1p(u),
    };
  }
  const r = Math.sqrt(df) / t;
  const r2 = r * r;
  return {
    x: r2 / (1 + r2),
    y: 1 / (1 + r2),
    logX: 2 * Math.log(r) - Math.log1p(r2),
    logY: -Math.log1p(r2),
  };
}

/** ln P(T > t) for t ≥ 0. */
function logUpperTail(t: number, df: number): number {
  return Math.log(0.5) + logRegularizedBeta(tArgument(t, df), df / 2, 0.5);
}

/** P(|T| ≤ t) for t ≥ 0. */
function centralProbability(t: number, df: number): number {
  return Math.exp(logRegularizedBeta(swapped(tArgument(t, df)), 0.5, df / 2));
}

function logDensityConstant(df: number): number {
  return logGammaRatio(df / 2, 0.5) - 0.5 * Math.log(df * Math.PI);
}

/** ln f(t), the log density, finite for every finite t. */
function logDensity(t: number, df: number, logConstant: number): number {
  const logOnePlusU =
    t * t <= df
      ? Math.log1p((t * t) / df)
      : 2 * Math.log(t) - Math.log(df) + Math.log1p(df / t / t);
  return logConstant - ((df + 1) / 2) * logOnePlusU;
}

/**
 * The CDF P(T ≤ t) for finite df > 0 (NaN otherwise). Accurate in both tails: the lower tail is
 * computed directly, never as 1 − something. Meant for df up to about 1e8 (the continued
 * fraction's iteration cap); use the normal CDF beyond.
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0) || !Number.isFinite(df)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = Math.exp(logUpperTail(Math.abs(t), df));
  return t < 0 ? tail : 1 - tail;
}

// AS 241 (PPND16) coefficients, Wichura 1988.
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
] as const;
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
] as const;
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
] as const;
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
  0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
  1.05075007164441684324e-9,
] as const;
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
] as const;
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
] as const;

function ratio(num: readonly number[], den: readonly number[], r: number): number {
  let n = 0;
  let d = 0;
  for (let i = num.length - 1; i >= 0; i--) n = n * r + num[i]!;
  for (let i = den.length - 1; i >= 0; i--) d = d * r + den[i]!;
  return n / d;
}

/** The standard normal quantile Φ⁻¹(p) (AS 241). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    return q * ratio(AS241_A, AS241_B, 0.180625 - q * q);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const z = r <= 5 ? ratio(AS241_C, AS241_D, r - 1.6) : ratio(AS241_E, AS241_F, r - 5);
  r = z;
  return q < 0 ? -r : r;
}

/** A&S 26.7.5: t as a series in 1/ν around the normal quantile z. */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

const CORNISH_FISHER_ONLY_ABOVE_DF = 1e5;
const NEWTON_MAX_ITERATIONS = 200;
const RELATIVE_TOLERANCE = 4 * Number.EPSILON;

/**
 * Solves G(v) = target for increasing G on (lo, hi) by Newton steps kept inside the bracket
 * that every evaluation narrows: a step that would leave it is replaced by bisection, or, while
 * the bracket is still open on one side, by a step of max(1, |v|) towards that side.
 */
function solveIncreasing(
  guess: number,
  bounds: { lo: number; hi: number },
  evaluate: (v: number) => { value: number; slope: number },
  target: number,
): number {
  let { lo, hi } = bounds;
  let v = guess;
  for (let i = 0; i < NEWTON_MAX_ITERATIONS; i++) {
    const { value, slope } = evaluate(v);
    const residual = value - target;
    if (residual === 0) return v;
    if (residual < 0) lo = v;
    else hi = v;
    let next = v - residual / slope;
    if (!(next > lo && next < hi)) {
      const stride = Math.max(1, Math.abs(v));
      if (hi === Infinity) next = v + stride;
      else if (lo === -Infinity) next = v - stride;
      else next = lo + (hi - lo) / 2;
    }
    const scale = Math.max(1, Math.abs(next));
    if (Math.abs(next - v) <= RELATIVE_TOLERANCE * scale) return next;
    if (hi - lo <= RELATIVE_TOLERANCE * scale) return next;
    v = next;
  }
  return v;
}

/**
 * The quantile t > 0 whose upper tail P(T > t) is `tail` (0 < tail < 0.5), df finite.
 * Taking the tail rather than p keeps full relative precision for tiny tails.
 */
function quantileOfUpperTail(tail: number, df: number): number {
  if (df === 1) return 1 / Math.tan(Math.PI * tail);
  if (df === 2) return (1 - 2 * tail) / Math.sqrt(2 * tail * (1 - tail));
  const z = -normalQuantile(tail);
  if (df > CORNISH_FISHER_ONLY_ABOVE_DF) return cornishFisher(z, df);

  const logConstant = logDensityConstant(df);
  const logTail = Math.log(tail);
  // Far tail: P(T > t) ≈ exp(logConstant)·ν^((ν−1)/2)·t^(−ν), taken in logs (t may overflow).
  const logTailGuess = (logConstant + ((df - 1) / 2) * Math.log(df) - logTail) / df;
  const normalGuess = cornishFisher(z, df);
  const logGuess = Math.max(logTailGuess, normalGuess > 0 ? Math.log(normalGuess) : -Infinity);

  if (tail < 0.25) {
    // In the tail solve −ln P(T > t) = −ln(tail) for s = ln t: the relative precision of a tiny
    // tail is kept, t may exceed the double range before the tail underflows, and the
    // power-law tail is nearly linear in s, so Newton converges from afar.
    const s = solveIncreasing(
      Number.isFinite(logGuess) ? logGuess : 0,
      { lo: -Infinity, hi: Infinity },
      (v) => {
        const t = Math.exp(v);
        const logUpper = logUpperTail(t, df);
        return { value: -logUpper, slope: Math.exp(v + logDensity(t, df, logConstant) - logUpper) };
      },
      -logTail,
    );
    return Math.exp(s);
  }
  // Near the median solve P(|T| ≤ t) = 1 − 2·tail (exact here, by Sterbenz's lemma) for t,
  // which keeps the relative precision of a small t.
  const guess = Math.exp(logGuess);
  return solveIncreasing(
    Number.isFinite(guess) && guess > 0 ? guess : 1,
    { lo: 0, hi: Infinity },
    (t) => ({
      value: centralProbability(t, df),
      slope: 2 * Math.exp(logDensity(t, df, logConstant)),
    }),
    1 - 2 * tail,
  );
}

/**
 * The p-quantile of Student's t with df degrees of freedom: the t with P(T ≤ t) = p.
 * df may be any positive real or Infinity (the normal distribution). Returns ±Infinity at
 * p = 0 or 1 and NaN for p outside [0, 1] or df ≤ 0.
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || df <= 0) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // 1 − p is exact for p ≥ 0.5, so the tail is known to full precision on both sides.
  return p > 0.5 ? quantileOfUpperTail(1 - p, df) : -quantileOfUpperTail(p, df);
}
