/**
 * Configuration schemas of Envoy's consistent-hashing balancers, RING_HASH and MAGLEV.
 * configs.ts adds them to the `balancerConfig` union; they live here next to each other.
 * Option names are Envoy's (`minimum_ring_size` → `minimumRingSize`), defaults and limits are
 * its proto's, and the Maglev prime check is its constructor's.
 */
import { z } from 'zod';
import { BOUNDED_LOAD_MAXIMUM_FACTOR, MINIMUM_HASH_BALANCE_FACTOR } from './_internals/bounded-load.js';
import { DEFAULT_MINIMUM_RING_SIZE, MAXIMUM_RING_SIZE_LIMIT } from './_internals/hash-ring.js';
import { DEFAULT_MAGLEV_TABLE_SIZE, MAXIMUM_MAGLEV_TABLE_SIZE } from './_internals/maglev-table.js';
import { isPrime, primesAround } from './_internals/primes.js';

const hashBalanceFactor = z
  .int()
  .min(MINIMUM_HASH_BALANCE_FACTOR)
  .max(BOUNDED_LOAD_MAXIMUM_FACTOR)
  .optional()
  .describe(
    'Envoy hash_balance_factor, percent ≥ 100: bounded-load consistent hashing; a host with more than ' +
      'factor/100 × the average in-flight load is skipped for the next in a hash-seeded random order. Unset: unbounded',
  );

const ringSize = z.int().min(1).max(MAXIMUM_RING_SIZE_LIMIT);

export const ringHashConfig = z
  .strictObject({
    kind: z.literal('ring_hash'),
    minimumRingSize: ringSize
      .default(DEFAULT_MINIMUM_RING_SIZE)
      .describe('Envoy minimum_ring_size: the lightest host gets ceil(its share × this) ring entries'),
    maximumRingSize: ringSize.default(MAXIMUM_RING_SIZE_LIMIT).describe('Envoy maximum_ring_size: cap on the ring entries'),
    hashBalanceFactor,
  })
  .superRefine((config, ctx) => {
    if (config.minimumRingSize > config.maximumRingSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['maximumRingSize'],
        message: `a size of at least \`minimumRingSize\` (${config.minimumRingSize})`,
        input: config.maximumRingSize,
      });
    }
  })
  .describe('Envoy RING_HASH: ketama consistent hashing on xxHash64 of the request key');

export const maglevConfig = z
  .strictObject({
    kind: z.literal('maglev'),
    tableSize: z
      .int()
      .min(2)
      .max(MAXIMUM_MAGLEV_TABLE_SIZE)
      .superRefine((size, ctx) => {
        if (isPrime(size)) return;
        const { below, above } = primesAround(size);
        const nearest = below === null ? `${above}` : `${below} or ${above}`;
        ctx.addIssue({ code: 'custom', message: `a prime number, which Maglev needs (nearest: ${nearest})`, input: size });
      })
      .default(DEFAULT_MAGLEV_TABLE_SIZE)
      .describe('Envoy table_size: entries of the lookup table, a prime; more entries, finer balance'),
    hashBalanceFactor,
  })
  .describe('Envoy MAGLEV: Maglev lookup-table consistent hashing on xxHash64 of the request key');

export type RingHashConfig = z.output<typeof ringHashConfig>;
export type MaglevConfig = z.output<typeof maglevConfig>;

/** `ring_hash`, with non-default options appended: `ring_hash(min=4096,balance=150)`. */
export function ringHashLabel(config: RingHashConfig): string {
  const options = [
    config.minimumRingSize === DEFAULT_MINIMUM_RING_SIZE ? '' : `min=${config.minimumRingSize}`,
    config.maximumRingSize === MAXIMUM_RING_SIZE_LIMIT ? '' : `max=${config.maximumRingSize}`,
    config.hashBalanceFactor === undefined ? '' : `balance=${config.hashBalanceFactor}`,
  ].filter((option) => option !== '');
  return options.length === 0 ? 'ring_hash' : `ring_hash(${options.join(',')})`;
}

/** `maglev`, with non-default options appended: `maglev(table=131071,balance=150)`. */
export function maglevLabel(config: MaglevConfig): string {
  const options = [
    config.tableSize === DEFAULT_MAGLEV_TABLE_SIZE ? '' : `table=${config.tableSize}`,
    config.hashBalanceFactor === undefined ? '' : `balance=${config.hashBalanceFactor}`,
  ].filter((option) => option !== '');
  return options.length === 0 ? 'maglev' : `maglev(${options.join(',')})`;
}
