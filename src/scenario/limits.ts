/**
 * Hard limits of scenario values: only where the engine truly cannot go, each with the reason
 * the error message gives. Everything else that is merely large (a high rate, many replications,
 * a fine time-series window) is allowed by the schema and weighed by the pre-run estimate of
 * work and memory instead (src/sim/resource-estimate.ts), which a user can override.
 */

/**
 * Simulated time is a double of milliseconds: up to 2⁵³ µs (about 285 years) it still
 * resolves a microsecond, beyond that consecutive events would collapse onto one instant.
 */
export const MAX_SIMULATED_MS = 2 ** 53 / 1000;
export const MAX_SIMULATED_TEXT = 'about 285 years';
export const MAX_SIMULATED_REASON =
  'simulated time is a double of milliseconds, which then stops resolving a microsecond';

/**
 * Instances and clients index JavaScript arrays (per-instance results, the client list), which
 * V8 caps at about 134 million elements; 10⁸ keeps clear of that.
 */
export const MAX_INSTANCES = 100_000_000;
export const MAX_CLIENTS = 100_000_000;
export const ARRAY_REASON = 'per-instance and per-client state are JavaScript arrays, which V8 caps at about 134 million elements';

/** Every client's view of every instance is a typed array of clients × instances entries. */
export const MAX_CLIENT_INSTANCE_PAIRS = 2 ** 32 - 1;
export const PAIRS_REASON = 'the per-client views of every instance are typed arrays, which hold at most 2³² − 1 entries';

/** Request keys travel as 32-bit integers in the request table: keys 0 … 2³¹ − 1. */
export const MAX_KEYS = 2 ** 31;
export const KEYS_REASON = 'request keys are stored as 32-bit integers';
