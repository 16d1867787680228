/**
 * The shape of a plug-in balancer module: what `export default` of a file named by
 * `balancer: { module: ./my-balancer.js, ...options }` must be (docs/balancers.md has a complete
 * example). Types only, plus an identity helper for TypeScript authors: meshsim loads the module
 * (src/plugins), and the module needs nothing from meshsim at run time.
 */
import type { Balancer, BalancerDeps } from './types.js';

/** One problem with the options, as zod reports it (zod 3 and 4 both have this shape). */
export interface PluginOptionsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Validates and completes the options: a zod schema, or any object with a zod-style
 * `safeParse`. With zod 4, meshsim words its messages as it words scenario errors.
 */
export interface PluginOptionsSchema<Options> {
  safeParse(input: unknown):
    | { readonly success: true; readonly data: Options }
    | { readonly success: false; readonly error: { readonly issues: readonly PluginOptionsIssue[] } };
}

export interface BalancerPlugin<Options = Record<string, unknown>> {
  /** A short name; the results' label when there is no `label`. */
  readonly kind?: string;
  /** The results' label for these options, e.g. `least_latency(halfLife=5000)`. */
  label?(options: Options): string;
  /** Checks the options before anything runs; errors point at the scenario's lines. */
  readonly config?: PluginOptionsSchema<Options>;
  /**
   * A new balancer for one client (sidecar) of one replication: the scenario's keys other than
   * `module`, validated by `config` when there is one, and the same deps a built-in gets. Use
   * `deps.random` for every random choice and `deps.now` for time, so that runs reproduce.
   */
  create(options: Options, deps: BalancerDeps): Balancer;
}

/** Identity, for type inference in TypeScript: `export default defineBalancerPlugin({ … })`. */
export function defineBalancerPlugin<Options>(plugin: BalancerPlugin<Options>): BalancerPlugin<Options> {
  return plugin;
}
