/**
 * Comma-separated flag values whose items may themselves be YAML flow values with commas:
 * `--balancers 'round_robin,{kind: least_request, choices: 3}'`,
 * `--param 'balancer={kind: random},{kind: round_robin}'`. Only commas outside brackets,
 * braces and quotes separate items.
 */

/** The items of `text`, trimmed; an unbalanced bracket or quote keeps the rest as one item. */
export function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      // YAML escapes a single quote inside '…' by doubling it, and anything inside "…" by \.
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if ((c === '}' || c === ']') && depth > 0) {
      depth--;
    } else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(text.slice(start).trim());
  return items;
}
