/**
 * Marks when meshsim is inside a plug-in's code, so that a watchdog on another thread can tell
 * a plug-in call that never returns (an infinite loop in pick(), an import whose top-level
 * await never settles) from a simulation that is merely long. The plug-in guard, the import and
 * the option and label checks call `begin` before handing control to the module and `end`
 * after; the CLI's implementation writes both into shared memory (src/cli/plugin-watchdog.ts).
 */

/** What meshsim asked of the module. */
export type PluginActivity =
  | 'import'
  | 'config.safeParse()'
  | 'label()'
  | 'create()'
  | 'setEndpoints()'
  | 'updateEndpoints()'
  | 'inPanic()'
  | 'pick()'
  | 'onComplete()'
  | 'onBackendReport()'
  | 'onIdle()';

export const PLUGIN_ACTIVITIES: readonly PluginActivity[] = [
  'import',
  'config.safeParse()',
  'label()',
  'create()',
  'setEndpoints()',
  'updateEndpoints()',
  'inPanic()',
  'pick()',
  'onComplete()',
  'onBackendReport()',
  'onIdle()',
];

export interface PluginCallWatch {
  /** Control passes to the module at `path` (absolute) for `activity`. */
  begin(path: string, activity: PluginActivity): void;
  /** Control is back in meshsim. */
  end(): void;
}

/** Runs `call` between begin and end (end also when it throws); a missing watch costs nothing. */
export function watched<T>(watch: PluginCallWatch | undefined, path: string, activity: PluginActivity, call: () => T): T {
  if (watch === undefined) return call();
  watch.begin(path, activity);
  try {
    return call();
  } finally {
    watch.end();
  }
}

/** The same for a call that returns a promise (an import): end once it settles. */
export async function watchedAsync<T>(watch: PluginCallWatch | undefined, path: string, activity: PluginActivity, call: () => Promise<T>): Promise<T> {
  if (watch === undefined) return call();
  watch.begin(path, activity);
  try {
    return await call();
  } finally {
    watch.end();
  }
}
