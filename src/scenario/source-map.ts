/**
 * Key path → line and column in the YAML (or JSON) text the scenario came from, so every
 * validation problem can point at the offending spot. Paths that do not exist in the file
 * (missing keys, values added by `--set`) fall back to the nearest existing parent.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface SourceMap {
  /**
   * Where `path` is written. `at: 'key'` prefers the key (unknown keys); otherwise a scalar
   * points at its value and a mapping or list at the key that introduces it.
   */
  locate(path: readonly (string | number)[], at: 'key' | 'value'): Position | undefined;
}

export function yamlSourceMap(doc: Document.Parsed, lineCounter: LineCounter): SourceMap {
  const positionOf = (node: Node | null | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return {
    locate(path, at) {
      let node: unknown = doc.contents;
      let best = positionOf(doc.contents as Node | null);
      let reachedEnd = true;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (pair === undefined) {
            reachedEnd = false;
            break;
          }
          best = positionOf(pair.key as Node) ?? best;
          node = pair.value;
        } else if (isSeq(node) && asIndex(segment) < node.items.length) {
          node = node.items[asIndex(segment)];
          best = positionOf(node as Node) ?? best;
        } else {
          reachedEnd = false;
          break;
        }
      }
      if (reachedEnd && at === 'value' && isScalar(node)) return positionOf(node) ?? best;
      return best;
    },
  };
}

/** Array index of a path segment (`--set` paths arrive as strings); -1 when not an index. */
function asIndex(segment: string | number): number {
  if (typeof segment === 'number') return segment;
  return /^\d+$/.test(segment) ? Number(segment) : -1;
}
