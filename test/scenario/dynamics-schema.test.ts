import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadScenarioFile, resolveScenario } from '../../src/scenario/load.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { runScenario, simulateReplication } from '../../src/sim/run-scenario.js';
import { MINIMAL_YAML, errorLines, scenarioError, writeScenario } from './helpers.js';

const parsed = (extra: string) => scenarioSchema.parse(parse(`${MINIMAL_YAML}${extra}`));

// MINIMAL_YAML has 8 lines; the keys below start at line 9.
describe('membership, discovery and autoscaling keys', () => {
  it('fill the systems’ own defaults', () => {
    const s = parsed(`membership: {}\ndiscovery: { kind: xds }\nautoscaling: { kind: hpa, maxReplicas: 10 }\n`);
    expect(s.membership).toEqual({
      pod: {
        readiness: { period: 10_000, timeout: 1000, initialDelay: 0, successThreshold: 1, failureThreshold: 3 },
        termination: { gracePeriod: 30_000, exitDelay: 0 },
      },
      strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
      minReadySeconds: 0,
      changes: [],
      coldWindow: 60_000,
    });
    expect(s.discovery).toEqual({
      kind: 'xds',
      endpointSlice: { batchPeriod: 0 },
      debounce: { after: 100, max: 10_000, eds: true },
      throttle: 25,
      ignoreHealthOnHostRemoval: false,
    });
    expect(s.autoscaling).toMatchObject({
      kind: 'hpa',
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'cpu', targetUtilization: 80 }],
      syncPeriod: 15_000,
      tolerance: 0.1,
      downscaleStabilization: 300_000,
    });
    expect(s.autoscaling).not.toHaveProperty('behavior');
  });

  it('read changes, DNS discovery and the KPA with durations and distributions', () => {
    const s = parsed(
      `membership:\n  pod: { startup: { dist: constant, value: 8s }, termination: { preStop: 5s, gracePeriod: 45s } }\n` +
        `  changes:\n    - { kind: rollout, at: 60s }\n    - { kind: scale, at: 2m, replicas: 2 }\n    - { kind: delete, at: 3m, pod: 0 }\n` +
        `discovery: { kind: dns, ttl: 30s, cache: none, client: { kind: resolver-cache } }\n` +
        `autoscaling: { kind: kpa, stableWindow: 2m, minScale: 1 }\n`,
    );
    expect(s.membership?.pod.startup).toEqual({ dist: 'constant', value: 8000 });
    expect(s.membership?.pod.termination).toEqual({ gracePeriod: 45_000, preStop: 5000, exitDelay: 0 });
    expect(s.membership?.changes).toEqual([
      { kind: 'rollout', at: 60_000 },
      { kind: 'scale', at: 120_000, replicas: 2 },
      { kind: 'delete', at: 180_000, pod: 0 },
    ]);
    expect(s.discovery).toMatchObject({ kind: 'dns', ttl: 30_000, cache: 'none', client: { kind: 'resolver-cache', ttl: 30_000 } });
    expect(s.autoscaling).toMatchObject({ kind: 'kpa', stableWindow: 120_000, panicThreshold: 200, tickInterval: 2000, minScale: 1, maxScale: 0 });
  });

  it('reject what Kubernetes, Envoy and Knative reject, with file positions', () => {
    const file = writeScenario(
      `${MINIMAL_YAML}membership:\n  strategy: { type: RollingUpdate, maxSurge: 0, maxUnavailable: "0%" }\n` +
        `  pod: { termination: { gracePeriod: 2500ms }, readiness: { period: 1s, timeout: 2s } }\n` +
        `discovery: { kind: dns, cache: { minTtl: 30s, maxTtl: 5s } }\n` +
        `autoscaling: { kind: hpa, minReplicas: 5, maxReplicas: 2 }\n`,
    );
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines).toEqual([
      expect.stringMatching(/:10:\d+: membership\.strategy\.maxUnavailable: expected maxUnavailable above 0 when maxSurge is 0/),
      expect.stringMatching(/:11:\d+: membership\.pod\.termination\.gracePeriod: expected a whole number of seconds \(Kubernetes takes terminationGracePeriodSeconds in seconds\), found "2500ms"/),
      expect.stringMatching(/:11:\d+: membership\.pod\.readiness\.timeout: expected a probe timeout no longer than the period \(1s\)/),
      expect.stringMatching(/:12:\d+: discovery\.cache\.maxTtl: expected a maxTtl of at least minTtl \(30s\)/),
      expect.stringMatching(/:13:\d+: autoscaling\.maxReplicas: expected a maxReplicas of at least minReplicas \(5\)/),
    ]);
  });

  it('show the defaulted value when a default breaks a rule (a probe period below the 1 s default timeout)', () => {
    const file = writeScenario(`${MINIMAL_YAML}membership:\n  pod: { readiness: { period: 500ms } }\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      expect.stringMatching(/:10:\d+: membership\.pod\.readiness\.timeout: expected a probe timeout no longer than the period \(500ms\), found nothing, so the default 1s$/),
    ]);
  });

  it('suggest the right kind and keys', () => {
    const file = writeScenario(`${MINIMAL_YAML}discovery: { kind: eds }\nautoscaling: { kind: hpa, maxReplica: 3 }\n`);
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines[0]).toMatch(/discovery\.kind: expected one of `xds`, `dns`, found "eds"; did you mean `xds`\?/);
    expect(lines.some((l) => /autoscaling\.maxReplica: unknown key; did you mean `maxReplicas`\?/.test(l))).toBe(true);
  });
});

describe('a scenario with these keys and a heartbeat detector, which the simulation does not combine yet', () => {
  it('is refused at the heartbeat key with a clear message', () => {
    const file = writeScenario(`${MINIMAL_YAML}membership:\n  changes: [{ kind: scale, at: 5s, replicas: 2 }]\nheartbeat: { interval: 1s }\n`);
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${file}:11:1: heartbeat: valid, but not yet supported by the simulation together with membership`))]);
  });

  it('a KPA without maxScale is refused at autoscaling.maxScale: the simulation needs a bound on the pods', () => {
    const file = writeScenario(`${MINIMAL_YAML}autoscaling: { kind: kpa }\n`);
    expect(errorLines(() => loadScenarioFile(file))).toEqual([expect.stringMatching(/^.*:9:1: autoscaling\.maxScale: valid, but the simulation needs a maxScale above 0/)]);
    expect(loadScenarioFile(writeScenario(`${MINIMAL_YAML}autoscaling: { kind: kpa, maxScale: 10 }\n`)).scenario.autoscaling).toMatchObject({ kind: 'kpa', maxScale: 10 });
  });

  it('is refused by the library too, rather than run without it', () => {
    const s = { ...parsed(`discovery: { kind: xds }\n`), heartbeat: parsed(`heartbeat: { interval: 1s }\n`).heartbeat };
    expect(scenarioError(() => simulateReplication(s)).message).toMatch(/heartbeat: valid, but not yet supported/);
    expect(scenarioError(() => runScenario(s)).message).toMatch(/not yet supported/);
  });

  it('runs the keys on their own', () => {
    const s = parsed(`discovery: { kind: xds }\n`);
    expect(simulateReplication(s).membership?.sentToGone.total).toBe(0);
  });
});

describe('runMembership’s way in', () => {
  it('accepts the keys when asked to (allowUnsimulatedKeys), for membership on its own', () => {
    const input = parse(`${MINIMAL_YAML}membership: { changes: [{ kind: scale, at: 5s, replicas: 2 }] }\n`);
    const { scenario } = resolveScenario(input, { allowUnsimulatedKeys: true });
    expect(scenario.membership?.changes).toEqual([{ kind: 'scale', at: 5000, replicas: 2 }]);
  });
});
