import { describe, expect, it } from 'vitest';
import { MAX_NESTING, nestingProblem, parseYaml, yamlToData } from '../../src/scenario/yaml-text.js';

describe('nestingProblem', () => {
  it('accepts nesting up to the limit, flow and block alike', () => {
    expect(nestingProblem(`x: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}`)).toBeUndefined();
    const block = Array.from({ length: MAX_NESTING - 1 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(nestingProblem(`${block} 1\n`)).toBeUndefined();
  });

  it('points at the first collection past the limit, however deep the text goes (no recursion)', () => {
    const text = `a: 1\nb: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    // The mapping is level 1, so the list that crosses the limit opens at bracket MAX_NESTING.
    expect(nestingProblem(text)).toEqual({
      offset: 'a: 1\nb: '.length + MAX_NESTING - 1,
      message: `expected at most ${MAX_NESTING} levels of nested lists and mappings, found more`,
    });
  });
});

describe('yamlToData', () => {
  it('refuses an alias bomb at its first alias', () => {
    const text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';
    const parsed = parseYaml(text);
    if (!('parsed' in parsed)) throw new Error('expected a parsed document');
    const data = yamlToData(parsed.parsed.doc);
    expect(data).toHaveProperty('problem.offset', text.indexOf('*a'));
    expect(data).toHaveProperty('problem.message', expect.stringMatching(/alias bomb/));
  });

  it('lets ordinary aliases through', () => {
    const parsed = parseYaml('a: &x {k: 1}\nb: *x\n');
    if (!('parsed' in parsed)) throw new Error('expected a parsed document');
    expect(yamlToData(parsed.parsed.doc)).toEqual({ value: { a: { k: 1 }, b: { k: 1 } } });
  });
});
