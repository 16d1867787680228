/**
 * Which charts a results folder gets. Each chart appears only when its data is there: latency
 * percentiles and requests per instance for a run or compare, latency and availability with
 * goodput versus the parameter for a sweep, the fault charts once runs produce detection
 * metrics, timeseries.csv and events.csv, pods over time when the time series has
 * membership's columns, and a chart of any one metric on request
 * (`--metric`). Every chart gets the same strategy colours.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportInputs } from './inputs.js';
import { detectRecoverRows, detectRecoverSpec } from './specs/detect-recover-times.js';
import { faultTimeseriesData, faultTimeseriesSpec } from './specs/fault-timeseries.js';
import { hasMembership, membershipTimeseriesData, membershipTimeseriesSpec } from './specs/membership-timeseries.js';
import { latencyPercentileRows, latencyPercentilesSpec } from './specs/latency-percentiles.js';
import {
  SERVED_PANELS,
  latencyVsParameterRows,
  latencyVsParameterSpec,
  parameterRows,
  parameterSpec,
} from './specs/latency-vs-parameter.js';
import { metricByStrategySpec, metricRows } from './specs/metric-by-strategy.js';
import {
  attributesFromScenario,
  instanceCount,
  instanceNotes,
  requestsPerInstanceRows,
  requestsPerInstanceSpec,
} from './specs/requests-per-instance.js';
import { strategyColors, type ChartContext } from './specs/theme.js';

export interface ReportChart {
  /** File name stem (`<name>.svg`, `<name>.png`) and HTML id. */
  name: string;
  /** The heading above the chart in report.html. */
  heading: string;
  /** One sentence under the chart: how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

/** Every chart name the report can write, so stale files of an earlier report can be removed. */
export const CHART_NAMES = [
  'latency-percentiles',
  'latency-vs-parameter',
  'availability-vs-parameter',
  'metric-vs-parameter',
  'metric-by-strategy',
  'requests-per-instance',
  'fault-timeseries',
  'membership-timeseries',
  'detect-recover-times',
] as const;

export interface ChartOptions {
  /** Any metric path: adds its chart (versus the parameter, or by strategy). */
  readonly metric?: string;
}

export function reportCharts(inputs: ReportInputs, options: ChartOptions = {}): ReportChart[] {
  const colors = strategyColors(inputs.strategies);
  const context: ChartContext = { scenario: inputs.scenarioName, seed: inputs.seed, replications: inputs.replications };
  const charts: ReportChart[] = [];

  if (inputs.sweep) {
    const data = latencyVsParameterRows(inputs.sweep.params, inputs.sweep.cells);
    if (data && data.rows.length > 0) {
      charts.push({
        name: 'latency-vs-parameter',
        heading: `Latency versus ${data.parameter}`,
        caption: 'Where each strategy’s median and tail bend upward as the parameter grows; bands (or bars) are 95 % confidence intervals over replications. Latency is of completed requests only: read it beside availability.',
        spec: latencyVsParameterSpec(data, colors, context),
      });
    }
    const served = parameterRows(inputs.sweep.params, inputs.sweep.cells, SERVED_PANELS);
    if (served && served.rows.length > 0) {
      charts.push({
        name: 'availability-vs-parameter',
        heading: `Availability and goodput versus ${served.parameter}`,
        caption: 'How many requests each strategy served: completed over counted, and completed per second. A strategy that loses requests can look fast on latency alone.',
        spec: parameterSpec(served, colors, context, { title: `Availability and goodput versus ${served.parameter}` }),
      });
    }
    const chosen = options.metric === undefined ? undefined : parameterRows(inputs.sweep.params, inputs.sweep.cells, [{ path: options.metric, label: options.metric, unit: options.metric, scale: 'linear' }]);
    if (chosen && chosen.rows.length > 0) {
      charts.push({
        name: 'metric-vs-parameter',
        heading: `${options.metric} versus ${chosen.parameter}`,
        caption: `The metric asked for with --metric, mean and 95 % confidence interval per strategy.`,
        spec: parameterSpec(chosen, colors, context, { title: `${options.metric} versus ${chosen.parameter}` }),
      });
    }
  }

  const results = inputs.run?.results ?? [];
  const percentiles = latencyPercentileRows(results);
  if (percentiles.length > 0) {
    charts.push({
      name: 'latency-percentiles',
      heading: 'Latency percentiles',
      caption: 'Median to p99.9 per strategy on a log scale, of completed requests only; non-overlapping intervals are a first sign of a real difference (the comparison table tests it properly, on paired differences).',
      spec: latencyPercentilesSpec(percentiles, colors, context),
    });
  }

  if (options.metric !== undefined && !inputs.sweep) {
    const rows = metricRows(results, options.metric);
    if (rows.length > 0) {
      charts.push({
        name: 'metric-by-strategy',
        heading: `${options.metric} by strategy`,
        caption: 'The metric asked for with --metric, mean and 95 % confidence interval per strategy.',
        spec: metricByStrategySpec(rows, options.metric, colors, context),
      });
    }
  }

  const attributes = inputs.instances ?? attributesFromScenario(inputs.scenario);
  const perInstance = requestsPerInstanceRows(results, instanceNotes(attributes, instanceCount(results)));
  if (perInstance.length > 0) {
    charts.push({
      name: 'requests-per-instance',
      heading: 'Requests per instance',
      caption: 'How evenly each strategy spreads requests; the dashed line is the even share.',
      spec: requestsPerInstanceSpec(perInstance, colors, context),
    });
  }

  if (inputs.timeseries && inputs.timeseries.length > 0) {
    charts.push({
      name: 'fault-timeseries',
      heading: 'Around the faults',
      caption: 'Latency, errors and instance states window by window; shaded spans are fault windows.',
      spec: faultTimeseriesSpec(faultTimeseriesData(inputs.timeseries, inputs.events ?? [], inputs.scenario), colors, context),
    });
  }

  if (inputs.timeseries && hasMembership(inputs.timeseries)) {
    charts.push({
      name: 'membership-timeseries',
      heading: 'Pods over time',
      caption: 'Desired replicas, Ready pods and the range of endpoints the clients route to, window by window, with scale decisions; below, the attempts that met a pod already gone, by cause.',
      spec: membershipTimeseriesSpec(membershipTimeseriesData(inputs.timeseries, inputs.events ?? []), colors, context),
    });
  }

  const detectRecover = detectRecoverRows(results);
  if (detectRecover.length > 0) {
    charts.push({
      name: 'detect-recover-times',
      heading: 'Time to detect and to recover',
      caption: 'How long faults went unnoticed and how long until the instance was back in rotation, per replication and on average.',
      spec: detectRecoverSpec(detectRecover, colors, context),
    });
  }
  return charts;
}
