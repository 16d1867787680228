import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatScenarioJsonSchema, scenarioJsonSchema, SCENARIO_SCHEMA_ID } from '../../src/scenario/json-schema.js';

const committed = join(import.meta.dirname, '..', '..', 'schema', 'scenario.schema.json');

describe('scenario JSON Schema', () => {
  it('the committed schema/scenario.schema.json is up to date', () => {
    const onDisk = readFileSync(committed, 'utf8');
    expect(onDisk, 'schema/scenario.schema.json is stale: run `npm run schema:write` and commit it').toBe(
      formatScenarioJsonSchema(),
    );
  });

  it('describes the input shape: identity, durations as number or string, no required defaults', () => {
    const schema = scenarioJsonSchema() as {
      $id: string;
      $schema: string;
      title: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { anyOf?: { type: string }[] }>;
    };
    expect(schema.$id).toBe(SCENARIO_SCHEMA_ID);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('meshsim scenario');
    expect(schema.required).toEqual(['name', 'arrivals', 'service', 'balancer']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.duration?.anyOf?.map((o) => o.type)).toEqual(['number', 'string']);
  });

  it('the contract example uses only keys the schema declares', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown> };
    const example = parse(readFileSync(join(import.meta.dirname, 'fixtures', 'contract-example.yaml'), 'utf8')) as object;
    for (const key of Object.keys(example)) expect(schema.properties).toHaveProperty([key]);
  });
});
