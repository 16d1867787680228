/**
 * The terminal table of `meshsim run` / `compare`: one row per strategy, the headline metrics,
 * and with several replications the 95 % half-width beside each latency.
 *
 * The table is kept within TABLE_WIDTH columns: when all columns do not fit, it is printed as two
 * stacked blocks (counts and throughput, then latency and imbalance), each repeating the
 * strategy column. Alignment is plain space padding; colour (ANSI bold/dim) is added after
 * padding so it never shifts a column.
 */
import { getMetric } from '../analysis/metric-paths.js';
import type { RunResult, StrategyResult } from '../analysis/types.js';

export const TABLE_WIDTH = 120;
const CI_SEPARATOR = ' ± ';
const GAP = '  ';

export interface TableOptions {
  /** ANSI emphasis for headers and dimmed confidence intervals. Default false. */
  color?: boolean;
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

const COUNT_COLUMNS: readonly Column[] = [
  countColumn('T', 'T'),
  significantColumn('L', 'L', 4),
  countColumn('completed', 'completed'),
  countColumn('failed', 'failed'),
  countColumn('timed out', 'timedOut'),
  countColumn('rejected', 'rejected'),
  significantColumn('throughput/s', 'throughput', 4),
  significantColumn('F', 'F', 3),
  significantColumn('R', 'R', 3),
  {
    header: 'availability',
    align: 'right',
    // Six digits so that "four nines" and "five nines" read differently.
    cell: (r) => {
      const text = formatSignificant(100 * metric(r, 'availability'), 6);
      return text === 'n/a' ? text : `${text}%`;
    },
  },
];

const LATENCY_KEYS = [
  ['mean', 'mean ms'],
  ['p50', 'p50 ms'],
  ['p90', 'p90 ms'],
  ['p99', 'p99 ms'],
  ['p999', 'p99.9 ms'],
  ['max', 'max ms'],
] as const;

const LATENCY_COLUMNS: readonly Column[] = [
  ...LATENCY_KEYS.map(
    ([key, header]): Column => ({
      header,
      align: 'right',
      cell: (r) => withCi(r, `latency.${key}`, metric(r, `latency.${key}`), 4),
    }),
  ),
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

/** Faults, detection and recovery: shown when a strategy met a fault or sent a retry. */
const FAILURE_COLUMNS: readonly Column[] = [
  countColumn('faults', 'detection.faults'),
  secondsColumn('detect s', 'detection.meanTimeToDetect'),
  secondsColumn('max s', 'detection.maxTimeToDetect'),
  countColumn('missed', 'detection.missed'),
  countColumn('false+', 'detection.falsePositives'),
  secondsColumn('recover s', 'recovery.meanTimeToRecover'),
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

function headline(run: RunResult): string {
  const parts = [
    `scenario ${run.scenario}`,
    `seed ${run.seed}`,
    `${run.replications} replication${run.replications === 1 ? '' : 's'}`,
  ];
  const note = run.replications > 1 ? '  (± 95 % confidence half-width)' : '';
  return `${parts.join(' · ')}${note}`;
}

/** A readable table of the run's strategies; ends with a newline. */
export function formatTable(run: RunResult, options: TableOptions = {}): string {
  const color = options.color ?? false;
  const lines = [color ? bold(headline(run)) : headline(run), ''];
  if (run.results.length === 0) {
    lines.push('(no results)');
    return `${lines.join('\n')}\n`;
  }
  const whole = renderBlock([STRATEGY, ...COUNT_COLUMNS, ...LATENCY_COLUMNS], run.results, color);
  if (whole.width <= TABLE_WIDTH) {
    lines.push(...whole.lines);
  } else {
    lines.push(...renderBlock([STRATEGY, ...COUNT_COLUMNS], run.results, color).lines);
    lines.push('');
    lines.push(...renderBlock([STRATEGY, ...LATENCY_COLUMNS], run.results, color).lines);
  }
  if (hasFailureData(run.results)) {
    lines.push('');
    lines.push(...renderBlock([STRATEGY, ...FAILURE_COLUMNS], run.results, color).lines);
  }
  return `${lines.join('\n')}\n`;
}
