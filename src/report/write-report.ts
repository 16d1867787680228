/**
 * `meshsim report` without the command line: read a results folder, draw its charts to SVG and
 * PNG, and write them with report.html into the report folder.
 *
 * The report folder is written like every meshsim result (src/output/result-folder.ts): files
 * under temporary names, renamed, a manifest last, so a failed or interrupted report never
 * leaves a half-written file. Chart files of an earlier report that this one does not draw
 * (say a time series whose CSV is gone) are removed, so the folder never shows charts of other
 * data; a new result in the folder above removes its report, which describes the old one.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkOutputFolder, writeResultFolder } from '../output/result-folder.js';
import { readEmbedBundles } from './bundles.js';
import { CHART_NAMES, reportCharts } from './charts.js';
import { renderReportHtml } from './html.js';
import { ReportInputError, readReportInputs, type ReportInputs } from './inputs.js';
import { unionMetricPaths } from '../analysis/metric-paths.js';
import { closestMatch } from '../scenario/suggest.js';
import { createChartRenderer } from './render.js';

export const REPORT_HTML = 'report.html';
export const DEFAULT_REPORT_FOLDER = 'report';

export interface ReportOptions {
  /** Where to write; default `<dir>/report`. */
  out?: string;
  /** A clock in ms for the stage timings (the CLI passes the wall clock); default none (timings 0). */
  clock?: () => number;
  /** Any metric path: adds a chart of it (versus the parameter, or by strategy). */
  metric?: string;
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

/** `--metric` must name a metric the results hold. */
function checkMetric(metric: string, inputs: ReportInputs): void {
  const results = inputs.sweep ? inputs.sweep.cells.flatMap((c) => c.results) : (inputs.run?.results ?? []);
  const paths = unionMetricPaths(results.flatMap((r) => [r.metrics, ...r.replicationMetrics]));
  if (paths.includes(metric)) return;
  const near = closestMatch(metric, paths);
  throw new ReportInputError(
    `--metric ${metric}: expected a metric path of these results such as latency.p99, availability or goodput${near === undefined ? '' : `; did you mean ${near}?`}`,
  );
}

export async function writeReport(dir: string, options: ReportOptions = {}): Promise<WrittenReport> {
  const clock = options.clock ?? (() => 0);
  const started = clock();
  const inputs = readReportInputs(dir);
  if (options.metric !== undefined) checkMetric(options.metric, inputs);
  const outDir = options.out ?? join(dir, DEFAULT_REPORT_FOLDER);
  if (resolve(outDir) === resolve(dir)) {
    throw new ReportInputError(`${outDir}: is the results folder itself; write the report into a folder of its own (default ${join(dir, DEFAULT_REPORT_FOLDER)})`);
  }
  // Before the slow part: a report that cannot be written is refused at once.
  checkOutputFolder(outDir);
  const charts = reportCharts(inputs, options.metric === undefined ? {} : { metric: options.metric });
  const renderer = await createChartRenderer();
  const loaded = clock();

  // vega lays out one chart at a time (one thread); resvg rasterizes on the thread pool, so
  // each PNG starts as soon as its SVG exists and they overlap with the next layout.
  const svgs: string[] = [];
  const pngs: Array<Promise<Buffer>> = [];
  for (const chart of charts) {
    const svg = await renderer.toSvg(chart.spec);
    svgs.push(svg);
    pngs.push(renderer.toPng(svg));
  }
  const laidOut = clock();
  const images = await Promise.all(pngs);
  const rasterized = clock();

  const html = renderReportHtml(inputs, charts, readEmbedBundles());
  const output: Array<readonly [string, string | Uint8Array]> = [];
  charts.forEach((chart, i) => {
    output.push([`${chart.name}.svg`, svgs[i]!], [`${chart.name}.png`, images[i]!]);
  });
  output.push([REPORT_HTML, html]);
  const files = writeResultFolder(outDir, 'report', output);
  // Charts of an earlier report written before reports had a manifest.
  const drawn = new Set(charts.map((c) => c.name));
  for (const stale of CHART_NAMES.filter((name) => !drawn.has(name))) {
    for (const extension of ['svg', 'png']) rmSync(join(outDir, `${stale}.${extension}`), { force: true });
  }
  const finished = clock();

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
