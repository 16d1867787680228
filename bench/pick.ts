/**
 * Balancer pick cost: nanoseconds per pick for every built-in balancer at 16, 256 and 4096
 * endpoints (after Envoy's *_lb_benchmark.cc). Information only; nothing asserts on it.
 *
 *   npx tsx bench/pick.ts            # every case, each in its own process
 *   npx tsx bench/pick.ts <label>    # one case, printed as JSON
 *
 * Each case runs in a fresh process: in one shared process the later cases would run through
 * call sites the earlier ones made polymorphic, and measure V8's feedback rather than the
 * balancer. Each size warms up, then picks in batches for 150 ms, three times, keeping the
 * best. Loads are fixed random in-flight counts (0–7), so least_request compares real values,
 * and full_scan meets about n/8 ties for the minimum, each costing a random draw as in Envoy.
 *
 * `rng` is the cost of one RandomSource draw (RngStream.next(): a buffer read, with a refill
 * of 64 xor4096 draws every 64th), included in every row that draws. `B/pick` is new-space
 * growth over 10k picks without a GC in between, less the measurement's own allocation: 0
 * means pick allocates nothing. (The rng row's 16 B is the double its closure returns, boxed;
 * balancers floor their draws, so theirs is 0.)
 *
 * Hashing balancers (ring_hash, maglev) pick by request key: the keyed rows cycle through 4096
 * keys drawn uniformly from 100k (their hashes cached after the warm-up, as a simulation's hot
 * keys are), the keyless row hashes one random draw per pick. With a balance factor, the fixed
 * loads put 2+ requests on most hosts, so most picks sum the in-flight total: O(n).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { balancerConfig, type BalancerConfig } from '../src/balancers/configs.js';
import { balancerLabel, createBalancer } from '../src/balancers/registry.js';
import type { Balancer, BalancerDeps, Endpoint } from '../src/balancers/types.js';
import { RngStream } from '../src/engine/rng.js';
import { ActiveRequests } from '../src/load/active-requests.js';

const SIZES = [16, 256, 4096] as const;
const MIN_MEASURE_NS = 150e6;
const BATCH = 10_000;

interface Case {
  readonly label: string;
  readonly config: BalancerConfig | 'rng';
  readonly weighted: boolean;
  /** Request keys drawn uniformly from [0, keys) (hashing balancers); absent: keyless picks. */
  readonly keys?: number;
  /** Endpoint set of its own (priorities, health, zones); default `endpointsFor`. */
  readonly endpoints?: (n: number) => Endpoint[];
  /** Deps beyond random, a still clock and the fixed loads: a global view, a zone, a clock. */
  readonly deps?: (load: ActiveRequests) => Partial<BalancerDeps>;
  /** Brings the balancer to its steady state after setEndpoints (feedback), and may wrap the pick. */
  readonly prepare?: (balancer: Balancer, n: number, pick: () => number) => () => number;
}

interface CaseResult {
  readonly nsPerPick: number[];
  readonly bytesPerPick: number[];
}

const parse = (input: unknown): BalancerConfig => balancerConfig.parse(input);
const CASES: readonly Case[] = [
  { label: 'rng (one draw)', config: 'rng', weighted: false },
  ...[
    parse({ kind: 'round_robin' }),
    parse({ kind: 'random' }),
    parse({ kind: 'weighted_round_robin', variant: 'edf' }),
    parse({ kind: 'weighted_round_robin', variant: 'smooth' }),
    parse({ kind: 'least_request' }),
    parse({ kind: 'least_request', choices: 3 }),
    parse({ kind: 'least_request', selection: 'full_scan' }),
  ].map((config) => ({ label: balancerLabel(config), config, weighted: config.kind === 'weighted_round_robin' })),
  { label: 'round_robin, unequal weights (EDF)', config: parse({ kind: 'round_robin' }), weighted: true },
  { label: 'least_request, unequal weights (EDF)', config: parse({ kind: 'least_request' }), weighted: true },
  // Load-aware production balancers (Linkerd/tower, Finagle, NGINX, HAProxy). The clock stands
  // still (now = 0), which costs the peak-EWMA rows the same exp() per load read as a moving one.
  ...[
    parse({ kind: 'peak_ewma' }),
    parse({ kind: 'finagle_p2c' }),
    parse({ kind: 'finagle_peak_ewma' }),
    // minAperture 16: with a still clock the load band never widens a window of 1 (no draws).
    parse({ kind: 'finagle_aperture', minAperture: 16 }),
    parse({ kind: 'nginx_least_conn' }),
    parse({ kind: 'nginx_random_two' }),
    parse({ kind: 'haproxy_leastconn' }),
    parse({ kind: 'haproxy_random' }),
    parse({ kind: 'haproxy_first', maxconn: 4 }),
  ].map((config) => ({ label: balancerLabel(config), config, weighted: false })),
  { label: 'nginx_least_conn, unequal weights', config: parse({ kind: 'nginx_least_conn' }), weighted: true },
  { label: 'nginx_random_two, unequal weights', config: parse({ kind: 'nginx_random_two' }), weighted: true },
  { label: 'haproxy_random(draws=2), unequal weights', config: parse({ kind: 'haproxy_random' }), weighted: true },
  { label: 'ring_hash, keyed', config: parse({ kind: 'ring_hash' }), weighted: false, keys: 100_000 },
  { label: 'ring_hash, keyless (random hash)', config: parse({ kind: 'ring_hash' }), weighted: false },
  { label: 'ring_hash(balance=150), keyed', config: parse({ kind: 'ring_hash', hashBalanceFactor: 150 }), weighted: false, keys: 100_000 },
  { label: 'maglev, keyed', config: parse({ kind: 'maglev' }), weighted: false, keys: 100_000 },
  { label: 'maglev, keyless (random hash)', config: parse({ kind: 'maglev' }), weighted: false },
  { label: 'maglev(balance=150), keyed', config: parse({ kind: 'maglev', hashBalanceFactor: 150 }), weighted: false, keys: 100_000 },
  // Envoy host selection doing work: a priority draw per pick (P0 60 % healthy: 84/16), zone-aware
  // residual routing (caller's zone half unhealthy), slow start (EDF weights scaled per pick).
  {
    label: 'round_robin, 2 priorities (P0 60 % healthy)',
    config: parse({ kind: 'round_robin' }),
    weighted: false,
    endpoints: (n) => endpointsFor(n, false).map((e) => ({ ...e, priority: e.id < n / 2 ? 0 : 1, healthy: e.id >= n / 2 || e.id % 5 < 3 })),
  },
  {
    label: 'least_request, zone-aware residual',
    config: parse({ kind: 'least_request', zoneAware: { enabled: true, minClusterSize: 1 } }),
    weighted: false,
    endpoints: (n) => endpointsFor(n, false).map((e) => ({ ...e, healthy: e.zone !== 'zone-0' || e.id % 2 === 0 })),
    deps: () => ({ localZone: 'zone-0' }),
  },
  {
    label: 'round_robin, slow start (EDF)',
    config: parse({ kind: 'round_robin', slowStart: { windowMs: 10_000 } }),
    weighted: false,
  },
  // gRPC weighted_round_robin in steady state: weights 1…10 reported, the scheduler rebuilt;
  // the clock then stands still between updates (one O(n) rebuild per second is not counted).
  {
    label: 'grpc_weighted_round_robin (stride, weights 1-10)',
    config: parse({ kind: 'grpc_weighted_round_robin', blackoutPeriodMs: 0 }),
    weighted: false,
    deps: () => ({ now: () => benchClock }),
    prepare: (balancer, n, pick) => {
      for (let id = 0; id < n; id++) balancer.onBackendReport!(id, { utilization: 0.5, qps: 1 + (id % 10), eps: 0 });
      benchClock += 1000; // past the next update, whatever size ran before
      return pick;
    },
  },
  // Research references: JSQ scans the true queue lengths (here the fixed loads, n/8 ties at
  // the minimum); JIQ gets one idle announcement per pick, so every pick takes the I-queue path.
  {
    label: 'jsq(research)',
    config: parse({ kind: 'jsq' }),
    weighted: false,
    deps: (load) => ({ global: { queueLength: (id: number) => load.active(id) } }),
  },
  {
    label: 'jiq(research), one announcement per pick',
    config: parse({ kind: 'jiq' }),
    weighted: false,
    prepare: (balancer, n, pick) => {
      let next = 0;
      return () => {
        balancer.onIdle!(next);
        next = next + 1 === n ? 0 : next + 1;
        return pick();
      };
    },
  },
  { label: 'jiq(research), empty I-queue (random)', config: parse({ kind: 'jiq' }), weighted: false },
];

/** The clock of the cases that need one to move (each case runs in its own process). */
let benchClock = 0;

function endpointsFor(n: number, weighted: boolean): Endpoint[] {
  return Array.from({ length: n }, (_, id) => ({ id, weight: weighted ? 1 + (id % 10) : 1, zone: `zone-${id % 3}` }));
}

function buildPicker(testCase: Case, n: number): () => number {
  const random = new RngStream(`bench/pick/${testCase.label}/${n}`);
  if (testCase.config === 'rng') return () => random.next();
  const load = new ActiveRequests(n);
  const loadRng = new RngStream(`bench/load/${n}`);
  for (let id = 0; id < n; id++) for (let k = loadRng.int(8); k > 0; k--) load.start(id);
  const balancer = createBalancer(testCase.config, { random, now: () => 0, load, ...testCase.deps?.(load) });
  balancer.setEndpoints(testCase.endpoints?.(n) ?? endpointsFor(n, testCase.weighted));
  const ctx = { key: -1 };
  if (testCase.prepare !== undefined) return testCase.prepare(balancer, n, () => balancer.pick(ctx));
  if (testCase.keys === undefined) return () => balancer.pick(ctx);
  // A fixed cycle of keys, so choosing one costs an array read rather than a random draw.
  const keyRng = new RngStream(`bench/keys/${n}`);
  const keyCount = testCase.keys;
  const keys = Int32Array.from({ length: 4096 }, () => keyRng.int(keyCount));
  let next = 0;
  return () => {
    ctx.key = keys[next++ & 4095]!;
    return balancer.pick(ctx);
  };
}

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0;
}

/** Folds every pick into an int32 (a Smi: updating it allocates nothing) so no loop is dead code. */
let sink = 0;

function pickBatch(pick: () => number): void {
  let fold = sink;
  for (let i = 0; i < BATCH; i++) fold = (fold + pick()) | 0;
  sink = fold;
}

function nsPerPick(pick: () => number): number {
  let picks = 0;
  let elapsed = 0;
  const start = process.hrtime.bigint();
  while (elapsed < MIN_MEASURE_NS) {
    pickBatch(pick);
    picks += BATCH;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / picks;
}

/** New-space bytes per pick over one batch; retried if a scavenge shrank the space meanwhile. */
function bytesPerPick(pick: () => number): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = newSpaceUsed();
    pickBatch(pick);
    const after = newSpaceUsed();
    if (after >= before) return (after - before) / BATCH;
  }
  return Number.NaN;
}

function runCase(testCase: Case): CaseResult {
  // What the measurement itself allocates (the heap statistics objects), measured on a no-op.
  const noop = (): number => 0;
  for (let i = 0; i < 20; i++) pickBatch(noop);
  const overhead = bytesPerPick(noop);
  const result = { nsPerPick: [] as number[], bytesPerPick: [] as number[] };
  for (const n of SIZES) {
    const pick = buildPicker(testCase, n);
    for (let i = 0; i < 20; i++) pickBatch(pick);
    // The best of three: on a shared machine, interference only ever adds time.
    result.nsPerPick.push(Math.min(nsPerPick(pick), nsPerPick(pick), nsPerPick(pick)));
    result.bytesPerPick.push(Math.max(0, bytesPerPick(pick) - overhead));
  }
  return result;
}

const requested = process.argv[2];
if (requested !== undefined) {
  const testCase = CASES.find((c) => c.label === requested);
  if (testCase === undefined) throw new Error(`unknown case "${requested}"; cases: ${CASES.map((c) => c.label).join(', ')}`);
  console.log(JSON.stringify(runCase(testCase)));
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink); // keeps the pick loops observable
} else {
  const script = fileURLToPath(import.meta.url);
  const rows: string[][] = [['balancer', ...SIZES.map((n) => `n=${n} ns/pick`), 'B/pick']];
  for (const testCase of CASES) {
    const output = execFileSync(process.execPath, [...process.execArgv, script, testCase.label], { encoding: 'utf8' });
    const result = JSON.parse(output.trim().split('\n')[0]!) as CaseResult;
    rows.push([testCase.label, ...result.nsPerPick.map((ns) => ns.toFixed(1)), Math.max(...result.bytesPerPick).toFixed(1)]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  console.log(`node ${process.version}, ${process.arch}; one process per case`);
  for (const row of rows) {
    console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '));
  }
}
