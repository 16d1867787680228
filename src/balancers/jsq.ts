/**
 * Join the shortest queue, with global knowledge. RESEARCH REFERENCE, NOT A PRODUCTION
 * BALANCER: it reads every instance's true queue length, which no proxy can know.
 *
 * Implements: JSQ as the queueing literature defines it (Winston 1977; the baseline of Lu et
 * al., "Join-Idle-Queue", Performance 2011): each request goes to the instance with the fewest
 * requests in service plus waiting, over every client. Reference notes: balancers.md §6;
 * validation.md §4 (the SimPy peer's `jsq` breaks ties to the lowest index instead).
 *
 * Variant, exactly:
 * - The queue length is `deps.global.queueLength(id)`, the simulator's truth; the balancer
 *   throws at construction when `deps.global` is absent (outside the simulator).
 * - The minimum over endpoints with `healthy !== false`; ties are broken uniformly at random
 *   with one draw per tied pick (no draw without a tie). Weights and priorities are ignored.
 *
 * - Endpoint changes (`updateEndpoints`): one slot opened or closed in ascending id order
 *   (EndpointSlots), a change to `healthy: false` counting as a leave; picks equal a rebuild's.
 *
 * Complexity: pick O(n) (two passes when tied), no allocation; setEndpoints O(n);
 * updateEndpoints O(k log n) plus a memmove of up to n ids per endpoint that joins or leaves.
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { checkUpdate, EndpointSlots } from './_internals/endpoint-slots.js';
import { uniformIndex } from './_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, GlobalView, PickContext, RandomSource } from './types.js';

export class JsqBalancer implements Balancer {
  /** The endpoints in rotation (`healthy !== false`). */
  private readonly slots = new EndpointSlots();
  private readonly global: GlobalView;
  private readonly random: RandomSource;

  constructor(deps: BalancerDeps) {
    if (deps.global === undefined) {
      throw new Error(
        'jsq is a research reference that reads the true queue length of every instance (deps.global); ' +
          'only the simulator provides it, so jsq cannot run in a real proxy',
      );
    }
    this.global = deps.global;
    this.random = deps.random;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    copyEndpoints(endpoints);
    this.slots.assign(endpoints.filter((e) => e.healthy !== false));
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    const leaving = [...removed];
    for (const endpoint of changed) if (endpoint.healthy === false) leaving.push(endpoint.id);
    this.slots.update(leaving.length === removed.length ? changed : changed.filter((e) => e.healthy !== false), leaving);
  }

  pick(_ctx: PickContext): number {
    const { global } = this;
    const ids = this.slots.ids;
    const n = this.slots.length;
    if (n === 0) return -1;
    let best = 0;
    let shortest = global.queueLength(ids[0]!);
    let tied = 1;
    for (let slot = 1; slot < n; slot++) {
      const length = global.queueLength(ids[slot]!);
      if (length < shortest) {
        best = slot;
        shortest = length;
        tied = 1;
      } else if (length === shortest) {
        tied++;
      }
    }
    if (tied === 1) return ids[best]!;
    // The k-th tied slot from `best` on (the first minimum) is the uniform choice.
    let k = uniformIndex(this.random, tied);
    for (let slot = best; ; slot++) {
      if (global.queueLength(ids[slot]!) === shortest && k-- === 0) return ids[slot]!;
    }
  }
}
