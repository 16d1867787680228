/**
 * bin/meshsim.js: the launcher that compiles the CLI bundle with the V8 code cache the build
 * recorded (scripts/bundle-cli.mjs). The cache must be accepted by this Node, or every run pays
 * the full compile again without anyone noticing; and a missing, stale or damaged cache must
 * cost speed only, never a result.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const bundle = join(root, 'dist/cli/main.cjs');
const SCENARIO = join(root, 'scenarios/quickstart.yaml');

/** A copy of the installed layout (bin/, dist/cli/, node_modules) whose cache file can be changed. */
function installCopy(cache: Buffer | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-launcher-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist/cli'), { recursive: true });
  copyFileSync(join(root, 'bin/meshsim.js'), join(dir, 'bin/meshsim.js'));
  copyFileSync(bundle, join(dir, 'dist/cli/main.cjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  if (cache !== null) writeFileSync(join(dir, 'dist/cli/main.cjs.cache'), cache);
  return dir;
}

function runQuickstart(installDir: string, out: string) {
  return spawnSync(process.execPath, [join(installDir, 'bin/meshsim.js'), 'run', SCENARIO, '--quiet', '--out', out], { encoding: 'utf8' });
}

describe('the CLI launcher and its code cache', () => {
  it('has a code cache that this Node accepts for the bundle', () => {
    expect(existsSync(`${bundle}.cache`), 'npm run build writes dist/cli/main.cjs.cache').toBe(true);
    // Compiled in a fresh process, as the launcher does: V8 rejects a cache made under other flags.
    const probe = `
      const { readFileSync } = require('node:fs');
      const vm = require('node:vm');
      const source = readFileSync(${JSON.stringify(bundle)}, 'utf8');
      const wrapped = '(function (exports, require, module, __filename, __dirname, __meshsimImport) { ' + source + '\\n});';
      const script = new vm.Script(wrapped, { filename: ${JSON.stringify(bundle)}, cachedData: readFileSync(${JSON.stringify(`${bundle}.cache`)}) });
      process.stdout.write(String(script.cachedDataRejected));`;
    const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('false');
    // The probe must build the bundle's wrapper exactly as the launcher does, or it tests nothing.
    expect(readFileSync(join(root, 'bin/meshsim.js'), 'utf8')).toContain(
      "'(function (exports, require, module, __filename, __dirname, __meshsimImport) { ', '\\n});'",
    );
  });

  it('gives the same bytes with the cache, without it, and with a damaged one', () => {
    const outputs = [readFileSync(`${bundle}.cache`), null, Buffer.from('not a code cache')].map((cache, i) => {
      const dir = installCopy(cache);
      const result = runQuickstart(dir, join(dir, `out${i}`));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return readFileSync(join(dir, `out${i}`, 'summary.json'));
    });
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it('runs import() through the launcher, so cached code can load packages', () => {
    // The one module the bundle swaps (src/platform/import-module.ts) must be swapped, and no
    // other import() may be left in the bundle: on Node 20 it would fail in code from the cache.
    const source = readFileSync(bundle, 'utf8');
    expect(source).toContain('return __meshsimImport(specifier)');
    const stray = source.split('\n').filter((line) => /(^|[^\w.$])import\(/.test(line) && !/^\s*(\/\/|\*)/.test(line));
    expect(stray).toEqual([]);
  });
});
