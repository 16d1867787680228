/**
 * `meshsim report` as a user runs it (the compiled command): the files it writes, its errors
 * (exit 2, one line, no stack trace), and that `meshsim run` never loads the chart packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { makeRun } from '../helpers/metrics-fixture.js';
import { resultFolder } from '../helpers/result-folder.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');
const denyChartPackages = join(root, 'test/report/hooks/register-deny-chart-packages.mjs');

function meshsim(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}) {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-report-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A results folder as meshsim writes it (manifest included). */
const results = (files: Record<string, string>) => resultFolder(files, 'meshsim-report-cli-');

function expectCleanError(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at .+[:(]/m);
  expect(stderr).not.toMatch(/internal error/);
}

const SCENARIO = `name: report-cli
duration: 2s
warmup: 200ms
replications: 2
arrivals: { kind: poisson, rate: 200 }
service:
  instances: 3
  serviceTime: { dist: exponential, mean: 10ms }
balancer: { kind: round_robin }
`;

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/main.cjs')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe('meshsim report', () => {
  it('writes each chart as SVG and PNG, and report.html, into --out', () => {
    const dir = results({ 'summary.json': formatSummaryJson(makeRun(3)) });
    const out = join(dir, 'elsewhere');
    const r = meshsim(['report', dir, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'latency-percentiles.png',
      'latency-percentiles.svg',
      'meshsim-result.json',
      'report.html',
      'requests-per-instance.png',
      'requests-per-instance.svg',
    ]);
    expect(r.stderr).toBe(`meshsim: wrote ${out}/report.html and 2 charts (SVG, PNG): latency-percentiles, requests-per-instance\n`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('meshsim report: fixture-scenario');
  });

  it('charts any metric path with --metric, and names a wrong one with a suggestion (exit 2)', () => {
    const dir = results({ 'summary.json': formatSummaryJson(makeRun(2)) });
    const r = meshsim(['report', dir, '--metric', 'slo.margin']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/3 charts \(SVG, PNG\): latency-percentiles, metric-by-strategy, requests-per-instance/);
    expect(existsSync(join(dir, 'report', 'metric-by-strategy.svg'))).toBe(true);
    const bad = meshsim(['report', dir, '--metric', 'latency.p98']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^meshsim: --metric latency\.p98: expected a metric path of these results .*did you mean latency\.p9\d\?$/m);
    expectCleanError(bad.stderr);
  });

  it('defaults to DIR/report, is byte-identical when repeated, and removes charts it no longer draws', () => {
    const dir = results({ 'summary.json': formatSummaryJson(makeRun(2)) });
    const out = join(dir, 'report');
    expect(meshsim(['report', dir, '--quiet']).status).toBe(0);
    const first = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
    writeFileSync(join(out, 'fault-timeseries.png'), 'from an earlier report');
    const again = meshsim(['report', dir, '--quiet']);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');
    expect(readdirSync(out).sort()).toEqual(Object.keys(first).sort());
    for (const [name, bytes] of Object.entries(first)) expect(readFileSync(join(out, name)).equals(bytes), name).toBe(true);
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    ['a folder that does not exist', () => ['report', '/nonexistent/results'], /^meshsim: \/nonexistent\/results: no such folder\n$/],
    ['a folder without results', () => ['report', results({ 'notes.txt': '' })], /^meshsim: .*: no meshsim results here \(expected summary\.json or sweep\.json, as written by meshsim run, compare or sweep\)\n$/],
    ['a broken summary.json', () => ['report', results({ 'summary.json': '{"results": 3}' })], /^meshsim: .*summary\.json: not a meshsim summary/],
    ['files no meshsim run finished writing', () => ['report', folder({ 'summary.json': formatSummaryJson(makeRun(1)) })], /^meshsim: .*: not a finished meshsim result \(no meshsim-result\.json\)/],
    ['the results folder itself as --out', () => { const dir = results({ 'summary.json': formatSummaryJson(makeRun(1)) }); return ['report', dir, '--out', dir]; }, /: is the results folder itself; write the report into a folder of its own/],
    ['no folder at all', () => ['report'], /missing required argument 'dir'/],
  ];
  for (const [name, args, message] of bad) {
    it(`exits 2 with one clear line for ${name}`, () => {
      const r = meshsim(args());
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expectCleanError(r.stderr);
    });
  }

  it('exits 1 with what to install when the chart font is missing', () => {
    const dir = results({ 'summary.json': formatSummaryJson(makeRun(2)) });
    const r = meshsim(['report', dir], { env: { MESHSIM_FONT_DIR: '/nonexistent/fonts' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^meshsim: charts need the DejaVu Sans font .*apt-get install fonts-dejavu-core/);
    expectCleanError(r.stderr);
    expect(existsSync(join(dir, 'report'))).toBe(false);
  });
});

describe('meshsim run and the chart packages', () => {
  it('never loads vega or resvg without --report, and loads them with it', () => {
    const dir = folder({ 's.yaml': SCENARIO });
    const nodeArgs = ['--import', denyChartPackages];
    const plain = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'plain'), '--quiet'], { nodeArgs });
    expect(plain.status, plain.stderr).toBe(0);
    expect(existsSync(join(dir, 'plain', 'report'))).toBe(false);
    // The same hook makes --report fail: the check above would catch a load.
    const withReport = meshsim(['run', join(dir, 's.yaml'), '--out', join(dir, 'r'), '--quiet', '--report'], { nodeArgs });
    expect(withReport.status).toBe(1);
    expect(withReport.stderr).toContain('chart package loaded: vega');
  });
});
