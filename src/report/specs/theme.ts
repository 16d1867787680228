/**
 * What every chart shares: the font, the look, the strategy colours and the subtitle.
 *
 * Colours follow the strategy, not the chart: the same label has the same colour in every
 * chart of a report, because each spec gets the same explicit domain → range scale instead of
 * vega's order-of-appearance default.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY } from '../fonts.js';

/**
 * Okabe–Ito (readable with the common colour-vision deficiencies; its yellow is left out, too
 * pale on white), then darker Tableau tones for reports with many strategies.
 */
export const STRATEGY_PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#000000',
  '#8C564B',
  '#7F7F7F',
  '#BCBD22',
  '#17BECF',
  '#9467BD',
] as const;

export interface StrategyColors {
  /** Labels in legend order. */
  domain: string[];
  /** A colour per label, same index. */
  range: string[];
}

/** Colours for `labels` in the order given (first seen wins for duplicates). */
export function strategyColors(labels: Iterable<string>): StrategyColors {
  const domain = [...new Set(labels)];
  return { domain, range: domain.map((_, i) => STRATEGY_PALETTE[i % STRATEGY_PALETTE.length]!) };
}

/** The vega-lite colour scale of StrategyColors. */
export function colorScale(colors: StrategyColors) {
  return { domain: colors.domain, range: colors.range };
}

/** Fault windows are shaded in this, behind the data. */
export const FAULT_SHADE = '#F4B6B0';

const INK = '#1F2933';
const MUTED = '#52606D';
const GRID = '#E4E7EB';
const AXIS_LINE = '#9AA5B1';

type Config = NonNullable<TopLevelSpec['config']>;

/** The look of every chart. `labelLimit`s are lifted so strategy labels are never cut. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT_FAMILY,
  background: '#FFFFFF',
  padding: 16,
  view: { stroke: null },
  title: {
    anchor: 'start',
    fontSize: 15,
    fontWeight: 'bold',
    color: INK,
    subtitleFontSize: 11.5,
    subtitleColor: MUTED,
    subtitlePadding: 4,
    offset: 14,
  },
  axis: {
    labelFontSize: 11,
    labelColor: MUTED,
    labelLimit: 400,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: INK,
    titlePadding: 8,
    gridColor: GRID,
    domainColor: AXIS_LINE,
    tickColor: AXIS_LINE,
  },
  legend: {
    labelFontSize: 11,
    labelColor: INK,
    labelLimit: 400,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: INK,
    symbolSize: 90,
  },
  header: {
    labelFontSize: 12,
    labelColor: INK,
    labelFontWeight: 'bold',
    titleFontSize: 12,
    titleFontWeight: 'normal',
  },
};

/** What the subtitle says about where the numbers come from. */
export interface ChartContext {
  scenario: string;
  seed: number;
  replications: number;
}

/** `quickstart · seed 42 · 5 replications`. */
export function contextLine(context: ChartContext): string {
  const reps = `${context.replications} replication${context.replications === 1 ? '' : 's'}`;
  return `${context.scenario} · seed ${context.seed} · ${reps}`;
}

/** Half-widths that are absent or not finite draw no interval (one replication). */
export function finiteOr(value: number | null | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}


/** 1, 2, 5 × 10^k: round numbers, evenly spaced on a log axis; only powers of ten beyond 3 decades. */
const LOG_STEPS = [1, 2, 5] as const;
const WIDE_LOG_STEPS = [1] as const;
const WIDE_DECADES = 3;

export interface LogAxis {
  /** The scale domain: the round values just outside the data. */
  domain: [number, number];
  /** Tick values (and grid lines), all inside the domain. */
  values: number[];
}

/**
 * A log axis over positive `data`: ticks at 1, 2, 5 × 10^k, the domain widened to the round
 * values around the data. vega's own log ticks put a grid line at every integer multiple,
 * which reads as noise; this keeps one line per labelled tick. Undefined without positive data.
 */
export function logAxis(data: Iterable<number>): LogAxis | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const x of data) {
    if (!(x > 0) || !Number.isFinite(x)) continue;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  if (min === Infinity) return undefined;
  const steps = Math.log10(max / min) > WIDE_DECADES ? WIDE_LOG_STEPS : LOG_STEPS;
  const candidates: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)) - 1; exponent <= Math.ceil(Math.log10(max)) + 1; exponent++) {
    for (const step of steps) candidates.push(Number((step * 10 ** exponent).toPrecision(1)));
  }
  const below = candidates.filter((c) => c <= min * (1 + 1e-9));
  const above = candidates.filter((c) => c >= max * (1 - 1e-9));
  const low = below[below.length - 1] ?? min;
  const high = above[0] ?? max;
  // A single round value still gets a visible range.
  const domain: [number, number] = low === high ? [low / 2, high * 2] : [low, high];
  return { domain, values: candidates.filter((c) => c >= domain[0] && c <= domain[1]) };
}
