/**
 * The worker-thread side of `meshsim check`: judges one fault schedule per task. The scenario
 * arrives once per thread as piscina's workerData, so a task is a list of faults and a
 * replication. Bundled as its own entry (dist/cli/check-worker.js) so it loads under plain node.
 */
import { workerData } from 'piscina';
import { judgeSchedule, type JudgeTask, type Judgement } from '../check/judge.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimulationOptions } from '../sim/simulation.js';
import { usesPlugins } from '../sweep/run-cells.js';

const { scenario } = workerData as { scenario: Scenario };

// Plug-in modules are imported once per thread (the main thread has already checked them).
const options: SimulationOptions = usesPlugins([scenario.balancer])
  ? { createBalancer: (await (await import('../plugins/load-plugins.js')).loadBalancerPlugins(scenario)).createBalancer }
  : {};

export default function judge(task: JudgeTask): Judgement {
  return judgeSchedule(scenario, task, options);
}
