/**
 * report.html: one self-contained page. vega, vega-lite and vega-embed are inlined, the chart
 * specs carry their data, and nothing is fetched: the page works from a mail attachment or an
 * air-gapped laptop. It holds no wall-clock time or absolute path, so the same results folder
 * always gives the same bytes.
 */
import YAML from 'yaml';
import type { StrategyResult } from '../analysis/types.js';
import type { EmbedBundles } from './bundles.js';
import type { ReportChart } from './charts.js';
import type { ReportInputs } from './inputs.js';
import { parameterText } from './specs/latency-vs-parameter.js';
import { decisionHtml } from './decision.js';
import { comparisonTableHtml, escapeHtml, lfrTableHtml, metricTablesHtml, type LfrRow } from './tables.js';

/**
 * Makes script text safe inside <script>…</script>: the HTML parser ends the element at the
 * first `</script`, and `<!--` switches it into an escaped state. Both become equivalent
 * JavaScript (`<\/script`, `<\!--`), valid inside strings, regular expressions and comments.
 */
export function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> element: no `<` at all, so no tag can close it. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
:root { --ink: #1f2933; --muted: #52606d; --rule: #e4e7eb; --band: #f5f7fa; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-top: 12px; border-top: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 0 0 12px; }
nav { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
figure { margin: 0 0 32px; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 14px; max-width: 820px; }
.chart { min-height: 120px; }
.chart-error { color: #b42318; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { text-align: left; font-weight: 600; border-bottom: 2px solid #cbd2d9; background: #fff; }
th.group { text-align: center; border-bottom: 1px solid #cbd2d9; }
tbody tr:nth-child(even) { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.key { white-space: nowrap; font-weight: 500; }
td.meaning { color: var(--muted); }
.first { border-left: 1px solid #cbd2d9; }
td.verdict.better { color: #05603a; font-weight: 600; }
td.verdict.worse { color: #b42318; font-weight: 600; }
td.verdict.neutral { color: var(--muted); }
p.recommendation { font-size: 17px; font-weight: 600; margin: 4px 0 8px; max-width: 1100px; }
table.decision tr.pick td { font-weight: 600; }
td.slo.met { color: #05603a; }
td.slo.missed { color: #b42318; }
td.slo.partly { color: #b54708; }
td.why { max-width: 560px; }
.table-scroll { overflow-x: auto; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: var(--accent); }
pre { background: var(--band); border: 1px solid var(--rule); padding: 12px 16px; overflow-x: auto;
  font: 13px/1.45 "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; }
footer { color: var(--muted); font-size: 13px; margin-top: 48px; border-top: 1px solid var(--rule); padding-top: 12px; }
`;

/**
 * Draws every chart with vega-embed (SVG renderer: crisp, and text stays selectable), marks
 * each container `data-drawn` when done, and shows the error in place if one fails. The specs
 * name DejaVu Sans, which the static renders load from file; a browser without it gets the
 * nearest sans-serif instead of its serif default.
 */
const EMBED_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('meshsim-chart-specs').textContent);
  var font = '"DejaVu Sans", Verdana, "Segoe UI", Helvetica, Arial, sans-serif';
  var options = {
    renderer: 'svg',
    actions: { export: true, source: false, compiled: false, editor: false }
  };
  Object.keys(specs).forEach(function (name) {
    var el = document.getElementById('chart-' + name);
    var spec = specs[name];
    spec.config = Object.assign({}, spec.config, { font: font });
    vegaEmbed(el, spec, Object.assign({ downloadFileName: name }, options))
      .then(function () { el.setAttribute('data-drawn', 'true'); })
      .catch(function (error) {
        el.setAttribute('data-drawn', 'error');
        el.insertAdjacentHTML('beforeend', '<p class="chart-error"></p>');
        el.lastChild.textContent = 'This chart could not be drawn: ' + error.message;
        console.error(error);
      });
  });
})();
`;

function section(id: string, title: string, body: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

function cellLabel(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([path, value]) => `${path}=${parameterText(value)}`)
    .join(', ');
}

function lfrSection(inputs: ReportInputs): string {
  const intro =
    '<p class="meta">L = T/S (requests per instance), F = f/S (instances faulty in the counted window), ' +
    'R = r/T (requests that failed an attempt and still succeeded), each with what is read beside it: ' +
    'utilisation ρ and imbalance (busiest instance over the mean and coefficient of variation, of requests per unit of speed), ' +
    'mean time to detect a fault, missed faults (– without a detector) and false alarms, mean time until the instance is back in ' +
    'rotation and until every SLO window holds again (never: not by the end of arrivals), availability. ' +
    'Mean ± 95 % confidence half-width over replications.</p>';
  if (inputs.sweep) {
    const paths = inputs.sweep.params.map((p) => p.path);
    const rows: LfrRow[] = inputs.sweep.cells.flatMap((cell) =>
      cell.results.map((result) => ({ keys: [...paths.map((p) => parameterText(cell.params[p])), result.label], result })),
    );
    return `${intro}\n<div class="table-scroll">${lfrTableHtml(rows, [...paths, 'strategy'])}</div>`;
  }
  const rows = (inputs.run?.results ?? []).map((result) => ({ keys: [result.label], result }));
  return `${intro}\n<div class="table-scroll">${lfrTableHtml(rows)}</div>`;
}

function chartsSection(charts: readonly ReportChart[]): string {
  return charts
    .map(
      (c) =>
        // The chart draws its own title; the heading is for the reader's outline and screen readers.
        `<figure aria-label="${escapeHtml(c.heading)}">\n<div class="chart" id="chart-${c.name}" data-chart="${c.name}"></div>\n` +
        `<figcaption>${escapeHtml(c.caption)}</figcaption>\n</figure>`,
    )
    .join('\n');
}

function metricsSection(inputs: ReportInputs): string {
  const tables = (results: readonly StrategyResult[]) => `<div class="table-scroll">${metricTablesHtml(results)}</div>`;
  if (inputs.sweep) {
    return inputs.sweep.cells
      .map(
        (cell, i) =>
          `<details${i === 0 ? ' open' : ''}><summary>${escapeHtml(cellLabel(cell.params))}</summary>\n${tables(cell.results)}\n</details>`,
      )
      .join('\n');
  }
  return tables(inputs.run?.results ?? []);
}

function scenarioSection(inputs: ReportInputs): string {
  if (inputs.scenario === undefined) {
    return '<p class="meta">The folder has no scenario.json (results written before meshsim recorded the resolved scenario).</p>';
  }
  const text = YAML.stringify(inputs.scenario, { lineWidth: 0 });
  return `<p class="meta">The resolved scenario the results come from (durations in ms, rates per second).</p>\n<pre>${escapeHtml(text)}</pre>`;
}

function describeKind(inputs: ReportInputs): string {
  if (inputs.kind === 'sweep') {
    const cells = inputs.sweep?.cells.length ?? 0;
    return `sweep of ${cells} cell${cells === 1 ? '' : 's'}`;
  }
  return inputs.kind === 'compare' ? 'comparison' : 'run';
}

export function renderReportHtml(inputs: ReportInputs, charts: readonly ReportChart[], bundles: EmbedBundles): string {
  const title = `meshsim report: ${inputs.scenarioName}`;
  const replications = `${inputs.replications} replication${inputs.replications === 1 ? '' : 's'}`;
  const strategies = `${inputs.strategies.length} strateg${inputs.strategies.length === 1 ? 'y' : 'ies'}`;
  const meta = `${describeKind(inputs)} · ${strategies} · seed ${inputs.seed} · ${replications} · meshsim ${inputs.meshsimVersion}`;

  const sections: Array<[string, string, string]> = [];
  const decision = decisionHtml(inputs);
  if (decision !== undefined) sections.push(['decision', inputs.kind === 'sweep' ? 'Which strategy at each value, and why' : 'Which strategy, and why', decision]);
  sections.push(['lfr', 'Load, failure and recovery', lfrSection(inputs)]);
  if (charts.length > 0) sections.push(['charts', 'Charts', chartsSection(charts)]);
  if (inputs.comparison && inputs.comparison.length > 0) {
    sections.push([
      'comparison',
      'Against the baseline',
      '<p class="meta">Paired differences per replication (common random numbers), 95 % confidence intervals, and the verdict they support.</p>\n' +
        `<div class="table-scroll">${comparisonTableHtml(inputs.comparison)}</div>`,
    ]);
  }
  sections.push(['metrics', 'Every metric', '<p class="meta">Mean ± 95 % confidence half-width over replications; – where a metric is undefined.</p>\n' + metricsSection(inputs)]);
  sections.push(['scenario', 'Scenario', scenarioSection(inputs)]);

  const nav = sections.map(([id, heading]) => `<a href="#${id}">${escapeHtml(heading)}</a>`).join('\n');
  const specs = Object.fromEntries(charts.map((c) => [c.name, c.spec]));
  const script = (code: string) => `<script>${escapeInlineScript(code)}</script>`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="meshsim ${escapeHtml(inputs.meshsimVersion)}">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
<nav>
${nav}
</nav>
</header>
${sections.map(([id, heading, body]) => section(id, heading, body)).join('\n')}
<footer>Generated by meshsim ${escapeHtml(inputs.meshsimVersion)} from ${escapeHtml(inputs.files.join(', '))}. The same folder always gives the same report.</footer>
</main>
<script type="application/json" id="meshsim-chart-specs">${inlineJson(specs)}</script>
${script(bundles.vega)}
${script(bundles.vegaLite)}
${script(bundles.vegaEmbed)}
${script(EMBED_SCRIPT)}
</body>
</html>
`;
}
