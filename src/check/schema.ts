/**
 * The scenario keys of `meshsim check`: `faultSpace:` (which fault schedules may be tried),
 * `search:` (the budget and strategy of the search) and `provenance:` (where a written
 * counterexample came from; `meshsim run` ignores it). The guarantees are the scenario's own
 * `slo:` (src/slo), judged exactly as compare judges them.
 *
 * ```yaml
 * faultSpace:
 *   kinds:                          # listed simplest-first: shrinking prefers earlier kinds
 *     crash: { for: [1s, 60s] }
 *     hang:  { for: [1s, 30s], size: [1, 2] }
 *     slow:  { for: [1s, 30s], factor: [2, 20] }
 *   maxFaults: 3                    # faults per schedule
 *   maxConcurrent: 2                # at most this many active at once (later ones are dropped)
 *   start: [10s, 80s]               # fault start times; default from the warm-up
 *   settle: 20s                     # no fault active in the last 20 s of arrivals
 *   grid: 250ms                     # start times and durations are multiples of this
 *   targets: any                    # any | [0, 1, 2] | { zone: b }
 *   swarm: true                     # each schedule enables a random subset of the kinds
 * search: { runs: 2000, targeted: 0.3, strategy: anneal, seed: 7, robustness: 10 }
 * ```
 *
 * The words follow ../shared/reference/guarantee-search.md §4.2 (Jepsen's node-spec words for
 * how many instances a fault hits; Molly's "end of finite failures" for `settle`).
 */
import { z } from 'zod';
import { duration, isNonNegative, isPositive, positiveDuration } from '../scenario/common-schema.js';
import { formatDuration } from '../scenario/duration.js';
import { expectedText } from '../scenario/expected-text.js';
import type { SloObjective } from '../slo/objective.js';

/** Fault kinds a fault space may list; the same words as the scenario's `faults:`. */
export const SPACE_KINDS = ['crash', 'hang', 'slow', 'errors', 'partition', 'crashloop', 'zone'] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];

/** Jepsen's node-spec words for how many instances of the target pool one fault hits. */
export const SIZE_WORDS = ['one', 'minority', 'majority', 'all'] as const;
export type SizeWord = (typeof SIZE_WORDS)[number];

/** `x` or `[min, max]`, always read as `[min, max]`. */
function range(item: z.ZodType<number, unknown>, what: string, show: (x: number) => string = String) {
  return z
    .union([item, z.tuple([item, item])])
    .transform((v): [number, number] => (Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number]))
    .superRefine((v, ctx) => {
      if (Number.isFinite(v[0]) && Number.isFinite(v[1]) && v[1] < v[0]) {
        ctx.addIssue({ code: 'custom', message: `a range [min, max] of ${what} with min ≤ max`, params: { found: `[${show(v[0])}, ${show(v[1])}]` } });
      }
    })
    .register(expectedText, { expected: `${what}, or a range [min, max] of them` });
}

const durationRange = range(positiveDuration, 'positive durations such as 1s', formatDuration);

const kindSpec = z
  .strictObject({
    for: durationRange.describe('how long a fault lasts (crash: may not restart before its end)'),
    factor: range(z.number().gt(1), 'numbers above 1').optional().describe('slow: service rate divided by this; default [2, 10]'),
    rate: range(z.number().gt(0).max(1), 'fractions in (0, 1]').optional().describe('errors: fraction of 5xx responses; default [0.1, 1]'),
    uptime: durationRange.optional().describe('crashloop: each start crashes again after running this long; default [1s, 10s]'),
    path: z.enum(['control', 'data']).optional().describe('partition: what the partition cuts; default control'),
    size: z
      .union([z.int().positive(), z.tuple([z.int().positive(), z.int().positive()]), z.enum(SIZE_WORDS)])
      .optional()
      .describe('instances one fault hits: a count, a range [min, max], or one | minority | majority | all; default 1'),
  })
  .describe('one fault kind of the space and the ranges its faults are drawn from');

/** Which kind-specific keys each kind takes. */
const KIND_KEYS: Readonly<Record<SpaceKind, readonly string[]>> = {
  crash: ['size'],
  hang: ['size'],
  slow: ['factor', 'size'],
  errors: ['rate', 'size'],
  partition: ['path', 'size'],
  crashloop: ['uptime', 'size'],
  zone: [],
};

const targets = z
  .union([
    z.literal('any'),
    z.array(z.int().nonnegative()).min(1),
    z.strictObject({ zone: z.string().min(1) }),
  ])
  .default('any')
  .describe('the instances faults may hit: any, a list of indices, or { zone: name }')
  .register(expectedText, { expected: '`any`, a list of instance indices, or { zone: <name> }' });

export const faultSpaceSchema = z
  .strictObject({
    kinds: z
      .partialRecord(z.enum(SPACE_KINDS), kindSpec)
      // Not when a key was unknown: that message already says what is wrong.
      .refine((kinds) => Object.keys(kinds).length > 0, {
        message: `at least one fault kind (${SPACE_KINDS.join(', ')})`,
        params: { found: 'none' },
        when: (payload) => payload.issues.length === 0,
      })
      .superRefine((kinds, ctx) => {
        for (const [kind, spec] of Object.entries(kinds) as [SpaceKind, Record<string, unknown>][]) {
          for (const key of Object.keys(spec)) {
            if (key === 'for' || spec[key] === undefined || KIND_KEYS[kind].includes(key)) continue;
            const allowed = ['for', ...KIND_KEYS[kind]].map((k) => `\`${k}\``).join(', ');
            ctx.addIssue({ code: 'custom', message: `only ${allowed} for ${kind} faults`, path: [kind, key], params: { found: `\`${key}\`` } });
          }
        }
      })
      .describe('the fault kinds to try, simplest first (shrinking prefers the earlier ones), each with its ranges'),
    maxFaults: z.int().min(1).max(32).default(3).describe('faults per schedule'),
    maxConcurrent: z.int().positive().optional().describe('at most this many faults active at once; default maxFaults'),
    start: durationRange.optional().describe('when faults may start; default from the warm-up to the latest start that leaves room for the shortest fault'),
    settle: duration.optional().describe('no fault may be active in the last `settle` of arrivals; default the largest per-fault recovery bound of the SLO'),
    grid: positiveDuration.default(1000).describe('start times and durations are multiples of this, so schedules shrink to round values'),
    targets,
    swarm: z.boolean().default(true).describe('each schedule enables a random non-empty subset of the kinds (swarm testing)'),
  })
  .describe('the fault schedules `meshsim check` may try');

export const searchSchema = z
  .strictObject({
    runs: z.int().positive().default(1000).describe('simulations for the random and targeted phases: the deterministic budget'),
    timeLimit: positiveDuration.optional().describe('wall-clock cap; a search it stops is reported as interrupted and is machine-dependent'),
    targeted: z.number().min(0).max(1).default(0.3).describe('share of `runs` given to the targeted phase'),
    strategy: z.enum(['anneal', 'hillclimb', 'off']).default('anneal').describe('targeted phase: simulated annealing, hill climbing, or none'),
    shrinkRuns: z.int().nonnegative().default(500).describe('simulations at most for shrinking a counterexample'),
    shrinkTimeLimit: positiveDuration.optional().describe('wall-clock cap on shrinking'),
    seed: z.int().nonnegative().optional().describe('search seed; default the scenario seed (which stays the simulation seed)'),
    robustness: z.int().nonnegative().default(10).describe('re-judge the counterexample under this many other simulation seeds'),
    minRuns: z.int().nonnegative().optional().describe('an interrupted search that completed fewer runs is inconclusive; default `runs`'),
  })
  .describe('the budget and strategy of `meshsim check`');

export const CHECK_PHASES = ['baseline', 'random', 'targeted', 'replay'] as const;
export type CheckPhase = (typeof CHECK_PHASES)[number];

export const provenanceSchema = z
  .strictObject({
    tool: z.literal('meshsim check'),
    meshsimVersion: z.string(),
    source: z.string().optional().describe('the scenario file that was checked'),
    searchSeed: z.int().nonnegative(),
    phase: z.enum(CHECK_PHASES).describe('the search phase that found the schedule'),
    runIndex: z.int().nonnegative().describe('its run within that phase, from 0'),
    path: z.string().nullable().describe('fast-check replay path of the shrunk value (with `searchSeed`), when there is one'),
    margin: z.number().nullable().describe('the SLO margin of this scenario as written; `meshsim check --replay` must find it again'),
    fingerprint: z.string().describe('SHA-256 of the scenario as judged (without this block): a replay of the unchanged scenario must find `margin` to the last bit'),
    violated: z.array(z.string()).describe('the objectives it violates'),
  })
  .describe('where this scenario came from (written by `meshsim check`; ignored by `meshsim run`)');

export type FaultSpaceSpec = z.output<typeof faultSpaceSchema>;
export type KindSpec = z.output<typeof kindSpec>;
export type SearchSpec = z.output<typeof searchSchema>;
export type ProvenanceSpec = z.output<typeof provenanceSchema>;

/** The search settings with defaults filled in (a scenario without `search:` gets them all). */
export function searchSettings(search: SearchSpec | undefined): SearchSpec {
  return search ?? searchSchema.parse({});
}

/**
 * The default `settle`: the largest time bound of the per-fault recovery objectives, so that
 * every fault's recovery can be seen before arrivals stop (0 without such objectives).
 */
export function defaultSettle(objectives: readonly SloObjective[]): number {
  let settle = 0;
  for (const o of objectives) if (o.per === 'fault' && o.sli.startsWith('recovery.')) settle = Math.max(settle, o.value);
  return settle;
}

/** The instances `targets` names, in order; undefined when a name or index does not exist (reported elsewhere). */
export function targetPool(
  spec: FaultSpaceSpec['targets'],
  zoneOf: readonly string[],
): number[] {
  if (spec === 'any') return zoneOf.map((_, i) => i);
  if (Array.isArray(spec)) return [...new Set(spec)].filter((i) => i < zoneOf.length);
  return zoneOf.flatMap((zone, i) => (zone === spec.zone ? [i] : []));
}

/** Instances hit by one fault: [min, max] for `size` over a pool of `n`. */
export function sizeRange(size: KindSpec['size'], n: number): [number, number] {
  if (size === undefined) return [1, 1];
  if (typeof size === 'number') return [size, size];
  if (Array.isArray(size)) return [size[0], size[1]];
  const count = { one: 1, minority: Math.max(1, Math.floor((n - 1) / 2)), majority: Math.floor(n / 2) + 1, all: n }[size];
  return [count, count];
}

/** The earliest and latest start that `faultSpace` allows, after defaults. */
export function startRange(space: FaultSpaceSpec, fields: { duration: number; warmup: number }, settle: number): [number, number] {
  if (space.start !== undefined) return space.start;
  const shortest = Math.min(...Object.values(space.kinds).map((k) => k!.for[0]));
  return [fields.warmup, fields.duration - settle - shortest];
}

interface CheckFields {
  readonly duration?: number | undefined;
  readonly warmup: number;
  readonly slo?: readonly (SloObjective | undefined)[] | undefined;
  readonly faultSpace?: FaultSpaceSpec | undefined;
  readonly search?: SearchSpec | undefined;
}

/** Zone of each instance, for the rules that name zones. */
type ZoneOf = readonly string[];

/**
 * Cross-field rules of `faultSpace:`: it needs a run with a `duration`, every kind's shortest
 * fault must fit between its latest start and the settle time, and targets must exist.
 */
export function refineFaultSpace(s: CheckFields, zoneOf: ZoneOf, ctx: z.RefinementCtx): void {
  const space = s.faultSpace;
  if (space === undefined || typeof space !== 'object' || space.kinds === undefined) return;
  const issue = (path: (string | number)[], message: string, found: string) =>
    ctx.addIssue({ code: 'custom', message, path: ['faultSpace', ...path], params: { found } });
  if (!isPositive(s.duration)) {
    if (s.duration === undefined) issue([], 'a scenario with a `duration` (a fault space is laid out in time)', 'a run bounded by `requests`');
    return;
  }
  const objectives = (s.slo ?? []).filter((o): o is SloObjective => typeof o === 'object' && o !== null && typeof o.sli === 'string');
  const settle = space.settle ?? defaultSettle(objectives);
  const end = s.duration;
  if (!isNonNegative(settle) || !isNonNegative(s.warmup)) return;
  if (settle >= end - s.warmup) {
    issue(['settle'], `a settle time shorter than the counted span (${formatDuration(end - s.warmup)})`, formatDuration(settle));
    return;
  }
  const pool = targetPool(space.targets, zoneOf);
  if (Array.isArray(space.targets)) {
    space.targets.forEach((id, i) => {
      if (id >= zoneOf.length) issue(['targets', i], `an instance index below ${zoneOf.length} (service.instances)`, String(id));
    });
  } else if (space.targets !== 'any' && pool.length === 0) {
    const zones = [...new Set(zoneOf)];
    issue(['targets', 'zone'], `a zone of the service (${zones.map((z) => `\`${z}\``).join(', ')})`, `"${space.targets.zone}"`);
  }
  const [from, to] = startRange(space, { duration: end, warmup: s.warmup }, settle);
  if (space.start !== undefined && to >= end) {
    issue(['start'], `start times before the end of arrivals (${formatDuration(end)})`, `[${formatDuration(from)}, ${formatDuration(to)}]`);
  }
  for (const [kind, spec] of Object.entries(space.kinds) as [SpaceKind, KindSpec][]) {
    if (spec === undefined || !Array.isArray(spec.for)) continue;
    // A fault that starts later than this is moved earlier (fault-space.ts); the earliest start must fit.
    if (from + spec.for[0] > end - settle) {
      issue(
        ['kinds', kind, 'for'],
        `a shortest ${kind} fault that fits between the earliest start (${formatDuration(from)}) and the settle time (${formatDuration(end - settle)})`,
        formatDuration(spec.for[0]),
      );
    }
    if (kind !== 'zone' && pool.length > 0) {
      const [low, high] = sizeRange(spec.size, pool.length);
      if (low > high) issue(['kinds', kind, 'size'], 'a range [min, max] with min ≤ max', `[${low}, ${high}]`);
      else if (high > pool.length) issue(['kinds', kind, 'size'], `at most ${pool.length} instances (the target pool)`, String(high));
    }
  }
  if (Math.floor((to - from) / space.grid) > 1e7) {
    issue(['grid'], 'a grid of at most ten million start slots', `${formatDuration(space.grid)} over ${formatDuration(to - from)}`);
  }
  const search = s.search;
  if (search !== undefined && search.minRuns !== undefined && search.runs !== undefined && search.minRuns > search.runs) {
    ctx.addIssue({ code: 'custom', message: `at most \`runs\` (${search.runs})`, path: ['search', 'minRuns'], params: { found: String(search.minRuns) } });
  }
}
