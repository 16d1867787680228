/**
 * Scenario keys the schema accepts but the simulation does not run yet. The models behind
 * `membership`, `discovery` and `autoscaling` exist (src/membership, src/discovery,
 * src/autoscale) and are validated here, but the event loop does not drive them yet, so a
 * scenario using them is refused with a clear message rather than run as if the keys were
 * not there.
 */
import { DYNAMICS_KEYS } from './dynamics-schema.js';
import { ScenarioError } from './errors.js';

export const NOT_YET_SIMULATED_MESSAGE =
  'valid, but not yet supported by the simulation: instances that join and leave, endpoint propagation and autoscaling are modelled ' +
  '(src/membership, src/discovery, src/autoscale) but runs do not use them yet; remove the key to run the scenario';

/** The top-level keys of `scenario` that the simulation cannot run yet. */
export function notYetSimulatedKeys(scenario: object): string[] {
  const record = scenario as Record<string, unknown>;
  return DYNAMICS_KEYS.filter((key) => record[key] !== undefined);
}

/** Throws a ScenarioError (exit status 2 in the CLI) naming every such key. */
export function assertSimulated(scenario: object, file = ''): void {
  const keys = notYetSimulatedKeys(scenario);
  if (keys.length > 0) throw new ScenarioError(keys.map((path) => ({ file, path, message: NOT_YET_SIMULATED_MESSAGE })));
}
