import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { simulateReplication } from '../../src/sim/run-scenario.js';

const overloaded = (circuitBreakers: object | undefined) =>
  scenarioSchema.parse({
    name: 'breaker',
    seed: 4,
    duration: '20s',
    clients: { count: 2 },
    arrivals: { kind: 'poisson', rate: 600 }, // 1.5 × the capacity of 4 instances at 10 ms
    service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' } },
    timeout: '2s',
    balancer: { kind: 'least_request' },
    ...(circuitBreakers === undefined ? {} : { circuitBreakers }),
  });

describe("Envoy's circuit breaker in the simulation", () => {
  it('holds excess requests as pending and fails the rest at once, counting every request', () => {
    const m = simulateReplication(overloaded({ maxRequests: 8, maxPendingRequests: 4 }), 0);
    expect(m.retries.circuitBreakerOverflows).toBeGreaterThan(0);
    expect(m.failed).toBe(m.retries.circuitBreakerOverflows); // the only failures here
    expect(m.completed + m.failed + m.timedOut + m.rejected + m.inFlightAtEnd).toBe(m.T);
    // Fail-fast keeps latency bounded: at most 8 in service and 4 waiting per client.
    const open = simulateReplication(overloaded(undefined), 0);
    expect(m.latency.p99).toBeLessThan(open.latency.p99 / 5);
  });

  it('with generous limits changes nothing', () => {
    const limited = simulateReplication(overloaded({ maxRequests: 100_000, maxPendingRequests: 100_000 }), 0);
    const open = simulateReplication(overloaded(undefined), 0);
    expect(limited.retries.circuitBreakerOverflows).toBe(0);
    expect(limited.latency).toEqual(open.latency);
    expect(limited.completed).toBe(open.completed);
  });
});
