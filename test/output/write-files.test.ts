import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSummaryCsv } from '../../src/output/summary-csv.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { writeFileAtomic, writeRunOutputs } from '../../src/output/write-files.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { makeRun } from '../helpers/metrics-fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meshsim-write-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file', () => {
    const path = join(dir, 'a.txt');
    writeFileAtomic(path, 'hello ✓\n');
    expect(readFileSync(path, 'utf8')).toBe('hello ✓\n');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('replaces an existing file', () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'old contents, longer than the new ones');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('fails without a trace when the directory does not exist', () => {
    const path = join(dir, 'missing', 'a.txt');
    expect(() => writeFileAtomic(path, 'x')).toThrow();
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('keeps what was there and removes the temporary file when the rename fails', () => {
    // Renaming a file onto a non-empty directory fails (EISDIR): the old target must survive.
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inner.txt'), 'previous');
    expect(() => writeFileAtomic(path, 'new')).toThrow();
    expect(readFileSync(join(path, 'inner.txt'), 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('writeRunOutputs', () => {
  it('creates the directory and writes summary.json and summary.csv', () => {
    const run = makeRun(3);
    const out = join(dir, 'nested', 'out');
    const paths = writeRunOutputs(out, run);
    expect(paths).toEqual([join(out, 'summary.json'), join(out, 'summary.csv')]);
    expect(readFileSync(paths[0]!, 'utf8')).toBe(formatSummaryJson(run));
    expect(readFileSync(paths[1]!, 'utf8')).toBe(formatSummaryCsv(run));
    expect(readdirSync(out).sort()).toEqual(['meshsim-result.json', 'summary.csv', 'summary.json']);
  });

  it('overwrites a previous result in place', () => {
    const out = join(dir, 'out');
    writeRunOutputs(out, makeRun(1));
    writeRunOutputs(out, makeRun(2));
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(formatSummaryJson(makeRun(2)));
    expect(readdirSync(out).sort()).toEqual(['meshsim-result.json', 'summary.csv', 'summary.json']);
  });

  it('with the resolved scenario, also writes scenario.json and instances.csv', () => {
    const { scenario } = resolveScenario({
      name: 'four', duration: '1s', arrivals: { kind: 'poisson', rate: 10 },
      service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' }, overrides: [{ instance: 3, speed: 0.5 }] },
      balancer: { kind: 'random' },
    });
    const out = join(dir, 'out');
    const paths = writeRunOutputs(out, makeRun(2), scenario);
    expect(paths.map((p) => p.slice(out.length + 1))).toEqual(['summary.json', 'summary.csv', 'scenario.json', 'instances.csv']);
    expect(JSON.parse(readFileSync(join(out, 'scenario.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(scenario)));
    const instances = readFileSync(join(out, 'instances.csv'), 'utf8').trimEnd().split('\n');
    expect(instances).toHaveLength(1 + 3 * 2 * 4);
    expect(instances[4]).toBe('round_robin,0,3,236,0.5,1,default');
  });
});
