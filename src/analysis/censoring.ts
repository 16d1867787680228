/**
 * Latency metrics censored by the request timeout.
 *
 * Latencies are those of completed requests: a request that timed out has none, though it
 * took at least the timeout. When a share s = timedOut / (completed + timedOut) of the answered
 * or abandoned requests timed out, the p-quantile over all of them is at the timeout or beyond
 * as soon as s > 1 − p: the reported `latency.pNN` of completed requests then only says "below
 * the timeout" (bursty.yaml: p99.9 499 ms against a 500 ms timeout). Any timeout at all
 * censors the maximum. The mean is biased low: counted at the timeout (at least the largest
 * completed latency), the timed-out requests would raise it by at least s·(max − mean)/mean
 * relatively, and it is flagged when that exceeds 1 %, well above the noise of a mean over
 * thousands of requests. A censored value is a lower bound on the true one, and comparing two
 * of them compares how the timeout cut them, not the strategies.
 */
import { getMetric } from './metric-paths.js';
import type { StrategyResult } from './types.js';
import type { ReplicationMetrics } from '../metrics/types.js';

/** The least relative bias of the mean that flags it. */
const MEAN_BIAS = 0.01;

/** The quantile of a `latency.pNN` path (p99 → 0.99), or undefined for mean and max. */
function quantileOf(path: string): number | undefined {
  const m = /^latency\.p(\d+)$/.exec(path);
  return m === null ? undefined : Number(`0.${m[1]}`);
}

/** Whether a latency metric of one replication is censored by the timeout. */
export function isCensored(m: ReplicationMetrics, path: string): boolean {
  if (!path.startsWith('latency.')) return false;
  const timedOut = getMetric(m, 'timedOut');
  const ended = getMetric(m, 'completed') + timedOut;
  if (!(timedOut > 0) || !(ended > 0)) return false;
  const share = timedOut / ended;
  if (path === 'latency.mean') {
    const mean = getMetric(m, 'latency.mean');
    return !(mean > 0) || (share * (getMetric(m, 'latency.max') - mean)) / mean > MEAN_BIAS;
  }
  const q = quantileOf(path);
  return q === undefined || share > 1 - q;
}

/** Censored in any replication of the strategy. */
export function censoredIn(result: StrategyResult, path: string): boolean {
  return result.replicationMetrics.some((m) => isCensored(m, path));
}

/** The note for a censored value, e.g. "censored by the 500ms timeout: over every request the p99 is at least 500ms". */
export function censoringNote(path: string, timeoutText: string | undefined): string {
  const by = timeoutText === undefined ? 'the timeout' : `the ${timeoutText} timeout`;
  const name = path.slice('latency.'.length).replace('p999', 'p99.9');
  if (name === 'mean') return `censored by ${by}: timed-out requests are missing from the mean`;
  return `censored by ${by}: over every request the ${name} is at least ${timeoutText ?? 'the timeout'}`;
}
