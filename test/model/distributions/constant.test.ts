import { describe, expect, it } from 'vitest';
import { createSampler } from '../../../src/model/distributions/index.js';
import { CountingRng } from '../stats.js';

describe('constant distribution', () => {
  it('always returns the value, with variance 0', () => {
    const rng = new CountingRng('constant');
    const sampler = createSampler({ dist: 'constant', value: 0.2 }, rng);
    for (let i = 0; i < 1000; i++) expect(sampler.sample()).toBe(0.2);
    expect(sampler.mean).toBe(0.2);
    expect(sampler.variance).toBe(0);
  });

  it('takes no draws, so its stream stays where it was', () => {
    const rng = new CountingRng('constant');
    const sampler = createSampler({ dist: 'constant', value: 3 }, rng);
    for (let i = 0; i < 100; i++) sampler.sample();
    expect(rng.draws).toBe(0);
  });
});
