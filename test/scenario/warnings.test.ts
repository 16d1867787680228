import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveScenario } from '../../src/scenario/load.js';
import { offeredUtilisation, totalCapacity } from '../../src/scenario/warnings.js';
import { MINIMAL_YAML } from './helpers.js';

/** MINIMAL_YAML (4 instances, exponential 10 ms, 100/s: ρ = 0.25) with `--set` changes. */
function resolved(...set: string[]) {
  return resolveScenario(parse(MINIMAL_YAML), { set });
}

const overload = (w: string): boolean => w.startsWith('offered utilisation');

describe('warnings', () => {
  it('none for a stable scenario with a warm-up', () => {
    expect(resolved().warnings).toEqual([]);
    expect(offeredUtilisation(resolved().scenario)).toBeCloseTo(0.25, 12);
  });

  it('overload: ρ = λ·E[S] / Σ concurrency·speed ≥ 1 warns, and does not throw', () => {
    const { warnings, scenario } = resolved('arrivals.rate=400');
    expect(offeredUtilisation(scenario)).toBeCloseTo(1, 12);
    expect(warnings).toEqual([
      'offered utilisation ρ = 1.000 ≥ 1 (400 requests/s × mean service time 10ms over 4 servers\' capacity): ' +
        'queues grow without bound, and results depend on the run length',
    ]);
    expect(resolved('arrivals.rate=399').warnings).toEqual([]);
  });

  it('counts concurrency and per-instance speed in the capacity', () => {
    const { scenario } = resolved('service.concurrency=2', 'service.overrides.0.instances=[0, 1]', 'service.overrides.0.speed=0.5');
    expect(totalCapacity(scenario)).toBe(2 * (0.5 + 0.5 + 1 + 1));
    expect(offeredUtilisation(scenario)).toBeCloseTo((0.1 * 10) / 6, 12);
  });

  it('a health-check timeout or jitter longer than the interval: valid in Envoy, and said plainly', () => {
    const hc = 'healthCheck={interval: 1s, timeout: 3s, jitter: 2500ms, unhealthyThreshold: 2, healthyThreshold: 2}';
    expect(resolved(hc).warnings).toEqual([
      'healthCheck.timeout (3s) is longer than healthCheck.interval (1s): Envoy starts the next interval only when a check ends, ' +
        'so a hung instance is checked every 4s, not every 1s',
      'healthCheck.jitter (2.5s) is longer than healthCheck.interval (1s): each wait is the interval plus up to the jitter, ' +
        'so checks come between every 1s and every 3.5s',
    ]);
    expect(resolved('healthCheck={interval: 1s, timeout: 1s, jitter: 1s, unhealthyThreshold: 2, healthyThreshold: 2}').warnings).toEqual([]);
  });

  it('capacity of a large mesh without a per-instance array', () => {
    const { scenario } = resolved('service.instances=50000000', 'service.overrides=[{instance: 7, speed: 3}, {instance: 7, speed: 0.5}]');
    expect(totalCapacity(scenario)).toBe(50_000_000 - 1 + 0.5);
  });

  it('with a queue limit, says the excess is rejected', () => {
    const [warning] = resolved('arrivals.rate=1000', 'service.queueLimit=50').warnings;
    expect(warning).toMatch(/ρ = 2\.500 ≥ 1 .*queues fill up to queueLimit \(50\) and the excess is rejected/);
  });

  it('uses the mean rate of on/off and the mean of the service-time distribution', () => {
    // on 1 s at 900/s, off 1 s at 100/s: mean 500/s; lognormal median 10 ms, p99 20 ms: mean ≈ 10.5 ms
    const { scenario, warnings } = resolved(
      'arrivals={kind: onoff, rate: 900, offRate: 100, on: 1s, off: 1s}',
      'service.serviceTime={dist: lognormal, median: 10ms, p99: 20ms}',
    );
    expect(offeredUtilisation(scenario)).toBeGreaterThan(1);
    expect(warnings.filter(overload)).toHaveLength(1);
  });

  it('trace arrivals: rate from the timestamps', () => {
    // 11 arrivals 10 ms apart: 100/s, ρ = 0.25
    const times = Array.from({ length: 11 }, (_, i) => i * 10).join(', ');
    const { scenario } = resolved(`arrivals={kind: trace, times: [${times}]}`);
    expect(offeredUtilisation(scenario)).toBeCloseTo(0.25, 12);
  });

  it('warm-up 0 with a duration: statistics include the empty-system transient', () => {
    expect(resolved('warmup=0').warnings).toEqual([
      'warmup is 0: statistics include the transient of a system that starts empty; ' +
        'consider a warm-up such as 1s (a tenth of the duration)',
    ]);
    // with `requests` instead of `duration` there is no duration to take a tenth of
    const input = parse(MINIMAL_YAML) as Record<string, unknown>;
    delete input.duration;
    delete input.warmup;
    expect(resolveScenario({ ...input, requests: 1000 }).warnings).toEqual([]);
  });
});
