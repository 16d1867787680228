/**
 * `meshsim balancers [KIND ...] [--format table|json]`: every built-in balancer kind with what
 * it follows, its upstream source and file, and its options (type, default, meaning), read
 * from the same schemas scenario files are validated with (src/balancers/catalog.ts).
 */
import './zod-jitless.js';
import { balancerCatalog, type BalancerEntry } from '../balancers/catalog.js';
import { closestMatch } from '../scenario/suggest.js';
import { UsageError } from './errors.js';

export interface BalancersFlags {
  format: 'table' | 'json';
}

function entryText(e: BalancerEntry): string {
  const lines = [`${e.kind}: ${e.after}`, `  source: ${e.upstream}`, `  file:   ${e.file}`];
  if (e.description !== '') lines.push(`  ${e.description}`);
  if (e.options.length === 0) {
    lines.push('  options: none');
  } else {
    const nameWidth = Math.max(...e.options.map((o) => [...o.name].length));
    const typeWidth = Math.max(...e.options.map((o) => [...o.type].length));
    lines.push('  options:');
    for (const o of e.options) {
      const fallback = o.default !== undefined ? `default ${o.default}` : o.required ? 'required' : 'optional';
      const text = [o.name.padEnd(nameWidth), o.type.padEnd(typeWidth), fallback].join('  ');
      lines.push(`    ${text}${o.description === '' ? '' : `  ${o.description}`}`);
    }
  }
  return lines.join('\n');
}

export async function balancersCommand(kinds: string[], flags: BalancersFlags): Promise<void> {
  const catalog = balancerCatalog();
  const known = catalog.map((e) => e.kind as string);
  for (const kind of kinds) {
    if (known.includes(kind)) continue;
    const near = closestMatch(kind, known);
    throw new UsageError(`balancers ${kind}: expected one of ${known.join(', ')}${near === undefined ? '' : `; did you mean ${near}?`}`);
  }
  const chosen = kinds.length === 0 ? catalog : catalog.filter((e) => kinds.includes(e.kind));
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(chosen, null, 2)}\n`);
    return;
  }
  const footer =
    'Your own balancer: `balancer: { module: ./my-balancer.js, ...options }` (docs/balancers.md, Plug-in balancers).';
  process.stdout.write(`${chosen.map(entryText).join('\n\n')}\n\n${footer}\n`);
}
