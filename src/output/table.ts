/**
 * The terminal table of `meshsim run` / `compare`: one row per strategy, the headline metrics,
 * and with several replications the 95 % half-width beside each latency.
 *
 * The table is kept within TABLE_WIDTH columns: when all columns do not fit, it is printed as two
 * stacked blocks (counts and rates, then latency and imbalance), each repeating the strategy
 * column. With faults, a block of detection and recovery follows; with an SLO, a block of its
 * objectives. Latencies censored by the timeout carry a † and a footnote. Alignment is plain
 * space padding; colour (ANSI bold/dim) is added after padding so it never shifts a column.
 */
import { censoredIn, censoringNote } from '../analysis/censoring.js';
import { getMetric } from '../analysis/metric-paths.js';
import type { RunResult, StrategyResult } from '../analysis/types.js';
import { formatDuration } from '../scenario/duration.js';
import { formatObjectiveValue, type SloObjective } from '../slo/objective.js';

export const TABLE_WIDTH = 120;
const CI_SEPARATOR = ' ± ';
const GAP = '  ';
const CENSORED = '†';

export interface TableOptions {
  /** ANSI emphasis for headers and dimmed confidence intervals. Default false. */
  color?: boolean;
  /** The request timeout (ms), named in the note on censored latencies. */
  timeout?: number;
  /** The SLO the results' `slo` metrics were judged on: adds a block of its objectives. */
  slo?: { readonly objectives: readonly SloObjective[]; readonly isDefault: boolean };
  /** The scenario · seed · replications line first; default true. */
  headline?: boolean;
}

/** Drops trailing zeros of a decimal fraction ("8.000" → "8", "1.500e-7" → "1.5e-7"). */
function trimZeros(text: string): string {
  return text.replace(/\.(\d*?)0+(?=$|e)/, (_m, kept: string) => (kept === '' ? '' : `.${kept}`));
}

/**
 * x to at most `digits` significant digits, trailing zeros dropped; an exponent only for
 * magnitudes below 1e-4.
 */
export function formatSignificant(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  if (magnitude >= digits) return Math.round(x).toString();
  if (magnitude < -4) return trimZeros(x.toExponential(digits - 1));
  return trimZeros(x.toFixed(Math.max(0, digits - 1 - magnitude)));
}

/**
 * "mean ± half-width", the half-width to two significant digits and the mean to the same
 * decimal place: digits beyond the interval's resolution are noise.
 */
export function formatWithCi(mean: number, halfWidth: number): string {
  if (!Number.isFinite(mean)) return formatSignificant(mean, 4);
  if (!Number.isFinite(halfWidth)) return formatSignificant(mean, 4);
  if (halfWidth === 0) return `${formatSignificant(mean, 4)}${CI_SEPARATOR}0`;
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(Math.abs(halfWidth))));
  if (decimals > 8) {
    // Tiny half-widths: fixed decimals would be unreadable; fall back to significant digits.
    return `${formatSignificant(mean, 4)}${CI_SEPARATOR}${formatSignificant(halfWidth, 2)}`;
  }
  return `${mean.toFixed(decimals)}${CI_SEPARATOR}${halfWidth.toFixed(decimals)}`;
}

/** A count, or the mean of counts: whole numbers stay whole, small means keep one decimal. */
export function formatCount(x: number): string {
  if (!Number.isFinite(x)) return formatSignificant(x, 1);
  if (Number.isInteger(x) || Math.abs(x) >= 1000) return Math.round(x).toString();
  return x.toFixed(1);
}

interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (r: StrategyResult) => string;
}

/** A mean with its half-width when there is one to show. */
function withCi(r: StrategyResult, path: string, value: number, digits: number): string {
  const ci = r.ci95[path];
  if (typeof ci !== 'number') return formatSignificant(value, digits);
  return formatWithCi(value, ci);
}

const STRATEGY: Column = { header: 'strategy', align: 'left', cell: (r) => r.label };

/**
 * Values are read by metric path through getMetric, so records read back from summary.json
 * (NaN stored as null, fields possibly absent) print as `n/a` instead of failing.
 */
const metric = (r: StrategyResult, path: string) => getMetric(r.metrics, path);

const countColumn = (header: string, path: string): Column => ({
  header,
  align: 'right',
  cell: (r) => formatCount(metric(r, path)),
});

const significantColumn = (header: string, path: string, digits: number): Column => ({
  header,
  align: 'right',
  cell: (r) => formatSignificant(metric(r, path), digits),
});

/** A share in per cent with six digits, so that "four nines" and "five nines" read differently. */
export function percentText(x: number): string {
  const text = formatSignificant(100 * x, 6);
  return text === 'n/a' ? text : `${text}%`;
}

const COUNT_COLUMNS: readonly Column[] = [
  countColumn('T', 'T'),
  countColumn('completed', 'completed'),
  countColumn('failed', 'failed'),
  countColumn('timed out', 'timedOut'),
  countColumn('rejected', 'rejected'),
  significantColumn('goodput/s', 'goodput', 4),
  significantColumn('F', 'F', 3),
  significantColumn('R', 'R', 3),
  { header: 'availability', align: 'right', cell: (r) => percentText(metric(r, 'availability')) },
];

const LATENCY_KEYS = [
  ['mean', 'mean ms'],
  ['p50', 'p50 ms'],
  ['p90', 'p90 ms'],
  ['p95', 'p95 ms'],
  ['p99', 'p99 ms'],
  ['p999', 'p99.9 ms'],
  ['max', 'max ms'],
] as const;

const LATENCY_COLUMNS: readonly Column[] = [
  ...LATENCY_KEYS.map(
    ([key, header]): Column => ({
      header,
      align: 'right',
      cell: (r) => {
        const path = `latency.${key}`;
        return withCi(r, path, metric(r, path), 4) + (censoredIn(r, path) ? CENSORED : '');
      },
    }),
  ),
];

/** Load: L = T/S beside the utilisation ρ overall and of the busiest instance, and the imbalance. */
const LOAD_COLUMNS: readonly Column[] = [
  significantColumn('L', 'L', 4),
  significantColumn('ρ', 'utilisation', 3),
  {
    header: 'ρ max',
    align: 'right',
    cell: (r) => {
      // A loop, not Math.max(...rho): a million instances overflow the stack as call arguments.
      // Slots no pod listened in (membership) have no utilisation and are skipped.
      let max = -Infinity;
      for (const x of r.metrics.perInstanceUtilisation ?? []) if (typeof x === 'number' && Number.isFinite(x) && x > max) max = x;
      return max === -Infinity ? 'n/a' : formatSignificant(max, 3);
    },
  },
  significantColumn('max/mean', 'imbalance.maxOverMean', 4),
  significantColumn('CoV', 'imbalance.cov', 3),
];

/** ms shown in seconds: detection and recovery times run from milliseconds to minutes. */
const secondsColumn = (header: string, path: string): Column => ({
  header,
  align: 'right',
  cell: (r) => {
    const ms = metric(r, path);
    return Number.isFinite(ms) ? formatSignificant(ms / 1000, 3) : 'n/a';
  },
});

/** "never" when some fault (or incident) had not recovered by the end of arrivals. */
const recoveryColumn = (header: string, path: string, unrecovered: string): Column => {
  const seconds = secondsColumn(header, path);
  return { header, align: 'right', cell: (r) => (metric(r, unrecovered) > 0 ? NEVER : seconds.cell(r)) };
};

const NEVER = 'never';
const NO_DETECTOR = 'no detector';

/** Faults, detection and recovery: shown when a strategy met a fault or sent a retry. */
const FAILURE_COLUMNS: readonly Column[] = [
  countColumn('faults', 'detection.faults'),
  secondsColumn('detect s', 'detection.meanTimeToDetect'),
  secondsColumn('max s', 'detection.maxTimeToDetect'),
  {
    header: 'missed',
    align: 'right',
    // Without a detector nothing can be detected: "missed" would blame what is not there.
    cell: (r) => (Number.isNaN(metric(r, 'detection.missed')) && metric(r, 'detection.faults') > 0 ? NO_DETECTOR : formatCount(metric(r, 'detection.missed'))),
  },
  countColumn('false+', 'detection.falsePositives'),
  recoveryColumn('recover s', 'recovery.meanTimeToRecover', 'recovery.unrecovered'),
  recoveryColumn('SLO back s', 'recovery.serviceTimeToRecover', 'recovery.serviceUnrecovered'),
  countColumn('restarts', 'recovery.restarts'),
  countColumn('retries', 'retries.sent'),
  countColumn('refused', 'retries.budgetRefused'),
  countColumn('overflow', 'retries.circuitBreakerOverflows'),
];

function hasFailureData(results: readonly StrategyResult[]): boolean {
  const positive = (r: StrategyResult, path: string) => metric(r, path) > 0;
  return results.some(
    (r) => positive(r, 'detection.faults') || positive(r, 'retries.sent') || positive(r, 'retries.circuitBreakerOverflows'),
  );
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  // Code points, not UTF-16 units, so '±' and '∞' count as one column each.
  const fill = ' '.repeat(Math.max(0, width - [...text].length));
  return align === 'left' ? text + fill : fill + text;
}

const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;

/** Dims the half-width part of a padded cell. */
function dimCi(padded: string): string {
  const at = padded.indexOf(CI_SEPARATOR);
  return at < 0 ? padded : padded.slice(0, at) + dim(padded.slice(at));
}

interface RenderedBlock {
  lines: string[];
  width: number;
}

function renderBlock(
  columns: readonly Column[],
  results: readonly StrategyResult[],
  color: boolean,
): RenderedBlock {
  const cells = results.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) =>
    Math.max([...c.header].length, ...cells.map((row) => [...row[i]!].length)),
  );
  const header = columns.map((c, i) => pad(c.header, widths[i]!, c.align)).join(GAP);
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);
  const body = cells.map((row) =>
    row
      .map((text, i) => {
        const padded = pad(text, widths[i]!, columns[i]!.align);
        return color ? dimCi(padded) : padded;
      })
      .join(GAP)
      .trimEnd(),
  );
  return {
    lines: [color ? bold(header) : header, color ? dim(rule) : rule, ...body],
    width: [...rule].length,
  };
}

/**
 * The load offered: one rate for every strategy (common random numbers: the same arrivals), so
 * it is said once in the headline rather than repeated in a column.
 */
function offeredText(run: RunResult): string[] {
  const rates = new Set(run.results.map((r) => metric(r, 'offered')));
  const [rate] = rates;
  return rates.size === 1 && Number.isFinite(rate) ? [`offered ${formatSignificant(rate!, 4)} requests/s`] : [];
}

export function headline(run: RunResult): string {
  const parts = [
    `scenario ${run.scenario}`,
    `seed ${run.seed}`,
    `${run.replications} replication${run.replications === 1 ? '' : 's'}`,
    ...offeredText(run),
  ];
  const note = run.replications > 1 ? '(± 95 % confidence half-width)' : '';
  const line = `${parts.join(' · ')}${note === '' ? '' : `  ${note}`}`;
  return [...line].length <= TABLE_WIDTH ? line : `${parts.join(' · ')}\n${note}`;
}

/** Wraps `text` at spaces into lines of at most `width` characters. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** What the † and "never" marks mean, for the marks the table shows. */
function footnotes(results: readonly StrategyResult[], options: TableOptions, failures: boolean): string[] {
  const notes: string[] = [];
  if (LATENCY_KEYS.some(([key]) => results.some((r) => censoredIn(r, `latency.${key}`)))) {
    const timeout = options.timeout === undefined ? undefined : formatDuration(options.timeout);
    notes.push(`${CENSORED} ${censoringNote('latency.p99', timeout).replace('the p99', 'that percentile')} (latency covers completed requests only)`);
  }
  if (failures && results.some((r) => metric(r, 'recovery.unrecovered') > 0)) {
    notes.push('recover s never: an instance was not back in rotation for every client by the end of arrivals');
  }
  if (failures && results.some((r) => metric(r, 'recovery.serviceUnrecovered') > 0)) {
    notes.push('SLO back s never: the SLO’s windows did not all hold again by the end of arrivals after a fault');
  }
  if (failures) notes.push('recover s: per instance, fault start to back in rotation; SLO back s: fault start to every SLO window holding again');
  return notes;
}

/** The SLO block: per strategy, the replications meeting it and each objective at its worst. */
function sloColumns(objectives: readonly SloObjective[]): Column[] {
  const columns: Column[] = [
    {
      header: 'SLO met',
      align: 'right',
      cell: (r) => `${r.replicationMetrics.filter((m) => getMetric(m, 'slo.met') === 1).length}/${r.replicationMetrics.length}`,
    },
    significantColumn('margin', 'slo.margin', 3),
  ];
  objectives.forEach((o, i) => {
    columns.push({
      header: o.name,
      align: 'right',
      cell: (r) => {
        const reps = r.replicationMetrics.map((m) => ({ margin: getMetric(m, `slo.objectives.${i}.margin`), value: getMetric(m, `slo.objectives.${i}.value`) }));
        const worst = reps.reduce((w, x) => (x.margin < w.margin ? x : w), reps[0]!);
        if (worst === undefined || Number.isNaN(worst.value)) return 'not judged';
        const text = o.per === 'run' || o.sli === 'lost' ? formatObjectiveValue(o.sli, +worst.value.toPrecision(6)) : formatObjectiveValue(o.sli, +worst.value.toPrecision(4));
        return `${worst.margin < 0 ? '✗' : '✓'} ${text}`;
      },
    });
  });
  return columns;
}

/** A readable table of the run's strategies; ends with a newline. */
export function formatTable(run: RunResult, options: TableOptions = {}): string {
  const color = options.color ?? false;
  const lines = options.headline === false ? [] : [color ? bold(headline(run)) : headline(run), ''];
  if (run.results.length === 0) {
    lines.push('(no results)');
    return `${lines.join('\n')}\n`;
  }
  // Strategies offered different loads (results gathered from different runs): a column then.
  const counts = offeredText(run).length === 0 ? [...COUNT_COLUMNS, significantColumn('offered/s', 'offered', 4)] : COUNT_COLUMNS;
  // Consecutive groups share a block while it fits the width.
  const blocks: Column[][] = [];
  for (const group of [counts, LOAD_COLUMNS, LATENCY_COLUMNS]) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && renderBlock([STRATEGY, ...last, ...group], run.results, color).width <= TABLE_WIDTH) last.push(...group);
    else blocks.push([...group]);
  }
  blocks.forEach((block, i) => {
    if (i > 0) lines.push('');
    lines.push(...renderBlock([STRATEGY, ...block], run.results, color).lines);
  });
  const failures = hasFailureData(run.results);
  if (failures) {
    lines.push('');
    lines.push(...renderBlock([STRATEGY, ...FAILURE_COLUMNS], run.results, color).lines);
  }
  if (options.slo !== undefined) {
    lines.push('');
    lines.push(`SLO${options.slo.isDefault ? ' (the default: the scenario has no slo:)' : ''}: worst window, fault or run per objective, over the replications`);
    lines.push(...renderBlock([STRATEGY, ...sloColumns(options.slo.objectives)], run.results, color).lines);
  }
  const notes = footnotes(run.results, options, failures);
  if (notes.length > 0) lines.push('', ...notes.flatMap((note) => wrap(note, TABLE_WIDTH, '  ')));
  return `${lines.join('\n')}\n`;
}
