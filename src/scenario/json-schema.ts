/**
 * The published JSON Schema of scenario files (what users write: durations with units, all
 * defaults optional), generated from the zod schema so the two cannot drift. Committed as
 * schema/scenario.schema.json for editors; `npm run schema:write` regenerates it.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export const SCENARIO_SCHEMA_ID = 'urn:meshsim:schema:scenario';

export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  // Key order: identity first, so the file reads well from the top.
  return {
    $schema,
    $id: SCENARIO_SCHEMA_ID,
    title: 'meshsim scenario',
    description:
      'One meshsim experiment: workload, service, network and load-balancing strategy. ' +
      'Durations are numbers of milliseconds or strings with a unit (ns, us, ms, s, m, h); rates are per second.',
    ...rest,
  };
}

/** The committed file's exact text: two-space indentation and a trailing newline. */
export function formatScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
