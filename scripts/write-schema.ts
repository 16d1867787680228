/**
 * Regenerates schema/scenario.schema.json from the zod scenario schema (`npm run schema:write`).
 * The file is committed for editors and tools; test/scenario/json-schema.test.ts fails when it
 * is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatScenarioJsonSchema } from '../src/scenario/json-schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'scenario.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, formatScenarioJsonSchema());
process.stdout.write(`wrote ${target}\n`);
