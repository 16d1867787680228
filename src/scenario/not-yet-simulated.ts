/**
 * Scenario keys the schema accepts but the simulation does not run together yet. The dynamics
 * keys (`membership`, `discovery`, `autoscaling`) run in the full simulation; what does not
 * yet combine with them is refused with a clear message rather than run as if the key were
 * not there:
 * - `heartbeat`: a central heartbeat detector watches a fixed set of instances; with pods that
 *   come and go it would suspect every slot without a pod;
 * - a KPA without `maxScale` (0, Knative's default: unbounded): the simulation holds pods in a
 *   fixed number of instance slots, sized from the largest replica count the scenario can ask
 *   for, and an unbounded KPA names none.
 */
import { DYNAMICS_KEYS } from './dynamics-schema.js';
import { ScenarioError } from './errors.js';
import { formatPath } from './render-value.js';

export const NOT_YET_SIMULATED_MESSAGE =
  'valid, but not yet supported by the simulation together with membership, discovery or autoscaling (instances that come and go): ' +
  'a central heartbeat detector watches a fixed set of instances; remove one of them';

export const UNBOUNDED_KPA_MESSAGE =
  'valid, but the simulation needs a maxScale above 0: it holds pods in a fixed number of instance slots, sized from the largest ' +
  'replica count the scenario can ask for, and an unbounded KPA (maxScale 0, Knative’s default) names none';

/** What the simulation cannot run in `scenario`: the key and why. */
export function notYetSimulated(scenario: object): Array<{ path: Array<string>; message: string }> {
  const record = scenario as Record<string, unknown>;
  const dynamic = DYNAMICS_KEYS.some((key) => record[key] !== undefined);
  const problems: Array<{ path: Array<string>; message: string }> = [];
  if (dynamic && record.heartbeat !== undefined) problems.push({ path: ['heartbeat'], message: NOT_YET_SIMULATED_MESSAGE });
  const autoscaling = record.autoscaling as { kind?: string; maxScale?: number } | undefined;
  if (autoscaling?.kind === 'kpa' && !((autoscaling.maxScale ?? 0) > 0)) problems.push({ path: ['autoscaling', 'maxScale'], message: UNBOUNDED_KPA_MESSAGE });
  return problems;
}

/** Throws a ScenarioError (exit status 2 in the CLI) naming every such key. */
export function assertSimulated(scenario: object, file = ''): void {
  const problems = notYetSimulated(scenario);
  if (problems.length > 0) throw new ScenarioError(problems.map(({ path, message }) => ({ file, path: formatPath(path), message })));
}
