/**
 * Memory is O(instances + requests in flight), never O(requests simulated): a child process
 * with --expose-gc runs the same model for 10⁵ and for 3·10⁶ requests and compares the heap
 * after a full collection. Latencies go to a fixed-size histogram and requests to a slot pool,
 * so a 30× longer run may not keep more than a small constant extra.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

const script = `
import { scenarioSchema } from ${JSON.stringify(join(root, 'dist/src/scenario/schema.js'))};
import { simulateReplication } from ${JSON.stringify(join(root, 'dist/src/sim/run-scenario.js'))};
const scenario = (requests) => scenarioSchema.parse({
  name: 'memory', requests, clients: { count: 4 },
  arrivals: { kind: 'poisson', rate: 1400 },
  service: { instances: 16, serviceTime: { dist: 'exponential', mean: '10ms' } },
  network: { latency: { dist: 'exponential', mean: '1ms' } },
  timeout: '1s',
  balancer: { kind: 'least_request' },
});
const heapAfter = (requests) => {
  const m = simulateReplication(scenario(requests), 0);
  if (m.completed + m.timedOut !== requests) throw new Error('lost requests');
  globalThis.gc(); globalThis.gc();
  return process.memoryUsage().heapUsed;
};
heapAfter(100000); // warm up the code and allocations that happen once per process
const small = heapAfter(100000);
const large = heapAfter(3000000);
console.log(JSON.stringify({ small, large }));
`;

describe('memory', () => {
  it('does not grow with the number of requests simulated', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { small, large } = JSON.parse(r.stdout) as { small: number; large: number };
    // 2.9·10⁶ more requests: even 1 byte each would be 2.9 MB. Allow 1 MB of noise.
    expect(large - small).toBeLessThan(1 << 20);
  });
});
