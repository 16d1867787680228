/**
 * Plug-in balancer modules named by a scenario (`balancer: { module: ./my-balancer.js }`, also
 * in `compare:`): resolved against the scenario's directory and checked to exist at load time,
 * so a wrong path is reported with its line and column like any other scenario mistake. The
 * module is imported later, asynchronously, by `loadBalancerPlugins` (src/plugins); this
 * module only rewrites `module` to an absolute path, which resolves the same way from any
 * working directory and in worker threads, and stays absolute when loaded again.
 */
import { statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import type { PluginBalancerConfig } from '../balancers/configs.js';
import type { DataFileContext } from './data-files.js';
import type { ScenarioProblem } from './errors.js';
import type { KeyPath } from './issues.js';
import type { Scenario } from './schema.js';

/** Extensions node can import without a loader. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Where a plug-in config came from, for problems found after loading (bad options, bad exports). */
export interface BalancerModuleOrigin {
  /** The path as the user wrote it, joined to the scenario's directory as the user named it. */
  readonly display: string;
  /** A problem about the key at `path` inside this balancer config (`[]` for the config itself). */
  readonly problemAt: (path: KeyPath, message: string) => ScenarioProblem;
}

// Keyed by the config object itself, so the origin travels with the scenario the loader returned
// without a field that a plug-in would see among its options. A copy of the scenario (a worker
// thread's, a structuredClone) simply has none: problems are then reported without a position.
const origins = new WeakMap<object, BalancerModuleOrigin>();

/** Where the loader found this plug-in config, if it came through the loader. */
export function balancerModuleOrigin(config: PluginBalancerConfig): BalancerModuleOrigin | undefined {
  return origins.get(config);
}

/** Every plug-in config of a scenario with its key path: `balancer`, then `compare.i`. */
export function pluginConfigsOf(scenario: Scenario): [KeyPath, PluginBalancerConfig][] {
  const found: [KeyPath, PluginBalancerConfig][] = [];
  if (scenario.balancer.kind === 'module') found.push([['balancer'], scenario.balancer]);
  scenario.compare?.forEach((config, i) => {
    if (config.kind === 'module') found.push([['compare', i], config]);
  });
  return found;
}

/** Makes every `module` path absolute, in place; returns a problem for each that is not a file. */
export function resolveBalancerModules(scenario: Scenario, context: DataFileContext): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const [path, config] of pluginConfigsOf(scenario)) {
    const written = config.module;
    const display = isAbsolute(written) ? written : join(context.displayDir, written);
    const problemAt = (inner: KeyPath, message: string) => context.problemAt([...path, ...inner], message);
    const fullPath = resolve(context.baseDir, written);
    const problem = moduleFileProblem(fullPath, display);
    if (problem !== undefined) {
      problems.push(problemAt(['module'], problem));
      continue;
    }
    config.module = fullPath;
    origins.set(config, { display, problemAt });
  }
  return problems;
}

/** Why `fullPath` cannot be a balancer module, or undefined when it can. */
function moduleFileProblem(fullPath: string, display: string): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(fullPath).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `expected an existing JavaScript module, found no file at ${display}`;
    return `cannot read ${display}: ${(error as Error).message}`;
  }
  if (!isFile) return `expected a JavaScript module file, found a directory at ${display}`;
  const extension = extname(fullPath);
  if (!MODULE_EXTENSIONS.includes(extension)) {
    const hint = extension === '.ts' || extension === '.mts' ? '; compile TypeScript to JavaScript first' : '';
    return `expected a JavaScript module (${MODULE_EXTENSIONS.join(', ')}), found ${display}${hint}`;
  }
  return undefined;
}
