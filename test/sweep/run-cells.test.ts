import { describe, expect, it } from 'vitest';
import { balancerConfig } from '../../src/balancers/configs.js';
import { balancerLabel } from '../../src/balancers/registry.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { formatSweepJson } from '../../src/output/sweep-json.js';
import { simulateReplication } from '../../src/sim/run-scenario.js';
import { inProcessRunner, runCells, workUnits, type CellPlan, type UnitRunner } from '../../src/sweep/run-cells.js';
import { sweepResult } from '../../src/sweep/sweep-result.js';

const params = [{ path: 'arrivals.rate', values: [200, 300, 400] }];
const strategies = [balancerConfig.parse({ kind: 'round_robin' }), balancerConfig.parse({ kind: 'least_request' })];

function plan(): CellPlan[] {
  return params[0]!.values.map((rate, index) => {
    const { scenario } = resolveScenario({
      name: 'tiny', seed: 3, requests: 300, replications: 2,
      arrivals: { kind: 'poisson', rate },
      service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' } },
      balancer: { kind: 'random' },
    });
    return { index, params: { 'arrivals.rate': rate }, scenario, strategies, labels: strategies.map(balancerLabel) };
  });
}

/** A pool stand-in that finishes units in a scrambled order. */
function scrambledRunner(cells: readonly CellPlan[]): UnitRunner {
  let n = 0;
  return (unit) =>
    new Promise((resolve) => {
      const delay = (n++ * 7) % 5;
      setTimeout(() => {
        const cell = cells[unit.cell]!;
        resolve(simulateReplication(cell.scenario, unit.replication, cell.strategies[unit.strategy]!));
      }, delay);
    });
}

const result = (cells: CellPlan[], outcome: Awaited<ReturnType<typeof runCells>>) =>
  sweepResult({ base: cells[0]!.scenario, params, strategies: ['round_robin', 'least_request(choices=2)'], shard: undefined, outcome });

describe('runCells', () => {
  it('lists units cell by cell, then strategy, then replication', () => {
    expect(workUnits(plan()).slice(0, 5)).toEqual([
      { cell: 0, strategy: 0, replication: 0 },
      { cell: 0, strategy: 0, replication: 1 },
      { cell: 0, strategy: 1, replication: 0 },
      { cell: 0, strategy: 1, replication: 1 },
      { cell: 1, strategy: 0, replication: 0 },
    ]);
  });

  it('gives the same result whatever order units finish in and however many run at once', async () => {
    const cells = plan();
    const serial = await runCells(cells, { runUnit: inProcessRunner(cells), concurrency: 1 });
    const scrambled = await runCells(cells, { runUnit: scrambledRunner(cells), concurrency: 5 });
    expect(serial.interrupted).toBe(false);
    expect(serial.cells.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(formatSweepJson(result(cells, scrambled))).toBe(formatSweepJson(result(cells, serial)));
  });

  it('keeps the finished cells when stopped, and marks the result interrupted', async () => {
    const cells = plan();
    const stop = new AbortController();
    const progress: number[] = [];
    const outcome = await runCells(cells, {
      runUnit: inProcessRunner(cells),
      concurrency: 1,
      stop: stop.signal,
      onProgress: (p) => {
        progress.push(p.unitsDone);
        // Stop as soon as the first cell is complete, in the middle of the sweep.
        if (p.cellsDone === 1) stop.abort();
      },
    });
    expect(outcome.interrupted).toBe(true);
    expect(outcome.cells.map((c) => c.index)).toEqual([0]);
    expect(progress).toEqual([1, 2, 3, 4]);
    const sweep = result(cells, outcome);
    expect(sweep).toMatchObject({ interrupted: true, finishedCells: [0] });
    const written = JSON.parse(formatSweepJson(sweep));
    expect(written.interrupted).toBe(true);
    expect(written.cells).toHaveLength(1);
    expect(written.cells[0].results[1].replicationMetrics).toHaveLength(2);
  });

  it('abandons units in flight on abort and drops their cells', async () => {
    const cells = plan();
    const abort = new AbortController();
    let started = 0;
    const hanging: UnitRunner = (_unit, signal) => {
      started++;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const running = runCells(cells, { runUnit: hanging, concurrency: 3, abort: abort.signal });
    await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    const outcome = await running;
    expect(started).toBe(3);
    expect(outcome).toEqual({ cells: [], interrupted: true });
  });

  it('fails with the executor error, after the units in flight settle', async () => {
    const cells = plan();
    let started = 0;
    let settled = 0;
    const failing: UnitRunner = (unit) =>
      new Promise((resolve, reject) => {
        started++;
        setTimeout(() => {
          settled++;
          if (unit.cell === 0 && unit.replication === 1) reject(new Error('boom'));
          else resolve(simulateReplication(cells[unit.cell]!.scenario, unit.replication));
        }, 1);
      });
    await expect(runCells(cells, { runUnit: failing, concurrency: 2 })).rejects.toThrow('boom');
    // Nothing new starts after the failure, and nothing is left running behind the rejection.
    expect(started).toBeLessThan(workUnits(cells).length);
    expect(settled).toBe(started);
  });
});
