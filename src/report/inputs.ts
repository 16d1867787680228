/**
 * Reading a results folder: what `meshsim run`, `compare` and `sweep` wrote, as the report
 * needs it. Only files that exist are read; optional ones (scenario.json, comparison.json,
 * timeseries.csv, events.csv) simply leave their part of the report out.
 *
 * The folder must be one whole result (its meshsim-result.json manifest present and every file
 * matching it, see src/output/result-folder.ts), and only the files the manifest lists are read.
 * Files are checked for the shape the report relies on, not fully validated: a folder that is
 * not a meshsim result gets one clear ReportInputError per problem instead of a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, StrategyResult } from '../analysis/types.js';
import { readResultFolder, ResultFolderError } from '../output/result-folder.js';
import { numberCell, parseCsv } from './csv.js';
import type { EventRow, TimeseriesRow } from './specs/fault-timeseries.js';
import { GONE_CAUSE_LABELS, type MembershipColumns } from './specs/membership-timeseries.js';
import type { SweepCell, SweepParameter } from './specs/latency-vs-parameter.js';
import type { InstanceAttributes } from './specs/requests-per-instance.js';

export const INPUT_FILES = {
  summary: 'summary.json',
  sweep: 'sweep.json',
  comparison: 'comparison.json',
  scenario: 'scenario.json',
  instances: 'instances.csv',
  timeseries: 'timeseries.csv',
  events: 'events.csv',
} as const;

/** The folder holds no meshsim results, or a file in it is not what meshsim writes. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/** One row of comparison.json: a strategy against the baseline on one metric. */
export interface ComparisonRow {
  label: string;
  baseline: string;
  metric: string;
  mean: number;
  baselineMean: number;
  difference: number;
  /** Half-width of the 95 % interval of the paired difference. */
  ci95: number;
  relativeDifference: number;
  verdict: string;
  /** Why a latency verdict cannot be read alone; empty when it can (and in files from before caveats). */
  caveat: string;
}

export interface SweepResult {
  meshsimVersion: string;
  /** The scenario's name, or the resolved scenario itself. */
  scenario: unknown;
  seed: number;
  replications: number;
  params: SweepParameter[];
  strategies: string[];
  cells: Array<SweepCell & { index: number }>;
}

export interface ReportInputs {
  dir: string;
  kind: 'run' | 'compare' | 'sweep';
  meshsimVersion: string;
  scenarioName: string;
  seed: number;
  replications: number;
  /** Strategy labels in their first-listed order: the colour order of every chart. */
  strategies: string[];
  run?: RunResult;
  sweep?: SweepResult;
  comparison?: ComparisonRow[];
  /** The metric `compare` broke ties with (comparison.json's ranking), when known. */
  rankingMetric?: string;
  /** The resolved scenario (scenario.json, or embedded in sweep.json). */
  scenario?: unknown;
  /** Per instance: speed, weight and zone (instances.csv). */
  instances?: InstanceAttributes[];
  timeseries?: TimeseriesRow[];
  events?: EventRow[];
  /** The files read, in INPUT_FILES order: the report names its sources. */
  files: string[];
}

type Json = unknown;

export function isRecord(value: Json): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(path: string): Json {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch (error) {
    throw new ReportInputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

function checkStrategyResults(value: Json, where: string): StrategyResult[] {
  if (!Array.isArray(value)) throw new ReportInputError(`${where}: expected an array of strategy results`);
  value.forEach((r, i) => {
    const ok = isRecord(r) && typeof r.label === 'string' && isRecord(r.metrics) && Array.isArray(r.replicationMetrics);
    if (!ok) throw new ReportInputError(`${where}.${i}: expected { balancer, label, metrics, ci95, replicationMetrics }`);
    if (!isRecord(r.ci95)) (r as Record<string, unknown>).ci95 = {};
  });
  return value as StrategyResult[];
}

function readSummary(path: string): RunResult {
  const json = readJson(path);
  if (!isRecord(json) || !Array.isArray(json.results)) {
    throw new ReportInputError(`${path}: not a meshsim summary (expected an object with results[])`);
  }
  checkStrategyResults(json.results, `${path}: results`);
  return json as unknown as RunResult;
}

function readSweep(path: string): SweepResult {
  const json = readJson(path);
  if (!isRecord(json) || !Array.isArray(json.params) || !Array.isArray(json.cells)) {
    throw new ReportInputError(`${path}: not a meshsim sweep (expected an object with params[] and cells[])`);
  }
  json.params.forEach((p, i) => {
    if (!isRecord(p) || typeof p.path !== 'string' || !Array.isArray(p.values)) {
      throw new ReportInputError(`${path}: params.${i}: expected { path, values[] }`);
    }
  });
  json.cells.forEach((cell, i) => {
    if (!isRecord(cell) || !isRecord(cell.params)) throw new ReportInputError(`${path}: cells.${i}: expected { index, params, results[] }`);
    checkStrategyResults(cell.results, `${path}: cells.${i}.results`);
  });
  return json as unknown as SweepResult;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : NaN);

/** comparison.json: an array of rows, or an object holding them under `rows` or `comparisons`. */
function readComparison(path: string): ComparisonRow[] {
  const json = readJson(path);
  const rows = Array.isArray(json) ? json : isRecord(json) ? (json.rows ?? json.comparisons) : undefined;
  if (!Array.isArray(rows)) throw new ReportInputError(`${path}: expected an array of comparison rows`);
  return rows.map((row, i) => {
    if (!isRecord(row) || typeof row.label !== 'string' || typeof row.metric !== 'string') {
      throw new ReportInputError(`${path}: row ${i}: expected { label, baseline, metric, mean, …, verdict }`);
    }
    return {
      label: row.label,
      baseline: String(row.baseline ?? ''),
      metric: row.metric,
      mean: num(row.mean),
      baselineMean: num(row.baselineMean),
      difference: num(row.difference),
      ci95: num(row.ci95),
      relativeDifference: num(row.relativeDifference),
      verdict: String(row.verdict ?? ''),
      caveat: String(row.caveat ?? ''),
    };
  });
}

/** comparison.json's tie-break metric, when it has a ranking. */
function readRankingMetric(path: string): string | undefined {
  const json = readJson(path);
  const ranking = isRecord(json) ? json.ranking : undefined;
  return isRecord(ranking) && typeof ranking.metric === 'string' ? ranking.metric : undefined;
}

const strategyColumn = (record: Record<string, string>): string | undefined => record.label ?? record.strategy;

function replicationCell(record: Record<string, string>): number {
  const r = numberCell(record.replication);
  return Number.isFinite(r) ? r : 0;
}

/** instances.csv repeats each instance per (strategy, replication); its first row is enough. */
function readInstances(path: string): InstanceAttributes[] {
  const { header, records } = parseCsv(readFileSync(path, 'utf8'));
  if (!header.includes('instance')) throw new ReportInputError(`${path}: expected an \`instance\` column, found ${header.join(', ') || 'none'}`);
  const byInstance = new Map<number, InstanceAttributes>();
  for (const r of records) {
    const instance = numberCell(r.instance);
    if (!Number.isInteger(instance) || byInstance.has(instance)) continue;
    const speed = numberCell(r.speed);
    const weight = numberCell(r.weight);
    byInstance.set(instance, {
      instance,
      speed: Number.isFinite(speed) ? speed : 1,
      weight: Number.isFinite(weight) ? weight : 1,
      zone: r.zone ?? '',
    });
  }
  return [...byInstance.values()].sort((a, b) => a.instance - b.instance);
}

function readTimeseries(path: string, defaultStrategy: string): TimeseriesRow[] {
  const { header, records } = parseCsv(readFileSync(path, 'utf8'));
  if (!header.includes('time')) throw new ReportInputError(`${path}: expected a \`time\` column, found ${header.join(', ') || 'none'}`);
  const withMembership = header.includes('readyPods');
  return records.map((r) => ({
    ...(withMembership && { membership: membershipColumns(r) }),
    strategy: strategyColumn(r) ?? defaultStrategy,
    replication: replicationCell(r),
    time: numberCell(r.time),
    arrivals: numberCell(r.arrivals),
    successes: numberCell(r.successes),
    errors: numberCell(r.errors),
    timeouts: numberCell(r.timeouts),
    p50: numberCell(r.p50),
    p99: numberCell(r.p99),
    ejected: numberCell(r.ejected),
    unhealthy: numberCell(r.unhealthy),
    instancesUp: numberCell(r.instancesUp),
  }));
}

/** Membership's columns of a timeseries row; a cause's column absent (an older file) reads as 0. */
function membershipColumns(r: Record<string, string | undefined>): MembershipColumns {
  const gone = Object.fromEntries(
    GONE_CAUSE_LABELS.map(([key]) => {
      const count = numberCell(r[`gone${key[0]!.toUpperCase()}${key.slice(1)}`]);
      return [key, Number.isFinite(count) ? count : 0];
    }),
  ) as MembershipColumns['gone'];
  return { readyPods: numberCell(r.readyPods), desiredReplicas: numberCell(r.desiredReplicas), endpointsMin: numberCell(r.endpointsMin), endpointsMax: numberCell(r.endpointsMax), gone };
}

function readEvents(path: string, defaultStrategy: string): EventRow[] {
  const { header, records } = parseCsv(readFileSync(path, 'utf8'));
  for (const column of ['time', 'kind']) {
    if (!header.includes(column)) throw new ReportInputError(`${path}: expected a \`${column}\` column, found ${header.join(', ') || 'none'}`);
  }
  return records.map((r) => ({
    time: numberCell(r.time),
    kind: r.kind ?? '',
    instance: numberCell(r.instance),
    client: numberCell(r.client),
    cause: r.cause ?? '',
    replication: replicationCell(r),
    strategy: strategyColumn(r) ?? defaultStrategy,
  }));
}

/**
 * Everything the report draws from `dir`. Throws ReportInputError when `dir` does not exist,
 * holds neither summary.json nor sweep.json, or holds a file meshsim would not have written.
 */
export function readReportInputs(dir: string): ReportInputs {
  if (!existsSync(dir)) throw new ReportInputError(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new ReportInputError(`${dir}: not a folder (give the output folder of meshsim run, compare or sweep)`);
  const path = (name: string) => join(dir, name);
  // Only a whole result, and only the files of that result (a stray file of another run is ignored).
  let listed: Set<string>;
  try {
    listed = new Set(readResultFolder(dir, ['run', 'compare', 'sweep']).files.map((f) => f.name));
  } catch (error) {
    if (error instanceof ResultFolderError) throw new ReportInputError(error.message);
    throw error;
  }
  const has = (name: string) => listed.has(name);
  if (!has(INPUT_FILES.summary) && !has(INPUT_FILES.sweep)) {
    throw new ReportInputError(
      `${dir}: no meshsim results here (expected ${INPUT_FILES.summary} or ${INPUT_FILES.sweep}, as written by meshsim run, compare or sweep)`,
    );
  }
  const files = Object.values(INPUT_FILES).filter(has);
  const run = has(INPUT_FILES.summary) ? readSummary(path(INPUT_FILES.summary)) : undefined;
  const sweep = has(INPUT_FILES.sweep) ? readSweep(path(INPUT_FILES.sweep)) : undefined;
  const comparison = has(INPUT_FILES.comparison) ? readComparison(path(INPUT_FILES.comparison)) : undefined;
  const scenario = has(INPUT_FILES.scenario)
    ? readJson(path(INPUT_FILES.scenario))
    : isRecord(sweep?.scenario)
      ? sweep.scenario
      : undefined;

  if (run !== undefined && run.results.length === 0) throw new ReportInputError(`${path(INPUT_FILES.summary)}: no strategy results to report`);
  if (sweep !== undefined && sweep.cells.length === 0) {
    throw new ReportInputError(`${path(INPUT_FILES.sweep)}: no finished cells to report (the sweep was interrupted before any cell finished)`);
  }
  const head = (run ?? sweep)!;
  const strategies = run
    ? run.results.map((r) => r.label)
    : [...(sweep!.strategies ?? []), ...sweep!.cells.flatMap((c) => c.results.map((r) => r.label))];
  const uniqueStrategies = [...new Set(strategies)];
  // Files without a strategy column belong to the run's one strategy.
  const defaultStrategy = uniqueStrategies.length === 1 ? uniqueStrategies[0]! : 'all strategies';
  const scenarioName =
    typeof head.scenario === 'string'
      ? head.scenario
      : isRecord(head.scenario) && typeof head.scenario.name === 'string'
        ? head.scenario.name
        : isRecord(scenario) && typeof scenario.name === 'string'
          ? scenario.name
          : 'scenario';

  const inputs: ReportInputs = {
    dir,
    kind: sweep ? 'sweep' : comparison ? 'compare' : 'run',
    meshsimVersion: String(head.meshsimVersion ?? 'unknown'),
    scenarioName,
    seed: num(head.seed),
    replications: num(head.replications),
    strategies: uniqueStrategies,
    files,
  };
  if (run) inputs.run = run;
  if (sweep) inputs.sweep = sweep;
  if (comparison) inputs.comparison = comparison;
  const rankingMetric = has(INPUT_FILES.comparison) ? readRankingMetric(path(INPUT_FILES.comparison)) : undefined;
  if (rankingMetric !== undefined) inputs.rankingMetric = rankingMetric;
  if (scenario !== undefined) inputs.scenario = scenario;
  if (has(INPUT_FILES.instances)) inputs.instances = readInstances(path(INPUT_FILES.instances));
  if (has(INPUT_FILES.timeseries)) inputs.timeseries = readTimeseries(path(INPUT_FILES.timeseries), defaultStrategy);
  if (has(INPUT_FILES.events)) inputs.events = readEvents(path(INPUT_FILES.events), defaultStrategy);
  return inputs;
}
