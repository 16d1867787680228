/**
 * The research references (not production balancers): JSQ with the true queue lengths, and
 * JIQ with per-client I-queues fed by idle announcements.
 */
import { describe, expect, it } from 'vitest';
import { JiqBalancer } from '../../src/balancers/jiq.js';
import { JsqBalancer } from '../../src/balancers/jsq.js';
import type { Endpoint, GlobalView } from '../../src/balancers/types.js';
import { NO_KEY, chiSquareUniform, countPicks, depsOf, endpointsOf, pickMany, seeded } from './_harness.js';

class QueueLengths implements GlobalView {
  readonly lengths = new Map<number, number>();
  constructor(values: Record<number, number>) {
    for (const [id, length] of Object.entries(values)) this.lengths.set(Number(id), length);
  }
  queueLength(id: number): number {
    return this.lengths.get(id) ?? 0;
  }
}

describe('JsqBalancer (research reference)', () => {
  it('picks the endpoint with the shortest true queue', () => {
    const global = new QueueLengths({ 10: 4, 11: 2, 12: 7, 13: 3 });
    const jsq = new JsqBalancer({ ...depsOf(seeded('jsq')), global });
    jsq.setEndpoints(endpointsOf([1, 1, 1, 1], [10, 11, 12, 13]));
    expect(pickMany(jsq, 3)).toEqual([11, 11, 11]);
    global.lengths.set(13, 0);
    expect(jsq.pick(NO_KEY)).toBe(13);
  });

  it('breaks ties uniformly at random, drawing only on a tie', () => {
    const global = new QueueLengths({ 0: 1, 1: 0, 2: 5, 3: 0, 4: 0 });
    let draws = 0;
    const source = seeded('jsq-ties');
    const jsq = new JsqBalancer({ ...depsOf({ next: () => (draws++, source.next()) }), global });
    jsq.setEndpoints(endpointsOf([1, 1, 1, 1, 1]));
    const counts = countPicks(jsq, 30_000);
    expect([...counts.keys()].sort()).toEqual([1, 3, 4]);
    // χ² with 2 degrees of freedom: 13.8 is the 0.1 % critical value.
    expect(chiSquareUniform([counts.get(1)!, counts.get(3)!, counts.get(4)!])).toBeLessThan(13.8);
    expect(draws).toBe(30_000);
    global.lengths.set(1, -1);
    draws = 0;
    pickMany(jsq, 10);
    expect(draws).toBe(0);
  });

  it('ignores unhealthy endpoints', () => {
    const jsq = new JsqBalancer({ ...depsOf(seeded('jsq-health')), global: new QueueLengths({ 1: 9 }) });
    jsq.setEndpoints([
      { id: 0, weight: 1, zone: 'a', healthy: false },
      { id: 1, weight: 1, zone: 'a' },
    ]);
    expect(pickMany(jsq, 3)).toEqual([1, 1, 1]);
  });

  it('refuses to run without global knowledge, saying why', () => {
    expect(() => new JsqBalancer(depsOf(seeded('jsq-none')))).toThrow(/research reference.*deps\.global/);
  });
});

describe('JiqBalancer (research reference)', () => {
  function jiq(ids: number[], name = 'jiq'): JiqBalancer {
    const balancer = new JiqBalancer(depsOf(seeded(name)));
    balancer.setEndpoints(endpointsOf(ids.map(() => 1), ids));
    return balancer;
  }

  it('sends each request to the first idle instance of its I-queue, consuming the entry', () => {
    const balancer = jiq([10, 11, 12, 13]);
    balancer.onIdle!(12);
    balancer.onIdle!(10);
    expect(balancer.idleQueue()).toEqual([12, 10]);
    expect(balancer.pick(NO_KEY)).toBe(12);
    expect(balancer.idleQueue()).toEqual([10]);
    expect(balancer.pick(NO_KEY)).toBe(10);
    expect(balancer.idleQueue()).toEqual([]);
  });

  it('picks uniformly at random when its I-queue is empty', () => {
    const balancer = jiq([0, 1, 2, 3, 4], 'jiq-random');
    const counts = countPicks(balancer, 50_000);
    // χ² with 4 degrees of freedom: 18.5 is the 0.1 % critical value.
    expect(chiSquareUniform([0, 1, 2, 3, 4].map((id) => counts.get(id)!))).toBeLessThan(18.5);
  });

  it('lists an instance once, and reuses the ring after wrapping', () => {
    const balancer = jiq([0, 1, 2]);
    for (let round = 0; round < 5; round++) {
      balancer.onIdle!(2);
      balancer.onIdle!(2);
      balancer.onIdle!(0);
      expect(balancer.idleQueue()).toEqual([2, 0]);
      expect(pickMany(balancer, 2)).toEqual([2, 0]);
    }
  });

  it('drops announcements of instances outside the set, and entries of instances that left or failed', () => {
    const balancer = jiq([0, 1, 2, 3]);
    balancer.onIdle!(99);
    for (const id of [3, 1, 2, 0]) balancer.onIdle!(id);
    const next: Endpoint[] = [
      { id: 0, weight: 1, zone: 'a' },
      { id: 2, weight: 1, zone: 'a', healthy: false },
      { id: 3, weight: 1, zone: 'a' },
      { id: 7, weight: 1, zone: 'a' },
    ];
    balancer.setEndpoints(next);
    expect(balancer.idleQueue()).toEqual([3, 0]);
    balancer.onIdle!(1);
    balancer.onIdle!(7);
    expect(pickMany(balancer, 3)).toEqual([3, 0, 7]);
  });

  it('returns -1 with no endpoints', () => {
    const balancer = jiq([]);
    balancer.onIdle!(1);
    expect(balancer.pick(NO_KEY)).toBe(-1);
  });
});
