/**
 * YAML (and JSON) text into plain data, guarded against the two inputs that would otherwise
 * surface as internal errors far from their cause:
 *
 * - Deep nesting. The yaml package composes documents recursively, so a few thousand nested
 *   collections overflow the stack ("Maximum call stack size exceeded", reported wherever the
 *   stack happened to run out). Its CST parser is iterative, so the nesting is measured there
 *   first, with an explicit stack, and anything deeper than MAX_NESTING is reported at the
 *   collection that crosses the limit. No scenario needs more than a dozen levels.
 * - Alias bombs (`&a [x, x] … &b [*a, *a] …`), which expand exponentially: yaml's own limit
 *   (maxAliasCount) stops them; the error is reported at the first alias of the document.
 */
import { CST, LineCounter, Parser, parseDocument, visit, type Document, type YAMLError } from 'yaml';

/** Collections nested inside each other, at most. */
export const MAX_NESTING = 64;

/** A problem at a character offset of the text. */
export interface TextProblem {
  readonly offset: number;
  readonly message: string;
}

export interface ParsedYaml {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** Parses `text`; the problems are its syntax errors, or the nesting found too deep. */
export function parseYaml(text: string): { parsed: ParsedYaml; problems: YAMLError[] } | { nesting: TextProblem } {
  const nesting = nestingProblem(text);
  if (nesting !== undefined) return { nesting };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { parsed: { doc, lineCounter }, problems: doc.errors };
}

/** The document as plain data, or why it cannot be: an alias that expands too often. */
export function yamlToData(doc: Document.Parsed): { value: unknown } | { problem: TextProblem } {
  try {
    return { value: doc.toJS() };
  } catch (error) {
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const message = /alias/i.test((error as Error).message)
      ? 'expected aliases (*name) that expand to a reasonable size, found so many expansions that this looks like an alias bomb'
      : `cannot read the document: ${(error as Error).message}`;
    return { problem: { offset, message } };
  }
}

/** The first collection nested deeper than MAX_NESTING, found on the CST without recursion. */
export function nestingProblem(text: string): TextProblem | undefined {
  const stack: Array<{ token: CST.Token | undefined; depth: number }> = [];
  for (const document of new Parser().parse(text)) stack.push({ token: document, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token === undefined) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > MAX_NESTING) {
          return { offset: token.offset, message: `expected at most ${MAX_NESTING} levels of nested lists and mappings, found more` };
        }
        for (const item of token.items) {
          if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
          stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
