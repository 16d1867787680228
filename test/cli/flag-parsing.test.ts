import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { splitTopLevel } from '../../src/cli/flag-lists.js';
import { parseBalancerSpecs } from '../../src/cli/strategies.js';
import { parseParamFlags, parseShard } from '../../src/cli/sweep-params.js';

describe('splitTopLevel', () => {
  it('splits on commas outside brackets, braces and quotes', () => {
    expect(splitTopLevel('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(splitTopLevel('round_robin,{kind: least_request, choices: 3}')).toEqual(['round_robin', '{kind: least_request, choices: 3}']);
    expect(splitTopLevel("[0, 1],'x,y',\"p\\\",q\"")).toEqual(['[0, 1]', "'x,y'", '"p\\",q"']);
    expect(splitTopLevel('')).toEqual(['']);
  });
});

describe('parseBalancerSpecs', () => {
  it('takes bare kinds and flow mappings, with defaults filled', () => {
    expect(parseBalancerSpecs(['round_robin,{kind: least_request, choices: 3}', 'random'])).toEqual([
      { kind: 'round_robin' },
      { kind: 'least_request', choices: 3, selection: 'n_choices', activeRequestBias: 1 },
      { kind: 'random' },
    ]);
  });

  it('names the flag and the item in every problem', () => {
    expect(() => parseBalancerSpecs(['round_robin,least_requst,{kind: random, x: 1}'])).toThrow(UsageError);
    try {
      parseBalancerSpecs(['round_robin,least_requst,{kind: random, x: 1}']);
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      expect(lines[0]).toMatch(/^--balancers least_requst: kind: expected one of .*did you mean `least_request`\?$/);
      expect(lines[1]).toMatch(/^--balancers \{kind: random, x: 1\}: x: unknown key/);
    }
  });
});

describe('parseParamFlags', () => {
  it('parses values like --set values and keeps their text', () => {
    const [rate, balancer] = parseParamFlags(['arrivals.rate=100, 200', 'balancer={kind: random},{kind: round_robin}']);
    expect(rate).toMatchObject({ path: 'arrivals.rate', values: [100, 200], texts: ['100', '200'] });
    expect(balancer!.values).toEqual([{ kind: 'random' }, { kind: 'round_robin' }]);
  });

  it('reports malformed flags together', () => {
    expect(() => parseParamFlags(['rate', 'a.=1', 'x=1,,2', 'y=1,1', 'z=1', 'z=2'])).toThrow(
      /--param rate: expected PATH=V1,V2[\s\S]*--param a\.=1: expected a dotted[\s\S]*--param x=1,,2: an empty value[\s\S]*--param y=1,1: the value 1 is listed twice[\s\S]*--param z=2: z is already swept/,
    );
    expect(() => parseParamFlags([])).toThrow(/at least one --param/);
  });
});

describe('parseShard', () => {
  it('accepts I/N with 1 ≤ I ≤ N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/--shard expects I\/N/);
  });
});
