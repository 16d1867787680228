/**
 * `meshsim run` on a scenario that uses the membership, discovery or autoscaling keys: until
 * the simulation runs them, the command refuses it with status 2 and a positioned message,
 * never a stack trace and never a run that quietly ignores the keys.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim run with keys the simulation does not run yet', () => {
  it('exits 2 naming the key, its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `name: rollout
duration: 5s
arrivals: { kind: poisson, rate: 100 }
service: { instances: 4, serviceTime: { dist: exponential, mean: 10ms } }
balancer: { kind: round_robin }
membership:
  changes: [{ kind: rollout, at: 2s }]
`,
    );
    const r = spawnSync(process.execPath, [bin, 'run', file, '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`meshsim: ${file}:6:1: membership: valid, but not yet supported by the simulation`));
    expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
    expect(r.stdout).toBe('');
  });
});
