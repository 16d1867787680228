/**
 * A result folder holds one whole result, or is refused by every reader: the files of a run,
 * compare, sweep, check or report, and last a manifest (meshsim-result.json) that lists each file with
 * its size and SHA-256. Readers (meshsim report, meshsim merge) accept a folder only when the
 * manifest is there and every file it lists matches it, and read only the files it lists.
 *
 * Writing goes in an order that a kill at any instant cannot turn into a mixed folder:
 * 1. every new file is written beside its target as `NAME.tmp-<pid>` and flushed to disk, so a
 *    failure here leaves the previous result whole (and its manifest valid);
 * 2. the previous manifest is removed: from here on readers see "not a finished result";
 * 3. the files are renamed over their targets (each rename is atomic), and files of the
 *    previous result that this one does not have (events.csv of a run with faults, say) are
 *    removed, with a report that was drawn from it;
 * 4. the manifest is written (atomically) last.
 * Between 2 and 4, a few renames long, the folder holds no valid result; it never holds a
 * valid-looking mix of two. The folder may hold other files of the user's: they are left alone.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MESHSIM_VERSION } from '../version.js';

export const RESULT_MANIFEST = 'meshsim-result.json';
/** The report's folder inside a result folder (meshsim report's default). */
export const REPORT_SUBFOLDER = 'report';

export type ResultKind = 'run' | 'compare' | 'sweep' | 'check' | 'report';

export interface ResultFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** meshsim-result.json. */
export interface ResultManifest {
  readonly meshsimVersion: string;
  readonly kind: ResultKind;
  /** A sweep stopped by Ctrl-C: the files hold the finished cells only. */
  readonly interrupted?: true;
  readonly files: readonly ResultFile[];
}

/** Where results were to be written cannot take them: the message is one sentence, no errno jargon. */
export class OutputFolderError extends Error {
  override readonly name = 'OutputFolderError';
  constructor(
    /** The folder as the caller named it. */
    readonly dir: string,
    /** What is wrong with it, a phrase. */
    readonly reason: string,
  ) {
    super(dir === '' ? reason : `${dir}: ${reason}`);
  }
}

/** A folder given to read is not one whole meshsim result. */
export class ResultFolderError extends Error {
  override readonly name = 'ResultFolderError';
}

export type OutputFiles = ReadonlyArray<readonly [string, string | Uint8Array]>;

/**
 * Checks, before any work, that results can be written to `dir`: creates nothing that stays
 * (a probe folder is made and removed where `dir` or its nearest existing parent is).
 */
export function checkOutputFolder(dir: string): void {
  if (dir.trim() === '') throw new OutputFolderError(dir, 'expected a folder path, found an empty string');
  let existing = resolve(dir);
  for (;;) {
    const kind = entryKind(existing);
    if (kind === 'folder') break;
    if (kind === 'other') {
      throw new OutputFolderError(
        dir,
        existing === resolve(dir) ? 'expected a folder, found a file' : `cannot create it, because ${existing} is a file, not a folder`,
      );
    }
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.meshsim-probe-')));
  } catch (error) {
    throw new OutputFolderError(dir, `cannot write results there: ${describeFsError(error, existing)}`);
  }
}

/** Writes `files` (name → content) into `dir` as one whole result; returns their paths. */
export function writeResultFolder(dir: string, kind: ResultKind, files: OutputFiles, options: { interrupted?: boolean } = {}): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new OutputFolderError(dir, `cannot create it: ${describeFsError(error, dir)}`);
  }
  const previous = readManifestQuietly(dir);
  const names = files.map(([name]) => name);
  removeLeftoverTemporaries(dir, new Set([...names, ...(previous?.files.map((f) => f.name) ?? []), RESULT_MANIFEST]));

  const temporaries: string[] = [];
  try {
    const entries: ResultFile[] = [];
    for (const [name, data] of files) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      temporaries.push(writeTemporary(join(dir, name), bytes));
      entries.push({ name, bytes: bytes.length, sha256: sha256(bytes) });
    }
    rmSync(join(dir, RESULT_MANIFEST), { force: true });
    files.forEach(([name], i) => renameSync(temporaries[i]!, join(dir, name)));
    temporaries.length = 0;
    for (const stale of previous?.files ?? []) {
      if (!names.includes(stale.name)) rmSync(join(dir, stale.name), { force: true });
    }
    if (kind !== 'report') removeReportOf(dir);
    const manifest: ResultManifest = { meshsimVersion: MESHSIM_VERSION, kind, ...(options.interrupted ? { interrupted: true } : {}), files: entries };
    writeFileAtomic(join(dir, RESULT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    if (error instanceof OutputFolderError) throw error;
    throw new OutputFolderError(dir, `cannot write results there: ${describeFsError(error, dir)}`);
  }
  return names.map((name) => join(dir, name));
}

/**
 * The manifest of `dir` after checking that it is one whole result of one of `kinds`: every
 * listed file present, of the listed size and SHA-256. Throws ResultFolderError saying why not.
 */
export function readResultFolder(dir: string, kinds: readonly ResultKind[]): ResultManifest {
  const kind = entryKind(dir);
  if (kind === 'missing') throw new ResultFolderError(`${dir}: no such folder`);
  if (kind === 'other') throw new ResultFolderError(`${dir}: expected a results folder, found a file`);
  const manifestPath = join(dir, RESULT_MANIFEST);
  let text: string;
  try {
    text = readFileSync(manifestPath, 'utf8');
  } catch {
    throw new ResultFolderError(
      `${dir}: not a finished meshsim result (no ${RESULT_MANIFEST}): the run that wrote it was stopped while writing, ` +
        'or it is not the output folder of meshsim run, compare or sweep; run it again',
    );
  }
  const manifest = parseManifest(text);
  if (manifest === undefined) throw new ResultFolderError(`${manifestPath}: damaged (not a meshsim result manifest); run the result again`);
  if (!kinds.includes(manifest.kind)) {
    throw new ResultFolderError(`${dir}: expected the result of meshsim ${kinds.join(', ')}, found a ${manifest.kind} folder`);
  }
  for (const file of manifest.files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, file.name));
    } catch {
      throw new ResultFolderError(`${dir}: ${file.name} is missing, though ${RESULT_MANIFEST} lists it; run the result again`);
    }
    if (bytes.length !== file.bytes || sha256(bytes) !== file.sha256) {
      throw new ResultFolderError(
        `${dir}: ${file.name} is not the file meshsim wrote (its size or checksum differs from ${RESULT_MANIFEST}): ` +
          'changed or damaged since; run the result again',
      );
    }
  }
  return manifest;
}

/** Writes `data` to `path` atomically via `path.tmp-<pid>`: a reader sees the old file or the new one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = writeTemporary(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** `path.tmp-<pid>` with `bytes`, flushed to disk; returns its path. */
function writeTemporary(path: string, bytes: Uint8Array): string {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      // writeSync may write fewer bytes than asked; loop until all are out.
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
      // Without fsync a power loss after the rename could leave the new name on empty data.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return temporary;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function entryKind(path: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

function parseManifest(text: string): ResultManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const m = value as Partial<ResultManifest> | null;
  const kinds: readonly unknown[] = ['run', 'compare', 'sweep', 'check', 'report'];
  const valid =
    m !== null &&
    typeof m === 'object' &&
    typeof m.meshsimVersion === 'string' &&
    kinds.includes(m.kind) &&
    Array.isArray(m.files) &&
    m.files.every(
      (f: Partial<ResultFile> | null) =>
        f !== null && typeof f === 'object' && typeof f.name === 'string' && !/[\\/]/.test(f.name) && Number.isInteger(f.bytes) && typeof f.sha256 === 'string',
    );
  return valid ? (m as ResultManifest) : undefined;
}

function readManifestQuietly(dir: string): ResultManifest | undefined {
  try {
    return parseManifest(readFileSync(join(dir, RESULT_MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

/** `NAME.tmp-<pid>` files a killed writer left behind, for the names this folder's results use. */
function removeLeftoverTemporaries(dir: string, names: ReadonlySet<string>): void {
  for (const entry of readdirSync(dir)) {
    const match = /^(.*)\.tmp-(\d+)$/.exec(entry);
    if (match !== null && names.has(match[1]!) && Number(match[2]) !== process.pid) rmSync(join(dir, entry), { force: true });
  }
}

/** The report drawn from the previous result describes data that is gone: remove its files. */
function removeReportOf(dir: string): void {
  const report = join(dir, REPORT_SUBFOLDER);
  const manifest = readManifestQuietly(report);
  if (manifest?.kind !== 'report') return;
  rmSync(join(report, RESULT_MANIFEST), { force: true });
  for (const file of manifest.files) rmSync(join(report, file.name), { force: true });
  try {
    rmdirSync(report);
  } catch {
    // Files of the user's are in it: the folder stays.
  }
}

/** A file-system error as a phrase for a person: what went wrong, without errno jargon first. */
export function describeFsError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)';
    case 'ENOTDIR':
      return `a part of ${path} is a file, not a folder (ENOTDIR)`;
    case 'EEXIST':
      return `${path} exists and is not a folder (EEXIST)`;
    case 'ENAMETOOLONG':
      return 'the path is too long (ENAMETOOLONG)';
    case 'EISDIR':
      return `a folder stands where a result file belongs (EISDIR)`;
    default:
      return (error as Error).message;
  }
}
