/**
 * sweep.json: the whole sweep, byte-stable. Keys in a fixed order: meshsimVersion, scenario,
 * seed, replications, params, strategies, then shard / interrupted / finishedCells when
 * present, then cells; each cell has index, params, instances, results, and each result the
 * layout of summary.json's results. The same SweepResult, whether built by a run or read back
 * from shard files by `meshsim merge`, always gives the same text.
 */
import type { SweepResult } from '../sweep/types.js';
import { jsonText } from './json-text.js';
import { orderedResult } from './summary-json.js';

export function formatSweepJson(sweep: SweepResult): string {
  const out: Record<string, unknown> = {
    meshsimVersion: sweep.meshsimVersion,
    scenario: sweep.scenario,
    seed: sweep.seed,
    replications: sweep.replications,
    params: sweep.params.map((p) => ({ path: p.path, values: p.values })),
    strategies: sweep.strategies,
  };
  if (sweep.shard !== undefined) out['shard'] = { index: sweep.shard.index, count: sweep.shard.count };
  if (sweep.interrupted === true) {
    out['interrupted'] = true;
    out['finishedCells'] = sweep.finishedCells ?? sweep.cells.map((c) => c.index);
  }
  out['cells'] = sweep.cells.map((cell) => ({
    index: cell.index,
    params: cell.params,
    instances: cell.instances.map((i) => ({ instance: i.instance, speed: i.speed, weight: i.weight, zone: i.zone })),
    results: cell.results.map(orderedResult),
  }));
  return jsonText(out);
}
