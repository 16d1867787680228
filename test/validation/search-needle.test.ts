// The needle of search-checks.ts in quick mode: annealing finds two overlapping hangs that random
// search rarely draws (one search seed; the full mode compares ten seeds with random search).
import { expect, it } from 'vitest';
import { SEARCH_CHECKS } from '../../src/validation/search-checks.js';

it('annealing finds the needle (quick mode)', async () => {
  const outcome = await SEARCH_CHECKS.find((c) => c.id === 'needle')!.run('quick');
  expect(outcome.pass, `${outcome.claim}\nmeasured: ${outcome.measured}`).toBe(true);
});
