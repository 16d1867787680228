/**
 * Short renderings of user-supplied values for the "found …" half of error messages: enough to
 * recognise the value, never a wall of JSON.
 */

const MAX_TEXT = 40;

export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty mapping';
    const listed = keys.slice(0, 4).map((k) => `\`${k}\``).join(', ');
    return `a mapping with key${keys.length === 1 ? '' : 's'} ${listed}${keys.length > 4 ? ', …' : ''}`;
  }
  return typeof value;
}

/** `service.overrides.0.instance`: the dotted form `--set` also accepts. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** The value at `path` inside `root`, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
