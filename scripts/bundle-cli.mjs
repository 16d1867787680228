// Bundles the command line into dist/cli/ and records a V8 code cache for it.
//
// - dist/cli/main.cjs: every command in one CommonJS file. bin/meshsim.js compiles it through
//   vm.Script with the code cache, so a run skips parsing and compiling most of the CLI: a short
//   `meshsim run` takes about 0.15 s instead of 0.21 s, which is most of its wall time. (Node 20
//   has no compile cache for ES modules; that is why this bundle is CommonJS.) Commands stay
//   lazily initialised, and heavy packages stay external: they load from node_modules only in
//   the commands that use them, through import().
// - dist/cli/main.cjs.cache: the code cache, written by one training run of the bundled
//   quickstart scenario. V8 rejects a cache made by another Node version or with other flags,
//   and the CLI then compiles from source as usual, only slower.
// - dist/cli/simulation-worker.js: piscina loads it by file name in
//   each worker thread.
// The library entry points (dist/src/…) are compiled separately by tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

// zod bundles error messages in some fifty languages and exports them all from `z.locales`;
// meshsim reports in English only (zod's default), so the bundle keeps English and drops 0.4 MB.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'english-only-zod' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'english-only-zod' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

// import() inside the cached bundle must go through the launcher (src/platform/import-module.ts).
const launcherImport = {
  name: 'launcher-import',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]platform[\\/]import-module\.ts$/ }, () => ({
      contents: 'export function importModule(specifier) { return __meshsimImport(specifier); }',
      loader: 'js',
    }));
  },
};

const common = {
  plugins: [englishOnlyZod],
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'playwright-core', 'piscina', 'mathjs', 'fast-check'],
};

rmSync('dist/cli', { recursive: true, force: true });

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.cjs',
  format: 'cjs',
  plugins: [englishOnlyZod, launcherImport],
  // import.meta.url locates files beside the bundle (the sweep worker, the report's browser bundles).
  define: { 'import.meta.url': '__meshsimBundleUrl' },
  banner: { js: "const __meshsimBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common,
  entryPoints: ['src/cli/simulation-worker.ts'],
  outdir: 'dist/cli',
  format: 'esm',
  // CommonJS dependencies (csv-stringify) still call require() for Node built-ins.
  banner: { js: "import { createRequire as __meshsimRequire } from 'node:module'; const require = __meshsimRequire(import.meta.url);" },
});

// The training run: what it compiles goes into the cache.
const out = mkdtempSync(join(tmpdir(), 'meshsim-code-cache-'));
const training = spawnSync(process.execPath, ['bin/meshsim.js', 'run', 'scenarios/quickstart.yaml', '--quiet', '--out', out], {
  env: { ...process.env, MESHSIM_WRITE_CODE_CACHE: '1' },
  encoding: 'utf8',
});
rmSync(out, { recursive: true, force: true });
if (training.status !== 0 || !existsSync('dist/cli/main.cjs.cache')) {
  // Not fatal: the CLI works without the cache, only its start-up is slower.
  console.warn(`bundle-cli: no code cache written (status ${training.status}): ${training.stderr}`);
}
