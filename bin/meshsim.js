#!/usr/bin/env node
// The installed command: runs the bundled CLI (npm ci builds it through the `prepare` script).
//
// The bundle is compiled through vm.Script with the V8 code cache that the build recorded
// (scripts/bundle-cli.mjs), which saves most of the parsing and compiling of a short run. When
// V8 rejects the cache (another Node version, other V8 flags) it compiles from source instead.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/cli/main.cjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('meshsim: not built yet; run `npm ci` (or `npm run build`) in the meshsim folder first\n');
  process.exit(1);
}
const cacheFile = `${bundle}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// A CommonJS module wrapper with one more parameter: code restored from a code cache cannot
// call import() itself on Node 20, so the bundle imports packages, files and plug-ins through
// this module's import() (src/platform/import-module.ts).
const wrapper = ['(function (exports, require, module, __filename, __dirname, __meshsimImport) { ', '\n});'];
const script = new vm.Script(wrapper[0] + readFileSync(bundle, 'utf8') + wrapper[1], { filename: bundle, cachedData });
const cli = { exports: {} };
const importFromHere = (specifier) => import(specifier);
script.runInThisContext()(cli.exports, createRequire(bundle), cli, bundle, dirname(bundle), importFromHere);

if (process.env.MESHSIM_WRITE_CODE_CACHE === '1') {
  // The build's training run: after the command, the cache holds everything it compiled.
  process.once('beforeExit', () => {
    writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
    renameSync(`${cacheFile}.tmp`, cacheFile);
  });
}
await cli.exports.main(process.argv.slice(2));
