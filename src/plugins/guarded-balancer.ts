/**
 * A plug-in's balancer behind a thin guard: an exception inside it, or a pick that is not an
 * endpoint id, stops the run with a message naming the module and the method, instead of
 * surfacing as an internal error of the simulator (or silently corrupting its arrays). With a
 * PluginCallWatch, every call is also marked for the CLI's watchdog. The cost is one call and
 * one set lookup per pick (and two stores with a watch), paid only by plug-ins.
 *
 * Optional methods are present on the guard only when the plug-in has them, because the
 * simulator checks for them once to decide which feedback to compute.
 */
import type { Balancer, BackendReport, Endpoint, PickContext } from '../balancers/types.js';
import { renderValue } from '../scenario/render-value.js';
import { watched, type PluginActivity, type PluginCallWatch } from './call-watch.js';
import { BalancerPluginError, describeThrown } from './errors.js';
import type { LoadedBalancerPlugin } from './plugin-module.js';

/** The balancer `create` returned, checked and guarded; throws BalancerPluginError when it is not a Balancer. */
export function guardPluginBalancer(created: unknown, plugin: LoadedBalancerPlugin, watch?: PluginCallWatch): Balancer {
  const fail = (message: string, cause?: unknown): BalancerPluginError =>
    new BalancerPluginError([{ file: plugin.display, message }], { cause });
  const inner = created as Partial<Balancer> | null | undefined;
  if (inner === null || typeof inner !== 'object' || typeof inner.pick !== 'function' || typeof inner.setEndpoints !== 'function') {
    const found = inner === null || typeof inner !== 'object' ? renderValue(inner) : 'an object without them';
    throw fail(`expected create() to return a Balancer with methods setEndpoints(endpoints) and pick(ctx), found ${found}`);
  }
  const balancer = inner as Balancer;
  const call = <T>(method: PluginActivity, run: () => T): T => {
    try {
      return watched(watch, plugin.path, method, run);
    } catch (error) {
      if (error instanceof BalancerPluginError) throw error;
      throw fail(`${method} threw ${describeThrown(error, plugin.url)}`, error);
    }
  };

  let ids = new Set<number>();
  const guard: Balancer = {
    // Read once by the caller, to decide whether to pass unhealthy endpoints too.
    ...(balancer.healthAware === true && { healthAware: true }),
    setEndpoints(endpoints: readonly Endpoint[]): void {
      ids = new Set(endpoints.map((e) => e.id));
      call('setEndpoints()', () => balancer.setEndpoints(endpoints));
    },
    pick(ctx: PickContext): number {
      const id = call('pick()', () => balancer.pick(ctx));
      if (id !== -1 && !ids.has(id)) {
        const expected = ids.size === 0 ? '-1 (no endpoints)' : `an endpoint id (${describeIds(ids)}) or -1`;
        throw fail(`expected pick() to return ${expected}, found ${renderValue(id)}`);
      }
      return id;
    },
  };
  if (typeof balancer.updateEndpoints === 'function') {
    guard.updateEndpoints = (changed: readonly Endpoint[], removed: readonly number[]) => {
      for (const id of removed) ids.delete(id);
      for (const endpoint of changed) ids.add(endpoint.id);
      call('updateEndpoints()', () => balancer.updateEndpoints!(changed, removed));
    };
  }
  if (typeof balancer.inPanic === 'function') {
    guard.inPanic = (id?: number) => call('inPanic()', () => balancer.inPanic!(id));
  }
  if (typeof balancer.onComplete === 'function') {
    guard.onComplete = (id: number, rttMs: number, ok: boolean) => call('onComplete()', () => balancer.onComplete!(id, rttMs, ok));
  }
  if (typeof balancer.onBackendReport === 'function') {
    guard.onBackendReport = (id: number, report: BackendReport) =>
      call('onBackendReport()', () => balancer.onBackendReport!(id, report));
  }
  if (typeof balancer.onIdle === 'function') {
    guard.onIdle = (id: number) => call('onIdle()', () => balancer.onIdle!(id));
  }
  return guard;
}

/** `0…7` for consecutive ids, else the first few. */
function describeIds(ids: ReadonlySet<number>): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (last - first === sorted.length - 1) return sorted.length === 1 ? String(first) : `${first}…${last}`;
  return sorted.length <= 5 ? sorted.join(', ') : `${sorted.slice(0, 5).join(', ')}, …`;
}
