import { describe, expect, it } from 'vitest';
import { QUEUEING_CHECKS, runCheck } from '../../src/validation/checks.js';

// The engine against queueing theory, in quick mode (the full mode is `npm run validate`).
// Each check's tolerance is the 99.9 % Student-t confidence half-width of its replications
// plus a stated bias allowance (see src/validation/checks.ts); seeds are fixed, so a verdict
// never changes from run to run.
describe('queueing-theory checks (quick mode)', () => {
  for (const check of QUEUEING_CHECKS) {
    it(check.title, () => {
      const outcome = runCheck(check, 'quick');
      const detail = `${check.id}: theory ${outcome.theory.toFixed(4)} ms, meshsim ${outcome.estimate.toFixed(4)} ± ${outcome.halfWidth.toFixed(4)} ms (tolerance ${outcome.tolerance.toFixed(4)})`;
      expect(outcome.pass, detail).toBe(true);
      // The interval must also be tight enough to mean something: within 5 % of the value.
      expect(outcome.tolerance / outcome.theory, detail).toBeLessThan(0.05);
    });
  }
});
