/**
 * Mistakes in a user's balancer module are invalid input, like a mistake in the scenario: the
 * CLI reports them with exit status 2 and names the module, never as an internal error.
 */
import { ScenarioError, type ScenarioProblem } from '../scenario/errors.js';

export class BalancerPluginError extends ScenarioError {
  constructor(problems: readonly ScenarioProblem[], options?: { cause?: unknown }) {
    super(problems);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** `TypeError: x is not a function (my-balancer.js:12:9)`: the error and where in the module it arose. */
export function describeThrown(error: unknown, moduleUrl: string): string {
  if (!(error instanceof Error)) return `threw ${String(error)}`;
  const text = `${error.name}: ${error.message}`;
  const where = locationIn(error.stack ?? '', moduleUrl);
  return where === undefined ? text : `${text} (${where})`;
}

/**
 * `least-latency.js:12:9` from the first stack frame (or syntax-error header) inside the module.
 * Frames name it by URL under node, by path under loaders such as vitest's.
 */
function locationIn(stack: string, moduleUrl: string): string | undefined {
  const path = decodeURIComponent(new URL(moduleUrl).pathname);
  const [at, length] = [moduleUrl, path]
    .map((form) => [stack.indexOf(form), form.length] as const)
    .find(([index]) => index >= 0) ?? [-1, 0];
  if (at < 0) return undefined;
  const match = /^:(\d+)(?::(\d+))?/.exec(stack.slice(at + length));
  if (match === null) return undefined;
  const name = moduleUrl.slice(moduleUrl.lastIndexOf('/') + 1);
  return match[2] === undefined ? `${name}:${match[1]}` : `${name}:${match[1]}:${match[2]}`;
}
