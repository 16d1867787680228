/**
 * The pods-over-time chart (src/report/specs/membership-timeseries.ts) from a real rolling
 * deploy: the result folder's timeseries.csv and events.csv are read back as `meshsim report`
 * reads them, and the chart shows what the simulation counted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEventsCsv, formatTimeseriesCsv } from '../../src/output/details-csv.js';
import { writeResultFolder } from '../../src/output/result-folder.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { reportCharts } from '../../src/report/charts.js';
import { readReportInputs } from '../../src/report/inputs.js';
import { GONE_CAUSE_LABELS, membershipTimeseriesData, membershipTimeseriesSpec } from '../../src/report/specs/membership-timeseries.js';
import { strategyColors } from '../../src/report/specs/theme.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { runScenario, type ReplicationDetails } from '../../src/sim/run-scenario.js';

const scenario = resolveScenario({
  name: 'rollout for the chart',
  seed: 3,
  duration: '12s',
  replications: 2,
  clients: { count: 3 },
  arrivals: { kind: 'poisson', rate: 300 },
  service: { instances: 4, serviceTime: { dist: 'exponential', mean: '5ms' } },
  balancer: { kind: 'round_robin' },
  membership: { pod: { startup: { dist: 'constant', value: '500ms' }, readiness: { period: '1s' } }, changes: [{ kind: 'rollout', at: '3s' }] },
  discovery: { kind: 'xds', delivery: { dist: 'uniform', min: '100ms', max: '800ms' } },
}).scenario;

function folder(): { dir: string; details: ReplicationDetails[]; run: ReturnType<typeof runScenario> } {
  const details: ReplicationDetails[] = [];
  const run = runScenario(scenario, { onDetails: (d) => details.push(d) });
  const dir = join(mkdtempSync(join(tmpdir(), 'meshsim-membership-chart-')), 'out');
  writeResultFolder(dir, 'run', [
    ['summary.json', formatSummaryJson(run)],
    ['timeseries.csv', formatTimeseriesCsv(details)],
    ['events.csv', formatEventsCsv(details)],
  ]);
  return { dir, details, run };
}

describe('pods over time', () => {
  const { dir, details, run } = folder();
  const inputs = readReportInputs(dir);

  it('reads membership’s columns back and charts replication 0: pods, the endpoint band, scale-free rollout, sends to gone pods by cause', () => {
    const data = membershipTimeseriesData(inputs.timeseries!, inputs.events ?? []);
    expect(data.replication).toBe(0);
    expect(data.severalReplications).toBe(true);
    const windows = details[0]!.timeseries;
    expect(data.pods.filter((p) => p.measure === 'ready pods')).toHaveLength(windows.length);
    expect(data.bands.map((b) => [b.min, b.max])).toEqual(windows.map((w) => [w.endpointsMin, w.endpointsMax]));
    // The rollout without preStop: clients send to pods whose listener closed, counted as stale endpoints.
    const stale = GONE_CAUSE_LABELS.find(([key]) => key === 'staleEndpoint')![1];
    expect(data.gone.length).toBeGreaterThan(0);
    expect(data.gone.every((g) => g.cause === stale)).toBe(true);
    // The windows count what the replication's metric counts (both after the warm-up, here 0).
    expect(data.goneTotal).toBe(run.results[0]!.replicationMetrics[0]!.membership!.sentToGone.total);
    expect(data.scales).toEqual([]);
  });

  it('draws two panels on one time axis, and the report includes it only for runs with membership', () => {
    const data = membershipTimeseriesData(inputs.timeseries!, inputs.events ?? []);
    const spec = membershipTimeseriesSpec(data, strategyColors(['round_robin']), { scenario: 'x', seed: 3, replications: 2 }) as any;
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat[0].layer.map((l: any) => [l.data.name, l.mark.type])).toEqual([
      ['bands', 'area'],
      ['scales', 'rule'],
      ['pods', 'line'],
    ]);
    expect(spec.vconcat[1].data.name).toBe('gone');
    expect(spec.datasets.gone).toHaveLength(data.gone.length);
    expect(reportCharts(inputs).map((c) => c.name)).toContain('membership-timeseries');
    const withoutMembership = { ...inputs, timeseries: inputs.timeseries!.map(({ membership: _, ...row }) => row) };
    expect(reportCharts(withoutMembership).map((c) => c.name)).not.toContain('membership-timeseries');
  });
});
