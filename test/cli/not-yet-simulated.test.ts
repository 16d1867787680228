/**
 * `meshsim run` on a scenario with membership keys: it runs (the simulation drives them), and
 * the one combination it does not run yet — a central heartbeat detector beside instances
 * that come and go — is refused with status 2 and a positioned message, never a stack trace
 * and never a run that quietly ignores the key.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

const ROLLOUT = `name: rollout
duration: 5s
arrivals: { kind: poisson, rate: 100 }
service: { instances: 4, serviceTime: { dist: exponential, mean: 10ms } }
balancer: { kind: round_robin }
membership:
  changes: [{ kind: rollout, at: 2s }]
`;

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim run with membership keys', () => {
  it('runs them and reports membership metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, ROLLOUT);
    const r = spawnSync(process.execPath, [bin, 'run', file, '--quiet', '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summary.results[0].metrics.membership.pods.rollouts).toBe(1);
  });

  it('exits 2 naming the heartbeat key, its line and column, when a heartbeat detector comes with them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, `${ROLLOUT}heartbeat: { interval: 1s }\n`);
    const r = spawnSync(process.execPath, [bin, 'run', file, '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`meshsim: ${file}:8:1: heartbeat: valid, but not yet supported by the simulation together with membership`));
    expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
    expect(r.stdout).toBe('');
  });
});
