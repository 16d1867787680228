import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { MINIMAL_YAML, errorLines, writeScenario } from './helpers.js';

// MINIMAL_YAML has 8 lines; the failure keys below start at line 9.
describe('failure, detection and recovery keys', () => {
  it('fill their defaults and convert durations', () => {
    const file = writeScenario(
      `${MINIMAL_YAML}faults:\n  - { kind: crash, instance: 1, at: 2s, for: 30s }\n  - { kind: partition, instances: [2, 3], at: 1s }\n` +
        `healthCheck: { interval: 5s, timeout: 1s, unhealthyThreshold: 3, healthyThreshold: 2 }\n` +
        `retries: { attempts: 2, perTryTimeout: 250ms, budget: { percent: 20 } }\n`,
    );
    const { scenario } = loadScenarioFile(file);
    expect(scenario.faults).toEqual([
      { kind: 'crash', instance: 1, at: 2000, for: 30_000 },
      { kind: 'partition', instances: [2, 3], at: 1000, path: 'control' },
    ]);
    expect(scenario.healthCheck).toEqual({ interval: 5000, timeout: 1000, unhealthyThreshold: 3, healthyThreshold: 2, checker: 'per-client' });
    expect(scenario.retries).toMatchObject({ attempts: 2, perTryTimeout: 250, budget: { percent: 20, minConcurrency: 3 }, avoidPreviousHosts: true });
    expect(scenario.restart).toEqual({ startupTime: 0, backoff: { initial: 10_000, max: 300_000, resetAfter: 600_000 } });
  });

  it('reject a fault on an instance that does not exist, and an unknown zone', () => {
    const file = writeScenario(`${MINIMAL_YAML}faults:\n  - { kind: crash, instance: 4, at: 1s }\n  - { kind: zone, zone: b, at: 1s }\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:10:30: faults.0.instance: expected an instance index below 4 (service.instances), found 4`,
      `${file}:11:25: faults.1.zone: expected a zone of the service (\`default\`), found "b"`,
    ]);
  });

  it('reject zero thresholds and meaningless timeouts', () => {
    const file = writeScenario(
      `${MINIMAL_YAML}healthCheck: { interval: 5s, timeout: 1s, unhealthyThreshold: 0, healthyThreshold: 2 }\n` +
        `heartbeat: { interval: 1s, detector: { kind: timeout, after: 800ms } }\n` +
        `liveness: { period: 1s, timeout: 2s }\n`,
    );
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/:9:\d+: healthCheck\.unhealthyThreshold: expected a positive integer, found 0$/);
    expect(lines[1]).toMatch(/:10:\d+: heartbeat\.detector\.after: expected a timeout longer than the heartbeat interval \(1s\)/);
    expect(lines[2]).toMatch(/:11:\d+: liveness\.timeout: expected a probe timeout no longer than the period \(1s\)/);
  });

  it('reject a fault without a target and an unknown fault kind with suggestions', () => {
    const file = writeScenario(`${MINIMAL_YAML}faults:\n  - { kind: hang, at: 1s }\n  - { kind: crsh, instance: 1, at: 1s }\n`);
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines[0]).toMatch(/faults\.0: expected exactly one of `instance` or `instances`, found neither/);
    expect(lines[1]).toMatch(/faults\.1\.kind: expected one of .*found "crsh"; did you mean `crash`\?/);
  });

  it('reject settings that contradict each other, defaults included', () => {
    const file = writeScenario(
      `${MINIMAL_YAML}timeout: 1s\n` +
        `retries: { attempts: 2, perTryTimeout: 2s }\n` +
        `restart: { backoff: { initial: 10m, max: 5m } }\n` +
        `outlierDetection: { maxEjectionTime: 10s }\n` +
        `failureAccrual: { maxPenalty: 500ms }\n`,
    );
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:10:40: retries.perTryTimeout: expected a per-try timeout no longer than \`timeout\` (1s): the request's timeout covers every attempt, so a longer one never fires, found "2s"`,
      `${file}:11:32: restart.backoff.initial: expected a first back-off no longer than \`max\` (5m), found "10m"`,
      `${file}:12:38: outlierDetection.maxEjectionTime: expected a maximum ejection time of at least \`baseEjectionTime\` (30s, its default), as Envoy requires, found "10s"`,
      `${file}:13:1: failureAccrual: expected either \`failureAccrual\` (Linkerd's) or \`outlierDetection\` (Envoy's): they are alternatives, a mesh runs one, found both`,
      `${file}:13:31: failureAccrual.maxPenalty: expected a maximum penalty of at least \`minPenalty\` (1s, its default), found "500ms"`,
    ]);
    const minPenalty = writeScenario(`${MINIMAL_YAML}failureAccrual: { minPenalty: 2m }\n`);
    expect(errorLines(() => loadScenarioFile(minPenalty))).toEqual([
      `${minPenalty}:9:31: failureAccrual.minPenalty: expected a minimum penalty no longer than \`maxPenalty\` (1m, its default), found "2m"`,
    ]);
  });
});

