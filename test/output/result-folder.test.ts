/**
 * Result folders: one whole result or a refusal. The manifest is written last and lists every
 * file with its size and SHA-256; a new result removes what the previous one had and it lacks.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkOutputFolder,
  OutputFolderError,
  readResultFolder,
  RESULT_MANIFEST,
  ResultFolderError,
  writeResultFolder,
} from '../../src/output/result-folder.js';
import { MESHSIM_VERSION } from '../../src/version.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'meshsim-result-folder-'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('writeResultFolder', () => {
  it('writes the files, then a manifest with their sizes and checksums', () => {
    const dir = join(fresh(), 'a', 'b');
    const paths = writeResultFolder(dir, 'run', [['summary.json', '{}\n'], ['summary.csv', 'a,b\n']]);
    expect(paths).toEqual([join(dir, 'summary.json'), join(dir, 'summary.csv')]);
    expect(JSON.parse(readFileSync(join(dir, RESULT_MANIFEST), 'utf8'))).toEqual({
      meshsimVersion: MESHSIM_VERSION,
      kind: 'run',
      files: [
        { name: 'summary.json', bytes: 3, sha256: sha('{}\n') },
        { name: 'summary.csv', bytes: 4, sha256: sha('a,b\n') },
      ],
    });
    expect(readResultFolder(dir, ['run']).files.map((f) => f.name)).toEqual(['summary.json', 'summary.csv']);
  });

  it('a new result removes the files of the previous one it does not have, and its report, but nothing of the user', () => {
    const dir = fresh();
    writeResultFolder(dir, 'run', [['summary.json', '1'], ['events.csv', 'e'], ['timeseries.csv', 't']]);
    writeResultFolder(join(dir, 'report'), 'report', [['report.html', '<html>']]);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeResultFolder(dir, 'run', [['summary.json', '2']]);
    expect(readdirSync(dir).sort()).toEqual([RESULT_MANIFEST, 'notes.txt', 'summary.json']);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('2');
  });

  it('removes temporaries a killed writer left, and marks an interrupted result', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'sweep.csv.tmp-999999'), 'half');
    writeResultFolder(dir, 'sweep', [['sweep.csv', 'x']], { interrupted: true });
    expect(readdirSync(dir).sort()).toEqual([RESULT_MANIFEST, 'sweep.csv']);
    expect(readResultFolder(dir, ['sweep']).interrupted).toBe(true);
  });

  it('a failure before the renames leaves the previous result whole and readable', () => {
    const dir = fresh();
    writeResultFolder(dir, 'run', [['summary.json', 'old'], ['summary.csv', 'old']]);
    // The second temporary cannot be created: a folder stands in its place.
    mkdirSync(join(dir, `summary.csv.tmp-${process.pid}`));
    expect(() => writeResultFolder(dir, 'run', [['summary.json', 'new'], ['summary.csv', 'new']])).toThrow(OutputFolderError);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('old');
    expect(readResultFolder(dir, ['run']).files).toHaveLength(2);
    expect(existsSync(join(dir, `summary.json.tmp-${process.pid}`))).toBe(false);
  });
});

describe('readResultFolder', () => {
  it('refuses folders that are not one whole result, saying why', () => {
    const noManifest = fresh();
    writeFileSync(join(noManifest, 'summary.json'), '{}');
    expect(() => readResultFolder(noManifest, ['run'])).toThrow(/not a finished meshsim result \(no meshsim-result\.json\)/);

    const missing = fresh();
    writeResultFolder(missing, 'run', [['summary.json', '{}'], ['summary.csv', 'x']]);
    rmSync(join(missing, 'summary.csv'));
    expect(() => readResultFolder(missing, ['run'])).toThrow(/summary\.csv is missing, though meshsim-result\.json lists it/);

    const damaged = fresh();
    writeResultFolder(damaged, 'run', [['summary.json', '{}']]);
    writeFileSync(join(damaged, RESULT_MANIFEST), '{"kind": 3');
    expect(() => readResultFolder(damaged, ['run'])).toThrow(/meshsim-result\.json: damaged/);

    const report = fresh();
    writeResultFolder(report, 'report', [['report.html', 'x']]);
    expect(() => readResultFolder(report, ['run', 'compare', 'sweep'])).toThrow(/expected the result of meshsim run, compare, sweep, found a report folder/);
    expect(() => readResultFolder(join(report, 'report.html'), ['run'])).toThrow(ResultFolderError);
  });
});

describe('checkOutputFolder', () => {
  it('accepts a new folder without creating it, and an existing one', () => {
    const base = fresh();
    checkOutputFolder(join(base, 'new', 'deeper'));
    expect(readdirSync(base)).toEqual([]);
    checkOutputFolder(base);
  });

  it('refuses an empty path, a file, and a path under a file, in a sentence', () => {
    const base = fresh();
    writeFileSync(join(base, 'f'), '');
    expect(() => checkOutputFolder('')).toThrow('expected a folder path, found an empty string');
    expect(() => checkOutputFolder(join(base, 'f'))).toThrow(`${join(base, 'f')}: expected a folder, found a file`);
    expect(() => checkOutputFolder(join(base, 'f', 'sub'))).toThrow(
      `${join(base, 'f', 'sub')}: cannot create it, because ${join(base, 'f')} is a file, not a folder`,
    );
  });

  it('refuses a folder it cannot write in', () => {
    // As root, permissions do not apply; sysfs refuses new folders to everyone.
    const root = process.getuid?.() === 0;
    const target = root ? '/sys/meshsim-output' : join(fresh(), 'locked', 'out');
    if (!root) {
      mkdirSync(join(target, '..'));
      chmodSync(join(target, '..'), 0o555);
    }
    expect(() => checkOutputFolder(target)).toThrow(/cannot write results there: permission denied \((EACCES|EPERM)\)/);
  });
});
