/**
 * The README's `--set` examples work on the scenario they are shown with (quickstart.yaml): a
 * documented example that fails is a bug (issue 10: `--set compare.0.variant=smooth` did).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';

const root = new URL('../..', import.meta.url).pathname;

/** Every inline `--set VALUE` of the README, shell quotes removed. */
function readmeSetExamples(): string[] {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  return [...readme.matchAll(/`--set ('([^']*)'|[^`\s]+)`/g)].map((m) => m[2] ?? m[1]!);
}

describe('README --set examples', () => {
  const examples = readmeSetExamples();

  it('are found', () => {
    expect(examples).toEqual(expect.arrayContaining(['service.instances=32', 'timeout=250ms', 'balancer={kind: round_robin}', 'compare.2.choices=3']));
  });

  it('each load with the quickstart scenario', () => {
    for (const example of examples) {
      expect(() => loadScenarioFile(`${root}scenarios/quickstart.yaml`, { set: [example] }), example).not.toThrow();
    }
    const { scenario } = loadScenarioFile(`${root}scenarios/quickstart.yaml`, { set: ['compare.2.choices=3'] });
    expect(scenario.compare![2]).toMatchObject({ kind: 'least_request', choices: 3 });
  });
});
