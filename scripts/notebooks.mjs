#!/usr/bin/env node
/**
 * The notebooks' Jupyter kernel and the commands around it.
 *
 *   node scripts/notebooks.mjs open [jupyter args]   # npm run notebooks: the kernel, then `jupyter notebook notebooks/`
 *   node scripts/notebooks.mjs check [--output-dir DIR] [NOTEBOOK ...]
 *                                                    # npm run notebooks:check: clean check, type check, then
 *                                                    # execute headless; fails on any error
 *   node scripts/notebooks.mjs types [NOTEBOOK ...]  # only the type check (deno check; no Jupyter needed)
 *   node scripts/notebooks.mjs strip [NOTEBOOK ...]  # npm run notebooks:strip: remove outputs and execution counts
 *   node scripts/notebooks.mjs kernel                # only (re)write the kernelspec; prints JUPYTER_PATH
 *
 * The kernel is Deno's (`deno jupyter --kernel`) from the pinned npm package `deno`. Its
 * kernelspec points at this checkout's node_modules/.bin/deno with NO_COLOR=1 and lives in
 * node_modules/.cache/meshsim-jupyter (written on every call, so it follows `npm ci` and a moved
 * checkout), found through JUPYTER_PATH: nothing is installed into the user's Jupyter folders.
 * The kernel starts in the notebook's folder and finds ../deno.json, whose sloppy imports let
 * `../src/index.ts` and the sources' NodeNext `.js` specifiers resolve to the `.ts` files.
 *
 * Jupyter itself comes from Debian (always /usr/bin/jupyter, never the pyenv python on PATH):
 *   apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbconvert \
 *     python3-nbclient python3-ipykernel jupyter-client    # executing (CI)
 *   apt-get install -y --no-install-recommends jupyter-notebook   # and opening them
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOTEBOOK_DIR = join(ROOT, 'notebooks');
const KERNEL_NAME = 'meshsim-deno';
const KERNEL_DISPLAY_NAME = 'TypeScript (Deno, meshsim)';
const JUPYTER_DATA = join(ROOT, 'node_modules', '.cache', 'meshsim-jupyter');
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const JUPYTER = '/usr/bin/jupyter';
const APT_EXECUTE = 'jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client';
const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

// Ctrl-C reaches the child (deno, nbconvert) too; spawnSync then returns, the temporary type-check
// modules are removed, and the run stops with status 130 instead of going on to the next notebook.
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
});
function stopIfInterrupted() {
  if (interrupted) process.exit(130);
}

function fail(message) {
  console.error(`notebooks: ${message}`);
  process.exit(2);
}

/** Writes the kernelspec (idempotent); returns the JUPYTER_PATH entry that holds it. */
function installKernel() {
  if (!existsSync(DENO)) fail(`${relative(ROOT, DENO)} is missing; run npm ci (deno is a pinned devDependency)`);
  const dir = join(JUPYTER_DATA, 'kernels', KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [DENO, 'jupyter', '--kernel', '--conn', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    env: { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  };
  const file = join(dir, 'kernel.json');
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return JUPYTER_DATA;
}

function jupyterEnv() {
  const data = installKernel();
  const path = process.env.JUPYTER_PATH ? `${data}:${process.env.JUPYTER_PATH}` : data;
  return { ...process.env, JUPYTER_PATH: path, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
}

function requireJupyter(subcommand, packages) {
  const probe = spawnSync(JUPYTER, [subcommand, '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail(`${JUPYTER} ${subcommand} is missing; install Debian's Jupyter: apt-get install -y --no-install-recommends ${packages}`);
  }
}

function notebookFiles(args) {
  if (args.length > 0) return args.map((a) => resolve(a));
  return readdirSync(NOTEBOOK_DIR)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(NOTEBOOK_DIR, f));
}

/** What makes a committed notebook unclean: outputs, execution counts or timings, another kernel. */
function notebookProblems(notebook) {
  const problems = [];
  if (notebook.metadata?.kernelspec?.name !== KERNEL_NAME) {
    problems.push(`metadata.kernelspec.name is ${JSON.stringify(notebook.metadata?.kernelspec?.name)}, expected "${KERNEL_NAME}"`);
  }
  (notebook.cells ?? []).forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if (cell.outputs?.length) problems.push(`cell ${i + 1} has ${cell.outputs.length} output(s)`);
    if (cell.execution_count != null) problems.push(`cell ${i + 1} has execution_count ${cell.execution_count}`);
    if (cell.metadata?.execution !== undefined) problems.push(`cell ${i + 1} has execution timings in its metadata`);
  });
  return problems;
}

function strip(notebook) {
  for (const cell of notebook.cells ?? []) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
    if (cell.metadata) delete cell.metadata.execution;
  }
  return notebook;
}

function readNotebook(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Keys sorted at every level, as nbformat writes them. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/** nbformat's own layout (sorted keys, one-space indent, a final newline): saving in Jupyter changes nothing else. */
function writeNotebook(file, notebook) {
  writeFileSync(file, `${JSON.stringify(sortKeys(notebook), null, 1)}\n`);
}

/**
 * Type-checks each notebook's code cells, concatenated in order as the kernel runs them (one
 * module scope), with `deno check`; the kernel itself only transpiles. The module is written next
 * to the notebook, so relative imports and deno.json resolve as in the kernel, and removed after.
 * Returns whether every notebook passed.
 */
function typecheck(notebooks) {
  if (!existsSync(DENO)) fail(`${relative(ROOT, DENO)} is missing; run npm ci (deno is a pinned devDependency)`);
  const modules = [];
  try {
    for (const file of notebooks) {
      const cells = (readNotebook(file).cells ?? []).map((cell, i) =>
        cell.cell_type === 'code' ? `// ${basename(file)}, cell ${i + 1}\n${[].concat(cell.source).join('')}\n` : '',
      );
      const module = join(dirname(file), `.typecheck-${basename(file, '.ipynb')}.ts`);
      writeFileSync(module, `${cells.filter(Boolean).join('\n')}\nexport {};\n`);
      modules.push(module);
    }
    const run = spawnSync(DENO, ['check', '--quiet', '--config', join(ROOT, 'deno.json'), ...modules], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    });
    if (run.status === 0) {
      console.log(`ok   type check of ${modules.length} notebook${modules.length === 1 ? '' : 's'}`);
      return true;
    }
    console.log(`FAIL type check (each error names the notebook's cell in the comment above its line)\n${(run.error?.message ?? `${run.stdout}${run.stderr}`).trim()}`);
    return false;
  } finally {
    for (const module of modules) rmSync(module, { force: true });
  }
}

/** Problems in an executed notebook that nbconvert does not fail on. */
function executedProblems(notebook) {
  const problems = [];
  let charts = 0;
  (notebook.cells ?? []).forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type === 'error') problems.push(`cell ${i + 1}: ${output.ename}: ${output.evalue}`);
      if (output.data?.[VEGALITE_MIME]) charts++;
    }
  });
  if (charts === 0) problems.push('no vega-lite chart was displayed');
  return { problems, charts };
}

/** nbconvert's stderr, from the failing cell on when it says which (the Python traceback before it is noise). */
function failureText(run) {
  if (run.error) return run.error.message;
  const stderr = run.stderr ?? '';
  const at = stderr.indexOf('CellExecutionError: ');
  return (at >= 0 ? stderr.slice(stderr.lastIndexOf('\n', at) + 1) : stderr).trim();
}

function check(args) {
  let outputDir;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--output-dir') outputDir = resolve(args[++i] ?? fail('--output-dir needs a folder'));
    else files.push(args[i]);
  }
  const notebooks = notebookFiles(files);
  if (notebooks.length === 0) fail('no notebooks found');

  let dirty = false;
  for (const file of notebooks) {
    for (const problem of notebookProblems(readNotebook(file))) {
      console.error(`notebooks: ${relative(ROOT, file)}: ${problem}`);
      dirty = true;
    }
  }
  if (dirty) fail('committed notebooks must carry no outputs: run npm run notebooks:strip');

  const typed = typecheck(notebooks);
  stopIfInterrupted();
  requireJupyter('nbconvert', APT_EXECUTE);
  const env = jupyterEnv();
  outputDir ??= mkdtempSync(join(tmpdir(), 'meshsim-notebooks-'));
  mkdirSync(outputDir, { recursive: true });
  let failed = 0;
  for (const file of notebooks) {
    const started = process.hrtime.bigint();
    const run = spawnSync(
      JUPYTER,
      [
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--ExecutePreprocessor.timeout=600',
        `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
        '--output-dir',
        outputDir,
        file,
      ],
      { env, encoding: 'utf8' },
    );
    stopIfInterrupted();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const name = relative(ROOT, file);
    const executed = join(outputDir, basename(file));
    const { problems, charts } =
      run.status === 0 && existsSync(executed) ? executedProblems(readNotebook(executed)) : { problems: [], charts: 0 };
    if (run.status !== 0 || problems.length > 0) {
      failed++;
      console.log(`FAIL ${name} (${seconds.toFixed(1)} s)`);
      if (run.status !== 0) console.log(failureText(run));
      for (const p of problems) console.log(`  ${p}`);
    } else {
      console.log(`ok   ${name} (${seconds.toFixed(1)} s, ${charts} chart${charts === 1 ? '' : 's'})`);
    }
  }
  console.log(`notebooks: ${notebooks.length - failed} executed, ${failed} failed${typed ? '' : ', type check failed'}; outputs in ${outputDir}`);
  process.exit(failed > 0 || !typed ? 1 : 0);
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'kernel':
      console.log(`JUPYTER_PATH=${installKernel()} (kernel ${KERNEL_NAME})`);
      return;
    case 'open': {
      requireJupyter('notebook', 'jupyter-notebook');
      // The notebook server refuses to start as root (containers, CI images) without --allow-root.
      const root = process.getuid?.() === 0 && !args.includes('--allow-root') ? ['--allow-root'] : [];
      const run = spawnSync(JUPYTER, ['notebook', ...root, NOTEBOOK_DIR, ...args], { env: jupyterEnv(), stdio: 'inherit' });
      process.exit(run.status ?? 1);
      return;
    }
    case 'check':
      check(args);
      return;
    case 'types': {
      const typed = typecheck(notebookFiles(args));
      stopIfInterrupted();
      process.exit(typed ? 0 : 1);
    }
    case 'strip':
      for (const file of notebookFiles(args)) {
        const notebook = readNotebook(file);
        if (notebookProblems(notebook).length === 0) continue;
        writeNotebook(file, strip(notebook));
        console.log(`stripped ${relative(ROOT, file)}`);
      }
      return;
    default:
      fail(`unknown command ${JSON.stringify(command ?? '')}; use open, check, types, strip or kernel`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
