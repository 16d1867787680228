/**
 * Small scenarios for the check tests: a few instances, low rates, short runs, so one
 * simulation costs milliseconds.
 */
import { resolveScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';

export const BASE = {
  name: 'check-test',
  seed: 3,
  duration: '30s',
  warmup: '5s',
  arrivals: { kind: 'poisson', rate: 60 },
  service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' } },
  timeout: '1s',
  balancer: { kind: 'round_robin' },
} as const;

export function scenario(extra: Record<string, unknown> = {}): Scenario {
  return resolveScenario({ ...BASE, ...extra }).scenario;
}

/** The problems of an invalid scenario, as `path: message` lines. */
export function problems(extra: Record<string, unknown>): string[] {
  try {
    resolveScenario({ ...BASE, ...extra });
  } catch (error) {
    return (error as { problems: Array<{ path?: string; message: string }> }).problems.map((p) => `${p.path ?? ''}: ${p.message}`);
  }
  return [];
}
