/**
 * The committed notebooks (notebooks/*.ipynb): clean (no outputs, execution counts or timings,
 * so no stale results are ever committed), on the project's Deno kernel, importing meshsim's
 * public API, with every relative import resolving, and mathjs loaded lazily in the one notebook
 * that uses it. Executing them needs Jupyter: `npm run notebooks:check` (run by .ci/run).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = join(ROOT, 'notebooks');
const KERNEL = 'meshsim-deno';

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: Cell[];
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
const notebooks = files.map((file) => ({ file, notebook: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Notebook }));
const text = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const code = (notebook: Notebook) => notebook.cells.filter((c) => c.cell_type === 'code').map(text);

/** Static import specifiers (`from '…'`), type-only imports flagged. */
function imports(source: string): { specifier: string; typeOnly: boolean }[] {
  return [...source.matchAll(/^\s*import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)].map((m) => ({ specifier: m[2]!, typeOnly: m[1] !== undefined }));
}

describe('notebooks', () => {
  it('there are at least three', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s is committed without outputs, execution counts or timings', (file) => {
    const { notebook } = notebooks.find((n) => n.file === file)!;
    expect(notebook.nbformat).toBe(4);
    const dirty = notebook.cells.flatMap((cell, i) =>
      cell.cell_type !== 'code'
        ? []
        : [
            ...(cell.outputs?.length ? [`cell ${i + 1}: ${cell.outputs.length} output(s)`] : []),
            ...(cell.execution_count != null ? [`cell ${i + 1}: execution_count ${cell.execution_count}`] : []),
            ...(cell.metadata?.['execution'] !== undefined ? [`cell ${i + 1}: execution timings`] : []),
          ],
    );
    expect(dirty, 'run `npm run notebooks:strip` before committing').toEqual([]);
  });

  it.each(files)('%s runs on the project kernel and imports the public API', (file) => {
    const { notebook } = notebooks.find((n) => n.file === file)!;
    expect(notebook.metadata.kernelspec).toMatchObject({ name: KERNEL, language: 'typescript' });
    const first = code(notebook)[0] ?? '';
    expect(imports(first).map((i) => i.specifier)).toContain('../src/index.ts');
    // Prose between the cells: every notebook tells its story in Markdown too.
    expect(notebook.cells.filter((c) => c.cell_type === 'markdown').length).toBeGreaterThanOrEqual(5);
  });

  it('every relative import of the notebooks and their helper resolves to a file', () => {
    const sources = [...notebooks.map((n) => ({ name: n.file, source: code(n.notebook).join('\n') })), { name: 'display.ts', source: readFileSync(join(DIR, 'display.ts'), 'utf8') }];
    const missing = sources.flatMap(({ name, source }) =>
      imports(source)
        .filter((i) => i.specifier.startsWith('.'))
        .filter((i) => !existsSync(resolve(DIR, i.specifier)))
        .map((i) => `${name}: ${i.specifier}`),
    );
    expect(missing).toEqual([]);
  });

  it('mathjs is loaded lazily, and only where it serves the reader', () => {
    const users: string[] = [];
    for (const { file, notebook } of notebooks) {
      const source = code(notebook).join('\n');
      // A static value import would load mathjs (1.5–2.5 s) before the first cell runs.
      expect(imports(source).filter((i) => i.specifier.startsWith('mathjs') && !i.typeOnly), file).toEqual([]);
      if (/await import\('mathjs'\)/.test(source)) users.push(file);
    }
    expect(imports(readFileSync(join(DIR, 'display.ts'), 'utf8')).some((i) => i.specifier.startsWith('mathjs'))).toBe(false);
    expect(users).toEqual(['03-trusting-the-engine.ipynb']);
  });

  it('the kernel setup: sloppy imports for NodeNext `.js` specifiers, node_modules as installed, a pinned deno', () => {
    const deno = JSON.parse(readFileSync(join(ROOT, 'deno.json'), 'utf8')) as { unstable?: string[]; nodeModulesDir?: string };
    expect(deno.unstable).toContain('sloppy-imports');
    expect(deno.nodeModulesDir).toBe('manual');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.devDependencies['deno']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['notebooks', 'notebooks:check']));
  });
});
