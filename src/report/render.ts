/**
 * Headless chart rendering: vega-lite spec → vega → SVG (vega View, renderer `none`) → PNG
 * (resvg at 2× zoom).
 *
 * vega, vega-lite and resvg are imported here on first use only, so `meshsim run` never pays
 * their ~0.7 s of loading; they are externals of the CLI bundle and load from node_modules.
 *
 * Text: vega has no canvas here, so it is handed the advance widths of the font resvg draws
 * with (font-metrics.ts), and resvg loads exactly that font and no system fonts. A chart's SVG
 * and PNG therefore depend only on the spec and the font files: byte-identical across runs.
 */
import type { TopLevelSpec } from 'vega-lite';
import { loadFontMetrics, type FontMetrics } from './font-metrics.js';
import { CHART_FONT_FAMILY, findChartFonts, type ChartFontFiles } from './fonts.js';
import { importModule } from '../platform/import-module.js';

/** PNGs are drawn at twice the SVG's size, for sharp slides and high-density screens. */
export const PNG_ZOOM = 2;

export interface ChartRenderer {
  /** The chart as a standalone SVG document. */
  toSvg(spec: TopLevelSpec): Promise<string>;
  /** An SVG document from toSvg, rasterized at PNG_ZOOM. */
  toPng(svg: string): Promise<Buffer>;
  /** Warnings vega-lite and vega reported while compiling and drawing, oldest first. */
  readonly warnings: string[];
}

/** The subset of a vega text item that font size and weight are read from. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

function isBold(weight: number | string | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/**
 * vega's `textMetrics.width(item, text)` replacement: the same trimming and default size
 * (11 px) as vega's own measurer, widths from the font files, at most `limit` when the text
 * will be truncated to it.
 */
export function textWidthFunction(regular: FontMetrics, bold: FontMetrics) {
  return (item: TextItem, text: unknown): number => {
    const size = item.fontSize == null ? 11 : Number(item.fontSize) || 0;
    const value = text == null ? '' : String(text).trim();
    if (size <= 0 || value === '') return 0;
    const width = (isBold(item.fontWeight) ? bold : regular).width(value, size);
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

function describe(args: unknown[]): string {
  return args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
}

/** Loads vega, vega-lite and resvg, and points text measurement at the chart font. */
export async function createChartRenderer(fonts: ChartFontFiles = findChartFonts()): Promise<ChartRenderer> {
  const [vega, vegaLite, resvg] = await Promise.all([
    importModule<typeof import('vega')>('vega'),
    importModule<typeof import('vega-lite')>('vega-lite'),
    importModule<typeof import('@resvg/resvg-js')>('@resvg/resvg-js'),
  ]);
  // textMetrics is vega's process-wide measurer (exported, untyped); every chart here uses the
  // one chart font, so replacing it for the whole process is what we want.
  const { textMetrics } = vega as unknown as { textMetrics: { width: ReturnType<typeof textWidthFunction> } };
  textMetrics.width = textWidthFunction(loadFontMetrics(fonts.regular), loadFontMetrics(fonts.bold));

  const warnings: string[] = [];
  let level = vega.Warn;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      warnings.push(`error: ${describe(args)}`);
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(describe(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };

  const pngOptions = {
    fitTo: { mode: 'zoom' as const, value: PNG_ZOOM },
    font: {
      loadSystemFonts: false,
      fontFiles: [fonts.regular, fonts.bold],
      defaultFontFamily: CHART_FONT_FAMILY,
    },
    logLevel: 'off' as const,
  };

  return {
    warnings,
    async toSvg(spec) {
      const compiled = vegaLite.compile(spec, { logger }).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
      try {
        return await view.toSVG();
      } finally {
        view.finalize();
      }
    },
    async toPng(svg) {
      // renderAsync runs on libuv's thread pool, so several charts rasterize in parallel.
      const image = await resvg.renderAsync(svg, pngOptions);
      return image.asPng();
    },
  };
}
