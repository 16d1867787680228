/**
 * `meshsim balancers` end to end: every kind with its options and source, JSON for tools, and
 * an unknown kind as bad input (exit 2 with a suggestion).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BALANCER_KINDS } from '../../src/balancers/registry.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');
const meshsim = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim balancers', () => {
  it('lists every kind with what it follows, its source, file and options', () => {
    const r = meshsim(['balancers']);
    expect(r.status, r.stderr).toBe(0);
    for (const kind of BALANCER_KINDS) expect(r.stdout).toMatch(new RegExp(`^${kind}: `, 'm'));
    expect(r.stdout).toMatch(/^least_request: Envoy LEAST_REQUEST\n {2}source: envoy source\/extensions\/load_balancing_policies\/least_request\/least_request_lb\.cc\n {2}file: {3}src\/balancers\/least-request\.ts$/m);
    expect(r.stdout).toMatch(/^ {4}choices\s+integer ≥ 2\s+default 2\s+Envoy choice_count/m);
    expect(r.stdout).toMatch(/module: \.\/my-balancer\.js/);
  });

  it('prints chosen kinds, as JSON on request', () => {
    const r = meshsim(['balancers', 'peak_ewma', 'maglev', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.map((e: { kind: string }) => e.kind)).toEqual(['maglev', 'peak_ewma']);
    expect(json[1].options.map((o: { name: string }) => o.name)).toEqual(['defaultRttMs', 'decayMs']);
  });

  it('names an unknown kind, with the nearest one (exit 2)', () => {
    const r = meshsim(['balancers', 'least_requst']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^meshsim: balancers least_requst: expected one of round_robin, .*; did you mean least_request\?$/m);
  });
});
