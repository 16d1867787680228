import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkHpaConfig, DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, HPA_CONTROLLER_DEFAULTS } from '../../src/autoscale/hpa.js';
import { checkKpaConfig, KNATIVE_DEFAULTS } from '../../src/autoscale/kpa.js';
import { hpaConfig, kpaConfig } from '../../src/scenario/build-autoscaling.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { MINIMAL_YAML } from './helpers.js';

const autoscaling = (text: string) => scenarioSchema.parse(parse(`${MINIMAL_YAML}autoscaling: ${text}\n`)).autoscaling!;

describe('autoscaling key → model configuration', () => {
  it('gives the HPA the controller’s defaults and CPU 80 % when no metric is named', () => {
    const spec = autoscaling('{ kind: hpa, maxReplicas: 10 }');
    if (spec.kind !== 'hpa') throw new Error('hpa expected');
    const config = hpaConfig(spec);
    checkHpaConfig(config);
    const { syncPeriod, ...flags } = HPA_CONTROLLER_DEFAULTS;
    expect(config).toEqual({ minReplicas: 1, maxReplicas: 10, metrics: [{ kind: 'cpu-utilization', target: 80 }], behavior: null, ...flags, syncPeriod, metricsResolution: 15_000 });
  });

  it('fills a partial behavior with the API defaults and converts units', () => {
    const spec = autoscaling(
      '{ kind: hpa, maxReplicas: 10, metrics: [{ type: concurrency, targetAverage: 2.5 }], behavior: { scaleDown: { stabilizationWindow: 1m, policies: [{ type: Pods, value: 1, period: 30s }] } } }',
    );
    if (spec.kind !== 'hpa') throw new Error('hpa expected');
    const config = hpaConfig(spec);
    expect(config.metrics).toEqual([{ kind: 'pods', name: 'concurrency', target: 2500 }]);
    expect(config.behavior).toEqual({
      scaleUp: DEFAULT_SCALE_UP,
      scaleDown: { ...DEFAULT_SCALE_DOWN, stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] },
    });
  });

  it('gives the KPA Knative’s defaults', () => {
    const spec = autoscaling('{ kind: kpa }');
    if (spec.kind !== 'kpa') throw new Error('kpa expected');
    const config = kpaConfig(spec);
    checkKpaConfig(config);
    expect(config).toEqual(KNATIVE_DEFAULTS);
  });
});
