/**
 * Test helpers: scenario text written to a fresh temporary directory (so each error case keeps
 * its YAML next to the assertion on its message), and error capture.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';

/** A valid scenario; tests change one thing at a time. Line numbers are relied on below. */
export const MINIMAL_YAML = `name: minimal
duration: 10s
warmup: 1s
arrivals: { kind: poisson, rate: 100 }
service:
  instances: 4
  serviceTime: { dist: exponential, mean: 10ms }
balancer: { kind: round_robin }
`;

/** Writes `files` (name → text) into a new temporary directory and returns its path. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-scenario-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Writes one scenario file (plus data files beside it) and returns the scenario's path. */
export function writeScenario(text: string, extra: Record<string, string> = {}, name = 'scenario.yaml'): string {
  return join(tempDir({ [name]: text, ...extra }), name);
}

/** The ScenarioError `run` throws; fails the test if it throws something else or nothing. */
export function scenarioError(run: () => unknown): ScenarioError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  expect.fail('expected a ScenarioError');
}

/** The lines of the error message `run` produces. */
export function errorLines(run: () => unknown): string[] {
  return scenarioError(run).message.split('\n');
}
