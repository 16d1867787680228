/**
 * Guarantee search (`meshsim check`) as a library: search a scenario's `faultSpace:` for the
 * smallest fault schedule that breaks its `slo:`, or judge one schedule (src/index.ts
 * re-exports this).
 *
 * ```ts
 * import { checkScenario, inProcessJudge, resolveScenario } from 'meshsim';
 * const { scenario } = resolveScenario({ ... slo: [...], faultSpace: { kinds: { crash: { for: ['1s', '20s'] } } } });
 * const outcome = await checkScenario(scenario, { runner: inProcessJudge(scenario) });
 * // outcome.status: 'violated' | 'held' | 'inconclusive'; outcome.counterexample?.faults
 * ```
 */
export {
  checkScenario,
  type CheckOptions,
  type CheckOutcome,
  type CheckProgress,
  type CheckStatus,
  type Counterexample,
  type RobustnessReport,
  type SearchReport,
  type ShrinkReport,
} from './search.js';
export { inProcessJudge, judgeSchedule, withFaults, type GuaranteeJudgement, type JudgeRunner, type JudgeTask, type Judgement } from './judge.js';
export { materialise, resolveFaultSpace, type FaultSpace, type KindSpace } from './fault-space.js';
export { scheduleArbitrary, type RawFault, type RawSchedule } from './schedule.js';
export type { CoverageReport, Finding } from './coverage.js';
export { faultSpaceSchema, searchSchema, provenanceSchema, type FaultSpaceSpec, type SearchSpec, type ProvenanceSpec } from './schema.js';
