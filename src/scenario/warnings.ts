/**
 * Warnings: scenarios that are valid but probably not what the user meant. Few on purpose —
 * each one should change what the user does.
 */
import { formatDuration } from './duration.js';
import { distributionMoments } from '../model/distributions/index.js';
import { meanArrivalRate } from '../model/arrivals/index.js';
import type { Scenario } from './schema.js';

export function scenarioWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  const overload = overloadWarning(scenario);
  if (overload !== undefined) warnings.push(overload);
  warnings.push(...healthCheckWarnings(scenario));
  if (scenario.duration !== undefined && scenario.warmup === 0) {
    warnings.push(
      `warmup is 0: statistics include the transient of a system that starts empty; ` +
        `consider a warm-up such as ${formatDuration(scenario.duration / 10)} (a tenth of the duration)`,
    );
  }
  return warnings;
}

/**
 * Offered utilisation ρ = λ·E[S] / Σᵢ(concurrency·speedᵢ). At ρ ≥ 1 there is no steady state:
 * queues (or rejections) grow with the run, so every result depends on the run length.
 */
export function offeredUtilisation(scenario: Scenario): number | undefined {
  const ratePerSecond = meanArrivalRate(scenario.arrivals);
  const meanServiceMs = distributionMoments(scenario.service.serviceTime).mean;
  const servers = totalCapacity(scenario);
  const rho = ((ratePerSecond / 1000) * meanServiceMs) / servers;
  return Number.isFinite(rho) ? rho : undefined;
}

/** Σᵢ concurrency·speedᵢ: server-equivalents of capacity. A later override of an instance wins. */
export function totalCapacity(scenario: Scenario): number {
  const { instances, concurrency, overrides } = scenario.service;
  // Only the overridden speeds are kept: the others are 1, however many instances there are.
  const speeds = new Map<number, number>();
  for (const override of overrides) {
    if (override.speed === undefined) continue;
    for (const id of override.instances ?? [override.instance!]) {
      if (id < instances) speeds.set(id, override.speed);
    }
  }
  let sum = instances - speeds.size;
  for (const speed of speeds.values()) sum += speed;
  return concurrency * sum;
}

function overloadWarning(scenario: Scenario): string | undefined {
  const rho = offeredUtilisation(scenario);
  if (rho === undefined || rho < 1) return undefined;
  const rate = meanArrivalRate(scenario.arrivals);
  const mean = distributionMoments(scenario.service.serviceTime).mean;
  const consequence =
    scenario.service.queueLimit === undefined
      ? 'queues grow without bound'
      : `queues fill up to queueLimit (${scenario.service.queueLimit}) and the excess is rejected`;
  return (
    `offered utilisation ρ = ${rho.toFixed(3)} ≥ 1 (${round(rate)} requests/s × mean service time ` +
    `${formatDuration(mean)} over ${round(totalCapacity(scenario))} servers' capacity): ${consequence}, ` +
    `and results depend on the run length`
  );
}

function round(x: number): string {
  return String(+x.toPrecision(6));
}

/**
 * Envoy accepts a check timeout or a jitter longer than the interval, because it waits for each
 * check to end before the next interval starts: valid, but the checks then come far less often
 * than `interval` suggests, which is rarely what was meant.
 */
function healthCheckWarnings(scenario: Scenario): string[] {
  const hc = scenario.healthCheck;
  if (hc === undefined) return [];
  const warnings: string[] = [];
  const interval = formatDuration(hc.interval);
  if (hc.timeout > hc.interval) {
    warnings.push(
      `healthCheck.timeout (${formatDuration(hc.timeout)}) is longer than healthCheck.interval (${interval}): ` +
        `Envoy starts the next interval only when a check ends, so a hung instance is checked every ` +
        `${formatDuration(hc.timeout + hc.interval)}, not every ${interval}`,
    );
  }
  if (hc.jitter !== undefined && hc.jitter > hc.interval) {
    warnings.push(
      `healthCheck.jitter (${formatDuration(hc.jitter)}) is longer than healthCheck.interval (${interval}): ` +
        `each wait is the interval plus up to the jitter, so checks come between every ${interval} and every ` +
        `${formatDuration(hc.interval + hc.jitter)}`,
    );
  }
  return warnings;
}
