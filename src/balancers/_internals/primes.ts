/**
 * Primality for Maglev table sizes (Envoy `Primes::isPrime`, source/common/common/utility.cc):
 * trial division, fine for the sizes Envoy allows (at most 5,000,011, so √m < 2,237).
 */

export function isPrime(m: number): boolean {
  if (!Number.isSafeInteger(m) || m < 2) return false;
  if (m < 4) return true;
  if (m % 2 === 0 || m % 3 === 0) return false;
  for (let d = 5; d * d <= m; d += 6) {
    if (m % d === 0 || m % (d + 2) === 0) return false;
  }
  return true;
}

/** The largest prime below m and the smallest above it (for "did you mean" messages); null when none. */
export function primesAround(m: number): { below: number | null; above: number } {
  let below: number | null = null;
  for (let candidate = Math.floor(m) - 1; candidate >= 2; candidate--) {
    if (isPrime(candidate)) {
      below = candidate;
      break;
    }
  }
  let above = Math.max(2, Math.floor(m) + 1);
  while (!isPrime(above)) above++;
  return { below, above };
}
