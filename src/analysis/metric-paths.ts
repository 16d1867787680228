/**
 * Metric paths: the flat names (`T`, `latency.p99`, `perInstance.3`) under which the nested
 * metric record appears in ci95 keys and CSV columns.
 *
 * Order is canonical, not the object's insertion order, so that the columns of summary.csv and
 * the keys of summary.json do not depend on how a producer happened to build the object:
 * the keys CONTRACT.md names come first in its order, any other key follows in code-unit order.
 * Array elements are numbered from 0.
 *
 * Leaves are numbers; `null` is a leaf too and reads as NaN, because summary.json stores NaN as
 * null and results read back from it (`meshsim merge`) must keep their paths. Other leaf values
 * (strings, booleans, undefined) are not metrics and are skipped. Keys must not contain dots.
 */
import type { ReplicationMetrics } from '../metrics/types.js';

/** Known keys per parent path, in the order CONTRACT.md lists them. */
const KNOWN_KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': [
    'T',
    'S',
    'L',
    'F',
    'R',
    'arrived',
    'completed',
    'failed',
    'timedOut',
    'rejected',
    'inFlightAtEnd',
    'offered',
    'goodput',
    'availability',
    'latency',
    'imbalance',
    'perInstance',
    'utilisation',
    'perInstanceUtilisation',
    'faultyInstances',
    'detection',
    'recovery',
    'retries',
    'slo',
    'simulatedTime',
  ],
  latency: ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'],
  imbalance: ['maxOverMean', 'cov'],
  detection: ['faults', 'meanTimeToDetect', 'maxTimeToDetect', 'missed', 'falsePositives'],
  recovery: [
    'recoveredRequests',
    'requestsMeetingFailure',
    'meanTimeToRecover',
    'maxTimeToRecover',
    'unrecovered',
    'incidents',
    'serviceTimeToRecover',
    'serviceUnrecovered',
    'restarts',
  ],
  slo: ['met', 'margin', 'objectives'],
  'slo.objectives.#': ['met', 'margin', 'value'],
  retries: ['sent', 'budgetRefused', 'circuitBreakerOverflows', 'attempts', 'maxAttemptsPerRequest'],
};

/** The structure shared by one or more metric records: the union of their fields. */
export type MetricShape =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'array'; readonly items: readonly MetricShape[] }
  | { readonly kind: 'object'; readonly fields: ReadonlyArray<readonly [string, MetricShape]> };

type Node = unknown;

function isRecord(value: Node): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLeafValue(value: Node): boolean {
  return typeof value === 'number' || value === null;
}

/** Sorts keys: known keys in contract order, then the rest in code-unit order. */
export function orderKeys(parentPath: string, keys: Iterable<string>): string[] {
  // Array items share their order: `slo.objectives.3` is ordered as `slo.objectives.#`.
  const key = parentPath.replace(/\.\d+$/, '.#');
  const known = Object.hasOwn(KNOWN_KEY_ORDER, key) ? KNOWN_KEY_ORDER[key]! : [];
  const present = new Set(keys);
  const ordered = known.filter((k) => present.has(k));
  const rest = [...present].filter((k) => !known.includes(k)).sort();
  return [...ordered, ...rest];
}

function joinPath(prefix: string, segment: string | number): string {
  return prefix === '' ? String(segment) : `${prefix}.${segment}`;
}

/**
 * The union shape of `values` (all at the same path): an object if any is an object, else an
 * array if any is an array, else a leaf if any is a number or null; undefined when none holds a
 * metric. Values of a different kind than the chosen one read as NaN at every path below.
 */
function shapeAt(values: readonly Node[], path: string): MetricShape | undefined {
  const records = values.filter(isRecord);
  if (records.length > 0) {
    const fields: Array<readonly [string, MetricShape]> = [];
    const keys = new Set(records.flatMap((r) => Object.keys(r)));
    for (const key of orderKeys(path, keys)) {
      const child = shapeAt(
        records.map((r) => r[key]),
        joinPath(path, key),
      );
      if (child !== undefined) fields.push([key, child]);
    }
    return { kind: 'object', fields };
  }
  const arrays = values.filter((v): v is unknown[] => Array.isArray(v));
  if (arrays.length > 0) {
    const length = arrays.reduce((most, a) => Math.max(most, a.length), 0);
    const items: MetricShape[] = [];
    for (let i = 0; i < length; i++) {
      // An element no record holds still gets a column (NaN), so indices stay positional.
      items.push(shapeAt(arrays.map((a) => a[i]), joinPath(path, i)) ?? { kind: 'leaf' });
    }
    return { kind: 'array', items };
  }
  return values.some(isLeafValue) ? { kind: 'leaf' } : undefined;
}

/** The union shape of several metric records (replications, strategies). */
export function metricShape(records: readonly ReplicationMetrics[]): MetricShape {
  return shapeAt(records, '') ?? { kind: 'object', fields: [] };
}

/** Every leaf path of `shape`, depth first, in canonical order. */
export function shapePaths(shape: MetricShape, prefix = ''): string[] {
  switch (shape.kind) {
    case 'leaf':
      return [prefix];
    case 'array':
      return shape.items.flatMap((item, i) => shapePaths(item, joinPath(prefix, i)));
    case 'object':
      return shape.fields.flatMap(([key, child]) => shapePaths(child, joinPath(prefix, key)));
  }
}

/** The metric paths of one record, in canonical order (the CSV column order). */
export function metricPaths(m: ReplicationMetrics): string[] {
  return shapePaths(metricShape([m]));
}

/** The metric paths present in any of `records`, in canonical order. */
export function unionMetricPaths(records: readonly ReplicationMetrics[]): string[] {
  return shapePaths(metricShape(records));
}

/**
 * The number at a dotted path (`latency.p99`, `perInstance.3`). NaN when the path is absent
 * or holds null (NaN read back from JSON) or anything but a number.
 */
export function getMetric(m: ReplicationMetrics, path: string): number {
  let node: Node = m;
  for (const segment of path.split('.')) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment)) return NaN;
      node = node[Number(segment)];
    } else if (isRecord(node)) {
      node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    } else {
      return NaN;
    }
  }
  return typeof node === 'number' ? node : NaN;
}

/**
 * Builds a record of `shape` whose leaves are `leafValue(path)`: the inverse of getMetric.
 * Also used to re-key a record in canonical order.
 */
export function buildFromShape(
  shape: MetricShape,
  leafValue: (path: string) => number,
  prefix = '',
): unknown {
  switch (shape.kind) {
    case 'leaf':
      return leafValue(prefix);
    case 'array':
      return shape.items.map((item, i) => buildFromShape(item, leafValue, joinPath(prefix, i)));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of shape.fields) {
        // defineProperty, not assignment: a key named `__proto__` must stay a plain field.
        Object.defineProperty(out, key, {
          value: buildFromShape(child, leafValue, joinPath(prefix, key)),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

/**
 * The same record with its keys in canonical order (leaves unchanged, null kept as NaN),
 * so serializations are byte-stable whatever order the producer built it in.
 */
export function canonicalMetrics(m: ReplicationMetrics): ReplicationMetrics {
  return buildFromShape(metricShape([m]), (path) => getMetric(m, path)) as ReplicationMetrics;
}
