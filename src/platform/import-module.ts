/**
 * `import()` of a package or file URL, for the modules meshsim loads only when needed (chart
 * renderers, the worker pool, plug-in balancers).
 *
 * One function so the CLI bundle can swap it: bin/meshsim.js compiles the bundle through
 * vm.Script with a V8 code cache, and on Node 20 an `import()` in code restored from that cache
 * fails ("A dynamic import callback was not specified"). scripts/bundle-cli.mjs therefore
 * replaces this module with one that calls the launcher's own `import()`.
 */
export function importModule<T = Record<string, unknown>>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
