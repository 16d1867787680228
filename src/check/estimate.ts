/**
 * The pre-run estimate of work and memory of `meshsim check`, for the caps of
 * src/cli/resource-limits.ts (issue 14): the estimate of one simulation (src/sim/resource-estimate.ts)
 * times the most simulations the search may run (search.ts `simulationBudget`).
 *
 * - One simulation: replication 0 of the scenario with the fault space's heaviest schedule,
 *   `maxFaults` copies of the harshest fault of the kind that costs most (crash loops restart,
 *   every fault extends the run by the restart back-off), so the figure is an upper bound.
 *   A search simulation records no events or time series: only its SLO observation.
 * - The shown run (the counterexample, or the closest call) is simulated once more with its
 *   events and time series, which are kept until written.
 * - Every judged schedule is remembered (judge-cache.ts, coverage.ts) until the end.
 *
 * Cost: O(kinds) estimates of one scenario; nothing is allocated per instance or per run.
 */
import type { Scenario } from '../scenario/schema.js';
import { estimateScenario, type EstimateDriver, type ResourceEstimate } from '../sim/resource-estimate.js';
import { harshestFault, resolveFaultSpace } from './fault-space.js';
import { withFaults } from './judge.js';
import { simulationBudget, type CheckOptions, type SimulationBudget } from './search.js';

/**
 * Bytes a judged schedule keeps until the search ends: its judgement and its cache key
 * (measured on Node 20 with process.memoryUsage() after GC, 21,000 against 1,000 runs with up
 * to 3 faults a schedule and two guarantees: about 650 B; rounded up, as the estimate's other
 * sizes are).
 */
const BYTES_PER_JUDGED_SCHEDULE = 1_000;

export interface CheckEstimate {
  readonly estimate: ResourceEstimate;
  readonly budget: SimulationBudget;
}

export function estimateCheck(scenario: Scenario, options: Pick<CheckOptions, 'path' | 'shrink' | 'replay'> = {}): CheckEstimate {
  const budget = simulationBudget(scenario, options);
  const runs = budget.baseline + budget.search + budget.shrink + budget.minimality + budget.robustness;
  const judged = { ...(options.replay ? scenario : heaviestSchedule(scenario)), replications: 1 };
  const one = estimateScenario(judged, [scenario.balancer]);
  const shown = estimateScenario(judged, [scenario.balancer], { details: true });
  const kept: EstimateDriver = { path: ['search', 'runs'], what: 'judged schedules', amount: runs * BYTES_PER_JUDGED_SCHEDULE };
  return {
    budget,
    estimate: {
      events: one.events * runs + shown.events,
      simulations: runs + 1,
      eventDrivers: one.eventDrivers,
      simulationBytes: one.simulationBytes,
      memoryDrivers: one.memoryDrivers,
      resultBytes: kept.amount + shown.resultBytes,
      resultDrivers: [kept, ...shown.resultDrivers].sort((a, b) => b.amount - a.amount),
    },
  };
}

/** The scenario with the schedule of the fault space that costs most to simulate. */
function heaviestSchedule(scenario: Scenario): Scenario {
  if (scenario.faultSpace === undefined) return scenario;
  const space = resolveFaultSpace(scenario);
  let heaviest = scenario;
  let most = -1;
  for (const kind of space.kinds) {
    const candidate = withFaults(scenario, Array.from({ length: space.maxFaults }, () => harshestFault(kind, space)));
    const { events, simulationBytes } = estimateScenario(candidate, [scenario.balancer]);
    // Events first; memory breaks ties (kinds that add the same few events).
    const cost = events + simulationBytes / 1e12;
    if (cost > most) {
      most = cost;
      heaviest = candidate;
    }
  }
  return heaviest;
}
