import { describe, expect, it } from 'vitest';
import { instanceAttributes } from '../../src/scenario/instance-attributes.js';
import { resolveScenario } from '../../src/scenario/load.js';

describe('instanceAttributes', () => {
  it('applies overrides in order, later ones winning, over the service defaults', () => {
    const { scenario } = resolveScenario({
      name: 'x', duration: '1s', arrivals: { kind: 'poisson', rate: 10 },
      service: {
        instances: 3, zone: 'a', serviceTime: { dist: 'exponential', mean: '10ms' },
        overrides: [
          { instances: [0, 1], speed: 0.5, weight: 2 },
          { instance: 1, speed: 2, zone: 'b' },
        ],
      },
      balancer: { kind: 'random' },
    });
    expect(instanceAttributes(scenario)).toEqual([
      { instance: 0, speed: 0.5, weight: 2, zone: 'a' },
      { instance: 1, speed: 2, weight: 2, zone: 'b' },
      { instance: 2, speed: 1, weight: 1, zone: 'a' },
    ]);
  });
});
