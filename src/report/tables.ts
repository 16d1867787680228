/**
 * The report's HTML tables: the L/F/R table, every metric with its 95 % CI per strategy, and
 * the comparison verdicts. Numbers are formatted as the terminal table formats them
 * (output/table.ts), so a value reads the same wherever it is seen.
 */
import { getMetric, unionMetricPaths } from '../analysis/metric-paths.js';
import type { StrategyResult } from '../analysis/types.js';
import { formatSignificant, formatWithCi } from '../output/table.js';
import type { ComparisonRow } from './inputs.js';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Units and meaning of the metric paths of CONTRACT.md; others are shown by path alone. */
export const METRIC_DESCRIPTIONS: Readonly<Record<string, string>> = {
  T: 'requests counted',
  S: 'instances',
  L: 'load factor T/S',
  F: 'failure rate f/S',
  R: 'recovery rate r/T',
  arrived: 'every arrival, warm-up included',
  completed: 'requests completed',
  failed: 'requests failed',
  timedOut: 'requests timed out',
  rejected: 'requests rejected (queue full)',
  inFlightAtEnd: 'unfinished when the run stopped',
  offered: 'counted requests per second (the load offered)',
  goodput: 'completed requests per second',
  availability: 'completed / counted',
  utilisation: 'ρ: service time of counted requests over the servers’ time',
  'latency.mean': 'ms, completed requests only',
  'latency.p50': 'ms',
  'latency.p90': 'ms',
  'latency.p95': 'ms',
  'latency.p99': 'ms',
  'latency.p999': 'ms',
  'latency.max': 'ms',
  'imbalance.maxOverMean': 'busiest instance over the mean, requests per unit of speed',
  'imbalance.cov': 'coefficient of variation of requests per unit of speed',
  faultyInstances: 'instances faulty in the counted window (f)',
  'detection.meanTimeToDetect': 'ms, fault start to first detection',
  'detection.maxTimeToDetect': 'ms',
  'detection.missed': 'faults never detected (– without a detector)',
  'detection.falsePositives': 'ejections or unhealthy marks without a fault',
  'recovery.recoveredRequests': 'requests that failed an attempt and succeeded (r)',
  'recovery.meanTimeToRecover': 'ms, fault start to back in rotation',
  'recovery.maxTimeToRecover': 'ms',
  'recovery.unrecovered': 'faults not back in rotation by the end of arrivals',
  'recovery.incidents': 'fault incidents (overlapping faults form one)',
  'recovery.serviceTimeToRecover': 'ms, longest fault start to every SLO window holding again',
  'recovery.serviceUnrecovered': 'incidents after which the SLO never held again',
  'recovery.restarts': 'instance restarts',
  'retries.sent': 'retries sent',
  'retries.budgetRefused': 'retries refused by the budget',
  'slo.met': 'share of replications meeting every objective',
  'slo.margin': 'least margin over the objectives (negative: violated)',
  simulatedTime: 'ms at the end of the run',
};

/**
 * `mean ± half-width`, or the mean alone without an interval; `–` when undefined. `percent`
 * shows a fraction (availability) in per cent.
 */
export function metricCell(result: StrategyResult, path: string, percent = false): string {
  const never = NEVER_WHEN[path];
  if (never !== undefined && getMetric(result.metrics, never) > 0) return 'never';
  const scale = percent ? 100 : 1;
  const suffix = percent ? ' %' : '';
  const mean = scale * getMetric(result.metrics, path);
  if (!Number.isFinite(mean)) return '–';
  const ci = scale * (result.ci95[path] ?? NaN);
  return (Number.isFinite(ci) ? formatWithCi(mean, ci) : formatSignificant(mean, 4)) + suffix;
}

/** Recovery times shown as "never" when some fault (or incident) had not recovered by the end of arrivals. */
const NEVER_WHEN: Readonly<Record<string, string>> = {
  'recovery.meanTimeToRecover': 'recovery.unrecovered',
  'recovery.maxTimeToRecover': 'recovery.unrecovered',
  'recovery.serviceTimeToRecover': 'recovery.serviceUnrecovered',
};

function cell(text: string, className = 'num'): string {
  return `<td class="${className}">${escapeHtml(text)}</td>`;
}

/** The L/F/R columns: each rate with the measures a practitioner reads beside it. */
const LFR_GROUPS: ReadonlyArray<{ title: string; columns: ReadonlyArray<{ path: string; header: string; percent?: boolean }> }> = [
  {
    title: 'Load',
    columns: [
      { path: 'L', header: 'L = T/S' },
      { path: 'utilisation', header: 'ρ' },
      { path: 'imbalance.maxOverMean', header: 'max/mean' },
      { path: 'imbalance.cov', header: 'CoV' },
    ],
  },
  {
    title: 'Failure',
    columns: [
      { path: 'F', header: 'F = f/S' },
      { path: 'detection.meanTimeToDetect', header: 'detect (ms)' },
      { path: 'detection.missed', header: 'missed' },
      { path: 'detection.falsePositives', header: 'false alarms' },
    ],
  },
  {
    title: 'Recovery',
    columns: [
      { path: 'R', header: 'R = r/T' },
      { path: 'recovery.meanTimeToRecover', header: 'recover (ms)' },
      { path: 'recovery.serviceTimeToRecover', header: 'SLO back (ms)' },
      { path: 'availability', header: 'availability', percent: true },
    ],
  },
];

/** A row of the L/F/R table: the strategy, and for sweeps the cell's parameter values. */
export interface LfrRow {
  keys: string[];
  result: StrategyResult;
}

/** The compact L/F/R table; `keyHeaders` name the leading key columns (strategy, parameters). */
export function lfrTableHtml(rows: readonly LfrRow[], keyHeaders: readonly string[] = ['strategy']): string {
  const groupHeader = [
    `<th colspan="${keyHeaders.length}"></th>`,
    ...LFR_GROUPS.map((g) => `<th colspan="${g.columns.length}" class="group">${g.title}</th>`),
  ].join('');
  const columnHeader = [
    ...keyHeaders.map((h) => `<th class="key">${escapeHtml(h)}</th>`),
    ...LFR_GROUPS.flatMap((g) => g.columns.map((c, i) => `<th class="num${i === 0 ? ' first' : ''}">${escapeHtml(c.header)}</th>`)),
  ].join('');
  const body = rows.map((row) => {
    const keys = row.keys.map((k) => cell(k, 'key'));
    const values = LFR_GROUPS.flatMap((g) =>
      g.columns.map((c, i) => cell(metricCell(row.result, c.path, c.percent), i === 0 ? 'num first' : 'num')),
    );
    return `<tr>${[...keys, ...values].join('')}</tr>`;
  });
  return [
    '<table class="lfr">',
    `<thead><tr>${groupHeader}</tr><tr>${columnHeader}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

const isPerInstance = (path: string) => path.startsWith('perInstance.');

function metricsTable(results: readonly StrategyResult[], paths: readonly string[], firstHeader: string): string {
  const header = [
    `<th class="key">${escapeHtml(firstHeader)}</th>`,
    ...(firstHeader === 'metric' ? ['<th class="key">meaning</th>'] : []),
    ...results.map((r) => `<th class="num">${escapeHtml(r.label)}</th>`),
  ].join('');
  const body = paths.map((path) => {
    const name = isPerInstance(path) ? path.slice('perInstance.'.length) : path;
    const meaning = firstHeader === 'metric' ? [cell(METRIC_DESCRIPTIONS[path] ?? '', 'meaning')] : [];
    return `<tr>${[cell(name, 'key'), ...meaning, ...results.map((r) => cell(metricCell(r, path)))].join('')}</tr>`;
  });
  return `<table class="metrics">\n<thead><tr>${header}</tr></thead>\n<tbody>${body.join('\n')}</tbody>\n</table>`;
}

/**
 * Every metric of `results` (the union of their paths), mean ± 95 % half-width per strategy;
 * requests per instance in a second table, folded away, since it can run to hundreds of rows.
 */
export function metricTablesHtml(results: readonly StrategyResult[]): string {
  const paths = unionMetricPaths(results.flatMap((r) => [r.metrics, ...r.replicationMetrics]));
  const main = paths.filter((p) => !isPerInstance(p));
  const perInstance = paths.filter(isPerInstance);
  const parts = [metricsTable(results, main, 'metric')];
  if (perInstance.length > 0) {
    parts.push(
      `<details><summary>Requests served per instance (${perInstance.length} instances)</summary>\n` +
        `${metricsTable(results, perInstance, 'instance')}\n</details>`,
    );
  }
  return parts.join('\n');
}

/** Verdict styling: the strategy better, the baseline better, or neither. */
function verdictClass(row: ComparisonRow): string {
  const verdict = row.verdict.toLowerCase();
  if (verdict.startsWith(row.label.toLowerCase())) return 'better';
  if (row.baseline !== '' && verdict.startsWith(row.baseline.toLowerCase())) return 'worse';
  return 'neutral';
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${formatSignificant(100 * x, 3)} %` : '–';
}

/** comparison.json as a table: each strategy against the baseline, metric by metric. */
export function comparisonTableHtml(rows: readonly ComparisonRow[]): string {
  const header = ['metric', 'strategy', 'baseline', 'mean', 'baseline mean', 'difference ± 95 % CI', 'relative', 'verdict']
    .map((h, i) => `<th class="${i < 3 || i === 7 ? 'key' : 'num'}">${h}</th>`)
    .join('');
  const number = (x: number) => (Number.isFinite(x) ? formatSignificant(x, 4) : '–');
  const body = rows.map((r) =>
    [
      '<tr>',
      cell(r.metric, 'key'),
      cell(r.label, 'key'),
      cell(r.baseline, 'key'),
      cell(number(r.mean)),
      cell(number(r.baselineMean)),
      cell(Number.isFinite(r.difference) ? (Number.isFinite(r.ci95) ? formatWithCi(r.difference, r.ci95) : number(r.difference)) : '–'),
      cell(percent(r.relativeDifference)),
      cell(r.caveat === '' ? r.verdict : `${r.verdict} (${r.caveat})`, `verdict ${verdictClass(r)}`),
      '</tr>',
    ].join(''),
  );
  return `<table class="comparison">\n<thead><tr>${header}</tr></thead>\n<tbody>${body.join('\n')}</tbody>\n</table>`;
}
