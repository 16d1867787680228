/**
 * Which charts a results folder gets. Each chart appears only when its data is there: latency
 * percentiles and requests per instance for a run or compare, latency versus the parameter
 * for a sweep, and the fault charts once runs produce detection metrics, timeseries.csv and
 * events.csv. Every chart gets the same strategy colours.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportInputs } from './inputs.js';
import { detectRecoverRows, detectRecoverSpec } from './specs/detect-recover-times.js';
import { faultTimeseriesData, faultTimeseriesSpec } from './specs/fault-timeseries.js';
import { latencyPercentileRows, latencyPercentilesSpec } from './specs/latency-percentiles.js';
import { latencyVsParameterRows, latencyVsParameterSpec } from './specs/latency-vs-parameter.js';
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
  'requests-per-instance',
  'fault-timeseries',
  'detect-recover-times',
] as const;

export function reportCharts(inputs: ReportInputs): ReportChart[] {
  const colors = strategyColors(inputs.strategies);
  const context: ChartContext = { scenario: inputs.scenarioName, seed: inputs.seed, replications: inputs.replications };
  const charts: ReportChart[] = [];

  if (inputs.sweep) {
    const data = latencyVsParameterRows(inputs.sweep.params, inputs.sweep.cells);
    if (data && data.rows.length > 0) {
      charts.push({
        name: 'latency-vs-parameter',
        heading: `Latency versus ${data.parameter}`,
        caption: 'Where each strategy’s median and tail bend upward as the parameter grows; bands are 95 % confidence intervals over replications.',
        spec: latencyVsParameterSpec(data, colors, context),
      });
    }
  }

  const results = inputs.run?.results ?? [];
  const percentiles = latencyPercentileRows(results);
  if (percentiles.length > 0) {
    charts.push({
      name: 'latency-percentiles',
      heading: 'Latency percentiles',
      caption: 'Median to p99.9 per strategy on a log scale; non-overlapping intervals are a first sign of a real difference (the comparison table tests it properly, on paired differences).',
      spec: latencyPercentilesSpec(percentiles, colors, context),
    });
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
