/**
 * The balancers outside the simulator: real HTTP through examples/proxy/proxy.js to three toy
 * backends on loopback ports, one of them slow, then the simulation of the same setup.
 *
 * Setup: backends serving one request at a time (FIFO queue), 2, 2 and 10 ms per request (as
 * timers: a little more in practice); one client sends REQUESTS requests at a constant RATE,
 * an open loop, as the simulator's arrivals are. Round robin keeps the slow backend about
 * 75 % busy; least_request sees it busy whenever it has a request in flight there.
 *
 * The simulated twin replays what happened rather than what was intended: the requests'
 * actual send times (`arrivals: trace`), the fast backends' actual service times
 * (`empirical`), the slow one's mean as its speed, and the proxy's measured overhead per
 * request (round trip minus time at the backend) as network latency. On a loaded two-core
 * machine the measured share stayed within 0.03 of the twin's over a dozen runs.
 *
 * Checks, per policy: (1) least_request sends measurably less to the slow backend than round
 * robin does; (2) the simulation predicts the slow backend's share within SHARE_TOLERANCE;
 * (3) the ordering holds in both. Bounded: 2 × REQUESTS requests, about 8 s in all; every
 * server is closed in `finally`.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/sim/run-scenario.js';

const SERVICE_MS = [2, 2, 10] as const;
const SLOW = 2;
const RATE = 200; // requests per second
const REQUESTS = 800;
/**
 * The load generator's own bound on requests awaiting their response. A stalled machine can
 * reach it, and sending then waits; the comparison stays fair because the simulation replays
 * the send times that actually happened.
 */
const MAX_OUTSTANDING = 200;
/**
 * |measured − simulated| slow share. Run to run, least_request's measured share of 800 picks
 * varies with a standard deviation of about 0.02 (the twin's own spread is about 0.01; the
 * rest is the machine: pauses the simulation does not see). Round robin's is deterministic.
 */
const SHARE_TOLERANCE = 0.06;
/**
 * "Measurably less": least_request's slow share (about 0.25) below round robin's (1/3) by at
 * least this; 0.03 is 1.5 standard deviations of the measured share from failing.
 */
const MIN_SHARE_GAP = 0.03;

interface ProxyStats {
  sent: number[];
  ok: number[];
  failed: number[];
  rejected: number;
  meanRttMs: number[];
  addresses: string[];
  ids: number[];
}
interface BackendChanges {
  added: string[];
  removed: string[];
  reweighted: string[];
}
interface RunningProxy {
  url: string;
  port: number;
  label: string;
  stats(): ProxyStats;
  setBackends(backends: string[]): BackendChanges;
  close(): Promise<void>;
}
interface BackendStats {
  served: number;
  rejected: number;
  meanServiceMs: number;
  meanResidenceMs: number;
  serviceMs: number[];
}
interface RunningBackend {
  port: number;
  stats(): BackendStats;
  close(): Promise<void>;
}
interface ProxyModule {
  startProxy(options: { backends: string[]; balancer: unknown; seed: number; upstreamTimeoutMs: number; maxInFlight: number }): Promise<RunningProxy>;
}
interface BackendModule {
  startToyBackend(options: { serviceMs: number; concurrency: number }): Promise<RunningBackend>;
}

// The examples are plain JavaScript, imported as a user would run them (they import
// `meshsim/balancers`, the built package); the interfaces above are what this test relies on.
const examples = (name: string) => new URL(`../../examples/proxy/${name}`, import.meta.url).href;
const { startProxy } = (await import(examples('proxy.js'))) as ProxyModule;
const { startToyBackend } = (await import(examples('toy-backend.js'))) as BackendModule;

interface Measured {
  label: string;
  sent: number[];
  slowShare: number;
  completed: number;
  /** Mean time in service at each backend, ms. */
  serviceMs: number[];
  /** Every time in service at the fast backends, ms. */
  fastSamplesMs: number[];
  /** When each request left the load generator, ms from the first. */
  sendTimesMs: number[];
  /** Mean proxy round trip minus backend residence: network and proxy time per request, ms. */
  overheadMs: number;
  maxOutstanding: number;
  seconds: number;
}

/** Sends `count` GETs at a constant rate; resolves when all have answered. */
async function openLoop(url: string, count: number, rate: number): Promise<{ completed: number; maxOutstanding: number; sendTimesMs: number[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_OUTSTANDING });
  let outstanding = 0;
  let maxOutstanding = 0;
  let completed = 0;
  const sendTimesMs: number[] = [];
  const replies: Promise<void>[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      // Drift-free schedule: request i leaves at start + i/rate, whatever the timers did.
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (outstanding >= MAX_OUTSTANDING) await new Promise((resolve) => setTimeout(resolve, 1));
      outstanding++;
      sendTimesMs.push(performance.now() - start);
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      replies.push(
        new Promise<void>((resolve, reject) => {
          const request = http.get(`${url}/r/${i}`, { agent, timeout: 10_000 }, (res) => {
            res.resume();
            res.on('end', () => {
              outstanding--;
              if (res.statusCode === 200) completed++;
              resolve();
            });
          });
          request.on('timeout', () => request.destroy(new Error(`request ${i} timed out`)));
          request.on('error', reject);
        }),
      );
    }
    await Promise.all(replies);
  } finally {
    agent.destroy();
  }
  return { completed, maxOutstanding, sendTimesMs };
}

/** One policy through the real proxy, with fresh backends. */
async function measure(balancer: BalancerConfig, seed: number): Promise<Measured> {
  const backends: RunningBackend[] = [];
  let proxy: RunningProxy | undefined;
  try {
    for (const serviceMs of SERVICE_MS) backends.push(await startToyBackend({ serviceMs, concurrency: 1 }));
    proxy = await startProxy({
      backends: backends.map((b) => `127.0.0.1:${b.port}`),
      balancer,
      seed,
      upstreamTimeoutMs: 10_000,
      maxInFlight: 256,
    });
    const started = performance.now();
    const { completed, maxOutstanding, sendTimesMs } = await openLoop(proxy.url, REQUESTS, RATE);
    const seconds = (performance.now() - started) / 1000;
    const stats = proxy.stats();
    const backendStats = backends.map((b) => b.stats());
    const total = stats.sent.reduce((a, b) => a + b, 0);
    // Overhead per request, weighted by requests: what the proxy waited beyond the backend's own time.
    const overheadMs =
      stats.sent.reduce((sum, n, id) => sum + n * (stats.meanRttMs[id]! - backendStats[id]!.meanResidenceMs), 0) / total;
    return {
      label: proxy.label,
      sent: stats.sent,
      slowShare: stats.sent[SLOW]! / total,
      completed,
      serviceMs: backendStats.map((s) => s.meanServiceMs),
      fastSamplesMs: backendStats.filter((_, id) => id !== SLOW).flatMap((s) => s.serviceMs),
      sendTimesMs,
      overheadMs,
      maxOutstanding,
      seconds,
    };
  } finally {
    await proxy?.close();
    await Promise.all(backends.map((b) => b.close()));
  }
}

/**
 * The same setup in the simulator, replayed from the measurements (see the file header); the
 * mean slow share over replications, which differ only in the balancer's and the service
 * times' draws.
 */
function simulate(balancer: BalancerConfig, measured: Measured): number {
  const samples = measured.fastSamplesMs;
  const base = samples.reduce((a, b) => a + b, 0) / samples.length;
  const { scenario } = resolveScenario({
    name: 'proxy-twin',
    seed: 11,
    requests: REQUESTS,
    replications: 20,
    arrivals: { kind: 'trace', times: measured.sendTimesMs },
    service: {
      instances: SERVICE_MS.length,
      serviceTime: { dist: 'empirical', values: samples },
      overrides: measured.serviceMs.map((ms, instance) => ({ instance, speed: base / ms })),
    },
    network: { latency: { dist: 'constant', value: Math.max(0, measured.overheadMs) / 2 } },
    balancer,
  });
  const per = runScenario(scenario).results[0]!.replicationMetrics.map((m) => m.perInstance);
  const slow = per.reduce((sum, p) => sum + p[SLOW]!, 0);
  const total = per.reduce((sum, p) => sum + p.reduce((a, b) => a + b, 0), 0);
  return slow / total;
}

describe('the balancers behind a real HTTP proxy', () => {
  it('least_request sends less to the slow backend than round_robin, as the simulation predicts', async () => {
    const policies = [balancerConfig.parse({ kind: 'round_robin' }), balancerConfig.parse({ kind: 'least_request' })];
    const rows: { label: string; measured: number; simulated: number; m: Measured }[] = [];
    for (const [i, policy] of policies.entries()) {
      const m = await measure(policy, 1 + i);
      rows.push({ label: m.label, measured: m.slowShare, simulated: simulate(policy, m), m });
    }
    const report = rows
      .map(
        (r) =>
          `${r.label}: sent ${r.m.sent.join('/')}, slow share measured ${r.measured.toFixed(3)} simulated ${r.simulated.toFixed(3)}; ` +
          `service ${r.m.serviceMs.map((s) => s.toFixed(2)).join('/')} ms, overhead ${r.m.overheadMs.toFixed(2)} ms, ` +
          `max outstanding ${r.m.maxOutstanding}, ${r.m.seconds.toFixed(1)} s`,
      )
      .join('\n');
    if (process.env.MESHSIM_PROXY_REPORT === '1') process.stderr.write(`${report}\n`);

    const [roundRobin, leastRequest] = rows as [(typeof rows)[0], (typeof rows)[0]];
    for (const r of rows) {
      expect(r.m.completed, report).toBe(REQUESTS);
      expect(Math.abs(r.measured - r.simulated), `${r.label}\n${report}`).toBeLessThanOrEqual(SHARE_TOLERANCE);
    }
    expect(leastRequest.measured, report).toBeLessThan(roundRobin.measured - MIN_SHARE_GAP);
    expect(leastRequest.simulated, report).toBeLessThan(roundRobin.simulated - MIN_SHARE_GAP);
  }, 60_000);

  it('takes backends added and removed at run time: only the changes reach the balancer, and a freed id is a new host', async () => {
    const backends: RunningBackend[] = [];
    let proxy: RunningProxy | undefined;
    try {
      for (let i = 0; i < 3; i++) backends.push(await startToyBackend({ serviceMs: 1, concurrency: 4 }));
      const [a, b, c] = backends.map((x) => `127.0.0.1:${x.port}`) as [string, string, string];
      proxy = await startProxy({ backends: [a, b], balancer: { kind: 'round_robin' }, seed: 3, upstreamTimeoutMs: 10_000, maxInFlight: 256 });
      expect((await openLoop(proxy.url, 100, 400)).completed).toBe(100);
      const before = backends.map((x) => x.stats().served);
      expect(before[0]! + before[1]!).toBe(100);
      expect(before[2]).toBe(0);

      // Discovery drops b and adds c in one update: c gets a fresh id (an id may not be both removed and added).
      expect(proxy.setBackends([a, c])).toEqual({ added: [c], removed: [b], reweighted: [] });
      expect(proxy.stats().ids).toEqual([0, -1, 2]);
      expect((await openLoop(proxy.url, 100, 400)).completed).toBe(100);
      const after = backends.map((x) => x.stats().served);
      expect(after[1]).toBe(before[1]); // b gets nothing once removed
      expect(after[2]).toBe(50); // round robin over {a, c}
      expect(after[0]! - before[0]!).toBe(50);

      // b comes back and takes the freed id 1, which the balancer has forgotten: a new host; the three share the traffic.
      expect(proxy.setBackends([a, b, c])).toEqual({ added: [b], removed: [], reweighted: [] });
      expect(proxy.stats().ids).toEqual([0, 1, 2]);
      expect((await openLoop(proxy.url, 90, 400)).completed).toBe(90);
      const last = backends.map((x, i) => x.stats().served - after[i]!);
      expect(last).toEqual([30, 30, 30]);
      expect(proxy.stats().sent).toEqual(backends.map((x) => x.stats().served));
    } finally {
      await proxy?.close();
      await Promise.all(backends.map((x) => x.close()));
    }
  }, 30_000);
});
