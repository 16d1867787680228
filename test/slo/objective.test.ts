import { describe, expect, it } from 'vitest';
import {
  isProblem,
  latencyQuantile,
  margin,
  objectiveText,
  parseObjectiveText,
  type SloObjective,
} from '../../src/slo/objective.js';

function parsed(text: string): SloObjective {
  const o = parseObjectiveText(text);
  if (isProblem(o)) throw new Error(`${text}: ${o.expected}`);
  return o;
}

describe('the text form <sli> <op> <value> [per <window>|per fault|over run]', () => {
  it('parses each scope, with values in the SLI’s units', () => {
    expect(parsed('availability >= 99.9% per 10s')).toEqual({
      name: 'availability >= 99.9% per 10s',
      sli: 'availability',
      op: '>=',
      value: 0.999,
      per: 10_000,
      minRequests: 1,
    });
    expect(parsed('latency.p99 <= 200ms per 10s')).toMatchObject({ sli: 'latency.p99', op: '<=', value: 200, per: 10_000 });
    expect(parsed('lost == 0 over run')).toMatchObject({ sli: 'lost', op: '==', value: 0, per: 'run' });
    expect(parsed('detection.timeToEject <= 15s per fault')).toMatchObject({ value: 15_000, per: 'fault' });
    expect(parsed('retries.share <= 20% per 10s')).toMatchObject({ value: 0.2 });
    expect(parsed('goodput >= 400/s per 1m')).toMatchObject({ value: 400, per: 60_000 });
    expect(parsed('availability >= 0.99')).toMatchObject({ value: 0.99, per: 'run' });
  });

  it('defaults the scope: over the run, and per fault for per-fault SLIs', () => {
    expect(parsed('errors.share <= 1%').per).toBe('run');
    expect(parsed('recovery.timeToRecover <= 30s').per).toBe('fault');
  });

  it('reads a percentage straight to its nearest double, so 999 of 1000 meets 99.9 %', () => {
    const o = parsed('availability >= 99.9%');
    expect(o.value).toBe(0.999);
    expect(margin(o, 999 / 1000)).toBe(0);
  });

  it('names an objective by its canonical text, which parses back to the same objective', () => {
    for (const text of ['availability >= 99.95% per 30s', 'latency.p999 <= 1.5s over run', 'lost == 0 over run', 'goodput >= 12.5/s per 250ms']) {
      const o = parsed(text);
      expect(objectiveText(o)).toBe(o.name);
      expect(parsed(o.name)).toEqual(o);
    }
  });

  it('takes any latency.pNN percentile', () => {
    expect(latencyQuantile('latency.p50')).toBe(0.5);
    expect(latencyQuantile('latency.p95')).toBe(0.95);
    expect(latencyQuantile('latency.p999')).toBe(0.999);
    expect(latencyQuantile('latency.p9999')).toBe(0.9999);
    expect(latencyQuantile('latency.p5')).toBeUndefined();
    expect(latencyQuantile('latency.mean')).toBeUndefined();
  });

  it('says what is wrong, and what it expected', () => {
    const problem = (text: string) => {
      const p = parseObjectiveText(text);
      if (!isProblem(p)) throw new Error(`${text} parsed`);
      return `${p.expected} | ${p.found}`;
    };
    expect(problem('availability 99.9%')).toMatch(/^an objective such as `availability >= 99.9% per 10s`/);
    expect(problem('availability > 99.9%')).toMatch(/^an operator >=, <= or ==.* \| ">"$/);
    expect(problem('availability <= 99.9%')).toBe('`>=` for availability | `<=`');
    expect(problem('availabilty >= 99.9%')).toMatch(/^an SLI: availability, errors.share/);
    expect(problem('availability >= 99.9 per 10s')).toBe(
      'a share such as 99.9% or 0.999, at least 0 and below 100% (write 99.999% rather than 100%) | "99.9"',
    );
    expect(problem('latency.p99 <= fast')).toBe('a positive duration such as 200ms or 15s | "fast"');
    expect(problem('availability >= 99% per fault')).toBe('over run or per <window> for availability | per fault');
    expect(problem('detection.timeToEject <= 15s per 10s')).toBe('per fault for detection.timeToEject | per 10s');
    expect(problem('lost == 3')).toBe('0 (an invariant: `lost == 0`) | "3"');
    expect(problem('availability >= 99% per 1.5ms')).toMatch(/whole milliseconds/);
    expect(problem('availability >= 99% during 10s')).toMatch(/^`per <window>`/);
  });
});

describe('margins: negative exactly when violated, in comparable units', () => {
  const o = (text: string) => parsed(text);

  it('a ratio to keep high: the share of the error budget left', () => {
    const a = o('availability >= 99% per 10s');
    expect(margin(a, 1)).toBeCloseTo(1, 12);
    expect(margin(a, 0.995)).toBeCloseTo(0.5, 12);
    expect(margin(a, 0.99)).toBeCloseTo(0, 12);
    expect(margin(a, 0.97)).toBeCloseTo(-2, 12);
  });

  it('a value to keep low: (V − x)/V', () => {
    const p99 = o('latency.p99 <= 200ms');
    expect(margin(p99, 100)).toBe(0.5);
    expect(margin(p99, 200)).toBe(0);
    expect(margin(p99, 500)).toBe(-1.5);
    expect(margin(o('errors.share <= 2%'), 0.01)).toBe(0.5);
  });

  it('keeps thresholds where the margin has a budget: targets below 100 %, shares above 0', () => {
    for (const text of ['availability >= 100%', 'errors.share <= 0%']) expect(isProblem(parseObjectiveText(text))).toBe(true);
  });

  it('a rate to keep high: (x − V)/V; an invariant: 1 or −|x|', () => {
    expect(margin(o('goodput >= 400/s'), 500)).toBe(0.25);
    expect(margin(o('goodput >= 400/s'), 300)).toBe(-0.25);
    expect(margin(o('lost == 0'), 0)).toBe(1);
    expect(margin(o('lost == 0'), 3)).toBe(-3);
    expect(margin(o('lost == 0'), -2)).toBe(-2);
  });
});
