import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeartbeatTimeoutDetector, resolveHeartbeatTimeoutConfig } from '../../src/detect/heartbeat-timeout.js';

describe('heartbeat timeout detector', () => {
  it('defaults to 3 s and rejects a non-positive timeout', () => {
    expect(resolveHeartbeatTimeoutConfig()).toEqual({ after: 3_000 });
    expect(() => resolveHeartbeatTimeoutConfig({ after: 0 })).toThrow(/after must be a finite number > 0/);
  });

  it('is available before the first heartbeat, and never suspects an unmonitored node', () => {
    const d = new HeartbeatTimeoutDetector(resolveHeartbeatTimeoutConfig());
    expect(d.isMonitoring).toBe(false);
    expect(d.isAvailable(1e12)).toBe(true);
    expect(d.suspicionTime()).toBe(Infinity);
  });

  it("suspects from lastHeartbeat + after on, as Akka's DeadlineFailureDetector (available while last + after > now)", () => {
    const d = new HeartbeatTimeoutDetector(resolveHeartbeatTimeoutConfig({ after: 4_000 }));
    d.heartbeat(0);
    d.heartbeat(1_000);
    d.heartbeat(1_100);
    expect(d.isAvailable(1_200)).toBe(true);
    expect(d.isAvailable(5_099.999)).toBe(true);
    expect(d.suspicionTime()).toBe(5_100);
    expect(d.isAvailable(5_100)).toBe(false);
    d.heartbeat(8_200);
    expect(d.isAvailable(8_200)).toBe(true);
  });

  it('refuses heartbeats going back in time', () => {
    const d = new HeartbeatTimeoutDetector(resolveHeartbeatTimeoutConfig());
    d.heartbeat(10);
    expect(() => d.heartbeat(5)).toThrow(/time went backwards/);
  });

  it('is suspected exactly when the silence reaches `after` (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 300_000 }), (after, gaps, probe) => {
        const d = new HeartbeatTimeoutDetector(resolveHeartbeatTimeoutConfig({ after }));
        let t = 0;
        for (const gap of gaps) d.heartbeat((t += gap));
        expect(d.isAvailable(t + probe)).toBe(probe < after);
        expect(d.isAvailable(d.suspicionTime())).toBe(false);
      }),
    );
  });
});
