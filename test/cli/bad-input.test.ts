/**
 * The classes of bad input and interruption of issue 14, one fixture each
 * (test/cli/fixtures/bad-input/, each file says what it once did), through the installed
 * command as a user runs it: every one ends with status 2 and located sentences, or, where
 * the input is valid after all, runs and says what is odd about it. Plug-ins that hang, throw
 * or leave rejections behind are in plugin.test.ts; the fuzz test generates many more cases.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResultFolder } from '../../src/output/result-folder.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');
const fixtures = join(root, 'test/cli/fixtures/bad-input');

function meshsim(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixtures in a fresh folder of their own, so outputs and relative data files stay there. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-bad-input-'));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

function expectCleanError(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m);
  expect(stderr).not.toMatch(/internal error/);
}

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

// Caps given explicitly, so the outcome does not depend on this machine's memory.
const CAPS = ['--max-memory', '4GB'];

const refused: Array<[string, string[], RegExp]> = [
  // No upper limits.
  ['instances-1e9.yaml', [], /instances-1e9\.yaml:8:14: service\.instances: expected a positive integer of at most 100,000,000 \(per-instance and per-client state are JavaScript arrays/],
  ['rate-1e12.yaml', [], /rate-1e12\.yaml:7:34: arrivals\.rate: expected a run of at most 1\.0e11 simulated events \(--max-events\), found about 4\.0e13/],
  ['clients-1e6.yaml', [], /clients-1e6\.yaml:5:19: clients\.count: expected a run that fits in 4\.0 GB of memory \(--max-memory\)/],
  ['zipf-keys-1e9.yaml', [], /zipf-keys-1e9\.yaml:6:66: arrivals\.keys\.count: expected a run that fits in 4\.0 GB of memory/],
  ['mttf-1ns.yaml', [], /mttf-1ns\.yaml:13:\d+: faults\.0\.mttf: expected a run that fits in 4\.0 GB of memory/],
  ['window-1ns.yaml', ['--timeseries'], /window-1ns\.yaml:13:\d+: timeseries\.window: expected a run that fits in 4\.0 GB of memory/],
  ['duration-1e400s.yaml', [], /duration-1e400s\.yaml:3:11: duration: expected a duration of at most about 285 years/],
  ['requests-1e15.yaml', [], /requests-1e15\.yaml:3:11: requests: expected a run of at most 1\.0e11 simulated events/],
  ['replications-1e15.yaml', [], /replications-1e15\.yaml:4:15: replications: expected a run of at most 1\.0e11 simulated events/],
  // Internal errors on bad input.
  ['empty-csv.yaml', [], /empty\.csv:1:1: arrivals\.file: expected a CSV file with at least one number, found no rows/],
  ['max-ejection-below-base.yaml', [], /max-ejection-below-base\.yaml:12:\d+: outlierDetection\.maxEjectionTime: expected a maximum ejection time of at least `baseEjectionTime` \(30s\)/],
  ['validator-non-object.yaml', [], /validator-non-object\.yaml:11:1: balancer: .*validator-non-object\.js: expected config\.safeParse to return \{ success, data \} or \{ success, error \}, found 42/],
  ['deep-nesting.yaml', [], /deep-nesting\.yaml:12:77: expected at most 64 levels of nested lists and mappings, found more/],
  ['valid.yaml', ['--set', 'description=[&a [x, x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]]'], /--set description=.*: expected aliases \(\*name\) that expand to a reasonable size/],
  // Contradictions.
  ['backoff-initial-above-max.yaml', [], /backoff-initial-above-max\.yaml:12:\d+: restart\.backoff\.initial: expected a first back-off no longer than `max` \(1m\)/],
  ['values-with-file.yaml', [], /values-with-file\.yaml:9:54: service\.serviceTime\.values: expected the values of .*samples\.csv \(give either `file` or `values`\), found 1 ms at values\.0 where line 2 holds 4 ms/],
  ['times-with-file.yaml', [], /times-with-file\.yaml:6:\d+: arrivals\.times: expected the values of .*times\.csv \(give either `file` or `times`\), found 1 ms at times\.1 where line 3 holds 2 ms/],
  ['accrual-with-outlier-detection.yaml', [], /accrual-with-outlier-detection\.yaml:13:1: failureAccrual: expected either `failureAccrual` \(Linkerd's\) or `outlierDetection` \(Envoy's\)/],
  ['per-try-timeout-above-timeout.yaml', [], /per-try-timeout-above-timeout\.yaml:12:\d+: retries\.perTryTimeout: expected a per-try timeout no longer than `timeout` \(1s\)/],
  ['latin1.yaml', [], /latin1\.yaml:2:10: expected UTF-8 text, found the bytes E9 0A/],
  ['valid.yaml', ['--seed', ''], /--seed expects a whole number ≥ 0, found ""/],
];

describe('bad input: status 2, a located sentence, nothing written', () => {
  const dir = workspace();
  for (const [fixture, args, message] of refused) {
    it(`${fixture} ${args.join(' ')}`.trim(), () => {
      const out = join(dir, `out-${fixture}`);
      const r = meshsim(['run', fixture, '--out', out, ...CAPS, ...args], dir);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expectCleanError(r.stderr);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a valid run with a health-check timeout and jitter beyond the interval runs, and says what that means', () => {
    const r = meshsim(['run', 'health-check-timeout-above-interval.yaml', '--out', join(dir, 'hc')], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: healthCheck\.timeout \(3s\) is longer than healthCheck\.interval \(1s\)/);
    expect(r.stderr).toMatch(/warning: healthCheck\.jitter \(2s\) is longer than healthCheck\.interval \(1s\)/);
  });
});

describe('a bad --out: status 2, a sentence, and no work done', () => {
  const dir = workspace();
  writeFileSync(join(dir, 'a-file'), '');
  const cases: Array<[string, string, RegExp]> = [
    ['a file', 'a-file', /^meshsim: --out a-file: expected a folder, found a file\n$/],
    ['under a file', 'a-file/results', /^meshsim: --out a-file\/results: cannot create it, because .*a-file is a file, not a folder\n$/],
    ['an empty path', '', /^meshsim: --out: expected a folder path, found an empty string\n$/],
  ];
  // Root ignores permissions: sysfs still refuses new folders to everyone.
  if (process.getuid?.() === 0) cases.push(['a folder it cannot write', '/sys/meshsim-results', /^meshsim: --out \/sys\/meshsim-results: cannot write results there: permission denied \(EPERM\)\n$/]);
  for (const [name, out, message] of cases) {
    // Every command checks --out the same way: all three for the first case, run for the others.
    const commands = name === 'a file' ? [['run'], ['compare', '--balancers', 'random,round_robin'], ['sweep', '--param', 'seed=1,2']] : [['run']];
    for (const command of commands) {
      it(`${name}, ${command[0]}`, () => {
        const r = meshsim([command[0]!, 'valid.yaml', ...command.slice(1), '--out', out], dir);
        expect(r.status, r.stderr).toBe(2);
        expect(r.stderr).toMatch(message);
      });
    }
  }
});

describe('result folders hold one whole result', () => {
  it("a run without faults into the folder of one with them leaves no stale events.csv, and its report goes", () => {
    const dir = workspace();
    const out = join(dir, 'o');
    const faults = meshsim(['run', 'valid.yaml', '--out', out, '--quiet', '--set', 'faults=[{kind: crash, instance: 1, at: 1s}]', '--report'], dir);
    expect(faults.status, faults.stderr).toBe(0);
    expect(readResultFolder(out, ['run']).files.map((f) => f.name)).toContain('events.csv');
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
    const plain = meshsim(['run', 'valid.yaml', '--out', out, '--quiet'], dir);
    expect(plain.status, plain.stderr).toBe(0);
    expect(readResultFolder(out, ['run']).files.map((f) => f.name)).toEqual(['summary.json', 'summary.csv', 'scenario.json', 'instances.csv']);
    expect(existsSync(join(out, 'events.csv'))).toBe(false);
    expect(existsSync(join(out, 'report'))).toBe(false);
  });

  it('report and merge refuse a folder without a complete manifest, and report refuses empty results', () => {
    const dir = workspace();
    const out = join(dir, 'o');
    expect(meshsim(['run', 'valid.yaml', '--out', out, '--quiet'], dir).status).toBe(0);
    writeFileSync(join(out, 'summary.json'), readFileSync(join(out, 'summary.json'), 'utf8').replace('"replications": 2', '"replications": 3'));
    const changed = meshsim(['report', out], dir);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/summary\.json is not the file meshsim wrote/);
    const merge = meshsim(['merge', out, '--out', join(dir, 'm')], dir);
    expect(merge.status).toBe(2);
    expect(merge.stderr).toMatch(/expected the result of meshsim sweep, found a run folder/);
  });

  it('Ctrl-C during a sweep: the finished cells, marked interrupted in sweep.json, the CSV files and the manifest; status 130', async () => {
    const dir = workspace();
    const out = join(dir, 'sweep');
    // Enough cells that the sweep is still running when the signal comes. The health check's
    // warning is printed once the plan is made, a moment before Ctrl-C is handled: the cue.
    const hc = 'healthCheck={interval: 1s, timeout: 3s, unhealthyThreshold: 2, healthyThreshold: 2}';
    const seeds = `seed=${Array.from({ length: 400 }, (_, i) => i).join(',')}`;
    const child = spawn(process.execPath, [bin, 'sweep', 'valid.yaml', '--workers', '1', '--param', seeds, '--set', hc, '--out', out], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    const planned = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('warning:')) resolve();
      });
    });
    await planned;
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/meshsim: interrupted: wrote \d+ of 400 cells/);
    const manifest = readResultFolder(out, ['sweep']);
    expect(manifest.interrupted).toBe(true);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8').split('\n')[0]!.startsWith('interrupted,cell,seed,')).toBe(true);
    expect(readFileSync(join(out, 'instances.csv'), 'utf8').split('\n')[0]!.startsWith('interrupted,cell,seed,')).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).interrupted).toBe(true);
  });
});
