/**
 * Rendering for real: every chart of the fixtures through vega to SVG and resvg to PNG. Text
 * must be there (the failure mode without a font is a chart with axes and no words), PNGs must
 * hold a picture at twice the SVG's size, and the same spec must give the same bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { reportCharts } from '../../src/report/charts.js';
import { loadFontMetrics } from '../../src/report/font-metrics.js';
import { ChartFontMissingError, findChartFonts } from '../../src/report/fonts.js';
import { parseCsv } from '../../src/report/csv.js';
import type { ReportInputs } from '../../src/report/inputs.js';
import { createChartRenderer, PNG_ZOOM, textWidthFunction, type ChartRenderer } from '../../src/report/render.js';
import { eventsCsv, faultRun, sweepFixture, timeseriesCsv } from './fixtures.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  expect(match, 'the SVG root has a width and a height').not.toBeNull();
  return { width: Number(match![1]), height: Number(match![2]) };
}

function fixtureInputs(): ReportInputs {
  const run = faultRun(5);
  const timeseries = parseCsv(timeseriesCsv()).records.map((r) => ({
    strategy: r.label!, replication: Number(r.replication), time: Number(r.time), arrivals: Number(r.arrivals),
    successes: Number(r.successes), errors: Number(r.errors), timeouts: Number(r.timeouts), p50: Number(r.p50),
    p99: r.p99 === '' ? NaN : Number(r.p99), ejected: Number(r.ejected), unhealthy: Number(r.unhealthy), instancesUp: Number(r.instancesUp),
  }));
  const events = parseCsv(eventsCsv()).records.map((r) => ({
    time: Number(r.time), kind: r.kind!, instance: Number(r.instance), client: NaN, cause: r.cause!,
    replication: Number(r.replication), strategy: r.label!,
  }));
  return {
    dir: 'fixture', kind: 'run', meshsimVersion: '0.1.0', scenarioName: run.scenario, seed: run.seed, replications: 5,
    strategies: run.results.map((r) => r.label), run, timeseries, events, files: [],
  };
}

function sweepInputs(): ReportInputs {
  const sweep = sweepFixture(10);
  return {
    dir: 'fixture', kind: 'sweep', meshsimVersion: '0.1.0', scenarioName: 'quickstart', seed: 42, replications: 5,
    strategies: sweep.strategies, sweep, files: [],
  };
}

describe('the chart font', () => {
  it('is found, and its advance widths are DejaVu Sans’s', () => {
    const fonts = findChartFonts();
    const regular = loadFontMetrics(fonts.regular);
    const bold = loadFontMetrics(fonts.bold);
    // DejaVu Sans: 2048 units per em; "M" advances 1767, "i" 569, space 651.
    expect(regular.width('M', 2048)).toBe(1767);
    expect(regular.width('i', 2048)).toBe(569);
    expect(regular.width(' ', 2048)).toBe(651);
    expect(regular.width('Mi', 11)).toBeCloseTo((11 * (1767 + 569)) / 2048, 12);
    expect(bold.width('latency', 12)).toBeGreaterThan(regular.width('latency', 12));
    // Characters beyond the font's coverage still get a width (the missing glyph's).
    expect(regular.width('𝄞', 12)).toBeGreaterThan(0);
  });

  it('replaces vega’s 0.8 em per character guess, honouring size, weight and truncation', () => {
    const fonts = findChartFonts();
    const width = textWidthFunction(loadFontMetrics(fonts.regular), loadFontMetrics(fonts.bold));
    const label = 'least_request(choices=2)';
    expect(width({ fontSize: 11 }, label)).toBeLessThan(0.8 * 11 * label.length * 0.8);
    expect(width({}, label)).toBe(width({ fontSize: 11 }, label));
    expect(width({ fontSize: 11, fontWeight: 'bold' }, label)).toBeGreaterThan(width({ fontSize: 11 }, label));
    expect(width({ fontSize: 11, limit: 40 }, label)).toBe(40);
    expect(width({ fontSize: 0 }, label)).toBe(0);
    expect(width({ fontSize: 11 }, '  ')).toBe(0);
  });

  it('is a clear error when missing', () => {
    expect(() => findChartFonts({ MESHSIM_FONT_DIR: '/nonexistent' })).toThrow(ChartFontMissingError);
    expect(() => findChartFonts({ MESHSIM_FONT_DIR: '/nonexistent' })).toThrow(/fonts-dejavu-core/);
  });
});

describe('rendering charts to SVG and PNG', () => {
  let renderer: ChartRenderer;
  beforeAll(async () => {
    renderer = await createChartRenderer();
  });

  const cases = () => [...reportCharts(fixtureInputs()), ...reportCharts(sweepInputs())];

  it('draws every chart with text in DejaVu Sans, and a PNG at twice the size', async () => {
    const charts = cases();
    expect(charts.map((c) => c.name)).toEqual([
      'latency-percentiles',
      'requests-per-instance',
      'fault-timeseries',
      'detect-recover-times',
      'latency-vs-parameter',
      'availability-vs-parameter',
    ]);
    for (const chart of charts) {
      const svg = await renderer.toSvg(chart.spec);
      expect(svg.startsWith('<svg'), chart.name).toBe(true);
      const texts = svg.match(/<text[^>]*>[^<]+<\/text>/g) ?? [];
      expect(texts.length, `${chart.name}: text elements`).toBeGreaterThan(10);
      expect(svg).toContain('font-family="DejaVu Sans"');
      expect(svg, `${chart.name}: the subtitle names the seed`).toContain('seed 42');
      const png = await renderer.toPng(svg);
      const size = svgSize(svg);
      expect(pngSize(png), chart.name).toEqual({ width: Math.round(size.width * PNG_ZOOM), height: Math.round(size.height * PNG_ZOOM) });
      // A blank or text-less chart compresses to a few kB; real ones are tens of kB.
      expect(png.length, `${chart.name}: PNG bytes`).toBeGreaterThan(20_000);
    }
    expect(renderer.warnings).toEqual([]);
  });

  it('titles and strategy labels are drawn whole, not truncated', async () => {
    const [percentiles] = reportCharts(fixtureInputs());
    const svg = await renderer.toSvg(percentiles!.spec);
    expect(svg).toContain('>Latency percentiles by strategy</text>');
    expect(svg).toContain('>least_request(choices=2)</text>');
    expect(svg).not.toContain('…');
  });

  it('gives byte-identical SVG and PNG for the same spec', async () => {
    const chart = reportCharts(sweepInputs())[0]!;
    const a = await renderer.toSvg(chart.spec);
    const b = await renderer.toSvg(structuredClone(chart.spec));
    expect(b).toBe(a);
    expect(Buffer.compare(await renderer.toPng(a), await renderer.toPng(b))).toBe(0);
  });

  it('renders text as glyphs in the PNG: it differs from the same chart without text', async () => {
    const chart = reportCharts(sweepInputs())[0]!;
    const svg = await renderer.toSvg(chart.spec);
    const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '');
    const a = await renderer.toPng(svg);
    const b = await renderer.toPng(withoutText);
    expect(a.length - b.length, 'text adds detail to the image').toBeGreaterThan(5_000);
  });
});
