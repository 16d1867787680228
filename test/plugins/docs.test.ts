/**
 * docs/balancers.md shows the example plug-in in full, and lists every built-in kind: the
 * copy must stay the shipped file, and a new kind needs its row.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BALANCER_KINDS } from '../../src/balancers/registry.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('docs/balancers.md', () => {
  it('shows examples/balancers/least-latency.js exactly as shipped', () => {
    const doc = read('docs/balancers.md');
    const marker = '<!-- example: examples/balancers/least-latency.js';
    const after = doc.slice(doc.indexOf(marker));
    const block = /```js\n([\s\S]*?)```/.exec(after);
    expect(doc.includes(marker) && block !== null, 'the marked ```js block').toBe(true);
    expect(block![1]).toBe(read('examples/balancers/least-latency.js'));
  });

  it('has a row in the table of built-in kinds for every kind', () => {
    const doc = read('docs/balancers.md');
    const missing = BALANCER_KINDS.filter((kind) => !doc.includes(`| \`${kind}\` |`));
    expect(missing, 'add a row for each to "Built-in kinds" in docs/balancers.md').toEqual([]);
  });
});
