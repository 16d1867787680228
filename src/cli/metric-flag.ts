/**
 * `--metric PATH`: any metric path a result holds (docs/outputs.md), checked against the paths
 * the results will have (or have), with the nearest one suggested.
 */
import { metricPaths } from '../analysis/metric-paths.js';
import { metricsTemplate } from '../metrics/template.js';
import { closestMatch } from '../scenario/suggest.js';
import { UsageError } from './errors.js';

/** Throws a UsageError unless `path` is one of `paths`. */
export function checkMetricPath(flag: string, path: string, paths: readonly string[]): void {
  if (paths.includes(path)) return;
  const near = closestMatch(path, paths);
  throw new UsageError(
    `${flag} ${path}: expected a metric path such as latency.p99, latency.p95, availability, goodput or slo.margin ` +
      `(docs/outputs.md lists them)${near === undefined ? '' : `; did you mean ${near}?`}`,
  );
}

/** The metric paths a run of a scenario with `instances` and `objectives` SLO objectives will have. */
export function scenarioMetricPaths(instances: number, objectives: number): string[] {
  return metricPaths(metricsTemplate(instances, objectives));
}
