/**
 * Results folders for tests of their readers (report, merge): files written the way meshsim
 * writes a result, manifest included, with the kind the files imply.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeResultFolder, type ResultKind } from '../../src/output/result-folder.js';

export function resultFolder(files: Record<string, string>, prefix = 'meshsim-result-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const kind: ResultKind = 'sweep.json' in files ? 'sweep' : 'comparison.json' in files ? 'compare' : 'run';
  writeResultFolder(dir, kind, Object.entries(files));
  return dir;
}
