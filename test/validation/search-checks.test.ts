// meshsim check against planted weaknesses, in quick mode (the full mode, with ten search seeds
// per weakness and the 2,000-run budgets, is `npm run validate -- --family search`). The needle
// has its own file (search-needle.test.ts) so the two run in parallel.
import { describe, expect, it } from 'vitest';
import { SEARCH_CHECKS } from '../../src/validation/search-checks.js';

describe('search checks (quick mode)', () => {
  for (const check of SEARCH_CHECKS.filter((c) => c.id !== 'needle')) {
    it(check.title, async () => {
      const outcome = await check.run('quick');
      expect(outcome.pass, `${outcome.claim}\nmeasured: ${outcome.measured}`).toBe(true);
    });
  }
});
