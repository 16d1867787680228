import { describe, expect, it } from 'vitest';
import { checkResources, formatBytes, formatCount, parseByteSize, parseEventCount } from '../../src/cli/resource-limits.js';
import { join } from 'node:path';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { estimateScenario } from '../../src/sim/resource-estimate.js';
import type { ResourceEstimate } from '../../src/sim/resource-estimate.js';

const estimate = (over: Partial<ResourceEstimate>): ResourceEstimate => ({
  events: 4e6,
  simulations: 2,
  eventDrivers: [{ path: ['arrivals', 'rate'], what: 'requests', amount: 2e6 }],
  simulationBytes: 2e6,
  memoryDrivers: [{ path: ['service', 'instances'], what: 'per-instance state', amount: 1e6 }],
  resultBytes: 1e5,
  resultDrivers: [{ path: ['replications'], what: 'results of every replication', amount: 1e5 }],
  ...over,
});
const context = {
  problemAt: (path: readonly (string | number)[], message: string) => ({ file: 's.yaml', line: 3, column: 7, path: path.join('.'), message }),
  simulations: '2 replications',
};

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message.split('\n');
  }
  throw new Error('expected a refusal');
}

describe('checkResources', () => {
  it('lets a run under the caps through silently, and announces a large one', () => {
    expect(checkResources(estimate({}), { maxMemory: 1e9 }, context)).toBeUndefined();
    expect(checkResources(estimate({ events: 6e9 }), { maxMemory: 1e9 }, context)).toBe(
      'about 6.0e9 simulated events and 2.1 MB of memory: roughly 33 minutes at 3.0e6 events/s',
    );
  });

  it('refuses too many events at the key that drives them, saying how to go on', () => {
    const lines = refusal(() => checkResources(estimate({ events: 4e12, eventDrivers: [{ path: ['arrivals', 'rate'], what: 'requests', amount: 2e12 }] }), { maxMemory: 1e9 }, context));
    expect(lines).toEqual([
      's.yaml:3:7: arrivals.rate: expected a run of at most 1.0e11 simulated events (--max-events), found about 4.0e12 ' +
        '(2.0e12 events from requests (arrivals.rate) per simulation, × 2 replications), roughly 15 days at 3.0e6 events/s; ' +
        'make it smaller, or raise the limit with --max-events 4.4e12, or pass --force',
    ]);
  });

  it('blames the replications when each simulation is within the cap but there are too many', () => {
    const [line] = refusal(() => checkResources(estimate({ events: 2e6 * 1e6, simulations: 1e6 }), { maxEvents: 1e11, maxMemory: 1e30 }, context));
    expect(line).toMatch(/^s\.yaml:3:7: replications: expected a run of at most 1\.0e11 simulated events/);
  });

  it('refuses too much memory at what holds most of it, counting simulations that run at once', () => {
    const perSimulation = estimate({ simulationBytes: 3e9, memoryDrivers: [{ path: ['service', 'instances'], what: 'per-instance state', amount: 3e9 }] });
    const [running] = refusal(() => checkResources(perSimulation, { maxMemory: 4e9 }, { ...context, threads: 2 }));
    expect(running).toBe(
      's.yaml:3:7: service.instances: expected a run that fits in 4.0 GB of memory (--max-memory), found about 6.0 GB ' +
        '(6.0 GB from per-instance state (service.instances); 2 simulations at once); ' +
        'make it smaller, or raise the limit with --max-memory 6.6GB if the machine has it, or pass --force',
    );
    const held = estimate({
      resultBytes: 9e9,
      resultDrivers: [
        { path: ['timeout'], what: 'time-series windows of every replication', amount: 8e9 },
        { path: ['replications'], what: 'results of every replication', amount: 1e9 },
      ],
    });
    const [results] = refusal(() => checkResources(held, { maxMemory: 4e9 }, context));
    expect(results).toMatch(
      /^s\.yaml:3:7: timeout: .*found about 9\.0 GB \(8\.0 GB from time-series windows of every replication \(timeout\), 1\.0 GB from results of every replication \(replications\)/,
    );
  });

  it('--force runs anything, still announcing it', () => {
    expect(checkResources(estimate({ events: 1e15, simulationBytes: 1e15 }), { force: true }, context)).toMatch(/^about 1\.0e15 simulated events/);
  });
});

describe('flag values', () => {
  it('--max-events takes plain and e-notation counts', () => {
    expect(parseEventCount('5e10')).toBe(5e10);
    expect(parseEventCount('1000')).toBe(1000);
    for (const bad of ['', '0', '-5', 'lots', 'Infinity']) expect(() => parseEventCount(bad), bad).toThrow(/--max-events expects a positive number/);
  });

  it('--max-memory takes sizes in decimal and binary units', () => {
    expect(parseByteSize('8GB')).toBe(8e9);
    expect(parseByteSize('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseByteSize('1.5e9')).toBe(1.5e9);
    for (const bad of ['', '8 parsecs', '-1GB', '0']) expect(() => parseByteSize(bad), bad).toThrow(/--max-memory expects a size such as 8GB/);
  });

  it('formats counts and sizes for people', () => {
    expect([formatCount(870.4), formatCount(3_200_000), formatCount(4e15)]).toEqual(['870', '3.2e6', '4.0e15']);
    expect([formatBytes(512), formatBytes(4.1e6), formatBytes(123e9)]).toEqual(['512 B', '4.1 MB', '123 GB']);
  });
});

describe('legitimate large runs pass the default caps', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const passes = (file: string, set: string[], strategies = 1) => {
    const loaded = loadScenarioFile(join(root, file), { set });
    const estimate = estimateScenario(loaded.scenario, Array(strategies).fill(loaded.scenario.balancer));
    // 4 GB: less than V8's default heap limit on a 16 GB machine, which the default follows.
    return () => checkResources(estimate, { maxMemory: 4e9 }, { problemAt: loaded.problemAt, simulations: 'runs' });
  };

  it('10⁸ requests of the M16 peer model (docs/benchmarks.md)', () => {
    expect(passes('scenarios/m16-peer.yaml', ['requests=100000000'])).not.toThrow();
  });

  it('thousands of instances × hundreds of clients (issue 12)', () => {
    expect(passes('scenarios/quickstart.yaml', ['service.instances=5000', 'clients.count=500'])).not.toThrow();
  });

  it('a sweep-sized grid: 10⁶ requests × 10 replications × 4 strategies per cell', () => {
    expect(passes('scenarios/quickstart.yaml', ['duration=30m', 'replications=10'], 4)).not.toThrow();
  });
});
