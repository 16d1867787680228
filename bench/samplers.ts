/**
 * Throughput of the workload samplers, in millions of samples per second. For information,
 * not a test: run with `npx tsx bench/samplers.ts [samples per round, default 2e6]`.
 *
 * Two columns:
 * - alone: each sampler timed in a fresh child process, so its call sites stay monomorphic,
 *   as they are in a simulation that uses one distribution for a given role.
 * - mixed: all samplers timed one after another in this process through one shared call
 *   site, so V8 sees many receiver shapes: a pessimistic bound.
 * Each figure is the best of several rounds after a warm-up (slower rounds measure GC and
 * other processes, not the sampler). The checksum keeps the JIT from deleting the loop.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RngStream } from '../src/engine/rng.js';
import { createArrivalProcess } from '../src/model/arrivals/index.js';
import { createSampler, describeDistribution } from '../src/model/distributions/index.js';
import { createKeySampler } from '../src/model/keys.js';
import type { ArrivalSpec, DistributionSpec, KeySpec } from '../src/scenario/schema.js';

const samples = Number(process.argv[2] ?? 2_000_000);
const rounds = 3;

interface Case {
  readonly group: string;
  readonly label: string;
  readonly make: () => () => number;
}

const distributions: DistributionSpec[] = [
  { dist: 'constant', value: 10 },
  { dist: 'exponential', mean: 10 },
  { dist: 'lognormal', median: 10, p99: 50 },
  { dist: 'gamma', mean: 10, scv: 0.5 },
  { dist: 'gamma', mean: 10, scv: 4 },
  { dist: 'hyperexponential', mean: 10, scv: 10 },
  { dist: 'pareto', mean: 10, shape: 2.5 },
  { dist: 'uniform', min: 5, max: 15 },
  { dist: 'empirical', unit: 'ms', values: Array.from({ length: 10_000 }, (_, i) => (i % 97) + 1) },
];

const arrivals: ArrivalSpec[] = [
  { kind: 'poisson', rate: 1000 },
  { kind: 'constant', rate: 1000 },
  { kind: 'onoff', rate: 2000, offRate: 200, on: 10, off: 40, periods: 'exponential' },
  { kind: 'diurnal', rate: 1000, amplitude: 0.5, period: 86_400_000, phase: 0 },
];

const keys: KeySpec[] = [
  { kind: 'uniform', count: 10_000 },
  { kind: 'zipf', count: 10_000, s: 1.1 },
  { kind: 'zipf', count: 1_000_000, s: 0.9 },
];

const cases: Case[] = [
  {
    group: 'baseline',
    label: 'RngStream.next() (one uniform)',
    make: () => {
      const rng = new RngStream('bench/raw');
      return () => rng.next();
    },
  },
  ...distributions.map((spec) => ({
    group: 'service-time / latency distributions',
    label: describeDistribution(spec),
    make: () => {
      const sampler = createSampler(spec, new RngStream(`bench/${spec.dist}`));
      return () => sampler.sample();
    },
  })),
  ...arrivals.map((spec) => ({
    group: 'arrival processes (next arrival time)',
    label: spec.kind,
    make: () => {
      const arrivalProcess = createArrivalProcess(spec, new RngStream(`bench/${spec.kind}`));
      return () => arrivalProcess.next();
    },
  })),
  ...keys.map((spec) => ({
    group: 'request keys',
    label: spec.kind === 'zipf' ? `zipf(count=${spec.count}, s=${spec.s})` : `uniform(count=${spec.count})`,
    make: () => {
      const sampler = createKeySampler(spec, new RngStream(`bench/keys/${spec.kind}`));
      return () => sampler.sample();
    },
  })),
];

/** Millions of samples per second, best round. */
function measure(draw: () => number): number {
  let checksum = 0;
  for (let i = 0; i < 200_000; i++) checksum += draw();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < samples; i++) checksum += draw();
    best = Math.min(best, performance.now() - start);
  }
  if (Number.isNaN(checksum)) throw new Error('checksum is NaN');
  return samples / best / 1000;
}

function measureAlone(index: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [String(samples), '--case', String(index)], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.on('message', (rate) => resolve(Number(rate)));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark child for case ${index} exited with ${code}`));
    });
  });
}

const caseFlag = process.argv.indexOf('--case');
if (caseFlag >= 0) {
  const chosen = cases[Number(process.argv[caseFlag + 1])]!;
  process.send!(measure(chosen.make()));
} else {
  console.log(`${samples.toLocaleString('en')} samples per round, best of ${rounds}, Node ${process.version}`);
  console.log(`${''.padEnd(46)} ${'alone'.padStart(9)} ${'mixed'.padStart(9)}   ns/sample alone`);
  let group = '';
  for (const [index, c] of cases.entries()) {
    const alone = await measureAlone(index);
    const mixed = measure(c.make());
    if (c.group !== group) {
      group = c.group;
      console.log(`\n${group}`);
    }
    const fmt = (rate: number) => `${rate.toFixed(1)} M/s`.padStart(9);
    console.log(`${c.label.padEnd(46)} ${fmt(alone)} ${fmt(mixed)}   ${(1000 / alone).toFixed(1).padStart(6)}`);
  }
}
