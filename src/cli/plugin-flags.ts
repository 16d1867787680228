/**
 * `--plugin-timeout`: how long one call into a plug-in balancer (its import, a pick, …) may run
 * before the watchdog stops it (src/cli/plugin-watchdog.ts). A duration such as 30s or 500ms.
 */
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../scenario/duration.js';

/** A plug-in call still running after this long is stopped. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 30_000;

export interface PluginFlags {
  /** Milliseconds. */
  pluginTimeout?: number;
}

export function parsePluginTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || !(ms > 0) || !Number.isFinite(ms)) {
    throw new InvalidArgumentError(`--plugin-timeout expects a duration such as 30s or 500ms, found ${JSON.stringify(value)}`);
  }
  return ms;
}
