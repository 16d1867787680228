/**
 * The first screen of `meshsim compare`: which strategy, and why. The SLO it was judged on, the
 * recommendation line, and the ranking with each strategy's SLO standing, availability, goodput,
 * tie-break metric and reason (analysis/ranking.ts).
 */
import { censoredIn } from '../analysis/censoring.js';
import type { Ranking } from '../analysis/ranking.js';
import type { StrategyResult } from '../analysis/types.js';
import type { SloObjective } from '../slo/objective.js';
import { formatSignificant, percentText, wrap } from './table.js';

const GAP = '  ';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - [...text].length));
  return align === 'left' ? text + fill : fill + text;
}

export interface DecisionOptions {
  readonly objectives: readonly SloObjective[];
  readonly isDefault: boolean;
  readonly width?: number;
}

export function formatDecision(ranking: Ranking, results: readonly StrategyResult[], options: DecisionOptions): string {
  const width = options.width ?? 120;
  const byLabel = new Map(results.map((r) => [r.label, r]));
  const slo = options.objectives.map((o) => o.name).join(', ');
  const lines = [
    ...wrap(`SLO${options.isDefault ? ' (the default; add slo: to the scenario to state your own)' : ''}: ${slo}`, width, '  '),
    '',
    ...wrap(ranking.recommendation, width, '  '),
    '',
  ];
  const metricHeader = `${ranking.metric.replace(/^latency\./, '').replace('p999', 'p99.9')}${ranking.metric.startsWith('latency.') ? ' ms' : ''}`;
  const header = ['rank', 'strategy', 'SLO met', 'availability', 'goodput/s', metricHeader, 'why'];
  const align: Array<'left' | 'right'> = ['right', 'left', 'right', 'right', 'right', 'right', 'left'];
  const rows = ranking.strategies.map((s) => {
    const censored = byLabel.has(s.label) && censoredIn(byLabel.get(s.label)!, ranking.metric) ? '†' : '';
    return [
      String(s.rank),
      s.label,
      `${s.sloMet}/${s.replications}`,
      percentText(s.availability),
      formatSignificant(s.goodput, 4),
      formatSignificant(s.metric, 4) + censored,
      s.reason,
    ];
  });
  const widths = header.map((h, i) => (i === header.length - 1 ? 0 : Math.max([...h].length, ...rows.map((r) => [...r[i]!].length))));
  const fixed = widths.slice(0, -1).reduce((a, b) => a + b + GAP.length, 0);
  const whyWidth = Math.max(30, width - fixed);
  lines.push(header.map((h, i) => pad(h, widths[i]!, align[i]!)).join(GAP).trimEnd());
  lines.push([...widths.slice(0, -1), Math.min(whyWidth, Math.max(3, ...rows.map((r) => [...r[6]!].length)))].map((w) => '-'.repeat(w)).join(GAP));
  for (const row of rows) {
    const [first, ...more] = wrap(row[6]!, whyWidth);
    lines.push([...row.slice(0, -1).map((text, i) => pad(text, widths[i]!, align[i]!)), first ?? ''].join(GAP).trimEnd());
    for (const line of more) lines.push(`${' '.repeat(fixed)}${line}`);
  }
  return `${lines.join('\n')}\n`;
}
