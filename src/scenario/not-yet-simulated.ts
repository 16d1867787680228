/**
 * Scenario keys the schema accepts but the simulation does not run together yet. The dynamics
 * keys (`membership`, `discovery`, `autoscaling`) run in the full simulation; what does not
 * yet combine with them is refused with a clear message rather than run as if the key were
 * not there:
 * - `heartbeat`: a central heartbeat detector watches a fixed set of instances; with pods that
 *   come and go it would suspect every slot without a pod.
 */
import { DYNAMICS_KEYS } from './dynamics-schema.js';
import { ScenarioError } from './errors.js';

export const NOT_YET_SIMULATED_MESSAGE =
  'valid, but not yet supported by the simulation together with membership, discovery or autoscaling (instances that come and go): ' +
  'a central heartbeat detector watches a fixed set of instances; remove one of them';

/** The top-level keys of `scenario` that the simulation cannot run together with the rest. */
export function notYetSimulatedKeys(scenario: object): string[] {
  const record = scenario as Record<string, unknown>;
  const dynamic = DYNAMICS_KEYS.some((key) => record[key] !== undefined);
  return dynamic && record.heartbeat !== undefined ? ['heartbeat'] : [];
}

/** Throws a ScenarioError (exit status 2 in the CLI) naming every such key. */
export function assertSimulated(scenario: object, file = ''): void {
  const keys = notYetSimulatedKeys(scenario);
  if (keys.length > 0) throw new ScenarioError(keys.map((path) => ({ file, path, message: NOT_YET_SIMULATED_MESSAGE })));
}
