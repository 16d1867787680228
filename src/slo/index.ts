/**
 * Service-level objectives: the `slo:` language, the recording a run does for it, and the
 * evaluator that judges a replication (src/index.ts re-exports this for library users).
 */
export {
  FAULT_MODES,
  SLIS,
  formatObjectiveValue,
  latencyQuantile,
  margin,
  objectiveText,
  parseObjectiveText,
  scopeKind,
  sliDefinition,
  type FaultMode,
  type ObjectiveProblem,
  type SliDefinition,
  type SloObjective,
  type SloOp,
  type SloScope,
} from './objective.js';
export { sloSchema, type SloSpec } from './schema.js';
export { DEFAULT_SLO, needsLatency, recordingStep, scenarioSlo, type ScenarioSlo } from './plan.js';
export {
  evaluateSlo,
  windowSeries,
  type WindowPoint,
  type GuaranteeResult,
  type IncidentRecovery,
  type JudgedUnit,
  type SloVerdict,
} from './evaluate.js';
export type { FaultRecord, SloObservation, StepCounts } from './observation.js';
export { SloRecorder } from './recorder.js';
export { WINDOW_QUANTILE_RELATIVE_ERROR } from '../metrics/window-latencies.js';
