import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBalancerSpecs } from '../../src/cli/strategies.js';
import { parseParamFlags } from '../../src/cli/sweep-params.js';
import { resolveSweepPlan } from '../../src/cli/sweep-plan.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const SCENARIO = `name: plan
duration: 2s
warmup: 200ms
arrivals: { kind: poisson, rate: 100 }
service: { instances: 4, serviceTime: { dist: exponential, mean: 10ms } }
balancer: { kind: least_request }
`;

let file: string;
beforeAll(() => {
  file = join(mkdtempSync(join(tmpdir(), 'meshsim-plan-')), 's.yaml');
  writeFileSync(file, SCENARIO);
});

const plan = async (params: string[], balancers: string[] = [], set: string[] = []) =>
  resolveSweepPlan({ file, set, params: parseParamFlags(params), balancers: parseBalancerSpecs(balancers) });

describe('resolveSweepPlan', () => {
  it('resolves every cell through the loader, in grid order', async () => {
    const p = await plan(['arrivals.rate=100,200', 'service.instances=2,4,8']);
    expect(p.cells.map((c) => [c.scenario.arrivals, c.scenario.service.instances])).toEqual([
      [{ kind: 'poisson', rate: 100 }, 2], [{ kind: 'poisson', rate: 100 }, 4], [{ kind: 'poisson', rate: 100 }, 8],
      [{ kind: 'poisson', rate: 200 }, 2], [{ kind: 'poisson', rate: 200 }, 4], [{ kind: 'poisson', rate: 200 }, 8],
    ]);
    expect(p.base.service.instances).toBe(4);
  });

  it('takes each cell’s own balancer when nothing else names the strategies', async () => {
    const p = await plan(['balancer.choices=2,3']);
    expect(p.strategies).toEqual(['least_request(choices=2)', 'least_request(choices=3)']);
    expect(p.warnings).toEqual([]);
  });

  it('warns that a swept balancer path does nothing when --balancers names the strategies', async () => {
    const p = await plan(['balancer.choices=2,3'], ['random,round_robin']);
    expect(p.strategies).toEqual(['random', 'round_robin']);
    expect(p.warnings).toEqual(['--param balancer.choices=2,3: has no effect, because the strategies come from --balancers']);
  });

  it('names the --param of a bad value once, however many cells it spoils', async () => {
    let error: unknown;
    try {
      await plan(['arrivals.rate=100,-1', 'service.instances=2,4']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toBe(
      '--param arrivals.rate=100,-1: arrivals.rate: expected a positive number of requests per second, found -1',
    );
  });
});
