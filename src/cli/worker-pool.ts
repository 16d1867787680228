/**
 * Runs sweep work units on worker threads (piscina). The pool is sized once; every thread
 * receives the plan's scenarios at start, and a task carries only its unit's coordinates.
 * Results come back by structured clone, bit for bit what the thread computed, and runCells
 * stores them by coordinates, so the thread count never changes the output.
 */
import type { CellPlan, UnitRunner } from '../sweep/run-cells.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import type { WorkerCell } from './sweep-worker.js';
import { importModule } from '../platform/import-module.js';

export interface WorkerPool {
  runUnit: UnitRunner;
  close(): Promise<void>;
}

/** The worker entry next to this module: the bundle in dist/cli, or the source under tsx. */
function workerFile(): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./sweep-worker.${extension}`, import.meta.url).href;
}

export async function createWorkerPool(plan: readonly CellPlan[], threads: number): Promise<WorkerPool> {
  const { Piscina } = await importModule<typeof import('piscina')>('piscina');
  const cells: WorkerCell[] = plan.map((c) => ({ scenario: c.scenario, strategies: c.strategies }));
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    workerData: cells,
  });
  return {
    runUnit: (unit, signal) => pool.run(unit, { signal }) as Promise<ReplicationMetrics>,
    close: () => pool.destroy(),
  };
}
