/**
 * A scenario's `faultSpace:` resolved into slot ranges, and `materialise`, which turns a raw
 * schedule (schedule.ts) into the scenario's `faults:`.
 *
 * Materialising is pure and total: every raw value in the arbitrary's domain gives a valid
 * schedule, by clamping rather than rejecting, so fast-check never wastes a draw and every
 * value can be shrunk. In order:
 * 1. swarm: faults of kinds whose flag is set are dropped (a schedule may end up empty);
 * 2. each fault is laid out: start = earliest + at·grid, moved earlier if its shortest
 *    duration would not end by the settle time; duration = the space's shortest + len·grid,
 *    clamped to the kind's own range and cut at the settle time; intensity between the kind's
 *    mildest and harshest; `shortest size + width` consecutive instances of the pool from
 *    `target`, clamped to the kind's sizes (zone faults: a zone of the pool's instances).
 *    Durations and sizes are absolute, not scaled per kind, so a fault that shrinks to a
 *    simpler kind keeps its length and width wherever the simpler kind allows them: shrinking
 *    then really reaches the simplest kind that breaks the SLO;
 * 3. in start order, a fault is dropped when `maxConcurrent` faults are already active at its
 *    start, or when it would overlap another fault on one of its instances (the simulator
 *    applies one fault per instance at a time, and "two faults at once on one instance" has
 *    no single meaning);
 * 4. the rest, sorted by start time, become scenario faults (durations in ms).
 * Cost: O(f²) for f ≤ maxFaults faults.
 */
import type { FaultSpec, Scenario } from '../scenario/schema.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import { scenarioSlo } from '../slo/plan.js';
import { LEVELS, type RawFault, type RawSchedule } from './schedule.js';
import { defaultSettle, sizeRange, startRange, targetPool, type KindSpec, type SpaceKind } from './schema.js';

export interface KindSpace {
  readonly kind: SpaceKind;
  /** Shortest and longest fault, ms. */
  readonly shortest: number;
  readonly longest: number;
  /** Instances one fault hits. */
  readonly size: readonly [number, number];
  /** slow: factor; errors: rate; crashloop: uptime (ms). Absent for kinds without one. */
  readonly intensity?: { readonly key: 'factor' | 'rate' | 'uptime'; readonly mildest: number; readonly harshest: number; readonly decimals: number };
  readonly path?: 'control' | 'data';
}

export interface FaultSpace {
  /** In the order listed: the first is the simplest, where shrinking goes. */
  readonly kinds: readonly KindSpace[];
  /** The instances faults may hit, in order. */
  readonly pool: readonly number[];
  /** The zones of the pool's instances, in order of first appearance (zone faults). */
  readonly zones: readonly string[];
  /** Zone of every instance of the service. */
  readonly zoneOf: readonly string[];
  readonly grid: number;
  /** Earliest start (ms) and the number of grid slots after it a fault may start in. */
  readonly earliest: number;
  readonly startSlots: number;
  /** No fault is active after this time (ms): the end of arrivals minus `settle`. */
  readonly settleEnd: number;
  readonly maxFaults: number;
  readonly maxConcurrent: number;
  readonly swarm: boolean;
  /** The shortest fault of any kind (ms) and the fewest instances any kind hits. */
  readonly shortest: number;
  readonly smallest: number;
  /** The raw value's ranges: `len` in 0…lengthSlots grid steps above `shortest`, `width` in 0…widthSlots instances above `smallest`. */
  readonly lengthSlots: number;
  readonly widthSlots: number;
}

const DEFAULT_INTENSITY = { factor: [2, 10], rate: [0.1, 1], uptime: [1000, 10_000] } as const;

function intensityOf(kind: SpaceKind, spec: KindSpec): KindSpace['intensity'] {
  switch (kind) {
    case 'slow': {
      const [low, high] = spec.factor ?? DEFAULT_INTENSITY.factor;
      return { key: 'factor', mildest: low, harshest: high, decimals: 2 };
    }
    case 'errors': {
      const [low, high] = spec.rate ?? DEFAULT_INTENSITY.rate;
      return { key: 'rate', mildest: low, harshest: high, decimals: 3 };
    }
    case 'crashloop': {
      // The mildest crash loop runs longest between crashes.
      const [low, high] = spec.uptime ?? DEFAULT_INTENSITY.uptime;
      return { key: 'uptime', mildest: high, harshest: low, decimals: 0 };
    }
    default:
      return undefined;
  }
}

/** The fault space of a scenario that has one (the schema has checked it fits the run). */
export function resolveFaultSpace(scenario: Scenario): FaultSpace {
  const spec = scenario.faultSpace;
  if (spec === undefined) throw new Error('internal error: resolveFaultSpace on a scenario without faultSpace');
  const duration = scenario.duration!;
  const zoneOf = instanceConfigs(scenario).map((i) => i.zone);
  const pool = targetPool(spec.targets, zoneOf);
  const settle = spec.settle ?? defaultSettle(scenarioSlo(scenario).objectives);
  const [from, to] = startRange(spec, { duration, warmup: scenario.warmup }, settle);
  const grid = spec.grid;
  const kinds: KindSpace[] = (Object.entries(spec.kinds) as [SpaceKind, KindSpec][]).map(([kind, k]) => {
    const intensity = intensityOf(kind, k);
    return {
      kind,
      shortest: k.for[0],
      longest: k.for[1],
      size: kind === 'zone' ? [1, 1] : sizeRange(k.size, pool.length),
      ...(intensity && { intensity }),
      ...(kind === 'partition' && { path: k.path ?? 'control' }),
    };
  });
  const shortest = Math.min(...kinds.map((k) => k.shortest));
  const smallest = Math.min(...kinds.map((k) => k.size[0]));
  return {
    kinds,
    pool,
    zones: [...new Set(pool.map((i) => zoneOf[i]!))],
    zoneOf,
    grid,
    earliest: from,
    startSlots: Math.max(0, Math.floor((to - from) / grid + 1e-9)),
    settleEnd: duration - settle,
    maxFaults: spec.maxFaults,
    maxConcurrent: spec.maxConcurrent ?? spec.maxFaults,
    swarm: spec.swarm && kinds.length > 1,
    shortest,
    smallest,
    lengthSlots: Math.floor((Math.max(...kinds.map((k) => k.longest)) - shortest) / grid + 1e-9),
    widthSlots: Math.max(...kinds.map((k) => k.size[1])) - smallest,
  };
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

function intensityValue(i: NonNullable<KindSpace['intensity']>, level: number): number {
  const raw = i.mildest + ((i.harshest - i.mildest) * Math.min(level, LEVELS)) / LEVELS;
  const rounded = Number(raw.toFixed(i.decimals));
  return Math.min(Math.max(rounded, Math.min(i.mildest, i.harshest)), Math.max(i.mildest, i.harshest));
}

interface Laid {
  readonly kind: KindSpace;
  readonly at: number;
  readonly end: number;
  readonly instances: readonly number[];
  readonly zone?: string;
  readonly intensity?: number;
}

function layOut(f: RawFault, kind: KindSpace, space: FaultSpace): Laid {
  const at = Math.min(space.earliest + Math.min(f.at, space.startSlots) * space.grid, space.settleEnd - kind.shortest);
  const length = clamp(space.shortest + Math.min(f.len, space.lengthSlots) * space.grid, kind.shortest, kind.longest);
  const end = Math.min(at + length, space.settleEnd);
  const intensity = kind.intensity && intensityValue(kind.intensity, f.level);
  if (kind.kind === 'zone') {
    const zone = space.zones[f.target % space.zones.length]!;
    const instances = space.zoneOf.flatMap((z, i) => (z === zone ? [i] : []));
    return { kind, at, end, instances, zone };
  }
  const count = clamp(space.smallest + Math.min(f.width, space.widthSlots), kind.size[0], kind.size[1]);
  const pool = space.pool;
  const instances = Array.from({ length: count }, (_, j) => pool[(f.target + j) % pool.length]!).sort((a, b) => a - b);
  return { kind, at, end, instances, ...(intensity !== undefined && { intensity }) };
}

function toFaultSpec(l: Laid): FaultSpec {
  const window = { at: l.at, for: l.end - l.at };
  if (l.kind.kind === 'zone') return { kind: 'zone', zone: l.zone!, ...window };
  const target = l.instances.length === 1 ? { instance: l.instances[0]! } : { instances: [...l.instances] };
  switch (l.kind.kind) {
    case 'slow':
      return { kind: 'slow', ...target, ...window, factor: l.intensity! };
    case 'errors':
      return { kind: 'errors', ...target, ...window, rate: l.intensity! };
    case 'crashloop':
      return { kind: 'crashloop', ...target, ...window, uptime: l.intensity! };
    case 'partition':
      return { kind: 'partition', ...target, ...window, path: l.kind.path ?? 'control' };
    default:
      return { kind: l.kind.kind, ...target, ...window };
  }
}

/**
 * The harshest fault of `kind` the space allows: earliest, longest, widest, at its harshest
 * intensity. The pre-run estimate (estimate.ts) prices a schedule of `maxFaults` of these.
 */
export function harshestFault(kind: KindSpace, space: FaultSpace): FaultSpec {
  const raw: RawFault = { kind: kind.kind, target: 0, at: 0, len: space.lengthSlots, level: LEVELS, width: space.widthSlots };
  return toFaultSpec(layOut(raw, kind, space));
}

/** The kinds a swarm configuration enables. */
export function enabledKinds(value: RawSchedule, space: FaultSpace): Set<string> {
  return new Set(space.kinds.filter((_, i) => !(space.swarm && value.off[i] === true)).map((k) => k.kind));
}

/** The scenario faults of a raw schedule (see the header for the rules). */
export function materialise(value: RawSchedule, space: FaultSpace): FaultSpec[] {
  const enabled = enabledKinds(value, space);
  const byName = new Map(space.kinds.map((k) => [k.kind as string, k]));
  const laid = value.faults
    .flatMap((f, index) => {
      const kind = byName.get(f.kind);
      return kind !== undefined && enabled.has(f.kind) ? [{ laid: layOut(f, kind, space), index }] : [];
    })
    .sort((a, b) => a.laid.at - b.laid.at || a.index - b.index)
    .map((x) => x.laid);
  const accepted: Laid[] = [];
  for (const l of laid) {
    const activeAtStart = accepted.filter((a) => a.end > l.at).length;
    const clash = accepted.some((a) => a.at < l.end && l.at < a.end && a.instances.some((i) => l.instances.includes(i)));
    if (activeAtStart < space.maxConcurrent && !clash) accepted.push(l);
  }
  const order = new Map(space.kinds.map((k, i) => [k.kind as string, i]));
  accepted.sort((a, b) => a.at - b.at || order.get(a.kind.kind)! - order.get(b.kind.kind)! || a.instances[0]! - b.instances[0]!);
  return accepted.map(toFaultSpec);
}
