/**
 * Judges `meshsim check` schedules on worker threads: the simulation pool of run, compare and
 * sweep (worker-pool.ts, simulation-worker.ts), so plug-in balancers run only there, under the
 * watchdog of plugin-watchdog.ts, and every mistake of theirs is the BalancerPluginError (status
 * 2) that run reports. Every thread receives the scenario once; a batch's tasks run in parallel
 * and come back in task order, bit for bit what the thread computed, so the thread count never
 * changes the search's outcome, nor which error a failing batch reports.
 */
import type { DetailedJudgement, JudgeRunner, JudgeTask } from '../check/judge.js';
import type { Scenario } from '../scenario/schema.js';
import { createWorkerPool } from './worker-pool.js';

export interface CheckPool {
  runner: JudgeRunner;
  /** The balancer's label, as its plug-in names it (imported and checked on a thread). */
  readonly label: string;
  /** One schedule with its events, time series and SLO windows (the shown run). */
  detailed(task: JudgeTask): Promise<DetailedJudgement>;
  close(): Promise<void>;
}

export interface CheckPoolOptions {
  readonly threads: number;
  /** --plugin-timeout, ms. */
  readonly pluginTimeout: number;
}

export async function createCheckPool(scenario: Scenario, options: CheckPoolOptions): Promise<CheckPool> {
  const cells = [{ scenario, strategies: [scenario.balancer] }];
  const pool = await createWorkerPool(cells, options);
  let label: string;
  try {
    label = (await pool.labels(cells))[0]![0]!;
  } catch (error) {
    await pool.close();
    throw error;
  }
  return {
    label,
    async runner(tasks, signal) {
      // Every task settles first: the error reported is the first in task order, not in time.
      const settled = await Promise.allSettled(tasks.map((task) => pool.judge(0, task, signal)));
      return settled.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      });
    },
    detailed: (task) => pool.judgeDetailed(0, task),
    close: () => pool.close(),
  };
}
