/**
 * The raw value of a fault schedule, as fast-check generates and shrinks it, and its arbitrary.
 *
 * Every field is a plain integer "slot" (or a kind name, or a swarm flag), built only from
 * fc.record, fc.array, fc.nat, fc.boolean and fc.constantFrom: no .chain, .filter or .map
 * without an unmapper. Every such arbitrary can shrink a value it did not generate itself, so
 * a schedule found by the targeted phase or replayed from a file shrinks through `examples`
 * exactly like a generated one (fast-check 4.10: `canShrinkWithoutContext`;
 * ../shared/reference/guarantee-search.md §1.3, §5.1). The value becomes scenario faults
 * outside the arbitrary, by clamping rather than rejecting (fault-space.ts `materialise`).
 *
 * What shrinking then does, in fast-check's order: drop whole faults (arrays lose their
 * leading items first), then per fault the kind towards the first listed (simplest), the
 * target towards the first instance of the pool, the start towards the earliest slot, the
 * length towards the shortest, the intensity towards the mildest, the size towards the
 * smallest; swarm flags shrink to unset, which turns every kind back on.
 */
import fc from 'fast-check';
import type { FaultSpace } from './fault-space.js';

export interface RawFault {
  /** A kind of the space. */
  readonly kind: string;
  /** Index into the target pool (zone faults: into the pool's zones, modulo their count). */
  readonly target: number;
  /** Start, in grid slots after the earliest start. */
  readonly at: number;
  /** Length in grid steps above the space's shortest fault, clamped to the kind's own range. */
  readonly len: number;
  /** Intensity 0…LEVELS, from the kind's mildest to its harshest. */
  readonly level: number;
  /** Instances hit above the space's smallest size, clamped to the kind's own sizes. */
  readonly width: number;
}

export interface RawSchedule {
  /**
   * Swarm flags, one per kind in the space's order: a set flag turns its kind off. Flags shrink
   * to unset, and unsetting one only ever turns a kind back on, so shrinking can always move a
   * fault to a simpler kind. (Every flag set turns every kind off: the empty schedule, which the
   * search skips as a repeat of the baseline.)
   */
  readonly off: readonly boolean[];
  readonly faults: readonly RawFault[];
}

/** Resolution of a fault's intensity between its mildest and harshest value. */
export const LEVELS = 1000;

function faultArbitrary(space: FaultSpace): fc.Arbitrary<RawFault> {
  return fc.record({
    kind: fc.constantFrom(...space.kinds.map((k) => k.kind)),
    target: fc.nat({ max: space.pool.length - 1 }),
    at: fc.nat({ max: space.startSlots }),
    len: fc.nat({ max: space.lengthSlots }),
    level: fc.nat({ max: LEVELS }),
    width: fc.nat({ max: space.widthSlots }),
  });
}

/**
 * Schedules of 1…maxFaults faults. Lengths are drawn uniformly (`size: 'max'`) rather than
 * biased towards short arrays: a schedule's faults are few, and the longest ones are where
 * overlaps happen.
 */
export function scheduleArbitrary(space: FaultSpace): fc.Arbitrary<RawSchedule> {
  const flags = space.swarm ? space.kinds.length : 0;
  return fc.record({
    off: fc.array(fc.boolean(), { minLength: flags, maxLength: flags }),
    faults: fc.array(faultArbitrary(space), { minLength: 1, maxLength: space.maxFaults, size: 'max' }),
  });
}

/** Whether `value` lies in the arbitrary's domain (so fast-check can shrink it as an example). */
export function inDomain(value: RawSchedule, space: FaultSpace): boolean {
  const kinds = new Set<string>(space.kinds.map((k) => k.kind));
  const nat = (x: number, max: number) => Number.isInteger(x) && x >= 0 && x <= max;
  return (
    value.off.length === (space.swarm ? space.kinds.length : 0) &&
    value.faults.length >= 1 &&
    value.faults.length <= space.maxFaults &&
    value.faults.every(
      (f) =>
        kinds.has(f.kind) &&
        nat(f.target, space.pool.length - 1) &&
        nat(f.at, space.startSlots) &&
        nat(f.len, space.lengthSlots) &&
        nat(f.level, LEVELS) &&
        nat(f.width, space.widthSlots),
    )
  );
}
