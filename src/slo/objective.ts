/**
 * Service-level objectives: the SLIs meshsim judges, the compact text form and its canonical
 * long form, and the margin of a measured value against an objective.
 *
 * The words are OpenSLO v1's (an SLI, an operator, a target or threshold value, a time-slice
 * window); the text form is
 *
 *   <sli> <op> <value> [per <window> | per fault | over run]
 *
 * e.g. `availability >= 99.9% per 10s`, `latency.p99 <= 200ms per 10s`, `lost == 0 over run`,
 * `detection.timeToEject <= 15s per fault`. Two scopes go beyond OpenSLO: per fault (a bound
 * on each injected fault) and invariants (`== 0`).
 *
 * Margin (negative exactly when the objective is violated), in units that compare across SLIs:
 * - a ratio that must stay high, x ≥ T:   (x − T)/(1 − T), i.e. the share of the error budget left;
 * - a value that must stay low, x ≤ V:    (V − x)/V;
 * - a rate that must stay high, x ≥ V:    (x − V)/V;
 * - an invariant, x == 0:                 1 when x = 0, otherwise −|x|.
 * Thresholds stay where these are continuous and monotone in the threshold, so loosening an
 * objective never lowers its margin: T < 1 (as OpenSLO's `target` excludes 1.0; write 99.999 %
 * rather than 100 %), V > 0.
 * An objective's margin is the minimum over what it judges (windows, faults or the run); an
 * SLO's margin is the minimum over its objectives. Source: ../shared/reference/guarantee-search.md
 * §3–§4 (OpenSLO README at aa5cb78, Google SRE workbook "Alerting on SLOs").
 */
import { formatDuration, parseDuration } from '../scenario/duration.js';

export type SloOp = '>=' | '<=' | '==';

/** Where an objective is judged: over the whole counted run, in every rolling window of this many ms, or per fault. */
export type SloScope = 'run' | 'fault' | number;

/** The fault modes per-fault objectives can be restricted to (a zone outage is a crash of each of its instances). */
export const FAULT_MODES = ['crash', 'crashloop', 'hang', 'slow', 'errors', 'partition'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** One objective in canonical form (what the schema produces from either form). */
export interface SloObjective {
  /** Unique within the SLO; by default the canonical text. */
  readonly name: string;
  readonly sli: string;
  readonly op: SloOp;
  /** Ratio SLIs: a fraction in [0, 1]; times: ms; goodput: per second; invariants: 0. */
  readonly value: number;
  readonly per: SloScope;
  /** Windows (or a run) with fewer counted requests are not judged. */
  readonly minRequests: number;
  /** Per-fault objectives: only faults of these modes are judged; all when absent. */
  readonly kinds?: readonly FaultMode[];
}

type Measure = 'ratio' | 'time' | 'rate' | 'count';
type ScopeKind = 'run' | 'window' | 'fault';

export interface SliDefinition {
  readonly measure: Measure;
  /** The one operator that makes sense for the SLI (an availability is kept high, a latency low). */
  readonly op: SloOp;
  readonly scopes: readonly ScopeKind[];
  readonly meaning: string;
}

const TRAFFIC: readonly ScopeKind[] = ['run', 'window'];

/** Every SLI but the latency percentiles (`latency.pNN`, see sliDefinition). */
export const SLIS: Readonly<Record<string, SliDefinition>> = {
  availability: { measure: 'ratio', op: '>=', scopes: TRAFFIC, meaning: 'completed / counted requests' },
  'errors.share': { measure: 'ratio', op: '<=', scopes: TRAFFIC, meaning: 'failed or rejected / counted requests' },
  'timeouts.share': { measure: 'ratio', op: '<=', scopes: TRAFFIC, meaning: 'timed out / counted requests' },
  'retries.share': { measure: 'ratio', op: '<=', scopes: TRAFFIC, meaning: 'retry attempts / counted requests' },
  goodput: { measure: 'rate', op: '>=', scopes: TRAFFIC, meaning: 'completed requests per second' },
  lost: { measure: 'count', op: '==', scopes: ['run'], meaning: 'counted requests that never ended (conservation)' },
  'detection.timeToEject': {
    measure: 'time',
    op: '<=',
    scopes: ['fault'],
    meaning: 'fault start to the instance first out of rotation (unhealthy, ejected, suspected or killed)',
  },
  'recovery.timeToRecover': {
    measure: 'time',
    op: '<=',
    scopes: ['fault'],
    meaning: 'fault start to the instance serving and in every client’s rotation again',
  },
  'recovery.afterFaultEnd': {
    measure: 'time',
    op: '<=',
    scopes: ['fault'],
    meaning: 'fault end to the instance serving and in every client’s rotation again',
  },
  'recovery.serviceTimeToRecover': {
    measure: 'time',
    op: '<=',
    scopes: ['fault'],
    meaning: 'fault start until every window of the per-window objectives holds again',
  },
};

const LATENCY_SLI = /^latency\.p(\d{2,})$/;

/** The quantile of a `latency.pNN` SLI (p99 → 0.99, p999 → 0.999), or undefined. */
export function latencyQuantile(sli: string): number | undefined {
  const m = LATENCY_SLI.exec(sli);
  if (m === null) return undefined;
  const q = Number(`0.${m[1]}`);
  return q > 0 ? q : undefined;
}

export function sliDefinition(sli: string): SliDefinition | undefined {
  if (Object.hasOwn(SLIS, sli)) return SLIS[sli];
  const q = latencyQuantile(sli);
  if (q === undefined) return undefined;
  return {
    measure: 'time',
    op: '<=',
    scopes: TRAFFIC,
    meaning: `the ${q} quantile (nearest rank) of completed requests' latency, timed-out requests counted at the timeout`,
  };
}

/** The SLI names for messages: the traffic SLIs, the latency percentiles, then the rest. */
export function sliNames(): string[] {
  const names = Object.keys(SLIS);
  const traffic = names.filter((n) => SLIS[n]!.scopes.includes('window'));
  return [...traffic, 'latency.pNN (p50, p95, p99, p999, …)', ...names.filter((n) => !traffic.includes(n))];
}

export function scopeKind(per: SloScope): ScopeKind {
  return per === 'run' || per === 'fault' ? per : 'window';
}

/** The margin of `x` against the objective: ≥ 0 exactly when the objective holds. NaN for NaN. */
export function margin(objective: Pick<SloObjective, 'sli' | 'op' | 'value'>, x: number): number {
  const v = objective.value;
  switch (objective.op) {
    case '==':
      return x === 0 ? 1 : -Math.abs(x);
    case '>=':
      return sliDefinition(objective.sli)?.measure === 'ratio' ? (x - v) / (1 - v) : (x - v) / v;
    case '<=':
      return (v - x) / v;
  }
}

/** The value in the objective's units: `99.9%`, `200ms`, `400/s`, `0`. */
export function formatObjectiveValue(sli: string, value: number): string {
  switch (sliDefinition(sli)?.measure) {
    case 'ratio':
      return `${+(100 * value).toPrecision(12)}%`;
    case 'time':
      return formatDuration(value);
    case 'rate':
      return `${+value.toPrecision(12)}/s`;
    default:
      return String(value);
  }
}

export function formatScope(per: SloScope): string {
  if (per === 'run') return 'over run';
  if (per === 'fault') return 'per fault';
  return `per ${formatDuration(per)}`;
}

/** The canonical text of an objective (its default name). */
export function objectiveText(o: Pick<SloObjective, 'sli' | 'op' | 'value' | 'per'>): string {
  return `${o.sli} ${o.op} ${formatObjectiveValue(o.sli, o.value)} ${formatScope(o.per)}`;
}

/** A problem with one part of an objective: what was expected, and what was found. */
export interface ObjectiveProblem {
  readonly expected: string;
  readonly found: string;
  /** The long-form key at fault, when there is one. */
  readonly key?: string;
}

export const OBJECTIVE_EXAMPLE = '`availability >= 99.9% per 10s`';

/** Parses an objective's value (`99.9%`, `0.999`, `200ms`, `400`, `400/s`) for its SLI. */
export function parseObjectiveValue(sli: string, raw: unknown): number | ObjectiveProblem {
  const measure = sliDefinition(sli)?.measure;
  const found = typeof raw === 'string' ? `"${raw}"` : String(raw);
  switch (measure) {
    case 'ratio': {
      let x = NaN;
      if (typeof raw === 'number') x = raw;
      else if (typeof raw === 'string' && /^\s*\d+(\.\d*)?\s*$/.test(raw)) x = Number(raw);
      // `99.9e-2`, not 99.9 / 100: the decimal reads straight to its nearest double (0.999), so
      // a measured 999/1000 meets a 99.9 % target exactly.
      else if (typeof raw === 'string' && /^\s*\d+(\.\d*)?\s*%\s*$/.test(raw)) x = Number(`${raw.trim().slice(0, -1).trim()}e-2`);
      // A target to keep high below 1 and a share to keep low above 0: the margin's budget is never 0.
      const high = sliDefinition(sli)!.op === '>=';
      if (Number.isFinite(x) && (high ? x >= 0 && x < 1 : x > 0 && x <= 1)) return x;
      return {
        expected: high
          ? 'a share such as 99.9% or 0.999, at least 0 and below 100% (write 99.999% rather than 100%)'
          : 'a share such as 1% or 0.01, above 0 and at most 100%',
        found,
      };
    }
    case 'time': {
      const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
      if (ms !== undefined && Number.isFinite(ms) && ms > 0) return ms;
      return { expected: 'a positive duration such as 200ms or 15s', found };
    }
    case 'rate': {
      const x = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.replace(/\s*\/\s*s\s*$/, '')) : NaN;
      if (Number.isFinite(x) && x > 0) return x;
      return { expected: 'a positive number of requests per second such as 400 or 400/s', found };
    }
    case 'count':
      if (raw === 0 || raw === '0') return 0;
      return { expected: '0 (an invariant: `lost == 0`)', found };
    default:
      return { expected: 'a known SLI', found };
  }
}

/** Parses `per` text (`10s`, `fault`, `run`) or a number of ms. */
export function parseScope(raw: unknown): SloScope | ObjectiveProblem {
  if (raw === 'run' || raw === 'fault') return raw;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms !== undefined && Number.isFinite(ms) && ms >= 1 && Number.isInteger(ms)) return ms;
  return {
    expected: 'a window of whole milliseconds such as 10s or 1m, `fault` or `run`',
    found: typeof raw === 'string' ? `"${raw}"` : String(raw),
  };
}

const OPS: Readonly<Record<string, SloOp>> = { '>=': '>=', '<=': '<=', '==': '==', gte: '>=', lte: '<=', eq: '==' };

export function parseOp(raw: unknown): SloOp | undefined {
  return typeof raw === 'string' && Object.hasOwn(OPS, raw) ? OPS[raw] : undefined;
}

/** Checks that an SLI, operator and scope go together; the problem when they do not. */
export function checkCombination(sli: string, op: SloOp, per: SloScope): ObjectiveProblem | undefined {
  const definition = sliDefinition(sli);
  if (definition === undefined) return { key: 'sli', expected: `an SLI: ${sliNames().join(', ')}`, found: `"${sli}"` };
  if (op !== definition.op) return { key: 'op', expected: `\`${definition.op}\` for ${sli}`, found: `\`${op}\`` };
  const kind = scopeKind(per);
  if (!definition.scopes.includes(kind)) {
    const allowed = definition.scopes.map((s) => (s === 'window' ? 'per <window>' : s === 'fault' ? 'per fault' : 'over run'));
    return { key: 'per', expected: `${allowed.join(' or ')} for ${sli}`, found: formatScope(per) };
  }
  return undefined;
}

/** The scope an objective gets when none is written: per fault for per-fault SLIs, else over the run. */
export function defaultScope(sli: string): SloScope {
  return sliDefinition(sli)?.scopes[0] === 'fault' ? 'fault' : 'run';
}

/**
 * Parses the text form `<sli> <op> <value> [per <window>|per fault|over run]` into an
 * objective, or describes what is wrong with it.
 */
export function parseObjectiveText(text: string): SloObjective | ObjectiveProblem {
  const tokens = text.trim().split(/\s+/);
  const shape = `an objective such as ${OBJECTIVE_EXAMPLE}: <sli> <op> <value> [per <window> | per fault | over run]`;
  if (tokens.length !== 3 && tokens.length !== 5) return { expected: shape, found: `"${text}"` };
  const [sli, opText, valueText, scopeWord, scopeText] = tokens as [string, string, string, string?, string?];
  const op: SloOp | undefined = opText === '>=' || opText === '<=' || opText === '==' ? opText : undefined;
  if (op === undefined) return { expected: `an operator >=, <= or == in ${shape}`, found: `"${opText}"` };
  let per: SloScope = defaultScope(sli);
  if (scopeWord !== undefined) {
    if (scopeWord === 'over' && scopeText === 'run') per = 'run';
    else if (scopeWord === 'per' && scopeText !== 'run') {
      const parsed = parseScope(scopeText);
      if (isProblem(parsed)) return parsed;
      per = parsed;
    } else return { expected: '`per <window>` (such as per 10s), `per fault` or `over run`', found: `"${scopeWord} ${scopeText}"` };
  }
  const combination = checkCombination(sli, op, per);
  if (combination !== undefined) return { expected: combination.expected, found: combination.found };
  const value = parseObjectiveValue(sli, valueText);
  if (typeof value === 'object') return value;
  const objective = { sli, op: op as SloOp, value, per, minRequests: 1 };
  return { name: objectiveText(objective), ...objective };
}

export function isProblem(x: unknown): x is ObjectiveProblem {
  return typeof x === 'object' && x !== null && 'expected' in x;
}
