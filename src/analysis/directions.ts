/**
 * Which way each metric is better, for every metric path a result can hold: what sorting by
 * `--metric`, ranking and verdicts read. `none` where more is neither better nor worse (load
 * offered, instances, utilisation, requests recovered by a retry).
 */
export type Direction = 'lower' | 'higher' | 'none';

const EXACT: Readonly<Record<string, Direction>> = {
  T: 'none',
  S: 'none',
  L: 'none',
  F: 'lower',
  R: 'none',
  arrived: 'none',
  // Under common random numbers every strategy meets the same T: more completed is better.
  completed: 'higher',
  failed: 'lower',
  timedOut: 'lower',
  rejected: 'lower',
  inFlightAtEnd: 'lower',
  offered: 'none',
  goodput: 'higher',
  availability: 'higher',
  utilisation: 'none',
  faultyInstances: 'lower',
  'detection.faults': 'none',
  'detection.meanTimeToDetect': 'lower',
  'detection.maxTimeToDetect': 'lower',
  'detection.missed': 'lower',
  'detection.falsePositives': 'lower',
  'recovery.recoveredRequests': 'none',
  'recovery.requestsMeetingFailure': 'lower',
  'recovery.meanTimeToRecover': 'lower',
  'recovery.maxTimeToRecover': 'lower',
  'recovery.unrecovered': 'lower',
  'recovery.incidents': 'none',
  'recovery.serviceTimeToRecover': 'lower',
  'recovery.serviceUnrecovered': 'lower',
  'recovery.restarts': 'lower',
  'retries.sent': 'lower',
  'retries.budgetRefused': 'lower',
  'retries.circuitBreakerOverflows': 'lower',
  'retries.attempts': 'lower',
  'retries.maxAttemptsPerRequest': 'lower',
  'slo.met': 'higher',
  'slo.margin': 'higher',
  simulatedTime: 'none',
};

/** The better direction of any metric path; undefined for a path that is not a metric. */
export function directionOf(path: string): Direction | undefined {
  if (Object.hasOwn(EXACT, path)) return EXACT[path];
  if (path.startsWith('latency.') || path.startsWith('imbalance.')) return 'lower';
  if (/^perInstance(Utilisation)?\.\d+$/.test(path)) return 'none';
  // An objective's value may be a share to keep high or a time to keep low: see its margin.
  const objective = /^slo\.objectives\.\d+\.(met|margin|value)$/.exec(path);
  if (objective !== null) return objective[1] === 'value' ? 'none' : 'higher';
  return undefined;
}
