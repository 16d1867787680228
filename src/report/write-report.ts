/**
 * `meshsim report` without the command line: read a results folder, draw its charts to SVG and
 * PNG, and write them with report.html into the report folder.
 *
 * Files are written to a temporary name and renamed, like every meshsim output, so a failed or
 * interrupted report never leaves a half-written file. Chart files of an earlier report that
 * this one does not draw (say a time series whose CSV is gone) are removed, so the folder never
 * shows charts of other data.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readEmbedBundles } from './bundles.js';
import { CHART_NAMES, reportCharts } from './charts.js';
import { renderReportHtml } from './html.js';
import { readReportInputs } from './inputs.js';
import { createChartRenderer } from './render.js';

export const REPORT_HTML = 'report.html';
export const DEFAULT_REPORT_FOLDER = 'report';

export interface ReportOptions {
  /** Where to write; default `<dir>/report`. */
  out?: string;
}

export interface WrittenReport {
  /** The report folder. */
  dir: string;
  /** Every file written: `<chart>.svg` and `<chart>.png` per chart, then report.html. */
  files: string[];
  /** Chart names in report order. */
  charts: string[];
  /** Milliseconds spent per stage, for `--timing` and the benchmark. */
  timings: { load: number; svg: number; png: number; html: number; total: number };
}

/** Writes `data` to `path` via `path.tmp-<pid>`: flushed, then renamed over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(temporary, 'w');
    try {
      for (let written = 0; written < bytes.length; ) {
        written += writeSync(fd, bytes, written, bytes.length - written);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export async function writeReport(dir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const started = performance.now();
  const inputs = readReportInputs(dir);
  const charts = reportCharts(inputs);
  const renderer = await createChartRenderer();
  const loaded = performance.now();

  // vega lays out one chart at a time (one thread); resvg rasterizes on the thread pool, so
  // each PNG starts as soon as its SVG exists and they overlap with the next layout.
  const svgs: string[] = [];
  const pngs: Array<Promise<Buffer>> = [];
  for (const chart of charts) {
    const svg = await renderer.toSvg(chart.spec);
    svgs.push(svg);
    pngs.push(renderer.toPng(svg));
  }
  const laidOut = performance.now();
  const images = await Promise.all(pngs);
  const rasterized = performance.now();

  const html = renderReportHtml(inputs, charts, readEmbedBundles());
  const outDir = options.out ?? join(dir, DEFAULT_REPORT_FOLDER);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  charts.forEach((chart, i) => {
    for (const [extension, data] of [['svg', svgs[i]!], ['png', images[i]!]] as const) {
      const path = join(outDir, `${chart.name}.${extension}`);
      writeFileAtomic(path, data);
      files.push(path);
    }
  });
  const drawn = new Set(charts.map((c) => c.name));
  for (const stale of CHART_NAMES.filter((name) => !drawn.has(name))) {
    for (const extension of ['svg', 'png']) rmSync(join(outDir, `${stale}.${extension}`), { force: true });
  }
  const htmlPath = join(outDir, REPORT_HTML);
  writeFileAtomic(htmlPath, html);
  files.push(htmlPath);
  const finished = performance.now();

  return {
    dir: outDir,
    files,
    charts: charts.map((c) => c.name),
    timings: {
      load: loaded - started,
      svg: laidOut - loaded,
      png: rasterized - laidOut,
      html: finished - rasterized,
      total: finished - started,
    },
  };
}
