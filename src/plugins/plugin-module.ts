/**
 * Imports one plug-in balancer module and checks that its default export has the documented
 * shape (src/balancers/plugin.ts), so that a mistake is reported once, at load time, naming
 * the module, rather than as a crash in the middle of a run.
 */
import { pathToFileURL } from 'node:url';
import type { BalancerPlugin, PluginOptionsSchema } from '../balancers/plugin.js';
import { watchedAsync, type PluginCallWatch } from './call-watch.js';
import { describeThrown } from './errors.js';
import { importModule } from '../platform/import-module.js';

/** A module that passed the checks. */
export interface LoadedBalancerPlugin {
  /** Absolute path of the module file. */
  readonly path: string;
  /** The path as the user wrote it (relative to where they work), for messages. */
  readonly display: string;
  /** file:// URL the module was imported from; stack frames inside it mention this. */
  readonly url: string;
  readonly kind: string | undefined;
  readonly label: ((options: Record<string, unknown>) => unknown) | undefined;
  readonly config: PluginOptionsSchema<Record<string, unknown>> | undefined;
  readonly create: BalancerPlugin['create'];
}

/** A plug-in, or what is wrong with the module (a sentence, without the module's name). */
export type ImportOutcome = { readonly plugin: LoadedBalancerPlugin } | { readonly problem: string };

const SHAPE = 'export default { create(options, deps) { … } } (see docs/balancers.md)';

export async function importBalancerPlugin(path: string, display: string, watch?: PluginCallWatch): Promise<ImportOutcome> {
  const url = pathToFileURL(path).href;
  let namespace: Record<string, unknown>;
  try {
    namespace = await watchedAsync(watch, path, 'import', () => importModule(url));
  } catch (error) {
    const described = describeThrown(error, url);
    // Node reports where an ES module's syntax error is only on the console, not in the error.
    const hint = error instanceof SyntaxError && !described.endsWith(')') ? `; \`node --check ${display}\` shows where` : '';
    return { problem: `cannot load ${display}: ${described}${hint}` };
  }
  const exported = namespace.default;
  const problem = exportProblem(exported, namespace);
  if (problem !== undefined) return { problem: `${display}: ${problem}` };
  const plugin = exported as Record<string, unknown>;
  return {
    plugin: {
      path,
      display,
      url,
      kind: plugin.kind as string | undefined,
      label: plugin.label as LoadedBalancerPlugin['label'],
      config: plugin.config as LoadedBalancerPlugin['config'],
      // Bound so that a plug-in written as a class instance or with `this.helper()` still works.
      create: (plugin.create as BalancerPlugin['create']).bind(plugin),
    },
  };
}

/** What is wrong with the default export, or undefined when it has the documented shape. */
function exportProblem(exported: unknown, namespace: Record<string, unknown>): string | undefined {
  if (exported === undefined) {
    const names = Object.keys(namespace).filter((name) => name !== 'default');
    const found = names.length === 0 ? 'no exports' : `only named exports (${names.join(', ')})`;
    return `expected a default export, ${SHAPE}; found ${found}`;
  }
  if (exported === null || typeof exported !== 'object') {
    const found = typeof exported === 'function' ? 'a function' : `${exported === null ? 'null' : typeof exported}`;
    return `expected the default export to be an object, ${SHAPE}; found ${found}`;
  }
  const plugin = exported as Record<string, unknown>;
  if (typeof plugin.create !== 'function') {
    const found = plugin.create === undefined ? 'no `create`' : `\`create\` of type ${typeof plugin.create}`;
    return `expected the default export to have a function \`create(options, deps)\` returning a Balancer; found ${found}`;
  }
  if (plugin.kind !== undefined && (typeof plugin.kind !== 'string' || plugin.kind === '')) {
    return `expected \`kind\` to be a non-empty string, found ${typeof plugin.kind === 'string' ? 'an empty string' : typeof plugin.kind}`;
  }
  if (plugin.label !== undefined && typeof plugin.label !== 'function') {
    return `expected \`label\` to be a function (options) => string, found ${typeof plugin.label}`;
  }
  const config = plugin.config as { safeParse?: unknown } | null | undefined;
  if (config !== undefined && (config === null || typeof config !== 'object' || typeof config.safeParse !== 'function')) {
    return 'expected `config` to be a zod schema (an object with `safeParse`)';
  }
  return undefined;
}
