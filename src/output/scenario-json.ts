/**
 * scenario.json: the resolved scenario a run used, after `--set` overrides, validation and
 * defaults (durations in milliseconds, data files read into `times`/`values`), so a result
 * folder says exactly what was simulated.
 */
import type { Scenario } from '../scenario/schema.js';
import { jsonText } from './json-text.js';

export function formatScenarioJson(scenario: Scenario): string {
  return jsonText(scenario);
}
