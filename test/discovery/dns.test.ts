import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../src/engine/rng.js';
import { advanceUntil, TimedGroup } from '../../src/engine/timed-model.js';
import { COREDNS_CACHE, DnsCache, DnsServer, ENVOY_STRICT_DNS, StrictDnsRefresh, type DnsAnswer } from '../../src/discovery/dns.js';
import { EndpointSliceController } from '../../src/discovery/endpoint-slice-controller.js';
import type { EndpointSnapshot } from '../../src/discovery/endpoint-slice.js';

function snapshot(version: number, ready: number[], writtenAt = 0): EndpointSnapshot {
  return { version, endpoints: ready.map((id) => ({ id, ready: true, serving: true, terminating: false })), changes: [], writtenAt, triggerTime: writtenAt };
}

describe('DnsServer (CoreDNS kubernetes plugin)', () => {
  it('answers with the ready endpoints of the latest write it has seen, after its informer lag', () => {
    const server = new DnsServer({ ttl: 5, informerLag: () => 100 });
    server.sliceWritten(0, {
      ...snapshot(1, [1]),
      endpoints: [
        { id: 1, ready: true, serving: true, terminating: false },
        { id: 2, ready: false, serving: true, terminating: true },
      ],
    });
    expect(server.resolve(99).version).toBe(0);
    expect(server.resolve(100)).toMatchObject({ version: 1, ids: [1], ttl: 5 });
  });
});

describe('DnsCache', () => {
  it('keeps answers for their TTL clamped to [min, max] and serves the whole seconds left', () => {
    const server = new DnsServer({ ttl: 5, informerLag: () => 0 });
    const cache = new DnsCache(server, { kind: 'clamp', minTtl: 5, maxTtl: 30 });
    server.sliceWritten(0, snapshot(1, [1]));
    expect(cache.resolve(0)).toMatchObject({ version: 1, ttl: 5 });
    server.sliceWritten(1000, snapshot(2, [2], 1000));
    expect(cache.resolve(2500)).toMatchObject({ version: 1, ttl: 2 });
    expect(cache.resolve(4999)).toMatchObject({ version: 1, ttl: 0 });
    expect(cache.resolve(5000)).toMatchObject({ version: 2, ttl: 5 });
    expect(cache.counts).toEqual({ hits: 2, misses: 2 });
  });

  it('still caches a TTL-0 answer for minTtl, as CoreDNS does; a fixed cache ignores record TTLs', () => {
    const server = new DnsServer({ ttl: 0, informerLag: () => 0 });
    server.sliceWritten(0, snapshot(1, [1]));
    const coredns = new DnsCache(server, COREDNS_CACHE);
    expect(coredns.resolve(0).ttl).toBe(5);
    const jvm = new DnsCache(server, { kind: 'fixed', ttl: 30 });
    jvm.resolve(0);
    server.sliceWritten(1, snapshot(2, [2], 1));
    expect(jvm.resolve(29_999).version).toBe(1);
    expect(jvm.resolve(30_000).version).toBe(2);
  });

  it('passes answers through when it keeps nothing', () => {
    const server = new DnsServer({ ttl: 0, informerLag: () => 0 });
    const none = new DnsCache(server, { kind: 'fixed', ttl: 0 });
    server.sliceWritten(0, snapshot(1, [1]));
    none.resolve(0);
    server.sliceWritten(1, snapshot(2, [2], 1));
    expect(none.resolve(1).version).toBe(2);
  });
});

describe('StrictDnsRefresh (Envoy STRICT_DNS)', () => {
  it('re-resolves every dns_refresh_rate after the previous lookup returned', () => {
    const server = new DnsServer({ ttl: 30, informerLag: () => 0 });
    const answers: Array<[number, number]> = [];
    const refresh = new StrictDnsRefresh(server, { ...ENVOY_STRICT_DNS, lookupLatency: () => 10 }, (a, t) => answers.push([t, a.version]));
    const world = new TimedGroup([server, refresh]);
    refresh.start(0);
    advanceUntil(world, 3000);
    server.sliceWritten(3000, snapshot(1, [1], 3000));
    advanceUntil(world, 16_000);
    expect(answers).toEqual([
      [10, 0],
      [5020, 1],
      [10_030, 1],
      [15_040, 1],
    ]);
  });

  it('with respect_dns_ttl waits the answer’s TTL, or dns_refresh_rate when the TTL is 0', () => {
    for (const [ttl, gap] of [
      [30, 30_000],
      [0, 5000],
    ] as const) {
      const server = new DnsServer({ ttl, informerLag: () => 0 });
      const times: number[] = [];
      const refresh = new StrictDnsRefresh(server, { refreshRate: 5000, respectDnsTtl: true, lookupLatency: () => 0 }, (_a, t) => times.push(t));
      refresh.start(0);
      advanceUntil(new TimedGroup([server, refresh]), 2 * gap);
      expect(times).toEqual([0, gap, 2 * gap]);
    }
  });

  it('rejects a refresh rate of 1 ms or less, as Envoy does', () => {
    const server = new DnsServer({ ttl: 5, informerLag: () => 0 });
    expect(() => new StrictDnsRefresh(server, { refreshRate: 1, respectDnsTtl: false, lookupLatency: () => 0 }, () => {})).toThrow(/> 1 ms/);
  });
});

/**
 * Bounded staleness of DNS discovery (guarantee 5's DNS form): a client never applies an
 * older version than one it has, and at any instant its answer is no older than the truth
 * was lag + cache hold + refresh interval + lookup ago.
 */
describe('DNS staleness bound (property)', () => {
  it('a client’s hosts are the truth of at most lag + cache TTL + refresh + lookup ago', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(100_000),
          ttl: fc.integer({ min: 0, max: 30 }),
          maxTtl: fc.integer({ min: 5, max: 60 }),
          refresh: fc.integer({ min: 1000, max: 20_000 }),
          respect: fc.boolean(),
          lagMax: fc.integer({ min: 0, max: 2000 }),
          lookupMax: fc.integer({ min: 0, max: 500 }),
          clients: fc.integer({ min: 1, max: 5 }),
          gaps: fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 30 }),
        }),
        (s) => {
          const rng = new RngStream(`test/dns/${s.seed}`);
          const writes: EndpointSnapshot[] = [];
          const server = new DnsServer({ ttl: s.ttl, informerLag: () => rng.next() * s.lagMax });
          const cache = new DnsCache(server, { kind: 'clamp', minTtl: 5, maxTtl: s.maxTtl });
          const slices = new EndpointSliceController({ batchPeriod: 0, syncLatency: () => 0 }, (w) => {
            writes.push(w);
            server.sliceWritten(w.writtenAt, w);
          });
          const held: DnsAnswer[][] = Array.from({ length: s.clients }, () => []);
          const appliedAt: number[][] = Array.from({ length: s.clients }, () => []);
          const clients = held.map(
            (list, c) =>
              new StrictDnsRefresh(cache, { refreshRate: s.refresh, respectDnsTtl: s.respect, lookupLatency: () => rng.next() * s.lookupMax }, (a, t) => {
                const previous = list[list.length - 1];
                if (previous !== undefined) expect(a.version).toBeGreaterThanOrEqual(previous.version);
                list.push(a);
                appliedAt[c]!.push(t);
              }),
          );
          const world = new TimedGroup([slices, server, ...clients]);
          clients.forEach((c) => c.start(0));
          let t = 0;
          s.gaps.forEach((gap, i) => {
            t += gap;
            advanceUntil(world, t);
            slices.podChanged(t, i % 4, { ready: i % 3 !== 0, terminating: false });
          });
          advanceUntil(world, t + 100_000);
          const keep = Math.min(Math.max(s.ttl, 5), s.maxTtl) * 1000;
          const interval = s.respect && keep > 0 ? Math.max(keep, s.refresh) : s.refresh;
          const bound = s.lagMax + keep + interval + 2 * s.lookupMax;
          // The version a client holds at time x must have been the truth at some point after x − bound.
          const truthAt = (x: number) => writes.filter((w) => w.writtenAt <= x).reduce((v, w) => Math.max(v, w.version), 0);
          held.forEach((list, c) => {
            list.forEach((answer, i) => {
              const x = appliedAt[c]![i]!;
              const next = writes.find((w) => w.version > answer.version);
              if (next !== undefined) expect(next.writtenAt).toBeGreaterThanOrEqual(x - bound - 1e-6);
              expect(answer.version).toBeLessThanOrEqual(truthAt(x));
            });
            expect(list[list.length - 1]!.version).toBe(writes[writes.length - 1]?.version ?? 0);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
