/**
 * Plug-in balancers for a run: `import()` is asynchronous and a simulation is not, so every
 * module a scenario names is imported, checked and its options validated here, first; the run
 * then builds balancers synchronously through the registry this returns:
 *
 * ```ts
 * const plugins = await loadBalancerPlugins(scenario);
 * runScenario(scenario, { createBalancer: plugins.createBalancer, label: plugins.label });
 * ```
 *
 * Every problem (a module that does not load, a default export of the wrong shape, options its
 * schema rejects, a label that throws) is collected and thrown as one BalancerPluginError, a
 * ScenarioError: positioned at the scenario's line when the config came through the loader.
 */
import { resolve } from 'node:path';
import type { BalancerConfig, PluginBalancerConfig } from '../balancers/configs.js';
import { balancerLabel, createBalancer as createBuiltinBalancer } from '../balancers/registry.js';
import type { Balancer, BalancerDeps } from '../balancers/types.js';
import { balancerModuleOrigin, pluginConfigsOf, type BalancerModuleOrigin } from '../scenario/balancer-modules.js';
import type { ScenarioProblem } from '../scenario/errors.js';
import type { KeyPath } from '../scenario/issues.js';
import { formatPath } from '../scenario/render-value.js';
import type { Scenario } from '../scenario/schema.js';
import { watched, type PluginCallWatch } from './call-watch.js';
import { BalancerPluginError, describeThrown } from './errors.js';
import { guardPluginBalancer } from './guarded-balancer.js';
import { parsePluginOptions, type PluginOptions } from './plugin-options.js';
import { importBalancerPlugin, type LoadedBalancerPlugin } from './plugin-module.js';

export interface PluginRegistry {
  /** The loaded modules by absolute path. */
  readonly plugins: ReadonlyMap<string, LoadedBalancerPlugin>;
  /** For `SimulationOptions.createBalancer`: built-in kinds from the registry, plug-ins from their module. */
  readonly createBalancer: (config: BalancerConfig, deps: BalancerDeps) => Balancer;
  /** For `RunOptions.label`: the plug-in's `label(options)`, else its `kind`, else `module(<file name>)`. */
  readonly label: (config: BalancerConfig) => string;
}

export interface LoadPluginsOptions {
  /** Strategies from elsewhere than the scenario (a `--balancers` flag) whose modules to load too. */
  readonly strategies?: readonly BalancerConfig[];
  /**
   * Directory that relative `module` paths of `strategies` are relative to; default the working
   * directory. The scenario's own are absolute already (the loader resolved them).
   */
  readonly baseDir?: string;
  /** Marks every call into a module, for a watchdog on another thread (the CLI's). */
  readonly watch?: PluginCallWatch | undefined;
  /**
   * How to name each module in messages, by absolute path; default as the loader saw it written.
   * A worker thread's copy of the scenario has only absolute paths: its caller passes the names.
   */
  readonly displays?: ReadonlyMap<string, string>;
  /**
   * Positions a problem with the `index`-th plug-in use (see pluginUses); default: at the
   * scenario's line when the config came through the loader, else naming the module. A worker
   * thread, whose copy of the scenario has no positions, passes its own to hand the index back.
   */
  readonly problemAt?: (use: PluginUseRef, path: KeyPath, message: string) => ScenarioProblem;
}

/** A plug-in use as problemAt sees it. */
export interface PluginUseRef {
  /** Position in pluginUses(scenario, strategies). */
  readonly index: number;
  readonly config: PluginBalancerConfig;
  /** The module as the user named it, when it loaded (undefined for a module that did not). */
  readonly display: string | undefined;
}

/** One plug-in config and where it came from. */
interface PluginUse {
  readonly index: number;
  readonly config: PluginBalancerConfig;
  readonly path: string;
  readonly origin: BalancerModuleOrigin | undefined;
}

/** Every plug-in config of a run in a fixed order: the scenario's (balancer, compare), then `strategies`'. */
export function pluginUses(scenario: Scenario, strategies: readonly BalancerConfig[] = []): PluginBalancerConfig[] {
  return [...pluginConfigsOf(scenario).map(([, config]) => config), ...strategies.filter((c): c is PluginBalancerConfig => c.kind === 'module')];
}

/** Imports the modules of every plug-in strategy of `scenario` (and `options.strategies`). */
export async function loadBalancerPlugins(scenario: Scenario, options: LoadPluginsOptions = {}): Promise<PluginRegistry> {
  const baseDir = resolve(options.baseDir ?? '.');
  const absolute = (config: PluginBalancerConfig) => resolve(baseDir, config.module);
  const watch = options.watch;
  const uses: PluginUse[] = pluginUses(scenario, options.strategies).map((config, index) => ({
    index,
    config,
    path: absolute(config),
    origin: balancerModuleOrigin(config),
  }));
  const locate = options.problemAt ?? defaultProblemAt;

  // Each module once, in parallel; a failure is reported at its first use.
  const firstUse = new Map<string, PluginUse>();
  for (const use of uses) if (!firstUse.has(use.path)) firstUse.set(use.path, use);
  const outcomes = await Promise.all(
    [...firstUse.values()].map(async (use) => {
      const display = options.displays?.get(use.path) ?? use.origin?.display ?? use.config.module;
      return [use, await importBalancerPlugin(use.path, display, watch)] as const;
    }),
  );

  const plugins = new Map<string, LoadedBalancerPlugin>();
  const problems: ScenarioProblem[] = [];
  for (const [use, outcome] of outcomes) {
    if ('plugin' in outcome) plugins.set(use.path, outcome.plugin);
    else problems.push(locate({ index: use.index, config: use.config, display: undefined }, ['module'], outcome.problem));
  }
  // Options and labels are checked for every use: the same module may appear with different options.
  for (const use of uses) {
    const plugin = plugins.get(use.path);
    if (plugin === undefined) continue;
    const ref = { index: use.index, config: use.config, display: plugin.display };
    const parsed = parsePluginOptions(plugin, use.config, watch);
    if ('issues' in parsed) {
      problems.push(...parsed.issues.map((issue) => locate(ref, issue.path, issue.message)));
      continue;
    }
    try {
      pluginLabel(plugin, parsed.options, watch);
    } catch (error) {
      problems.push(locate(ref, [], `${plugin.display}: ${(error as Error).message}`));
    }
  }
  if (problems.length > 0) throw new BalancerPluginError(problems);

  const pluginFor = (config: PluginBalancerConfig): LoadedBalancerPlugin => {
    const plugin = plugins.get(absolute(config));
    if (plugin === undefined) throw new Error(`balancer module ${config.module} was not loaded: pass its config to loadBalancerPlugins`);
    return plugin;
  };
  return {
    plugins,
    createBalancer(config, deps) {
      if (config.kind !== 'module') return createBuiltinBalancer(config, deps);
      const plugin = pluginFor(config);
      const options = validOptions(plugin, config, watch);
      let created: unknown;
      try {
        created = watched(watch, plugin.path, 'create()', () => plugin.create(options, deps));
      } catch (error) {
        throw new BalancerPluginError([{ file: plugin.display, message: `create() threw ${describeThrown(error, plugin.url)}` }], {
          cause: error,
        });
      }
      return guardPluginBalancer(created, plugin, watch);
    },
    label(config) {
      if (config.kind !== 'module') return balancerLabel(config);
      const plugin = pluginFor(config);
      try {
        return pluginLabel(plugin, validOptions(plugin, config, watch), watch);
      } catch (error) {
        if (error instanceof BalancerPluginError) throw error;
        throw new BalancerPluginError([{ file: plugin.display, message: (error as Error).message }], { cause: error });
      }
    },
  };
}

/**
 * A problem with a use: at the scenario's line when the config came through the loader, else
 * naming the module (or, for a module that did not load, as it is).
 */
function defaultProblemAt(use: PluginUseRef, path: KeyPath, message: string): ScenarioProblem {
  const origin = balancerModuleOrigin(use.config);
  if (origin !== undefined) return origin.problemAt(path, message);
  if (use.display === undefined) return { message };
  return { file: use.display, path: formatPath(path), message };
}

/** Fresh, validated options for one create() or label() call. */
function validOptions(plugin: LoadedBalancerPlugin, config: PluginBalancerConfig, watch: PluginCallWatch | undefined): PluginOptions {
  const parsed = parsePluginOptions(plugin, config, watch);
  if ('options' in parsed) return parsed.options;
  // Validated at load time; reachable only for a config that did not go through loadBalancerPlugins.
  const ref = { index: -1, config, display: plugin.display };
  throw new BalancerPluginError(parsed.issues.map((issue) => defaultProblemAt(ref, issue.path, issue.message)));
}

/** The plug-in's label for these options; throws an Error whose message says what is wrong. */
function pluginLabel(plugin: LoadedBalancerPlugin, options: PluginOptions, watch: PluginCallWatch | undefined): string {
  const label = plugin.label;
  if (label === undefined) return plugin.kind ?? `module(${plugin.path.replace(/^.*[\\/]/, '')})`;
  let text: unknown;
  try {
    text = watched(watch, plugin.path, 'label()', () => label(options));
  } catch (error) {
    throw new Error(`label() threw ${describeThrown(error, plugin.url)}`, { cause: error });
  }
  if (typeof text !== 'string' || text === '') {
    throw new Error(`expected label() to return a non-empty string, found ${typeof text === 'string' ? 'an empty string' : typeof text}`);
  }
  return text;
}
