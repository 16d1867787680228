/**
 * Memory is O(instances × clients + requests in flight), never O(requests simulated), and a
 * fault costs only its compact record (typed columns, about 40 bytes: what the SLO's incidents
 * are judged on): a child process with --expose-gc runs the same model for a short and a long
 * run and compares the heap. Latencies go to fixed-size histograms, requests to slot pools, and
 * the lists a detection or a recovery looks at hold only faults not yet recovered, so a far
 * longer run may not keep more than a small constant extra.
 * - The fast path: the heap after a full collection at the end of 10⁵ and 3·10⁶ requests.
 * - The full simulation with faults (random crashes and error bursts, health checks, outlier
 *   detection, retries, restarts): the peak live heap during the run, sampled after a full
 *   collection every 2·10⁴ request ends, over 10⁵ and 10⁶ requests.
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

const fullScript = `
import { scenarioSchema } from ${JSON.stringify(join(root, 'dist/src/scenario/schema.js'))};
import { simulateReplication } from ${JSON.stringify(join(root, 'dist/src/sim/run-scenario.js'))};
const scenario = (requests) => scenarioSchema.parse({
  name: 'memory-faults', requests, clients: { count: 8 },
  arrivals: { kind: 'poisson', rate: 3200 },
  service: { instances: 64, serviceTime: { dist: 'exponential', mean: '10ms' } },
  network: { latency: { dist: 'exponential', mean: '1ms' } },
  timeout: '1s', drain: '2s',
  balancer: { kind: 'least_request' },
  faults: [
    { kind: 'random', mode: 'crash', mttf: '6s', mttr: '1s' },
    { kind: 'random', mode: 'errors', mttf: '6s', mttr: '1s', rate: 0.5 },
  ],
  restart: { startupTime: '500ms' },
  healthCheck: { interval: '1s', timeout: '250ms', unhealthyThreshold: 2, healthyThreshold: 1 },
  outlierDetection: { consecutive5xx: 5, interval: '2s', baseEjectionTime: '5s', maxEjectionPercent: 30 },
  retries: { attempts: 2, perTryTimeout: '300ms' },
});
const peakDuring = (requests) => {
  let peak = 0;
  let ends = 0;
  globalThis.gc();
  const m = simulateReplication(scenario(requests), 0, undefined, {
    onRequestEnd: () => {
      if (++ends % 20000 !== 0) return;
      globalThis.gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  });
  if (m.completed + m.failed + m.timedOut + m.rejected + m.inFlightAtEnd !== requests) throw new Error('lost requests');
  if (m.detection.faults < requests / 400) throw new Error('too few faults: ' + m.detection.faults);
  return { peak, faults: m.detection.faults };
};
peakDuring(100000); // warm up the code and allocations that happen once per process
const small = peakDuring(100000);
const large = peakDuring(1000000);
console.log(JSON.stringify({ small, large }));
`;

describe('memory of the full simulation with faults', () => {
  it('peaks during a run at the same live heap however long the run and however many faults it meets', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', fullScript], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { small, large } = JSON.parse(r.stdout) as { small: { peak: number; faults: number }; large: { peak: number; faults: number } };
    expect(large.faults).toBeGreaterThan(5 * small.faults);
    // 9·10⁵ more requests and thousands more faults: even 1 byte per request would be 0.9 MB,
    // and an object kept per fault (about 200 bytes) over 1 MB; their compact records (about
    // 5000 more faults × 40 bytes) fit in the allowance.
    // Allow 1 MB of noise (the flight table may double once at a higher peak of requests in flight).
    expect(large.peak - small.peak).toBeLessThan(1 << 20);
  });
});
