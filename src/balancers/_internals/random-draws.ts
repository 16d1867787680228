/**
 * The two ways balancers turn a uniform [0, 1) draw into a decision.
 *
 * Envoy reduces a 64-bit random integer modulo the host count (`random() % size`); here the
 * RandomSource yields a 53-bit double, and `floor(u * n)` is the equivalent uniform index
 * (its bias is at most n / 2^53, far below anything a simulation can observe).
 */
import type { RandomSource } from '../types.js';

/** Seeds are 32-bit: Envoy passes its per-instance `seed_` to `createWithPicks` as a uint32. */
export const SEED_SPAN = 2 ** 32;

/**
 * The per-balancer-instance seed (Envoy `seed_ = random_.random()`, drawn once in the LB
 * constructor): the round-robin start index and the EDF pre-pick count.
 */
export function drawSeed(random: RandomSource): number {
  return Math.floor(random.next() * SEED_SPAN);
}

/** A uniform index in [0, n). */
export function uniformIndex(random: RandomSource, n: number): number {
  return Math.floor(random.next() * n);
}
