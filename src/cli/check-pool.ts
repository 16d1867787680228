/**
 * Judges `meshsim check` schedules on worker threads (piscina). Every thread receives the
 * scenario once; a batch's tasks run in parallel and come back in task order, bit for bit what
 * the thread computed, so the thread count never changes the search's outcome.
 */
import type { JudgeRunner, Judgement } from '../check/judge.js';
import type { Scenario } from '../scenario/schema.js';
import { importModule } from '../platform/import-module.js';

export interface CheckPool {
  runner: JudgeRunner;
  close(): Promise<void>;
}

/** The worker entry next to this module: the bundle in dist/cli, or the source under tsx. */
function workerFile(): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./check-worker.${extension}`, import.meta.url).href;
}

export async function createCheckPool(scenario: Scenario, threads: number): Promise<CheckPool> {
  const { Piscina } = await importModule<typeof import('piscina')>('piscina');
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    workerData: { scenario },
  });
  return {
    runner: (tasks, signal) => Promise.all(tasks.map((task) => pool.run(task, signal ? { signal } : {}) as Promise<Judgement>)),
    close: () => pool.destroy(),
  };
}
