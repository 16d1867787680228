/**
 * The scenario's `slo:` key: a list of objectives, each in the text form
 * (`availability >= 99.9% per 10s`) or the long form (OpenSLO's words), both turned into the
 * canonical SloObjective. The canonical form parses again unchanged, so a resolved scenario
 * (scenario.json) validates like the file it came from.
 *
 * ```yaml
 * slo:
 *   - availability >= 99.9% per 10s
 *   - latency.p99 <= 200ms per 10s
 *   - lost == 0 over run
 *   - name: crashed-instance-ejected
 *     sli: detection.timeToEject
 *     value: 15s
 *     per: fault
 *     kinds: [crash, hang]
 *   - { sli: availability, target: 99.9%, per: 10s, minRequests: 50 }
 * ```
 */
import { z } from 'zod';
import { expectedText } from '../scenario/expected-text.js';
import { formatDuration } from '../scenario/duration.js';
import { recordingStep, stepsOver } from './plan.js';
import {
  FAULT_MODES,
  OBJECTIVE_EXAMPLE,
  checkCombination,
  defaultScope,
  isProblem,
  objectiveText,
  parseObjectiveText,
  parseObjectiveValue,
  parseOp,
  parseScope,
  scopeKind,
  sliDefinition,
  type SloObjective,
} from './objective.js';

const textForm = z
  .string()
  .transform((text, ctx): SloObjective => {
    const parsed = parseObjectiveText(text);
    if (isProblem(parsed)) {
      ctx.addIssue({ code: 'custom', message: parsed.expected, params: { found: parsed.found }, input: text });
      return z.NEVER;
    }
    return parsed;
  })
  .describe(`an objective in text form: <sli> <op> <value> [per <window> | per fault | over run], e.g. ${OBJECTIVE_EXAMPLE}`);

const scalar = z.union([z.number(), z.string()]);

const longForm = z
  .strictObject({
    name: z.string().min(1).optional().describe('unique within the SLO; default the objective’s text'),
    sli: z.string().min(1).describe('availability, errors.share, timeouts.share, retries.share, goodput, latency.pNN, lost, detection.timeToEject, recovery.timeToRecover, recovery.afterFaultEnd, recovery.serviceTimeToRecover'),
    op: z.enum(['>=', '<=', '==', 'gte', 'lte', 'eq']).optional().describe('default the SLI’s own direction'),
    value: scalar.optional().describe('threshold: a duration for times, requests/s for goodput, 0 for invariants, a share for ratios'),
    target: scalar.optional().describe('ratio SLIs: the share to keep, such as 99.9% (OpenSLO `target`); same as `value`'),
    per: scalar
      .optional()
      .describe('a rolling window (10s, 1m), `fault`, or `run`; default `run` (per-fault SLIs: `fault`)'),
    minRequests: z.int().nonnegative().default(1).describe('windows (or a run) with fewer counted requests are not judged'),
    kinds: z.array(z.enum(FAULT_MODES)).min(1).optional().describe('per-fault objectives: judge only faults of these kinds'),
  })
  .transform((o, ctx): SloObjective => {
    const fail = (key: string, expected: string, found: string) => {
      ctx.addIssue({ code: 'custom', message: expected, path: [key], params: { found } });
      return z.NEVER;
    };
    if (sliDefinition(o.sli) === undefined) {
      const problem = checkCombination(o.sli, '>=', 'run')!;
      return fail('sli', problem.expected, problem.found);
    }
    const op = o.op === undefined ? sliDefinition(o.sli)!.op : parseOp(o.op)!;
    const per = o.per === undefined ? defaultScope(o.sli) : parseScope(o.per);
    if (isProblem(per)) return fail('per', per.expected, per.found);
    const combination = checkCombination(o.sli, op, per);
    if (combination !== undefined) return fail(combination.key!, combination.expected, combination.found);
    if ((o.value === undefined) === (o.target === undefined)) {
      return fail(o.value === undefined ? 'value' : 'target', 'exactly one of `value` or `target`', o.value === undefined ? 'neither' : 'both');
    }
    const key = o.value === undefined ? 'target' : 'value';
    const value = parseObjectiveValue(o.sli, o.value ?? o.target);
    if (isProblem(value)) return fail(key, value.expected, value.found);
    if (o.kinds !== undefined && per !== 'fault') return fail('kinds', '`kinds` only with `per: fault`', 'kinds');
    const canonical = { sli: o.sli, op, value, per, minRequests: o.minRequests };
    return { name: o.name ?? objectiveText(canonical), ...canonical, ...(o.kinds && { kinds: o.kinds }) };
  });

export const sloSchema = z
  .array(z.union([textForm, longForm]))
  .min(1)
  .superRefine((objectives, ctx) => {
    const seen = new Set<string>();
    objectives.forEach((o, i) => {
      if (o === undefined || typeof o.name !== 'string') return;
      if (seen.has(o.name)) {
        ctx.addIssue({ code: 'custom', message: 'an objective name no other objective has', path: [i], params: { found: `"${o.name}" twice` } });
      }
      seen.add(o.name);
    });
  })
  .register(expectedText, { expected: `a list of objectives such as [${OBJECTIVE_EXAMPLE}]` })
  .describe('service-level objectives: what `compare` ranks by and `check` searches to break');

export type SloSpec = z.output<typeof sloSchema>;

/** Objectives judged per rolling window. */
export function windowed(objectives: readonly SloObjective[]): SloObjective[] {
  return objectives.filter((o) => scopeKind(o.per) === 'window');
}

/** At most this many recording steps per run: each keeps five counters (and a histogram with latency objectives). */
export const MAX_SLO_STEPS = 1_000_000;

interface SloFields {
  readonly slo?: readonly (SloObjective | undefined)[] | undefined;
  readonly duration?: number | undefined;
  readonly warmup: number;
}

/** Cross-field rules of `slo:`: a bounded number of recording steps, and service recovery needs windows. */
export function refineSlo(s: SloFields, ctx: z.RefinementCtx): void {
  const objectives = (s.slo ?? []).filter((o): o is SloObjective => typeof o === 'object' && o !== null && typeof o.sli === 'string');
  if (objectives.length === 0) return;
  if (typeof s.duration === 'number' && Number.isFinite(s.duration) && Number.isFinite(s.warmup)) {
    const steps = stepsOver(objectives, s.duration - s.warmup);
    if (steps > MAX_SLO_STEPS) {
      const i = objectives.findIndex((o) => typeof o.per === 'number');
      ctx.addIssue({
        code: 'custom',
        message: `windows whose greatest common divisor with 1s gives at most ${MAX_SLO_STEPS.toLocaleString('en')} steps over the counted ${formatDuration(s.duration - s.warmup)}`,
        path: ['slo', Math.max(0, i)],
        params: { found: `${steps.toLocaleString('en')} steps of ${formatDuration(recordingStep(objectives))}` },
      });
    }
  }
  const hasWindows = objectives.some((o) => typeof o.per === 'number');
  objectives.forEach((o, i) => {
    if (o.sli === 'recovery.serviceTimeToRecover' && !hasWindows) {
      ctx.addIssue({
        code: 'custom',
        message: 'a per-window objective beside it: the service is recovered when every window holds again',
        path: ['slo', i],
        params: { found: 'no objective per <window>' },
      });
    }
  });
}
