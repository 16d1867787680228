/**
 * The full simulation at mesh scale: faults, active health checks, outlier detection and
 * retries at 16, 256 and 1024 instances × 1, 16 and 64 clients (sidecars), against the same
 * traffic without faults or detectors (the fast path), plus the cost of one health check.
 *
 * Per cell (instances × clients), each measurement a library call in a process of its own:
 * - full: `meshScenario` — 4·10⁵ requests at ρ = 0.5 (50 requests/s per instance of mean
 *   service 10 ms), random crashes (MTTF 120 s, MTTR 5 s per instance), per-client active
 *   health checks every 5 s (+ up to 10 % jitter; `--interval` to change it) with meshsim's
 *   other defaults, Envoy's default outlier detection, two retries with a per-try timeout,
 *   CrashLoopBackOff restarts (RESTART); requests/s of simulated requests, best of three after
 *   a warm-up run;
 * - fault-free: the same arrivals and service with nothing else, which takes the fast path;
 * - µs per check: runs with health checks and the same random crashes but no other traffic
 *   (no jitter, 1 request/s) of about 5·10⁵ and 10⁶ checks; the CPU time the longer one adds
 *   over the checks it adds (each the best of three). The crashes make a fixed share of checks change a verdict, which
 *   before cost O(instances) per client; linear cost in clients × instances means this stays
 *   flat across the grid.
 *
 *   npx tsx bench/mesh-scale.ts                   # 16 × 1, 256 × 16, 1024 × 64
 *   npx tsx bench/mesh-scale.ts --grid            # all nine cells
 *   npx tsx bench/mesh-scale.ts --interval 2000   # health checks every 2 s
 *   npx tsx bench/mesh-scale.ts --balancer peak_ewma --cells 1024x64   # another kind, one cell
 *
 * Times are CPU seconds of the simulation (process.cpuUsage), which other processes on a shared
 * machine disturb less than the wall clock; still a benchmark, never a test (±20 %).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/schema.js';
import { simulateReplication } from '../src/sim/run-scenario.js';

const REQUESTS = 400_000;
const PER_INSTANCE_RATE = 50; // per second: ρ = 0.5 at 10 ms mean service
const args = process.argv.slice(2);
/**
 * The health-check interval (ms): meshsim's default, 5 s (the CONTRACT example; Envoy has
 * none), unless `--interval` says otherwise (2000 for a sidecar fleet checking hard).
 */
const CHECK_INTERVAL = Number(args[args.indexOf('--interval') + 1] ?? 0) || 5000;
/** The balancer kind every client uses: least_request unless `--balancer` says otherwise (its defaults). */
const BALANCER = args.includes('--balancer') ? args[args.indexOf('--balancer') + 1]! : 'least_request';
const CHECK_ROUND_TRIP = 0.4; // 2 × the constant 200 µs network latency
const CHECKS = 500_000;
/**
 * Restarts after a crash: 1 s of start-up, and a CrashLoopBackOff short enough (1 s doubling to
 * 5 s, reset after 30 s) that an instance that crashes twice in a run is not kept down for
 * minutes: with Kubernetes' 10 s…300 s, the 16-instance cells, whose runs last 500 s of
 * simulated time, end up with a quarter of their instances down and melt down (a different
 * regime from the other cells, not a cost of the engine).
 */
const RESTART = { startupTime: '1s', backoff: { initial: '1s', max: '5s', resetAfter: '30s' } };

type Kind = 'full' | 'fault-free' | 'checks';

/** The benchmark scenario for one cell; `kind` strips it to the fault-free or checks-only run. */
export function meshScenario(instances: number, clients: number, kind: Kind, checkRounds = 1): Scenario {
  const rate = instances * PER_INSTANCE_RATE;
  const common = {
    name: `mesh-${instances}x${clients}-${kind}`,
    seed: 1,
    warmup: 0,
    clients: { count: clients },
    service: { instances, serviceTime: { dist: 'exponential', mean: '10ms' } },
    network: { latency: { dist: 'constant', value: '200us' } },
    timeout: '1s',
    // The run ends 2 s after the last arrival, not when the last crash-looping instance has
    // restarted (CrashLoopBackOff can put that minutes later, with every detector still running).
    drain: '2s',
    balancer: { kind: BALANCER },
  };
  if (kind === 'checks') {
    const sessions = instances * clients;
    const seconds = checkRounds * Math.ceil((CHECKS / sessions) * ((CHECK_INTERVAL + CHECK_ROUND_TRIP) / 1000));
    return resolveScenario({
      ...common,
      duration: `${seconds}s`,
      // Evenly spaced, so the run lasts the whole duration: the checks' cost is what it measures.
      arrivals: { kind: 'constant', rate: 1 },
      // The full scenario's crashes, so verdicts change at its rate: per check, every cell
      // sees the same share of checks that move an instance in or out of a client's rotation.
      faults: [{ kind: 'random', mode: 'crash', mttf: '120s', mttr: '5s' }],
      restart: RESTART,
      healthCheck: { interval: CHECK_INTERVAL, timeout: '1s', unhealthyThreshold: 3, healthyThreshold: 2 },
    }).scenario;
  }
  const duration = `${(REQUESTS / rate).toFixed(3)}s`;
  if (kind === 'fault-free') return resolveScenario({ ...common, duration, arrivals: { kind: 'poisson', rate } }).scenario;
  return resolveScenario({
    ...common,
    duration,
    arrivals: { kind: 'poisson', rate },
    faults: [{ kind: 'random', mode: 'crash', mttf: '120s', mttr: '5s' }],
    restart: RESTART,
    // meshsim's defaults (timeout 1 s, 3 failures out, 2 successes back in), with jitter.
    healthCheck: { interval: CHECK_INTERVAL, jitter: CHECK_INTERVAL / 10, timeout: '1s', unhealthyThreshold: 3, healthyThreshold: 2 },
    // Envoy's defaults: 5 consecutive 5xx, a 10 s sweep, 30 s base ejection, 10 % at most.
    outlierDetection: {},
    retries: { attempts: 2, perTryTimeout: '200ms', retryOn: ['5xx', 'reset', 'connect-failure'] },
  }).scenario;
}

/**
 * CPU seconds (user + system) of one simulation in this process: on a shared machine the
 * wall clock also counts the time other processes held the core.
 */
function timed<T>(run: () => T): { seconds: number; result: T } {
  const before = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(before);
  return { seconds: (used.user + used.system) / 1e6, result };
}

/** One measurement, in this process: seconds of the best of `runs` after a warm-up run, and its metrics. */
function measure(scenario: Scenario, runs: number): { seconds: number; arrived: number; simulatedTime: number } {
  let best = Infinity;
  let metrics = simulateReplication(scenario, 0);
  for (let run = 0; run < runs; run++) {
    const { seconds, result } = timed(() => simulateReplication(scenario, 0));
    metrics = result;
    best = Math.min(best, seconds);
  }
  return { seconds: best, arrived: metrics.arrived, simulatedTime: metrics.simulatedTime };
}

function child(instances: number, clients: number, kind: Kind): void {
  const scenario = meshScenario(instances, clients, kind);
  if (kind === 'checks') {
    // The marginal cost: a run twice as long, less the first, over the checks it added; what
    // every run pays once (the first check's verdict reaching every balancer, set-up) drops
    // out. Each the best of three, after a first run that warms V8 up.
    checkRun(instances, clients, scenario);
    const longer = meshScenario(instances, clients, kind, 2);
    const best = (s: Scenario) => [0, 1, 2].map(() => checkRun(instances, clients, s)).reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const once = best(scenario);
    const twice = best(longer);
    console.log(JSON.stringify({ seconds: twice.seconds - once.seconds, checks: twice.checks - once.checks }));
    return;
  }
  console.log(JSON.stringify(measure(scenario, 3)));
}

/** A checks-only run: CPU seconds, and checks made (every session checks once per interval + round trip). */
function checkRun(instances: number, clients: number, scenario: Scenario): { seconds: number; checks: number } {
  const { seconds, result } = timed(() => simulateReplication(scenario, 0));
  return { seconds, checks: instances * clients * (Math.floor(result.simulatedTime / (CHECK_INTERVAL + CHECK_ROUND_TRIP)) + 1) };
}

function inChild<T>(instances: number, clients: number, kind: Kind): T {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--cell', `${instances}x${clients}`, kind, '--interval', String(CHECK_INTERVAL), '--balancer', BALANCER], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as T;
}

const cellArg = args.indexOf('--cell');
if (process.argv[1] !== fileURLToPath(import.meta.url)) {
  // Imported (a profiling script, a test): only meshScenario is wanted.
} else if (cellArg >= 0) {
  const [instances, clients] = args[cellArg + 1]!.split('x').map(Number);
  child(instances!, clients!, args[cellArg + 2] as Kind);
} else {
  const cells: [number, number][] = args.includes('--cells')
    ? args[args.indexOf('--cells') + 1]!.split(',').map((cell) => cell.split('x').map(Number) as [number, number])
    : args.includes('--grid')
    ? [16, 256, 1024].flatMap((n) => [1, 16, 64].map((c): [number, number] => [n, c]))
    : [
        [16, 1],
        [256, 16],
        [1024, 64],
      ];
  console.log(`Full simulation at mesh scale: ${REQUESTS.toLocaleString('en')} requests per run, ρ = 0.5, ${BALANCER}`);
  console.log(
    `full = random crashes + per-client health checks every ${CHECK_INTERVAL / 1000} s + outlier detection + retries; ` +
      'fault-free = the same traffic alone (fast path); CPU seconds',
  );
  console.log('instances  clients   full s  full req/s  fault-free req/s  ratio   checks  µs/check');
  for (const [instances, clients] of cells) {
    type Run = { seconds: number; arrived: number };
    const full = inChild<Run>(instances, clients, 'full');
    const free = inChild<Run>(instances, clients, 'fault-free');
    const checks = inChild<{ seconds: number; checks: number }>(instances, clients, 'checks');
    const fullRate = full.arrived / full.seconds;
    const freeRate = free.arrived / free.seconds;
    console.log(
      `${String(instances).padStart(9)}  ${String(clients).padStart(7)}  ${full.seconds.toFixed(2).padStart(7)}  ${Math.round(fullRate).toLocaleString('en').padStart(10)}  ` +
        `${Math.round(freeRate).toLocaleString('en').padStart(16)}  ${(freeRate / fullRate).toFixed(2).padStart(5)}  ${checks.checks.toLocaleString('en').padStart(7)}  ` +
        `${((checks.seconds * 1e6) / checks.checks).toFixed(2).padStart(8)}`,
    );
  }
}
