import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KubernetesProbe, resolveKubernetesProbeConfig, type ProbeKind } from '../../src/detect/kubernetes-probe.js';

function probe(kind: ProbeKind, partial: Parameters<typeof resolveKubernetesProbeConfig>[1] = {}): KubernetesProbe {
  const p = new KubernetesProbe(kind, resolveKubernetesProbeConfig(kind, partial));
  p.onContainerStart(0);
  return p;
}

describe('kubernetes probe config', () => {
  it('has the core/v1 defaults: period 10 s, timeout 1 s, success 1, failure 3, no initial delay', () => {
    expect(resolveKubernetesProbeConfig('liveness')).toEqual({ initialDelay: 0, period: 10_000, timeout: 1_000, successThreshold: 1, failureThreshold: 3 });
  });

  it('requires successThreshold 1 for liveness and startup, and positive thresholds', () => {
    expect(() => resolveKubernetesProbeConfig('liveness', { successThreshold: 2 })).toThrow(/must be 1 for a liveness probe/);
    expect(() => resolveKubernetesProbeConfig('startup', { successThreshold: 3 })).toThrow(/startup/);
    expect(resolveKubernetesProbeConfig('readiness', { successThreshold: 3 }).successThreshold).toBe(3);
    expect(() => resolveKubernetesProbeConfig('readiness', { failureThreshold: 0 })).toThrow(/failureThreshold/);
    expect(() => resolveKubernetesProbeConfig('readiness', { period: 0 })).toThrow(/period/);
  });
});

describe('kubernetes probe', () => {
  it('starts from Success for liveness, Failure for readiness, Unknown for startup', () => {
    expect(probe('liveness').result).toBe('success');
    expect(probe('readiness').result).toBe('failure');
    expect(probe('startup').result).toBe('unknown');
  });

  it('does not probe before the initial delay', () => {
    const p = probe('readiness', { initialDelay: 5_000 });
    expect(p.shouldProbe(4_999)).toBe(false);
    expect(p.shouldProbe(5_000)).toBe(true);
    expect(new KubernetesProbe('readiness', resolveKubernetesProbeConfig('readiness')).shouldProbe(0)).toBe(false); // no container yet
  });

  it('fails a liveness probe after failureThreshold consecutive failures, then holds until the next start', () => {
    const p = probe('liveness');
    expect([p.onResult(false), p.onResult(false), p.onResult(true), p.onResult(false), p.onResult(false)]).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(p.onResult(false)).toBe('changed');
    expect(p.result).toBe('failure');
    expect(p.onHold).toBe(true);
    expect(p.shouldProbe(100_000)).toBe(false);
    p.onContainerStart(200_000);
    expect(p.result).toBe('success');
    expect(p.shouldProbe(200_000)).toBe(true);
  });

  it('makes a pod ready at the first success and unready after failureThreshold failures', () => {
    const p = probe('readiness');
    expect(p.onResult(true)).toBe('changed');
    expect(p.result).toBe('success');
    expect([p.onResult(false), p.onResult(false)]).toEqual(['unchanged', 'unchanged']);
    expect(p.onResult(false)).toBe('changed');
    expect(p.onHold).toBe(false); // readiness keeps probing
    expect(p.onResult(false)).toBe('unchanged');
  });

  it('needs successThreshold successes for readiness', () => {
    const p = probe('readiness', { successThreshold: 2 });
    expect(p.onResult(true)).toBe('unchanged');
    expect(p.onResult(true)).toBe('changed');
  });

  it('settles a startup probe once, either way, and holds', () => {
    const ok = probe('startup');
    expect(ok.onResult(true)).toBe('changed');
    expect(ok.onHold).toBe(true);
    const bad = probe('startup', { failureThreshold: 2 });
    bad.onResult(false);
    expect(bad.onResult(false)).toBe('changed');
    expect(bad.result).toBe('failure');
  });

  it('(c)16 a liveness failure needs failureThreshold consecutive failures (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { maxLength: 100 }), (failureThreshold, results) => {
        const p = probe('liveness', { failureThreshold });
        let failures = 0;
        for (const ok of results) {
          if (p.onHold) break;
          failures = ok ? 0 : failures + 1;
          p.onResult(ok);
          expect(p.result === 'failure').toBe(failures >= failureThreshold);
        }
      }),
    );
  });
});
