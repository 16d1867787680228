/**
 * report.html in a real browser: a small real run with `--report`, plus fixture folders for the
 * fault and sweep charts, opened in headless Chromium (Debian `chromium`, driven by
 * playwright-core). Every chart must draw (an SVG with marks in each vega-embed container), the
 * console must stay free of errors, and the page must make no request beyond itself. A
 * screenshot of each page is saved to a temporary folder.
 *
 * Without Chromium the test fails in CI (CI=true: `.ci/run` installs it) and is skipped locally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResultFolder } from '../../src/output/result-folder.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { eventsCsv, faultRun, sweepFixture, timeseriesCsv } from './fixtures.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/meshsim.js');

// The binary first: the /usr/bin wrapper script only adds start-up time. MESHSIM_CHROMIUM
// points elsewhere (or, set to a missing path, shows what happens without Chromium).
const CHROMIUM_PATHS = process.env.MESHSIM_CHROMIUM ? [process.env.MESHSIM_CHROMIUM] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const chromiumPath = CHROMIUM_PATHS.find((p) => existsSync(p));
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SCENARIO = `name: report-e2e
seed: 7
duration: 3s
warmup: 300ms
replications: 3
clients: { count: 2 }
arrivals: { kind: poisson, rate: 400 }
service:
  instances: 4
  serviceTime: { dist: lognormal, median: 6ms, p99: 30ms }
  overrides:
    - { instance: 3, speed: 0.5 }
balancer: { kind: least_request, choices: 2 }
`;

/** A rolling deploy without preStop: pods come and go, and clients send to some already gone. */
const MEMBERSHIP_SCENARIO = `name: report-e2e-membership
seed: 3
duration: 12s
clients: { count: 3 }
arrivals: { kind: poisson, rate: 300 }
service: { instances: 4, serviceTime: { dist: exponential, mean: 5ms } }
balancer: { kind: round_robin }
membership:
  pod: { startup: { dist: constant, value: 500ms }, readiness: { period: 1s } }
  changes: [{ kind: rollout, at: 3s }]
discovery: { kind: xds, delivery: { dist: uniform, min: 100ms, max: 800ms } }
`;

function meshsim(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  expect(r.status, `meshsim ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

interface PageCheck {
  charts: Array<{ name: string; drawn: string | null; marks: number; texts: number }>;
  consoleErrors: string[];
  foreignRequests: string[];
  screenshot: string;
}

async function openReport(browser: Browser, reportDir: string, screenshotDir: string, name: string): Promise<PageCheck> {
  const url = pathToFileURL(join(reportDir, 'report.html')).href;
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  // Anything but the page itself is recorded and refused, so a stray fetch fails fast and loud.
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    foreignRequests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url() !== url && !foreignRequests.includes(request.url())) foreignRequests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  // A string, evaluated in the page: the project's types have no DOM (`document`).
  await page.waitForFunction("[...document.querySelectorAll('[data-chart]')].every((el) => el.hasAttribute('data-drawn'))", undefined, {
    timeout: 30_000,
  });
  const charts = await page.$$eval('[data-chart]', (elements) =>
    elements.map((el) => ({
      name: el.getAttribute('data-chart') ?? '',
      drawn: el.getAttribute('data-drawn'),
      // vega's SVG renderer draws each mark as a group with class role-mark.
      marks: el.querySelectorAll('svg .role-mark path, svg .role-mark rect, svg .role-mark line').length,
      texts: el.querySelectorAll('svg text').length,
    })),
  );
  const screenshot = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { charts, consoleErrors, foreignRequests, screenshot };
}

describe('report.html in headless Chromium', () => {
  if (chromiumPath === undefined && inCi) {
    it('needs Chromium', () => {
      expect.fail(
        `Chromium not found at ${CHROMIUM_PATHS.join(' or ')}; .ci/run must install it ` +
          '(apt-get install -y --no-install-recommends chromium fonts-dejavu-core)',
      );
    });
    return;
  }

  let browser: Browser | undefined;
  const work = mkdtempSync(join(tmpdir(), 'meshsim-report-e2e-'));
  const screenshots = join(work, 'screenshots');

  beforeAll(async () => {
    if (chromiumPath === undefined) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(chromiumPath === undefined)('draws every chart of a real run made with --report, offline and without errors', async () => {
    writeFileSync(join(work, 'scenario.yaml'), SCENARIO);
    const out = join(work, 'run');
    const r = meshsim(['run', join(work, 'scenario.yaml'), '--out', out, '--report']);
    expect(r.stderr).toContain(`wrote ${out}/report/report.html and 2 charts`);

    const page = await openReport(browser!, join(out, 'report'), screenshots, 'run');
    expect(page.charts.map((c) => c.name)).toEqual(['latency-percentiles', 'requests-per-instance']);
    for (const chart of page.charts) {
      expect(chart.drawn, chart.name).toBe('true');
      expect(chart.marks, `${chart.name}: marks`).toBeGreaterThan(3);
      expect(chart.texts, `${chart.name}: labels`).toBeGreaterThan(5);
    }
    expect(page.consoleErrors).toEqual([]);
    expect(page.foreignRequests).toEqual([]);
    expect(statSync(page.screenshot).size).toBeGreaterThan(50_000);
    console.info(`report screenshot: ${page.screenshot}`);
  });

  it.skipIf(chromiumPath === undefined)('draws the fault and sweep charts too', async () => {
    const faults = join(work, 'faults');
    const sweep = join(work, 'sweep');
    for (const [dir, files] of [
      [faults, { 'summary.json': formatSummaryJson(faultRun(5)), 'timeseries.csv': timeseriesCsv(), 'events.csv': eventsCsv() }],
      [sweep, { 'sweep.json': JSON.stringify(sweepFixture(10)) }],
    ] as const) {
      writeResultFolder(dir, 'sweep.json' in files ? 'sweep' : 'run', Object.entries(files));
      meshsim(['report', dir, '--quiet']);
    }
    const faultPage = await openReport(browser!, join(faults, 'report'), screenshots, 'faults');
    const sweepPage = await openReport(browser!, join(sweep, 'report'), screenshots, 'sweep');
    expect(faultPage.charts.map((c) => c.name)).toEqual(['latency-percentiles', 'requests-per-instance', 'fault-timeseries', 'detect-recover-times']);
    expect(sweepPage.charts.map((c) => c.name)).toEqual(['latency-vs-parameter', 'availability-vs-parameter']);
    for (const page of [faultPage, sweepPage]) {
      for (const chart of page.charts) {
        expect(chart.drawn, chart.name).toBe('true');
        expect(chart.marks, `${chart.name}: marks`).toBeGreaterThan(3);
      }
      expect(page.consoleErrors).toEqual([]);
      expect(page.foreignRequests).toEqual([]);
    }
  });

  it.skipIf(chromiumPath === undefined)('draws the pods-over-time chart of a run with a rolling deploy', async () => {
    writeFileSync(join(work, 'rollout.yaml'), MEMBERSHIP_SCENARIO);
    const out = join(work, 'rollout');
    meshsim(['run', join(work, 'rollout.yaml'), '--out', out, '--report']);
    const page = await openReport(browser!, join(out, 'report'), screenshots, 'membership');
    expect(page.charts.map((c) => c.name)).toContain('membership-timeseries');
    for (const chart of page.charts) {
      expect(chart.drawn, chart.name).toBe('true');
      expect(chart.marks, `${chart.name}: marks`).toBeGreaterThan(3);
    }
    expect(page.consoleErrors).toEqual([]);
    expect(page.foreignRequests).toEqual([]);
  });
});
