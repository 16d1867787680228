/**
 * A plug-in's options: its config's keys other than `kind` and `module`, checked by the
 * module's own `config` schema when it has one. Each call returns a fresh object, so a plug-in
 * that changes its options cannot leak state from one client or replication into the next.
 */
import type { z } from 'zod';
import type { PluginBalancerConfig } from '../balancers/configs.js';
import { describeIssues, type KeyPath } from '../scenario/issues.js';
import { renderValue } from '../scenario/render-value.js';
import { watched, type PluginCallWatch } from './call-watch.js';
import { describeThrown } from './errors.js';
import type { LoadedBalancerPlugin } from './plugin-module.js';

export type PluginOptions = Record<string, unknown>;

export interface OptionsIssue {
  /** Inside the options (which are the config's own keys, so also inside the config). */
  readonly path: KeyPath;
  readonly message: string;
}

export function parsePluginOptions(
  plugin: LoadedBalancerPlugin,
  config: PluginBalancerConfig,
  watch?: PluginCallWatch,
): { readonly options: PluginOptions } | { readonly issues: readonly OptionsIssue[] } {
  const { kind: _kind, module: _module, ...raw } = config;
  const schema = plugin.config;
  if (schema === undefined) return { options: structuredClone(raw) };
  let result: unknown;
  try {
    result = watched(watch, plugin.path, 'config.safeParse()', () => schema.safeParse(raw));
  } catch (error) {
    return { issues: [{ path: [], message: `${plugin.display}: config.safeParse threw ${describeThrown(error, plugin.url)}` }] };
  }
  // A validator of the plug-in's own making may return anything: check the zod-like shape.
  const outcome = result as { success?: unknown; data?: unknown; error?: { issues?: unknown } } | null;
  if (outcome === null || typeof outcome !== 'object' || typeof outcome.success !== 'boolean') {
    return { issues: [{ path: [], message: `${plugin.display}: expected config.safeParse to return { success, data } or { success, error }, found ${renderValue(result)}` }] };
  }
  // Whatever the schema produced, even a transformed value: the plug-in defined it.
  if (outcome.success) return { options: outcome.data as PluginOptions };
  const issues = outcome.error?.issues;
  if (!Array.isArray(issues) || issues.length === 0 || !issues.every(isIssue)) {
    return { issues: [{ path: [], message: `${plugin.display}: config.safeParse rejected the options without saying why (no error.issues)` }] };
  }
  return { issues: wordIssues(plugin.config, issues, raw) };
}

function isIssue(issue: unknown): issue is { path: readonly PropertyKey[]; message: string } {
  const candidate = issue as { path?: unknown; message?: unknown } | null;
  return candidate !== null && typeof candidate === 'object' && Array.isArray(candidate.path) && typeof candidate.message === 'string';
}

/**
 * zod 4 schemas are worded like scenario errors ("expected a positive number, found -1"); other
 * validators keep their own message.
 */
function wordIssues(schema: unknown, issues: readonly { path: readonly PropertyKey[]; message: string }[], raw: unknown): OptionsIssue[] {
  if (isZod4(schema)) {
    return describeIssues(issues as readonly z.core.$ZodIssue[], schema, raw).map((r) => ({ path: r.path, message: r.message }));
  }
  return issues.map((issue) => ({
    path: issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
    message: issue.message,
  }));
}

function isZod4(schema: unknown): schema is z.core.$ZodType {
  const internals = (schema as { _zod?: { def?: unknown } })._zod;
  return internals !== undefined && typeof internals.def === 'object';
}
