/**
 * The report's first screen: which strategy, and why. The SLO the results were judged on
 * (scenario.json's `slo:`, else the default), the recommendation, and per strategy its SLO
 * standing, availability, goodput, tie-break metric (censored ones marked) and reason, ranked
 * as `meshsim compare` ranks them (analysis/ranking.ts). A sweep gets one line per cell: the
 * pick at each parameter value.
 */
import { censoredIn } from '../analysis/censoring.js';
import { getMetric } from '../analysis/metric-paths.js';
import { rankStrategies, type Ranking } from '../analysis/ranking.js';
import type { StrategyResult } from '../analysis/types.js';
import { formatSignificant } from '../output/table.js';
import { scenarioSlo, type ScenarioSlo } from '../slo/plan.js';
import type { SloObjective } from '../slo/objective.js';
import { isRecord, type ReportInputs } from './inputs.js';
import { parameterText } from './specs/latency-vs-parameter.js';
import { escapeHtml } from './tables.js';

/** The SLO of the resolved scenario (canonical objectives), else the default. */
export function reportSlo(scenario: unknown): ScenarioSlo {
  const slo = isRecord(scenario) ? scenario.slo : undefined;
  const objectives = Array.isArray(slo) && slo.every((o) => isRecord(o) && typeof o.sli === 'string' && typeof o.name === 'string') ? (slo as SloObjective[]) : undefined;
  return scenarioSlo({ slo: objectives });
}

/** Whether the results carry SLO verdicts (folders from before meshsim judged SLOs do not). */
function judged(results: readonly StrategyResult[]): boolean {
  return results.length > 0 && results.every((r) => r.replicationMetrics.every((m) => !Number.isNaN(getMetric(m, 'slo.met'))));
}

function percent(x: number): string {
  const text = formatSignificant(100 * x, 6);
  return text === 'n/a' ? '–' : `${text} %`;
}

function number(x: number): string {
  return Number.isFinite(x) ? formatSignificant(x, 4) : '–';
}

function metricHeader(path: string): string {
  return path.startsWith('latency.') ? `${path.slice('latency.'.length).replace('p999', 'p99.9')} (ms)` : path;
}

function rankingTable(ranking: Ranking, results: readonly StrategyResult[]): string {
  const byLabel = new Map(results.map((r) => [r.label, r]));
  const head = ['rank', 'strategy', 'SLO met', 'availability', 'goodput (/s)', metricHeader(ranking.metric), 'why']
    .map((h, i) => `<th class="${i === 1 || i === 6 ? 'key' : 'num'}">${escapeHtml(h)}</th>`)
    .join('');
  const body = ranking.strategies.map((s) => {
    const result = byLabel.get(s.label);
    const censored = result !== undefined && censoredIn(result, ranking.metric) ? ' †' : '';
    const met = s.sloMet === s.replications ? 'met' : s.sloMet === 0 ? 'missed' : 'partly';
    return [
      `<tr class="${s.rank === 1 ? 'pick' : ''}">`,
      `<td class="num">${s.rank}</td>`,
      `<td class="key">${escapeHtml(s.label)}</td>`,
      `<td class="num slo ${met}">${s.sloMet}/${s.replications}</td>`,
      `<td class="num">${escapeHtml(percent(s.availability))}</td>`,
      `<td class="num">${escapeHtml(number(s.goodput))}</td>`,
      `<td class="num">${escapeHtml(number(s.metric) + censored)}</td>`,
      `<td class="why">${escapeHtml(s.reason)}</td>`,
      '</tr>',
    ].join('');
  });
  return `<table class="decision">\n<thead><tr>${head}</tr></thead>\n<tbody>${body.join('\n')}</tbody>\n</table>`;
}

function sloLine(slo: ScenarioSlo): string {
  const source = slo.isDefault ? 'the default (the scenario has no <code>slo:</code>)' : 'the scenario’s <code>slo:</code>';
  return `<p class="meta">Judged on ${source}: ${slo.objectives.map((o) => `<code>${escapeHtml(o.name)}</code>`).join(', ')}. ` +
    'Ranked by replications meeting it, then availability (a difference counts only when the paired test finds it), then ' +
    'the tie-break metric. † censored by the timeout: of completed requests only, a lower bound.</p>';
}

/** The decision section's HTML, or undefined when the results carry no SLO verdicts. */
export function decisionHtml(inputs: ReportInputs): string | undefined {
  const slo = reportSlo(inputs.scenario);
  const metric = inputs.rankingMetric ?? 'latency.p99';
  if (inputs.sweep) {
    const cells = inputs.sweep.cells.filter((cell) => judged(cell.results));
    if (cells.length === 0) return undefined;
    const paths = inputs.sweep.params.map((p) => p.path);
    const head = [...paths, 'pick', 'SLO met', 'availability', metricHeader(metric), 'why']
      .map((h) => `<th class="key">${escapeHtml(h)}</th>`)
      .join('');
    const body = cells.map((cell) => {
      const ranking = rankStrategies(cell.results, slo.objectives, metric);
      const first = ranking.strategies[0]!;
      const verdict = first.sloMet === first.replications ? first.label : `none meets it (closest: ${first.label})`;
      return `<tr>${[...paths.map((p) => parameterText(cell.params[p])), verdict, `${first.sloMet}/${first.replications}`, percent(first.availability), number(first.metric), ranking.recommendation]
        .map((text, i) => `<td class="${i === paths.length ? 'pick' : i > paths.length && i < paths.length + 4 ? 'num' : i < paths.length ? 'key' : 'why'}">${escapeHtml(text)}</td>`)
        .join('')}</tr>`;
    });
    return `${sloLine(slo)}\n<div class="table-scroll"><table class="decision">\n<thead><tr>${head}</tr></thead>\n<tbody>${body.join('\n')}</tbody>\n</table></div>`;
  }
  const results = inputs.run?.results ?? [];
  if (!judged(results)) return undefined;
  const ranking = rankStrategies(results, slo.objectives, metric);
  return [
    `<p class="recommendation">${escapeHtml(ranking.recommendation)}</p>`,
    sloLine(slo),
    `<div class="table-scroll">${rankingTable(ranking, results)}</div>`,
  ].join('\n');
}
