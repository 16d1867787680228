/**
 * report.html as text: self-contained (nothing to fetch), complete (scenario, version, seed,
 * every metric with its interval, verdicts), safe (inlined code cannot close its own script
 * element) and deterministic. Whether the charts actually draw is html.e2e.test.ts's job.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { readEmbedBundles } from '../../src/report/bundles.js';
import { reportCharts } from '../../src/report/charts.js';
import { escapeInlineScript, inlineJson, renderReportHtml } from '../../src/report/html.js';
import { readReportInputs } from '../../src/report/inputs.js';
import { comparisonTableHtml, escapeHtml, lfrTableHtml, metricCell } from '../../src/report/tables.js';
import { makeRun } from '../helpers/metrics-fixture.js';
import { resultFolder } from '../helpers/result-folder.js';
import { eventsCsv, sweepFixture, timeseriesCsv } from './fixtures.js';

const SCENARIO = {
  name: 'fixture-scenario',
  seed: 42,
  duration: 60000,
  service: { instances: 4, serviceTime: { dist: 'exponential', mean: 10 } },
  balancer: { kind: 'least_request', choices: 2 },
  description: 'a </script> and <b>markup</b> in a description',
};

const COMPARISON = {
  baseline: 'round_robin',
  rows: [
    { label: 'least_request(choices=2)', baseline: 'round_robin', metric: 'latency.p99', mean: 40, baselineMean: 45, difference: -5, ci95: 1.2, relativeDifference: -0.111, verdict: 'least_request(choices=2) better' },
    { label: 'random', baseline: 'round_robin', metric: 'latency.p99', mean: 60, baselineMean: 45, difference: 15, ci95: 2, relativeDifference: 0.333, verdict: 'round_robin better' },
    { label: 'random', baseline: 'round_robin', metric: 'throughput', mean: 99, baselineMean: 99, difference: 0.1, ci95: 0.5, relativeDifference: 0.001, verdict: 'no significant difference' },
  ],
};

function folder(files: Record<string, string>): string {
  return resultFolder(files, 'meshsim-report-html-');
}

const bundles = readEmbedBundles();

function pageFor(dir: string): string {
  const inputs = readReportInputs(dir);
  return renderReportHtml(inputs, reportCharts(inputs), bundles);
}

/** The page without its inlined scripts: what a reader sees. */
function withoutScripts(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
}

const compareDir = folder({
  'summary.json': formatSummaryJson(makeRun(5)),
  'scenario.json': JSON.stringify(SCENARIO),
  'comparison.json': JSON.stringify(COMPARISON),
  'timeseries.csv': timeseriesCsv(),
  'events.csv': eventsCsv(),
});

describe('report.html', () => {
  const html = pageFor(compareDir);

  it('fetches nothing: no external src or href, no stylesheet or script links', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]*rel=["']?stylesheet/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // The only link element is the empty data: icon that stops browsers asking for /favicon.ico.
    expect(html.match(/<link[^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
  });

  it('inlines vega, vega-lite and vega-embed, each in one intact script element', () => {
    const scripts = html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g)!;
    expect(scripts).toHaveLength(5); // the specs (JSON), three libraries, the embedding code
    expect(html.match(/<script\b/g)).toHaveLength(5);
    expect(html.match(/<\/script>/g)).toHaveLength(5);
    expect(html.length).toBeGreaterThan(bundles.vega.length + bundles.vegaLite.length + bundles.vegaEmbed.length);
    expect(html).toContain(escapeInlineScript(bundles.vegaEmbed));
  });

  it('carries every chart spec, with its data, for a container of the same name', () => {
    const json = /<script type="application\/json" id="meshsim-chart-specs">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const specs = JSON.parse(json) as Record<string, { data?: { values: unknown[] }; datasets?: unknown }>;
    expect(Object.keys(specs)).toEqual(['latency-percentiles', 'requests-per-instance', 'fault-timeseries']);
    for (const name of Object.keys(specs)) expect(html).toContain(`<div class="chart" id="chart-${name}" data-chart="${name}"></div>`);
    expect(specs['latency-percentiles']!.data!.values.length).toBe(3 * 5);
  });

  it('shows the scenario, the meshsim version, the seed and its sources', () => {
    const text = withoutScripts(html);
    expect(text).toContain('<title>meshsim report: fixture-scenario</title>');
    expect(text).toContain('meshsim 0.1.0');
    expect(text).toContain('seed 42');
    expect(text).toContain('5 replications');
    expect(text).toMatch(/<pre>[^]*name: fixture-scenario[^]*kind: least_request[^]*<\/pre>/);
    expect(text).toContain('from summary.json, comparison.json, scenario.json, timeseries.csv, events.csv.');
    // Markup in the scenario is text, not markup.
    expect(text).toContain('a &lt;/script&gt; and &lt;b&gt;markup&lt;/b&gt; in a description');
  });

  it('tables every metric with its 95 % interval per strategy, and the L/F/R table', () => {
    const run = makeRun(5);
    const text = withoutScripts(html);
    for (const r of run.results) expect(text).toContain(`<th class="num">${escapeHtml(r.label)}</th>`);
    for (const path of ['T', 'L', 'F', 'R', 'offered', 'goodput', 'availability', 'utilisation', 'latency.p95', 'latency.p99', 'latency.p999', 'imbalance.cov', 'slo.met']) {
      expect(text, path).toContain(`<td class="key">${path}</td>`);
    }
    const p99 = metricCell(run.results[0]!, 'latency.p99');
    expect(p99).toMatch(/^\d+(\.\d+)? ± \d+(\.\d+)?$/);
    expect(text).toContain(`<td class="num">${p99}</td>`);
    expect(text).toContain('Requests served per instance (4 instances)');
    expect(text).toContain('<table class="lfr">');
  });

  it('shows the comparison with its verdicts', () => {
    const text = withoutScripts(html);
    expect(text).toContain('<table class="comparison">');
    expect(text).toContain('<td class="verdict better">least_request(choices=2) better</td>');
    expect(text).toContain('<td class="verdict worse">round_robin better</td>');
    expect(text).toContain('<td class="verdict neutral">no significant difference</td>');
    expect(text).toContain('-5.0 ± 1.2');
  });

  it('is the same, byte for byte, for the same folder: no timestamps, no absolute paths', () => {
    expect(pageFor(compareDir)).toBe(html);
    const text = withoutScripts(html);
    expect(text).not.toContain(compareDir);
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d\b|\d\d:\d\d:\d\d/);
  });
});

describe('report.html: the first screen says which strategy, and why', () => {
  it('opens with the recommendation and the ranking by the SLO, availability and p99', () => {
    const text = withoutScripts(pageFor(compareDir));
    const sections = [...text.matchAll(/<section id="([a-z]+)">/g)].map((m) => m[1]);
    expect(sections[0]).toBe('decision');
    expect(text).toContain('<h2>Which strategy, and why</h2>');
    // The fixture's strategies meet the default SLO alike, with equal availability: p99 decides.
    expect(text).toMatch(/<p class="recommendation">pick round_robin: meets the SLO; least_request\(choices=2\) meets the SLO too, same availability, p99 [^<]+<\/p>/);
    expect(text).toContain('Judged on the default (the scenario has no <code>slo:</code>): <code>availability &gt;= 99.9% per 10s</code>');
    expect(text.match(/<table class="decision">[^]*?<\/table>/)![0].match(/<tr class="[^"]*">/g)).toHaveLength(3);
    expect(text).toMatch(/<td class="num slo met">5\/5<\/td>/);
  });

  it('leaves the section out for results from before SLO verdicts', () => {
    const run = makeRun(2);
    for (const r of run.results) for (const m of [r.metrics, ...r.replicationMetrics]) delete (m as Partial<typeof m>).slo;
    const text = withoutScripts(pageFor(folder({ 'summary.json': formatSummaryJson(run) })));
    expect(text).not.toContain('id="decision"');
    expect(text).toContain('id="lfr"');
  });

  it('charts any metric on request', () => {
    const inputs = readReportInputs(compareDir);
    const charts = reportCharts(inputs, { metric: 'perInstanceUtilisation.2' });
    const chart = charts.find((c) => c.name === 'metric-by-strategy')!;
    expect(chart.heading).toBe('perInstanceUtilisation.2 by strategy');
    expect((chart.spec as { data: { values: unknown[] } }).data.values).toHaveLength(3);
  });
});

describe('report.html of a sweep', () => {
  const sweep = sweepFixture(3, ['round_robin', 'random']);
  const html = pageFor(folder({ 'sweep.json': JSON.stringify(sweep) }));

  it('has the latency chart, an L/F/R row per cell and strategy, and per-cell metric tables', () => {
    const text = withoutScripts(html);
    expect(text).toContain('data-chart="latency-vs-parameter"');
    expect(text).toContain('data-chart="availability-vs-parameter"');
    // The pick at each load comes first.
    expect(text).toContain('<h2>Which strategy at each value, and why</h2>');
    expect(text.match(/<td class="pick">[^<]+<\/td>/g)).toHaveLength(3);
    expect(text).toContain('sweep of 3 cells · 2 strategies');
    expect(text).toContain('<th class="key">arrivals.rate</th><th class="key">strategy</th>');
    expect(text.match(/<tr><td class="key">\d+<\/td><td class="key">(round_robin|random)<\/td>/g)).toHaveLength(6);
    expect(text.match(/<summary>arrivals\.rate=\d+<\/summary>/g)).toEqual([
      '<summary>arrivals.rate=200</summary>',
      '<summary>arrivals.rate=260</summary>',
      '<summary>arrivals.rate=320</summary>',
    ]);
    expect(text).toContain('The folder has no scenario.json');
  });
});

describe('pieces', () => {
  it('escapes script-closing text in inlined code, and every < in inlined JSON', () => {
    expect(escapeInlineScript('a = "</script>"; b = "</SCRIPT"; c = "<!--"')).toBe('a = "<\\/script>"; b = "<\\/SCRIPT"; c = "<\\!--"');
    const value = { text: '</script><!-- \u2028' };
    const json = inlineJson(value);
    expect(json).not.toMatch(/[<\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('tables show – for undefined metrics and per cent for availability', () => {
    const run = makeRun(1);
    const html = lfrTableHtml(run.results.map((result) => ({ keys: [result.label], result })));
    expect(html).toContain('<td class="num">99 %</td>');
    expect(html).toContain('<td class="num">–</td>'); // no detection metrics without faults
    expect(comparisonTableHtml([])).toContain('<tbody></tbody>');
  });
});
