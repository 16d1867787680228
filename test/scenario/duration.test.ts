import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatDuration, parseDuration } from '../../src/scenario/duration.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { MINIMAL_YAML } from './helpers.js';

describe('durations', () => {
  it.each([
    ['250us', 0.25],
    ['250µs', 0.25],
    ['10ms', 10],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['500ns', 0.0005],
    [' 30 s ', 30_000],
    ['.5s', 500],
    ['1e3ms', 1000],
  ])('parseDuration(%j) = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 12);
  });

  it.each(['', '10', 's', '10 sec', '-1s', '1,5s', '10S'])('parseDuration(%j) is undefined', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [0, '0ms'],
    [0.25, '250us'],
    [10, '10ms'],
    [1500, '1.5s'],
    [120_000, '2m'],
    [7_200_000, '2h'],
  ])('formatDuration(%d) = %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('scenario durations: strings with units or numbers of milliseconds, all in ms after loading', () => {
    const { scenario } = resolveScenario(parse(MINIMAL_YAML), {
      set: ['duration=1.5m', 'warmup=2500', 'timeout=250us', 'drain=0', 'network.latency={dist: uniform, min: 0, max: 1s}'],
    });
    expect(scenario.duration).toBe(90_000);
    expect(scenario.warmup).toBe(2500);
    expect(scenario.timeout).toBe(0.25);
    expect(scenario.drain).toBe(0);
    expect(scenario.network?.latency).toEqual({ dist: 'uniform', min: 0, max: 1000 });
  });

  it('defaults: diurnal period one day, phase 0, amplitude 0.5', () => {
    const { scenario } = resolveScenario(parse(MINIMAL_YAML), { set: ['arrivals={kind: diurnal, rate: 10}'] });
    expect(scenario.arrivals).toEqual({ kind: 'diurnal', rate: 10, amplitude: 0.5, period: 86_400_000, phase: 0 });
  });
});
