/**
 * The pre-run check of work and memory (estimate: src/sim/resource-estimate.ts) against caps:
 * `--max-events` (default 10¹¹ simulated events, some nine hours of one core), `--max-memory`
 * (default half the machine's memory or V8's heap limit, whichever is smaller) and `--force`,
 * which skips the check. A run above a cap is refused before it starts, as bad input (status
 * 2), at the scenario key that drives it. A large run under the caps is announced with its
 * estimate, so nobody waits an hour without knowing it.
 */
import { availableParallelism, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { InvalidArgumentError } from 'commander';
import { ScenarioError, type ScenarioProblem } from '../scenario/errors.js';
import type { KeyPath } from '../scenario/issues.js';
import { formatPath } from '../scenario/render-value.js';
import type { EstimateDriver, ResourceEstimate } from '../sim/resource-estimate.js';

export const DEFAULT_MAX_EVENTS = 1e11;
/** Events per second of one core, for the time a run will take: about a million requests (docs/benchmarks.md). */
export const NOMINAL_EVENTS_PER_SECOND = 3e6;
/** Runs estimated above this many events are announced before they start. */
const ANNOUNCE_EVENTS = 1e9;

/** The flags every simulating command takes. */
export interface ResourceFlags {
  maxEvents?: number;
  maxMemory?: number;
  force?: boolean;
}

/** Half the machine's memory or V8's heap limit (raised by --max-old-space-size), whichever is smaller. */
export function defaultMaxMemory(): number {
  return Math.min(totalmem() / 2, getHeapStatistics().heap_size_limit);
}

export interface CheckContext {
  /** Positions a problem about a scenario key (the loaded scenario's problemAt). */
  readonly problemAt: (path: KeyPath, message: string) => ScenarioProblem;
  /** Simulations running at once (sweep worker threads), each with its own peak. */
  readonly threads?: number;
  /** How the simulations come about, for the message: "5 replications × 2 strategies". */
  readonly simulations: string;
  /**
   * The key that sets how many simulations there are, blamed when each is within the cap but
   * their number is not: `replications` (the default), or `search.runs` for check.
   */
  readonly countPath?: KeyPath;
  /** Said after a refusal blamed on the count: another way to go on (check: --time-limit). */
  readonly countHint?: string;
}

/**
 * Throws a ScenarioError when the estimate is above a cap (unless forced); returns a line to
 * print before a large run, or undefined.
 */
export function checkResources(estimate: ResourceEstimate, flags: ResourceFlags, context: CheckContext): string | undefined {
  const threads = context.threads ?? 1;
  const memory = estimate.resultBytes + threads * estimate.simulationBytes;
  const maxEvents = flags.maxEvents ?? DEFAULT_MAX_EVENTS;
  const maxMemory = flags.maxMemory ?? defaultMaxMemory();
  const time = describeTime(estimate.events / NOMINAL_EVENTS_PER_SECOND / Math.min(threads, availableParallelism()));
  if (flags.force !== true) {
    const problems: ScenarioProblem[] = [];
    if (estimate.events > maxEvents) {
      // One simulation within the cap but too many of them: the count is to blame.
      const perSimulation = estimate.events / Math.max(1, estimate.simulations);
      const tooMany = perSimulation <= maxEvents;
      const path = tooMany ? (context.countPath ?? ['replications']) : (estimate.eventDrivers[0]?.path ?? []);
      problems.push(
        context.problemAt(
          path,
          `expected a run of at most ${formatCount(maxEvents)} simulated events (--max-events), found about ${formatCount(estimate.events)} ` +
            `(${describeDrivers(estimate.eventDrivers, formatCount, 'events')} per simulation, × ${context.simulations}), ` +
            `roughly ${time} at ${formatCount(NOMINAL_EVENTS_PER_SECOND)} events/s; make it smaller, ` +
            `or raise the limit with --max-events ${formatCount(estimate.events * 1.1)}, or pass --force` +
            (tooMany && context.countHint !== undefined ? `; ${context.countHint}` : ''),
        ),
      );
    }
    if (memory > maxMemory) {
      // What holds the memory: the results of every simulation, and each simulation running at once.
      const holders = [
        ...estimate.resultDrivers,
        ...estimate.memoryDrivers.map((d) => ({ ...d, amount: d.amount * threads })),
      ].sort((a, b) => b.amount - a.amount);
      const blamed = holders.find((d) => d.path.length > 0);
      const at = threads > 1 ? `; ${threads} simulations at once` : '';
      problems.push(
        context.problemAt(
          blamed?.path ?? [],
          `expected a run that fits in ${formatBytes(maxMemory)} of memory (--max-memory), found about ${formatBytes(memory)} ` +
            `(${describeDrivers(holders, formatBytes, '')}${at}); make it smaller, ` +
            `or raise the limit with --max-memory ${formatBytes(memory * 1.1).replace(' ', '')} if the machine has it, or pass --force`,
        ),
      );
    }
    if (problems.length > 0) throw new ScenarioError(problems);
  }
  if (estimate.events < ANNOUNCE_EVENTS) return undefined;
  return `about ${formatCount(estimate.events)} simulated events and ${formatBytes(memory)} of memory: roughly ${time} at ${formatCount(NOMINAL_EVENTS_PER_SECOND)} events/s`;
}

/** `--max-events`: a count such as 5e10 or 50000000000. */
export function parseEventCount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`--max-events expects a positive number of events such as 5e10, found ${JSON.stringify(value)}`);
  }
  return n;
}

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** `--max-memory`: a size such as 8GB, 512MiB or 1.5e9 (bytes). */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase() || 'b'];
  const n = match === null || unit === undefined ? NaN : Number(match[1]) * unit;
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`--max-memory expects a size such as 8GB or 512MiB, found ${JSON.stringify(value)}`);
  }
  return n;
}

/** The largest contributions (at most three, each at least 1 %): "4.0e12 events from requests (arrivals.rate), 2.0e9 from …". */
function describeDrivers(drivers: readonly EstimateDriver[], format: (x: number) => string, unit: string): string {
  const sum = drivers.reduce((total, d) => total + d.amount, 0);
  const shown = drivers.filter((d, i) => i === 0 || d.amount >= sum / 100).slice(0, 3);
  return shown
    .map((d, i) => `${format(d.amount)}${i === 0 && unit ? ` ${unit}` : ''} from ${d.what}${d.path.length > 0 ? ` (${formatPath(d.path)})` : ''}`)
    .join(', ');
}

/** 5.0e12, 3.2e6, 870: two significant digits, e-notation from a million on. */
export function formatCount(x: number): string {
  if (x < 1e6) return String(Math.round(x));
  const exponent = Math.floor(Math.log10(x));
  const mantissa = x / 10 ** exponent;
  return `${mantissa.toFixed(1)}e${exponent}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function describeTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} hours`;
  if (seconds < 3.15e7 * 2) return `${Math.round(seconds / 86_400)} days`;
  return `${formatCount(seconds / 3.15e7)} years`;
}

/** `1 replication`, `5 replications`, `1.0e15 replications`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}
