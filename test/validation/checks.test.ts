import { describe, expect, it } from 'vitest';
import { QUEUEING_CHECKS, runCheck, type CheckOutcome } from '../../src/validation/checks.js';
import { simulateReplication } from '../../src/sim/run-scenario.js';

// The engine against queueing theory, in quick mode (the full mode is `npm run validate`, on
// the fast path and on the full simulation). Each check's tolerance is the 99.9 % Student-t
// confidence half-width of its replications plus a stated bias allowance (see
// src/validation/checks.ts); seeds are fixed, so a verdict never changes from run to run.
function expectPass(outcome: CheckOutcome): void {
  const detail = `${outcome.id}: theory ${outcome.theory.toFixed(4)} ms, meshsim ${outcome.estimate.toFixed(4)} ± ${outcome.halfWidth.toFixed(4)} ms (tolerance ${outcome.tolerance.toFixed(4)})`;
  expect(outcome.pass, detail).toBe(true);
  // The interval must also be tight enough to mean something: within 5 % of the value.
  expect(outcome.tolerance / outcome.theory, detail).toBeLessThan(0.05);
}

describe('queueing-theory checks (quick mode)', () => {
  for (const check of QUEUEING_CHECKS) {
    it(check.title, () => expectPass(runCheck(check, 'quick')));
  }
});

// `meshsim validate --engine full` runs every check through the full simulation (the engine
// of every run with faults, retries or detectors). Here, to stay quick: two checks that take
// different paths through it (one instance with its FIFO queue; JIQ's idle announcements to
// 100 clients over 1000 instances), and every check's scenario, shortened to about 3·10⁴
// requests, number for number equal on both engines, so the fast path's verdicts above hold
// for the full engine too.
describe('queueing-theory checks through the full simulation (quick mode)', () => {
  for (const id of ['mm1-mean', 'jiq-r10']) {
    const check = QUEUEING_CHECKS.find((c) => c.id === id)!;
    it(check.title, () => expectPass(runCheck(check, 'quick', 'full')));
  }

  it('gives, for every check, exactly the metrics of the fast path', () => {
    for (const check of QUEUEING_CHECKS) {
      const scenario = check.scenario('quick');
      const rate = scenario.arrivals.kind === 'poisson' ? scenario.arrivals.rate : NaN;
      const short = { ...scenario, duration: scenario.warmup + Math.min(scenario.duration! - scenario.warmup, (3e4 / rate) * 1000) };
      const fast = simulateReplication(short, 0);
      const full = simulateReplication(short, 0, short.balancer, { engine: 'full' });
      expect(fast.arrived, check.id).toBeGreaterThan(1e4);
      expect(JSON.stringify(full), check.id).toBe(JSON.stringify(fast));
    }
  });
});
