/**
 * The `faultSpace:`, `search:` and `provenance:` keys: defaults, and every mistake reported at
 * its key path with what was expected and what was found.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettle, searchSettings, sizeRange } from '../../src/check/schema.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { scenarioSlo } from '../../src/slo/plan.js';
import { problems, scenario } from './helpers.js';

const CRASH = { kinds: { crash: { for: '1s' } } };

describe('faultSpace', () => {
  it('fills in its defaults and keeps the kinds in the order written', () => {
    const s = scenario({ faultSpace: { kinds: { slow: { for: ['1s', '5s'] }, crash: { for: '2s' } } } });
    expect(Object.keys(s.faultSpace!.kinds)).toEqual(['slow', 'crash']);
    expect(s.faultSpace).toMatchObject({ maxFaults: 3, grid: 1000, targets: 'any', swarm: true });
    expect(s.faultSpace!.kinds.slow!.for).toEqual([1000, 5000]);
    expect(s.faultSpace!.kinds.crash!.for).toEqual([2000, 2000]);
    expect(searchSettings(s.search)).toEqual({ runs: 1000, targeted: 0.3, strategy: 'anneal', shrinkRuns: 500, robustness: 10 });
  });

  it('settles by default for the longest per-fault recovery bound of the SLO', () => {
    const s = scenario({ slo: ['recovery.afterFaultEnd <= 8s per fault', 'recovery.timeToRecover <= 5s per fault', 'detection.timeToEject <= 20s per fault'] });
    expect(defaultSettle(scenarioSlo(s).objectives)).toBe(8000);
    expect(defaultSettle(scenarioSlo(scenario()).objectives)).toBe(0);
  });

  it('reads Jepsen sizes against the target pool', () => {
    expect(sizeRange(undefined, 5)).toEqual([1, 1]);
    expect(sizeRange([1, 3], 5)).toEqual([1, 3]);
    expect(sizeRange('minority', 5)).toEqual([2, 2]);
    expect(sizeRange('majority', 5)).toEqual([3, 3]);
    expect(sizeRange('majority', 4)).toEqual([3, 3]);
    expect(sizeRange('all', 4)).toEqual([4, 4]);
    expect(sizeRange('one', 4)).toEqual([1, 1]);
  });

  it.each([
    [{ faultSpace: { kinds: {} } }, 'faultSpace.kinds: expected at least one fault kind (crash, hang, slow, errors, partition, crashloop, zone), found none'],
    [{ faultSpace: { kinds: { crsh: { for: '1s' } } } }, 'faultSpace.kinds.crsh: unknown key; did you mean `crash`?'],
    [{ faultSpace: { kinds: { crash: { for: ['2s', '1s'] } } } }, 'faultSpace.kinds.crash.for: expected a range [min, max] of positive durations such as 1s with min ≤ max, found [2s, 1s]'],
    [{ faultSpace: { kinds: { crash: { for: '1s', factor: [2, 3] } } } }, 'faultSpace.kinds.crash.factor: expected only `for`, `size` for crash faults, found `factor`'],
    [{ faultSpace: { kinds: { slow: { for: '1s', factor: [1, 3] } } } }, 'faultSpace.kinds.slow.factor.0: expected a number greater than 1, found 1'],
    [{ faultSpace: { ...CRASH, targets: [0, 9] } }, 'faultSpace.targets.1: expected an instance index below 4 (service.instances), found 9'],
    [{ faultSpace: { ...CRASH, targets: { zone: 'x' } } }, 'faultSpace.targets.zone: expected a zone of the service (`default`), found "x"'],
    [{ faultSpace: { kinds: { crash: { for: '40s' } } } }, 'faultSpace.kinds.crash.for: expected a shortest crash fault that fits between the earliest start (5s) and the settle time (30s), found 40s'],
    [{ faultSpace: { ...CRASH, settle: '30s' } }, 'faultSpace.settle: expected a settle time shorter than the counted span (25s), found 30s'],
    [{ faultSpace: { kinds: { crash: { for: '1s', size: 5 } } } }, 'faultSpace.kinds.crash.size: expected at most 4 instances (the target pool), found 5'],
    [{ faultSpace: { ...CRASH, start: ['1s', '40s'] } }, 'faultSpace.start: expected start times before the end of arrivals (30s), found [1s, 40s]'],
    [{ faultSpace: CRASH, duration: undefined, requests: 1000 }, 'faultSpace: expected a scenario with a `duration` (a fault space is laid out in time), found a run bounded by `requests`'],
    [{ faultSpace: CRASH, search: { runs: 10, minRuns: 20 } }, 'search.minRuns: expected at most `runs` (10), found 20'],
    [{ faultSpace: CRASH, search: { strategy: 'anneel' } }, 'search.strategy: expected one of `anneal`, `hillclimb`, `off`, found "anneel"; did you mean `anneal`?'],
    [{ faultSpace: { ...CRASH, maxFaults: 0 } }, 'faultSpace.maxFaults: expected an integer from 1 to 32, found 0'],
    [{ faultSpace: { kinds: { crash: { for: 'soon' } } } }, 'faultSpace.kinds.crash.for: expected positive durations such as 1s, or a range [min, max] of them, found "soon"'],
    [{ provenance: { tool: 'meshsim check' } }, 'provenance.meshsimVersion: required key missing; expected a string'],
  ])('%j is refused', (input, message) => {
    expect(problems(input)).toContain(message);
  });

  it('reports a fault-space mistake at its line and column in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-check-schema-'));
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      ['name: x', 'duration: 30s', 'arrivals: { kind: poisson, rate: 10 }', 'service: { instances: 2, serviceTime: { dist: constant, value: 1ms } }', 'balancer: { kind: random }', 'faultSpace:', '  kinds:', '    crash: { for: 1s, rate: [0.1, 1] }', ''].join('\n'),
    );
    expect(() => loadScenarioFile(file)).toThrow(`${file}:8:23: faultSpace.kinds.crash.rate: expected only \`for\`, \`size\` for crash faults, found \`rate\``);
  });
});
