/**
 * `meshsim check` end to end (the built CLI and its worker bundle): every exit status from a
 * fixture, byte-identical results for 1 and 2 worker threads, a counterexample that
 * `meshsim run` reproduces and `--replay` re-judges bit for bit, budgets, Ctrl-C and bad input.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { observeReplication } from '../../src/sim/run-scenario.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';
import { scenarioSlo } from '../../src/slo/plan.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

function meshsim(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A health check too slow for a hang: any hang longer than 15 s breaks the detection bound. */
const PLANTED = `name: planted
seed: 3
duration: 40s
warmup: 5s
arrivals: { kind: poisson, rate: 60 }
service:
  instances: 4
  serviceTime: { dist: exponential, mean: 10ms }
timeout: 1s
balancer: { kind: round_robin }
healthCheck: { interval: 30s, timeout: 1s, unhealthyThreshold: 3, healthyThreshold: 1 }
slo:
  - detection.timeToEject <= 15s per fault
  - availability >= 40% per 10s
faultSpace:
  kinds:
    hang: { for: [1s, 30s] }
    crash: { for: [1s, 30s] }
  maxFaults: 2
search: { runs: 60, seed: 2, robustness: 3 }
`;

/** Retries on a per-try timeout and outlier detection: one short fault at a time never breaks it. */
const SAFE = `name: safe
seed: 4
duration: 20s
warmup: 4s
arrivals: { kind: poisson, rate: 60 }
service:
  instances: 8
  serviceTime: { dist: exponential, mean: 10ms }
timeout: 1s
balancer: { kind: least_request }
retries: { attempts: 2, perTryTimeout: 200ms, retryOn: [5xx, reset, connect-failure, timeout] }
outlierDetection: { consecutive5xx: 3, interval: 1s, baseEjectionTime: 10s, maxEjectionPercent: 20 }
slo: [availability >= 95% per 10s]
faultSpace:
  kinds: { crash: { for: [1s, 5s] }, errors: { for: [1s, 5s], rate: [0.1, 1] } }
  maxFaults: 1
search: { runs: 30 }
`;

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/simulation-worker.js')), 'run `npm run build` first (npm test does)').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'meshsim-check-'));
  writeFileSync(file('planted.yaml'), PLANTED);
  writeFileSync(file('safe.yaml'), SAFE);
  const one = meshsim(['check', file('planted.yaml'), '--workers', '1', '--out', file('w1'), '--quiet']);
  expect(one.status, one.stderr).toBe(3);
});

describe('meshsim check', () => {
  it('exits 3 on a violation and writes the counterexample, its run and its chart', () => {
    for (const name of ['check.json', 'counterexample.yaml', 'events.csv', 'timeseries.csv', 'counterexample.svg', 'counterexample.png']) {
      expect(existsSync(join(file('w1'), name)), name).toBe(true);
    }
    const check = JSON.parse(readFileSync(join(file('w1'), 'check.json'), 'utf8'));
    expect(check).toMatchObject({ status: 'violated', scenario: 'planted', seed: 3, search: { seed: 2, deterministic: true, interrupted: false } });
    expect(check.counterexample.faults).toEqual([{ kind: 'hang', instance: 0, at: 5000, for: 16_000 }]);
    expect(check.counterexample).toMatchObject({ violated: ['detection.timeToEject <= 15s per fault'], oneMinimal: true, robustness: { seeds: 3 } });
    expect(check.guarantees[0]).toMatchObject({ name: 'detection.timeToEject <= 15s per fault', holds: false });
    expect(readFileSync(join(file('w1'), 'counterexample.svg'), 'utf8')).toContain('<svg');
  });

  it('writes byte-identical results with 1 and 2 worker threads', () => {
    const two = meshsim(['check', file('planted.yaml'), '--workers', '2', '--out', file('w2'), '--quiet']);
    expect(two.status, two.stderr).toBe(3);
    for (const name of ['check.json', 'counterexample.yaml', 'events.csv', 'timeseries.csv', 'counterexample.svg', 'counterexample.png']) {
      expect(readFileSync(join(file('w2'), name)), name).toEqual(readFileSync(join(file('w1'), name)));
    }
  });

  it('writes a counterexample.yaml that meshsim run reproduces and whose SLO margin is the recorded one, bit for bit', () => {
    const yaml = join(file('w1'), 'counterexample.yaml');
    const run = meshsim(['run', yaml, '--out', file('run'), '--quiet', '--timeseries']);
    expect(run.status, run.stderr).toBe(0);
    for (const name of ['events.csv', 'timeseries.csv']) expect(readFileSync(join(file('run'), name)), name).toEqual(readFileSync(join(file('w1'), name)));
    const { scenario } = loadScenarioFile(yaml);
    const margin = evaluateSlo(scenarioSlo(scenario).objectives, observeReplication(scenario, 0).observation).margin;
    const check = JSON.parse(readFileSync(join(file('w1'), 'check.json'), 'utf8'));
    expect(Object.is(margin, scenario.provenance!.margin)).toBe(true);
    expect(Object.is(margin, check.counterexample.margin)).toBe(true);
    expect(scenario.provenance).toMatchObject({ tool: 'meshsim check', searchSeed: 2, phase: 'random', path: check.counterexample.path });
    expect(readFileSync(yaml, 'utf8')).toMatch(/^# meshsim check counterexample/);
  });

  it('re-judges a counterexample on --replay: the same margin, a held SLO once a fault is removed, status 1 when the margin differs', () => {
    const yaml = join(file('w1'), 'counterexample.yaml');
    const replay = meshsim(['check', yaml, '--replay', '--out', file('replay'), '--quiet', '--no-chart', '--format', 'json']);
    expect(replay.status, replay.stderr).toBe(3);
    expect(JSON.parse(replay.stdout).counterexample.margin).toBe(JSON.parse(readFileSync(join(file('w1'), 'check.json'), 'utf8')).counterexample.margin);

    const doc = parse(readFileSync(yaml, 'utf8'));
    writeFileSync(file('tampered.yaml'), JSON.stringify({ ...doc, faults: [] }));
    const held = meshsim(['check', file('tampered.yaml'), '--replay', '--out', file('tampered'), '--quiet', '--no-chart']);
    expect(held.status, held.stderr).toBe(0);

    writeFileSync(file('wrong-margin.yaml'), JSON.stringify({ ...doc, provenance: { ...doc.provenance, margin: doc.provenance.margin / 2 } }));
    const wrong = meshsim(['check', file('wrong-margin.yaml'), '--replay', '--out', file('wrong'), '--quiet', '--no-chart']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/internal error: replay gives margin .* but the file records/);
  });

  it('replays the search to the same schedule from --seed and --path', () => {
    const check = JSON.parse(readFileSync(join(file('w1'), 'check.json'), 'utf8'));
    const r = meshsim(['check', file('planted.yaml'), '--seed', '2', '--path', check.counterexample.path, '--out', file('path'), '--quiet', '--no-chart', '--format', 'json']);
    expect(r.status, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout).counterexample.faults).toEqual(check.counterexample.faults);
  });

  it('exits 0 when the SLO holds, writing the closest call, removing an earlier counterexample, and printing check.json on --format json', () => {
    const out = file('w1-copy');
    cpSync(file('w1'), out, { recursive: true });
    const r = meshsim(['check', file('safe.yaml'), '--out', out, '--quiet', '--no-chart', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['check.json', 'events.csv', 'meshsim-result.json', 'timeseries.csv', 'worst.yaml']);
    expect(r.stdout).toBe(readFileSync(join(out, 'check.json'), 'utf8'));
    const check = JSON.parse(r.stdout);
    expect(check).toMatchObject({ status: 'held', counterexample: null, search: { runs: { random: 21, targeted: 9 } } });
    expect(check.coverage.violationRateUpper95).toBe(3 / 21);
    expect(check.worst.margin).toBeGreaterThan(0);
  });

  it('prints the verdict as a table', () => {
    const r = meshsim(['check', join(file('w1'), 'counterexample.yaml'), '--replay', '--out', file('table'), '--quiet', '--no-chart']);
    expect(r.stdout).toMatch(/^meshsim check planted: VIOLATED\nguarantee +holds +margin +worst\ndetection\.timeToEject <= 15s per fault +NO +-0\.06667 +hang of instance 0 from 5s: 16s/);
    expect(r.stdout).toContain('counterexample (1 fault; the scenario’s own faults; violates under 3 of 3 other simulation seeds):\n  hang of instance 0 at 5s for 16s\n');
  });

  it('exits 4 when a time limit stops it before its runs, 0 with --min-runs it met', () => {
    const cut = meshsim(['check', file('safe.yaml'), '--runs', '100000', '--time-limit', '1ms', '--out', file('cut'), '--quiet', '--no-chart']);
    expect(cut.status, cut.stderr).toBe(4);
    expect(JSON.parse(readFileSync(join(file('cut'), 'check.json'), 'utf8')).search).toMatchObject({ interrupted: true, interruptedBy: 'time', deterministic: false });
    const enough = meshsim(['check', file('safe.yaml'), '--runs', '100000', '--time-limit', '1ms', '--min-runs', '0', '--out', file('enough'), '--quiet', '--no-chart']);
    expect(enough.status, enough.stderr).toBe(0);
  });

  it('keeps what it found on Ctrl-C: exit 4, a complete check.json, no half-written file', async () => {
    const out = file('sigint');
    const child = spawn(process.execPath, [bin, 'check', file('safe.yaml'), '--runs', '1000000', '--out', out, '--no-chart', '--workers', '1'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(status, stderr).toBe(4);
    const check = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
    expect(check).toMatchObject({ status: 'inconclusive', search: { interrupted: true, interruptedBy: 'signal' } });
    expect(check.search.runs.random).toBeGreaterThan(0);
    expect(readdirSync(out).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('exits 2 on invalid input, with the place and no stack trace', () => {
    writeFileSync(file('no-space.yaml'), PLANTED.slice(0, PLANTED.indexOf('faultSpace:')));
    const none = meshsim(['check', file('no-space.yaml'), '--out', file('x')]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('expected a `faultSpace:` for `meshsim check` to search');
    writeFileSync(file('bad.yaml'), PLANTED.replace('maxFaults: 2', 'maxFaults: 2\n  grd: 1s'));
    const bad = meshsim(['check', file('bad.yaml'), '--out', file('x')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${file('bad.yaml')}:20:3: faultSpace.grd: unknown key; did you mean \`grid\`?`);
    const guarantee = meshsim(['check', file('planted.yaml'), '--guarantee', 'nope', '--out', file('x')]);
    expect(guarantee.status).toBe(2);
    expect(guarantee.stderr).toContain('--guarantee: no objective named "nope"');
    const path = meshsim(['check', file('planted.yaml'), '--path', 'x1', '--out', file('x')]);
    expect(path.status).toBe(2);
    const runs = meshsim(['check', file('planted.yaml'), '--time-limit', 'soon', '--out', file('x')]);
    expect(runs.status).toBe(2);
    expect(runs.stderr).toContain('--set search.timeLimit=soon');
    for (const r of [none, bad, guarantee, path, runs]) expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
  });
});
