/**
 * Fuzzing the command line with broken input: generated scenarios (a valid one with values
 * replaced by hostile ones, keys removed or added, blocks of failure settings with random
 * values, text damaged, data files of random content) and generated flags go through the CLI's
 * entry point in this process (`main`, as bin/meshsim.js calls it). Every case must end as a
 * user sees it end:
 *
 * - status 0 or 2, never 1 (an internal error) and never a crash of the process;
 * - no stack trace on stderr;
 * - every error line located: file:line:col, or the flag (`--set K=V`, `--out …`) to blame,
 *   followed by a key path unless the problem is in the text itself (syntax, encoding);
 * - a success leaves a whole result folder behind (its manifest checks out).
 *
 * The runs stay small (caps of 2·10⁶ events and 400 MB are passed to every case), so the
 * default of BAD_INPUT_RUNS cases takes seconds. The seed is fixed in test/helpers/setup.ts;
 * FC_SEED explores other seeds, and fast-check prints the shrunk case of any failure.
 */
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { readResultFolder } from '../../src/output/result-folder.js';

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 150);

const VALID = {
  name: 'fuzz',
  requests: 300,
  replications: 2,
  clients: { count: 2 },
  arrivals: { kind: 'poisson', rate: 400 },
  service: { instances: 3, serviceTime: { dist: 'exponential', mean: '2ms' } },
  timeout: '250ms',
  balancer: { kind: 'least_request' },
};

const HOSTILE: readonly unknown[] = [
  0, -1, 1, 0.5, 3, 1e-300, 1e9, 1e15, 2 ** 53, 1e300, Infinity, -Infinity, NaN,
  '', ' ', 'abc', '10', '10ms', '1ns', '0s', '-5ms', '1e400s', '1e-400s', '5 parsecs', '2m', '\u0000', 'x'.repeat(300),
  true, false, null, [], [1], [[]], {}, { a: 1 }, { kind: 'nope' }, { dist: 'constant', value: '1ms' },
];

// Half the time every value is valid on its own, so that cases reach the cross-field rules and
// the simulator; otherwise anything goes.
const duration = fc.oneof(
  fc.constantFrom('1us', '1ms', '10ms', '250ms', '1s', '30s', '5m', 5, 1000),
  fc.constantFrom('0s', '1ns', 0, -1, '1e400s', 'soon', 1e13),
);
const count = fc.oneof(fc.constantFrom(1, 2, 3, 7, 100), fc.constantFrom(-1, 0, 1e9, 2.5, '3'));
const percent = fc.oneof(fc.constantFrom(0, 10, 50, 100), fc.constantFrom(-5, 101, 'half'));

/** Blocks of failure, detection and recovery settings with random (often nonsensical) values. */
const block: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.record({ interval: duration, timeout: duration, unhealthyThreshold: count, healthyThreshold: count, jitter: duration, checker: fc.constantFrom('per-client', 'central', 'both') }, { requiredKeys: [] }).map((v) => ['healthCheck', v] as [string, unknown]),
  fc.record({ consecutive5xx: count, interval: duration, baseEjectionTime: duration, maxEjectionTime: duration, maxEjectionPercent: percent, enforcingConsecutive5xx: percent }, { requiredKeys: [] }).map((v) => ['outlierDetection', v] as [string, unknown]),
  fc.record({ attempts: count, perTryTimeout: duration, backoff: fc.record({ base: duration, max: duration }, { requiredKeys: [] }), budget: fc.record({ percent, minConcurrency: count }, { requiredKeys: [] }), retryOn: fc.constantFrom(['5xx'], ['timeout'], [], ['bogus']) }, { requiredKeys: [] }).map((v) => ['retries', v] as [string, unknown]),
  fc.record({ startupTime: duration, backoff: fc.record({ initial: duration, max: duration, resetAfter: duration }, { requiredKeys: [] }) }, { requiredKeys: [] }).map((v) => ['restart', v] as [string, unknown]),
  fc.record({ maxFailures: count, minPenalty: duration, maxPenalty: duration, jitterRatio: percent }, { requiredKeys: [] }).map((v) => ['failureAccrual', v] as [string, unknown]),
  fc.record({ period: duration, timeout: duration, failureThreshold: count, initialDelay: duration }, { requiredKeys: [] }).map((v) => ['liveness', v] as [string, unknown]),
  fc.record({ interval: duration, detector: fc.oneof(fc.record({ kind: fc.constant('phi'), threshold: count }), fc.record({ kind: fc.constant('timeout'), after: duration })) }, { requiredKeys: [] }).map((v) => ['heartbeat', v] as [string, unknown]),
  fc.record({ maxRequests: count, maxPendingRequests: count }, { requiredKeys: [] }).map((v) => ['circuitBreakers', v] as [string, unknown]),
  fc.record({ window: duration }).map((v) => ['timeseries', v] as [string, unknown]),
  fc
    .array(
      fc.record(
        {
          kind: fc.constantFrom('crash', 'hang', 'slow', 'errors', 'partition', 'zone', 'crashloop', 'random', 'meteor'),
          instance: count, instances: fc.constantFrom([0], [0, 2], [], [9]), at: duration, for: duration,
          factor: count, rate: fc.constantFrom(0.5, 0, 2), zone: fc.constantFrom('default', 'mars'), uptime: duration,
          mttf: duration, mttr: duration, mode: fc.constantFrom('crash', 'hang', 'melt'),
        },
        { requiredKeys: ['kind'] },
      ),
      { maxLength: 3 },
    )
    .map((v) => ['faults', v] as [string, unknown]),
  fc.constantFrom<[string, unknown]>(
    ['arrivals', { kind: 'zipf' }],
    ['arrivals', { kind: 'poisson', rate: 400, keys: { kind: 'zipf', count: 1e9 } }],
    ['arrivals', { kind: 'onoff', rate: 400, on: '1ns', off: '1ns' }],
    ['arrivals', { kind: 'diurnal', rate: 400, amplitude: 2 }],
    ['arrivals', { kind: 'trace', times: [5, 3, 1] }],
    ['arrivals', { kind: 'trace', file: 'data.csv', column: 'ts' }],
    ['service', { instances: 1e8, serviceTime: { dist: 'constant', value: '1ms' } }],
    ['service', { instances: 3, serviceTime: { dist: 'empirical', file: 'data.csv', values: [1, 2] } }],
    ['service', { instances: 3, serviceTime: { dist: 'empirical', file: 'data.csv' } }],
    ['service', { instances: 3, serviceTime: { dist: 'lognormal', median: '5ms', p99: '1ms' } }],
    ['service', { instances: 3, overrides: [{ instance: 5, speed: 0 }], serviceTime: { dist: 'exponential', mean: '1ms' } }],
    ['clients', { count: 1e6 }],
    ['balancer', { kind: 'maglev', tableSize: 4 }],
    ['balancer', { kind: 'ring_hash', minimumRingSize: 10, maximumRingSize: 5 }],
    ['balancer', { module: './nowhere.js' }],
    ['compare', [{ kind: 'random' }, { kind: 'peak_ewma', decayMs: -1 }]],
    ['slo', ['availability >= 99.9% per 1ms', 'latency.p99 <= 200ms per 1ms']],
    ['slo', ['latency.p99 <= 200ms per 10s', 'lost == 0 over run', { sli: 'availability', target: '99.9%', per: '1s', minRequests: 5 }]],
    ['slo', ['availability >= 200%', 'nonsense', { sli: 'detection.timeToEject', value: '15s', per: 'fault', kinds: ['meteor'] }]],
    ['slo', 'availability'],
    ['duration', '1e400s'],
    ['warmup', '1h'],
    ['drain', 'forever'],
  ),
);

/** Every path into the scenario object, leaves and inner nodes alike. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown, remove: boolean): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
}

type Edit = { op: 'set' | 'delete' | 'unknown'; at: number; value: unknown } | { op: 'block'; block: [string, unknown] };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'delete' as const, 'unknown' as const), at: fc.nat(), value: fc.constantFrom(...HOSTILE) }) },
  { weight: 3, arbitrary: block.map((b) => ({ op: 'block' as const, block: b })) },
);

function edited(edits: readonly Edit[]): Record<string, unknown> {
  const scenario = structuredClone(VALID) as Record<string, unknown>;
  for (const e of edits) {
    if (e.op === 'block') {
      scenario[e.block[0]] = structuredClone(e.block[1]);
      continue;
    }
    const paths = pathsOf(scenario).filter((p) => p.length > 0);
    const path = paths[e.at % paths.length]!;
    if (e.op === 'unknown') setAt(scenario, [...path.slice(0, -1), 'bogusKey'], e.value, false);
    else setAt(scenario, path, e.value, e.op === 'delete');
  }
  return scenario;
}

/** Damage to the text: none mostly, else a cut, stray bytes, a tab, a duplicate line, deep nesting, an alias bomb. */
const damage = fc.oneof(
  { weight: 6, arbitrary: fc.constant<(text: Buffer) => Buffer>((t) => t) },
  { weight: 1, arbitrary: fc.nat().map((at) => (t: Buffer) => t.subarray(0, at % (t.length + 1))) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xe9], [0xc3], [0x09], [0x3a, 0x20, 0x5b], [0x22])).map(
      ([at, bytes]) => (t: Buffer) => Buffer.concat([t.subarray(0, at % (t.length + 1)), Buffer.from(bytes), t.subarray(at % (t.length + 1))]),
    ),
  },
  { weight: 1, arbitrary: fc.constant((t: Buffer) => Buffer.concat([t, Buffer.from('name: again\n')])) },
  { weight: 1, arbitrary: fc.constant((t: Buffer) => Buffer.concat([t, Buffer.from(`description: ${'['.repeat(3000)}${']'.repeat(3000)}\n`)])) },
  {
    weight: 1,
    arbitrary: fc.constant((t: Buffer) =>
      Buffer.concat([t, Buffer.from('description: [&a [x, x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]]\n')]),
    ),
  },
);

const dataFile = fc.constantFrom('', 'ts\n', '1\n2\n3\n', 'ts\n3\n1\n', '1\nx\n-2\n', '\uFEFF"1"\r\n2\r\n', '# only a comment\n', 'a,b\n1\n', Buffer.from([0x31, 0x0a, 0xff, 0x0a]).toString('latin1'));

/** Flags beside the scenario: --set arguments and the rest, some of them broken. */
const flags = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('--set'), fc.constantFrom('service.instances', 'arrivals.rate', 'timeout', 'balancer', 'seed', 'a..b', '', 'service.__proto__.x', 'compare.7.kind', 'name.first'), fc.constantFrom('=3', '=-1', '=1e400', '=[', '={kind: random}', '=', '', '=1e12', '="1e400s"')).map(([f, k, v]) => [f, `${k}${v}`]),
    fc.tuple(fc.constantFrom('--seed', '--replications'), fc.constantFrom('', ' ', '0', '-1', '1.5', '0x10', '1e3', '7', 'nine')).map((pair) => [...pair]),
    fc.constantFrom(['--format', 'xml'], ['--max-events', '0'], ['--max-memory', 'lots'], ['--timeseries'], ['--frobnicate']),
  ),
  { maxLength: 2 },
);

const command = fc.constantFrom(
  [] as string[],
  [] as string[],
  ['compare', '--balancers', 'random,round_robin'],
  ['sweep', '--workers', '1', '--param', 'arrivals.rate=200,300'],
);

/** Runs the CLI entry in this process; its output is captured, its exit status returned. */
async function meshsim(argv: string[]): Promise<{ status: number; stderr: string }> {
  const chunks: string[] = [];
  const writes = [process.stdout.write, process.stderr.write];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    await main(argv);
  } finally {
    [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { status, stderr: chunks.join('') };
}

const TEXT_PROBLEMS = /^(syntax error|YAML|expected UTF-8|expected at most \d+ levels|expected aliases|expected a mapping of scenario keys|expected a CSV file with at least one number)/;
const KEY_PATH = /^\S+: /; // a dotted path, whatever odd keys it holds
const FLAGS = /^--(set|param|out|balancers|seed|replications|max-events|max-memory|format|metric|baseline|workers|shard)\b[^:]*: |^--out: /;

/** Why `line` of stderr is not located as a user needs it, or undefined when it is. */
function unlocated(line: string): string | undefined {
  if (line === '' || line.startsWith('meshsim: warning: ') || line.startsWith('error: ') || line.startsWith('(')) return undefined; // commander's own, about flags
  if (!line.startsWith('meshsim: ')) return 'not a meshsim message';
  const text = line.slice('meshsim: '.length);
  if (FLAGS.test(text)) return undefined;
  const located = /^(.+?):(\d+):(\d+): (.*)$/.exec(text);
  if (located === null) return 'no file:line:col and no flag';
  const rest = located[4]!;
  if (KEY_PATH.test(rest) || TEXT_PROBLEMS.test(rest) || /`[\w.]+`/.test(rest)) return undefined;
  return 'no key path';
}

describe('the command line with broken input (fuzz)', () => {
  it('ends with status 0 or 2, no stack trace, and every problem located', async () => {
    const root = mkdtempSync(join(tmpdir(), 'meshsim-fuzz-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 3 }), damage, fc.boolean(), dataFile, flags, command, async (edits, damageText, asJson, data, extra, cmd) => {
        const dir = join(root, String(n++));
        mkdirSync(dir);
        const scenario = edited(edits);
        const text = Buffer.from(asJson ? JSON.stringify(scenario, null, 1) : stringify(scenario));
        writeFileSync(join(dir, 's.yaml'), damageText(text));
        writeFileSync(join(dir, 'data.csv'), Buffer.from(data, 'latin1'));
        const out = join(dir, 'out');
        const [name, ...rest] = cmd.length === 0 ? ['run'] : cmd;
        const argv = [name!, join(dir, 's.yaml'), ...rest, ...extra.flat(), '--quiet', '--max-events', '2e6', '--max-memory', '400MB', '--out', out];
        // A case that takes the whole process down cannot be reported by fast-check: log each first.
        if (process.env.BAD_INPUT_LOG) appendFileSync(process.env.BAD_INPUT_LOG, `${argv.join(' ')}\n`);
        const { status, stderr } = await meshsim(argv);
        const shown = `meshsim ${argv.join(' ')}\n${stderr}`;
        expect([0, 2], shown).toContain(status);
        expect(stderr, shown).not.toMatch(/^\s+at .+[:(]/m);
        expect(stderr, shown).not.toMatch(/internal error/);
        for (const line of stderr.split('\n')) expect(unlocated(line), `${line}\n\n${shown}`).toBeUndefined();
        if (status === 0) expect(readResultFolder(out, ['run', 'compare', 'sweep']).files.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});
