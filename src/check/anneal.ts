/**
 * The targeted phase of `meshsim check`: simulated annealing over raw fault schedules that
 * drives an SLO margin down, in the manner of PropEr's targeted property-based testing
 * (Löscher & Sagonas, ISSTA'17; proper-testing/proper:src/proper_sa.erl).
 *
 * Variant:
 * - energy: the margin of one guarantee (chains take the guarantees in turn, PerfFuzz's
 *   per-key search; with one guarantee every chain minimises the SLO margin);
 * - acceptance (proper_sa `acceptance_function_standard`, for a minimised energy): a lower
 *   margin is always taken, a higher one with probability exp(−Δ/T);
 * - temperature (proper_sa `temperature_function_standard_sa`): T = T0·(1 − k/k_max), k the
 *   chain's step; T0 = 0.25 margin units, where PropEr's 1.0 is in the user's own units: a
 *   margin is a share of the error budget or of the bound, and a move that costs 0.1 of it is
 *   taken with probability e^−0.4 ≈ 0.67 at the start and never at the end;
 * - hill climbing (`strategy: hillclimb`) takes a move unless it raises the margin: unlike
 *   proper_sa's strict version it also takes equal ones, so a chain can cross the plateaus
 *   where every schedule holds with margin 1;
 * - restart (proper_sa's `fast2` restarts after RESTART_THRESHOLD rejections): a chain whose
 *   best has not improved for `patience` steps restarts, alternately from the next of the
 *   random phase's lowest-margin schedules for its guarantee and from a fresh random draw
 *   (Hypothesis's alternation of generation and optimisation, v6.165.4);
 * - neighbourhood: shift a fault's start by ±1…8 grid slots, stretch or shorten it, move it
 *   to the next or previous instance, make it harsher or milder, change its kind, widen or
 *   narrow it, add a fault over the worst window of the chain's guarantee, remove a fault,
 *   or toggle a swarm flag. Moves clamp into the arbitrary's domain, so whatever the chain
 *   finds, fast-check can shrink (schedule.ts).
 *
 * Chains step in lockstep and a step's proposals are judged as one batch, so the phase runs
 * in parallel and gives the same result for any number of worker threads. Randomness comes
 * from a stream seeded by the search seed. Cost: `budget` simulations, O(f) per move.
 */
import type { RngStream } from '../engine/rng.js';
import type { FaultSpace } from './fault-space.js';
import type { Judgement } from './judge.js';
import { LEVELS, type RawFault, type RawSchedule } from './schedule.js';

export interface AnnealSeed {
  readonly value: RawSchedule;
  readonly judgement: Judgement;
}

export interface AnnealOptions {
  readonly space: FaultSpace;
  /** Simulations the phase may use. */
  readonly budget: number;
  readonly chains: number;
  readonly strategy: 'anneal' | 'hillclimb';
  readonly guarantees: readonly string[];
  /** Starting points per guarantee, lowest margin first (the random phase's best). */
  readonly seeds: (guarantee: string) => readonly AnnealSeed[];
  /** Fresh random schedules for restarts, drawn in order. */
  readonly fresh: () => RawSchedule;
  readonly rng: RngStream;
  /** Judges a batch of values (one per chain); results in order. */
  readonly judge: (values: readonly RawSchedule[]) => Promise<Judgement[]>;
  /** Called for each judged proposal, in run order; returning false stops the phase. */
  readonly onRun: (value: RawSchedule, judgement: Judgement, runIndex: number) => boolean;
}

/** Initial temperature in margin units (see the header). */
export const INITIAL_TEMPERATURE = 0.25;
/** Largest shift of a start or length in one move, in grid slots. */
const MAX_SHIFT = 8;

interface Chain {
  readonly guarantee: string;
  current: AnnealSeed;
  best: number;
  sinceBest: number;
  step: number;
  restarts: number;
}

function energy(judgement: Judgement, guarantee: string): number {
  const m = judgement.guarantees.find((g) => g.name === guarantee)?.margin ?? judgement.margin;
  return Number.isNaN(m) ? Infinity : m;
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

function shift(rng: RngStream): number {
  const size = 1 + rng.int(MAX_SHIFT);
  return rng.next() < 0.5 ? -size : size;
}

/** A random neighbour of `value`, in the arbitrary's domain. */
export function neighbour(value: RawSchedule, space: FaultSpace, rng: RngStream, worst?: { start: number; end: number }): RawSchedule {
  const faults = [...value.faults];
  const i = rng.int(faults.length);
  const f = faults[i]!;
  const kinds: string[] = space.kinds.map((k) => k.kind);
  const moves: Array<() => RawSchedule> = [
    () => set(i, { ...f, at: clamp(f.at + shift(rng), 0, space.startSlots) }),
    () => set(i, { ...f, len: clamp(f.len + shift(rng), 0, space.lengthSlots) }),
    () => set(i, { ...f, target: (f.target + (rng.next() < 0.5 ? space.pool.length - 1 : 1)) % space.pool.length }),
    () => set(i, { ...f, level: clamp(f.level + (rng.next() < 0.75 ? 1 : -1) * (1 + rng.int(LEVELS / 4)), 0, LEVELS) }),
  ];
  if (kinds.length > 1) moves.push(() => set(i, { ...f, kind: kinds[(kinds.indexOf(f.kind) + 1 + rng.int(kinds.length - 1)) % kinds.length]! }));
  if (space.widthSlots > 0) moves.push(() => set(i, { ...f, width: clamp(f.width + (rng.next() < 0.5 ? -1 : 1), 0, space.widthSlots) }));
  if (faults.length > 1) {
    // Faults interact when they overlap: start this one where another starts, give or take a slot.
    moves.push(() => {
      const other = faults[(i + 1 + rng.int(faults.length - 1)) % faults.length]!;
      return set(i, { ...f, at: clamp(other.at + rng.int(5) - 2, 0, space.startSlots) });
    });
  }
  if (faults.length < space.maxFaults) {
    moves.push(() => ({ ...value, faults: [...faults, added()] }));
    // The same fault on the next instance of the pool, at the same time.
    moves.push(() => ({ ...value, faults: [...faults, { ...f, target: (f.target + 1) % space.pool.length }] }));
  }
  if (faults.length > 1) moves.push(() => ({ ...value, faults: faults.filter((_, j) => j !== i) }));
  if (space.swarm) {
    moves.push(() => {
      const k = rng.int(value.off.length);
      return { ...value, off: value.off.map((off, j) => (j === k ? !off : off)) };
    });
  }
  return moves[rng.int(moves.length)]!();

  function set(index: number, fault: RawFault): RawSchedule {
    return { ...value, faults: faults.map((g, j) => (j === index ? fault : g)) };
  }

  /** A fault that starts in or a little before the worst window (anywhere without one). */
  function added(): RawFault {
    const slot =
      worst === undefined
        ? rng.int(space.startSlots + 1)
        : Math.floor((worst.start - space.earliest) / space.grid) - rng.int(MAX_SHIFT) + rng.int(Math.max(1, Math.ceil((worst.end - worst.start) / space.grid)));
    return {
      kind: kinds[rng.int(kinds.length)]!,
      target: rng.int(space.pool.length),
      at: clamp(slot, 0, space.startSlots),
      len: rng.int(space.lengthSlots + 1),
      level: rng.int(LEVELS + 1),
      width: rng.int(space.widthSlots + 1),
    };
  }
}

/** Runs the phase; returns the number of simulations it used. */
export async function anneal(options: AnnealOptions): Promise<number> {
  const { space, rng, guarantees } = options;
  const chainCount = Math.max(1, Math.min(options.chains, options.budget));
  const stepsPerChain = Math.max(1, Math.floor(options.budget / chainCount));
  const patience = Math.max(20, Math.floor(stepsPerChain / 3));
  const seedCursor = new Map<string, number>();
  const nextSeed = (guarantee: string, restarts: number): AnnealSeed | RawSchedule => {
    const seeds = options.seeds(guarantee);
    // Alternate the random phase's best (in order) with fresh draws; fresh once those run out.
    const cursor = seedCursor.get(guarantee) ?? 0;
    if (restarts % 2 === 0 && cursor < seeds.length) {
      seedCursor.set(guarantee, cursor + 1);
      return seeds[cursor]!;
    }
    return options.fresh();
  };

  // Chains start from seeds already judged; a fresh start is judged as the chain's first step.
  const chains: Chain[] = [];
  const pending: Array<{ chain: number; value: RawSchedule }> = [];
  for (let c = 0; c < chainCount; c++) {
    const guarantee = guarantees[c % guarantees.length]!;
    const start = nextSeed(guarantee, 0);
    if ('judgement' in start) {
      chains.push({ guarantee, current: start, best: energy(start.judgement, guarantee), sinceBest: 0, step: 0, restarts: 0 });
    } else {
      chains.push({ guarantee, current: { value: start, judgement: { holds: true, margin: Infinity, guarantees: [] } }, best: Infinity, sinceBest: 0, step: 0, restarts: 0 });
      pending.push({ chain: c, value: start });
    }
  }

  let runs = 0;
  for (;;) {
    const proposals: Array<{ chain: number; value: RawSchedule; restart: boolean }> = [];
    for (let c = 0; c < chains.length && runs + proposals.length < options.budget; c++) {
      const chain = chains[c]!;
      const start = pending.find((p) => p.chain === c);
      if (start !== undefined) {
        proposals.push({ chain: c, value: start.value, restart: true });
        continue;
      }
      const worst = chain.current.judgement.guarantees.find((g) => g.name === chain.guarantee)?.worst ?? undefined;
      proposals.push({ chain: c, value: neighbour(chain.current.value, space, rng, worst ?? undefined), restart: false });
    }
    pending.length = 0;
    if (proposals.length === 0) return runs;
    const judged = await options.judge(proposals.map((p) => p.value));
    for (let j = 0; j < proposals.length; j++) {
      const { chain: c, value, restart } = proposals[j]!;
      const judgement = judged[j]!;
      if (!options.onRun(value, judgement, runs++)) return runs;
      const chain = chains[c]!;
      const e = energy(judgement, chain.guarantee);
      chain.step++;
      if (restart || accept(energy(chain.current.judgement, chain.guarantee), e, chain.step, stepsPerChain, options.strategy, rng)) {
        chain.current = { value, judgement };
      }
      if (e < chain.best) {
        chain.best = e;
        chain.sinceBest = 0;
      } else if (++chain.sinceBest >= patience) {
        chain.restarts++;
        chain.sinceBest = 0;
        chain.best = Infinity;
        const next = nextSeed(chain.guarantee, chain.restarts);
        if ('judgement' in next) {
          chain.current = next;
          chain.best = energy(next.judgement, chain.guarantee);
        } else {
          pending.push({ chain: c, value: next });
        }
      }
    }
    if (runs >= options.budget) return runs;
  }
}

function accept(current: number, proposed: number, step: number, steps: number, strategy: 'anneal' | 'hillclimb', rng: RngStream): boolean {
  if (proposed < current) return true;
  if (strategy === 'hillclimb') return proposed === current;
  const temperature = INITIAL_TEMPERATURE * Math.max(0, 1 - step / steps);
  if (temperature <= 0 || !Number.isFinite(proposed)) return false;
  return rng.next() < Math.exp(-(proposed - current) / temperature);
}
