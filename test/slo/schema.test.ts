import { describe, expect, it } from 'vitest';
import { loadScenarioFile, resolveScenario } from '../../src/scenario/load.js';
import { scenarioSlo, DEFAULT_SLO, recordingStep } from '../../src/slo/plan.js';
import { MINIMAL_YAML, errorLines, writeScenario } from '../scenario/helpers.js';

const withSlo = (slo: string) => writeScenario(`${MINIMAL_YAML}${slo}`);

describe('the scenario key slo:', () => {
  it('takes text and long forms, and turns both into the canonical objective', () => {
    const file = withSlo(`slo:
  - availability >= 99.9% per 10s
  - { sli: latency.p99, value: 200ms, per: 10s, minRequests: 50 }
  - { name: budget, sli: availability, target: 99.5%, per: 2s }
  - { sli: detection.timeToEject, op: lte, value: 15s, kinds: [crash, hang] }
`);
    const { scenario } = loadScenarioFile(file);
    expect(scenario.slo).toEqual([
      { name: 'availability >= 99.9% per 10s', sli: 'availability', op: '>=', value: 0.999, per: 10_000, minRequests: 1 },
      { name: 'latency.p99 <= 200ms per 10s', sli: 'latency.p99', op: '<=', value: 200, per: 10_000, minRequests: 50 },
      { name: 'budget', sli: 'availability', op: '>=', value: 0.995, per: 2000, minRequests: 1 },
      { name: 'detection.timeToEject <= 15s per fault', sli: 'detection.timeToEject', op: '<=', value: 15_000, per: 'fault', minRequests: 1, kinds: ['crash', 'hang'] },
    ]);
    expect(recordingStep(scenario.slo!)).toBe(1000);
  });

  it('validates its own output again unchanged (scenario.json reads back)', () => {
    const { scenario } = loadScenarioFile(withSlo('slo: [availability >= 99% per 10s, lost == 0, "goodput >= 50/s per 5s"]\n'));
    const again = resolveScenario(JSON.parse(JSON.stringify(scenario)));
    expect(again.scenario.slo).toEqual(scenario.slo);
  });

  it('applies the default, availability first, when the scenario has none', () => {
    const { scenario } = loadScenarioFile(withSlo(''));
    expect(scenario.slo).toBeUndefined();
    expect(scenarioSlo(scenario)).toEqual({ objectives: DEFAULT_SLO, isDefault: true });
    expect(DEFAULT_SLO.map((o) => o.name)).toEqual(['availability >= 99.9% per 10s']);
  });

  it('reports mistakes at their file position and key path, expected and found', () => {
    const file = withSlo(`slo:
  - availability >= 99.9 per 10s
  - { sli: latency.p99, value: 200ms, per: fault }
  - { sli: availabilty, target: 99% }
  - { sli: availability, target: 99%, value: 0.99 }
  - { sli: availability, target: 99%, kinds: [crash] }
`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:10:5: slo.0: expected a share such as 99.9% or 0.999, at least 0 and below 100% (write 99.999% rather than 100%), found "99.9"`,
      `${file}:11:44: slo.1.per: expected over run or per <window> for latency.p99, found per fault`,
      `${file}:12:12: slo.2.sli: expected an SLI: availability, errors.share, timeouts.share, retries.share, goodput, latency.pNN (p50, p95, p99, p999, …), lost, detection.timeToEject, recovery.timeToRecover, recovery.afterFaultEnd, recovery.serviceTimeToRecover, found "availabilty"`,
      `${file}:13:34: slo.3.target: expected exactly one of \`value\` or \`target\`, found both`,
      `${file}:14:39: slo.4.kinds: expected \`kinds\` only with \`per: fault\`, found kinds`,
    ]);
  });

  it('wants each objective’s name once', () => {
    const file = withSlo('slo:\n  - { name: x, sli: availability, target: 99% }\n  - { name: x, sli: lost, value: 0 }\n');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:11:5: slo.1: expected an objective name no other objective has, found "x" twice`,
    ]);
  });

  it('asks for a per-window objective beside a service-level recovery bound', () => {
    const file = withSlo('slo: [availability >= 99%, recovery.serviceTimeToRecover <= 30s]\n');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:9:28: slo.1: expected a per-window objective beside it: the service is recovered when every window holds again, found no objective per <window>`,
    ]);
  });

  it('bounds the recording steps a run keeps', () => {
    const file = writeScenario(MINIMAL_YAML.replace('duration: 10s', 'duration: 2h').concat('slo: [availability >= 99% per 7ms]\n'));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:9:7: slo.0: expected windows whose greatest common divisor with 1s gives at most 1,000,000 steps over the counted 7199s, found 7,199,000 steps of 1ms`,
    ]);
  });
});
