/**
 * Display helpers shared by the notebooks (Deno kernel). Not part of meshsim's API.
 *
 * `chart(spec)` sends one output with two renderings of a vega-lite spec:
 * - `application/vnd.vegalite.v5+json`, drawn interactively by JupyterLab, VS Code and nteract;
 * - `image/svg+xml`, drawn by meshsim's headless renderer (src/report/render.ts, the one behind
 *   `meshsim report`), for the classic notebook (which has no vega-lite renderer) and
 *   nbconvert's HTML.
 * The frontend shows the richest one it can. The SVG needs the DejaVu Sans font
 * (fonts-dejavu-core); without it the chart still goes out as vega-lite alone.
 *
 * `table(rows)` sends a Markdown table (and the same as plain text).
 */
import type { TopLevelSpec } from 'vega-lite';
import { createChartRenderer, type ChartRenderer } from '../src/report/render.ts';

const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
const VEGALITE_V5_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

let renderer: Promise<ChartRenderer | undefined> | undefined;

function svgRenderer(): Promise<ChartRenderer | undefined> {
  renderer ??= createChartRenderer().catch(() => undefined);
  return renderer;
}

function titleOf(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (title && typeof title === 'object' && 'text' in title) return String((title as { text: unknown }).text);
  return 'chart';
}

/** Displays a vega-lite spec inline (vega-lite, with an SVG fallback). */
export async function chart(spec: TopLevelSpec): Promise<void> {
  // The frontends' renderers are vega-lite 5; meshsim's specs use nothing newer.
  const v5 = { ...spec, $schema: VEGALITE_V5_SCHEMA } as TopLevelSpec;
  const bundle: Record<string, unknown> = { [VEGALITE_MIME]: v5, 'text/plain': `[chart: ${titleOf(spec)}]` };
  const svg = await (await svgRenderer())?.toSvg(spec);
  if (svg !== undefined) bundle['image/svg+xml'] = svg;
  await Deno.jupyter.display(bundle, { raw: true });
}

export type Cell = string | number;

const NUMERIC = /^(?:[-+−]?[\d.,]+(?:e[-+]?\d+)?(?: ± [\d.,]+)?%?|–|)$/;

/**
 * Displays rows of objects as a Markdown table; columns are the first row's keys. A column whose
 * every cell is a number (or `mean ± half-width`, or `–`) is right-aligned unless `align` says otherwise.
 */
export async function table(rows: readonly Record<string, Cell>[], options: { align?: Record<string, 'left' | 'right'> } = {}): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const text = (v: Cell | undefined) => String(v ?? '').replaceAll('|', '\\|');
  const align = (c: string) => options.align?.[c] ?? (rows.every((r) => NUMERIC.test(String(r[c] ?? ''))) ? 'right' : 'left');
  const markdown = [
    `| ${columns.map(text).join(' | ')} |`,
    `| ${columns.map((c) => (align(c) === 'right' ? '---:' : ':---')).join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map((c) => text(r[c])).join(' | ')} |`),
  ].join('\n');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const plain = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))]
    .map((cells) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
    .join('\n');
  await Deno.jupyter.display({ 'text/markdown': markdown, 'text/plain': plain }, { raw: true });
}

/** `12.30 ± 0.45`: a mean and its 95 % half-width with `decimals` decimals; `–` for a mean that is not finite. */
export function ci(mean: number, halfWidth: number | undefined, decimals = 2): string {
  if (!Number.isFinite(mean)) return '–';
  if (halfWidth === undefined || !Number.isFinite(halfWidth)) return mean.toFixed(decimals);
  return `${mean.toFixed(decimals)} ± ${halfWidth.toFixed(decimals)}`;
}
