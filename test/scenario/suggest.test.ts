import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/scenario/suggest.js';

describe('suggestions', () => {
  it('edit distance counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('concurency', 'concurrency')).toBe(1);
    expect(editDistance('rtae', 'rate')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Seed', 'seed')).toBe(0);
  });

  it('suggests only plausible typos', () => {
    const keys = ['instances', 'concurrency', 'queueLimit', 'serviceTime', 'zone', 'overrides'];
    expect(closestMatch('concurency', keys)).toBe('concurrency');
    expect(closestMatch('instance', keys)).toBe('instances');
    expect(closestMatch('queue_limit', keys)).toBe('queueLimit');
    expect(closestMatch('colour', keys)).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});
