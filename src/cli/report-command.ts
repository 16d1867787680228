/**
 * `meshsim report DIR [--out DIR]`, and the `--report` flag of run, compare and sweep: charts
 * (SVG, PNG) and report.html from a results folder. Loaded lazily, so vega and resvg never load
 * for a plain `meshsim run`.
 */
import { performance } from 'node:perf_hooks';
import { ChartFontMissingError } from '../report/fonts.js';
import { ReportInputError } from '../report/inputs.js';
import { writeReport, type WrittenReport } from '../report/write-report.js';
import { UsageError } from './errors.js';

export interface ReportFlags {
  out?: string;
  quiet?: boolean;
  timing?: boolean;
  /** Any metric path: adds a chart of it. */
  metric?: string;
}

/** Folder problems are the user's (exit 2); a missing font is the machine's (exit 1, no stack). */
async function produce(dir: string, out: string | undefined, metric?: string): Promise<WrittenReport | undefined> {
  try {
    return await writeReport(dir, { clock: () => performance.now(), ...(out === undefined ? {} : { out }), ...(metric === undefined ? {} : { metric }) });
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    if (error instanceof ChartFontMissingError) {
      process.stderr.write(`meshsim: ${error.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    throw error;
  }
}

function summary(report: WrittenReport): string {
  const charts = report.charts.length;
  return `meshsim: wrote ${report.dir}/report.html and ${charts} chart${charts === 1 ? '' : 's'} (SVG, PNG)${
    charts > 0 ? `: ${report.charts.join(', ')}` : ''
  }\n`;
}

function timing(report: WrittenReport): string {
  const t = report.timings;
  const s = (ms: number) => (ms / 1000).toFixed(3);
  return `meshsim: timing: report in ${s(t.total)} s (loading ${s(t.load)}, layout and SVG ${s(t.svg)}, PNG ${s(t.png)}, HTML ${s(t.html)})\n`;
}

export async function reportCommand(dir: string, flags: ReportFlags): Promise<void> {
  const report = await produce(dir, flags.out, flags.metric);
  if (!report) return;
  if (!flags.quiet) process.stderr.write(summary(report));
  if (flags.timing) process.stderr.write(timing(report));
}

/** After run, compare or sweep wrote `dir`: the report into `dir/report`. */
export async function reportAfterResults(dir: string, flags: { quiet?: boolean | undefined }): Promise<void> {
  const report = await produce(dir, undefined);
  if (report && !flags.quiet) process.stderr.write(summary(report));
}
