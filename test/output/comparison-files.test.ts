import { describe, expect, it } from 'vitest';
import { compareStrategies } from '../../src/analysis/compare.js';
import { rankStrategies } from '../../src/analysis/ranking.js';
import { DEFAULT_SLO } from '../../src/slo/plan.js';
import { formatComparisonCsv, formatComparisonJson } from '../../src/output/comparison-files.js';
import { formatComparisonTable } from '../../src/output/comparison-table.js';
import { makeRun } from '../helpers/metrics-fixture.js';

describe('comparison files', () => {
  const run = makeRun(3, ['round_robin', 'random']);
  const rows = compareStrategies(run.results, 'round_robin');
  const slo = { objectives: DEFAULT_SLO, isDefault: true };
  const decision = (r = run) => ({ ranking: rankStrategies(r.results, slo.objectives), slo });

  it('write the rows with their fields in order', () => {
    const json = JSON.parse(formatComparisonJson(run, 'round_robin', rows, decision()));
    expect(json).toMatchObject({ scenario: 'fixture-scenario', seed: 42, replications: 3, baseline: 'round_robin', confidence: 0.95 });
    expect(Object.keys(json.rows[0])).toEqual([
      'label', 'baseline', 'metric', 'mean', 'baselineMean', 'difference', 'ci95', 'relativeDifference', 'verdict', 'caveat',
    ]);
    const csv = formatComparisonCsv(run, rows).trimEnd().split('\n');
    expect(csv[0]).toBe('scenario,seed,label,baseline,metric,mean,baselineMean,difference,ci95,relativeDifference,verdict,caveat');
    expect(csv).toHaveLength(1 + rows.length);
    // random's latencies are 1.5 × round robin's in every replication: a clear loss.
    expect(csv.find((l) => l.includes(',latency.p99,'))).toMatch(/,B better,$/);
  });

  it('write the SLO and the ranking by it', () => {
    const json = JSON.parse(formatComparisonJson(run, 'round_robin', rows, decision()));
    expect(json.slo).toEqual({ default: true, objectives: [{ ...DEFAULT_SLO[0] }] });
    expect(json.ranking.metric).toBe('latency.p99');
    expect(json.ranking.strategies.map((s: { label: string }) => s.label)).toEqual(['round_robin', 'random']);
    expect(json.ranking.recommendation).toMatch(/^pick round_robin: meets the SLO; random meets the SLO too, same availability, p99/);
    expect(Object.keys(json.ranking.strategies[0])).toEqual([
      'rank', 'label', 'sloMet', 'replications', 'availability', 'goodput', 'metric', 'missed', 'reason',
    ]);
  });

  it('write a missing half-width as null and an empty cell', () => {
    const single = makeRun(1, ['round_robin', 'random']);
    const singleRows = compareStrategies(single.results, 'round_robin');
    const json = JSON.parse(formatComparisonJson(single, 'round_robin', singleRows, decision(single)));
    expect(json.rows[0].ci95).toBeNull();
    expect(json.rows[0].verdict).toBe('n/a (1 replication)');
    expect(formatComparisonCsv(single, singleRows).split('\n')[1]).toMatch(/,,[^,]*,n\/a \(1 replication\),$/);
    expect(formatComparisonTable(singleRows, { baseline: 'round_robin', replications: 1 })).toMatch(/no confidence interval/);
  });

  it('print a table naming A and B, with notes on reading the verdicts', () => {
    const table = formatComparisonTable(rows, { baseline: 'round_robin', replications: 3 });
    expect(table).toMatch(/baseline B = round_robin over 3 replications/);
    expect(table).toMatch(/random\s+latency\.p99\s+.*B better/);
    expect(table).toMatch(/1 in 20/);
  });
});
