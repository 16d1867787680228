/**
 * The default adapter of the Balancer contract's incremental path: drives any balancer with
 * `setEndpoints` and `updateEndpoints` calls, whether or not it implements `updateEndpoints`.
 *
 * A balancer with its own `updateEndpoints` (the kinds `updatesIncrementally` in registry.ts
 * lists: the Envoy family, peak_ewma, the Finagle kinds, haproxy_first/leastconn, jsq, jiq)
 * receives the update as it is. For any other (plug-ins; ring_hash, maglev and gRPC WRR, which
 * rebuild per change as upstream does; haproxy_random and the NGINX kinds) the adapter keeps the set in ascending id order and calls
 * `setEndpoints` with a fresh copy of it, which is the contract's definition of the update:
 * one O(n) rebuild per update, as before the incremental path existed.
 *
 * Complexity: native O(1) here plus the balancer's own update; adapted O(n) per update.
 */
import { checkUpdate } from './_internals/endpoint-slots.js';
import { removeById, sortedById, upsertById } from './_internals/sorted-endpoints.js';
import type { Balancer, Endpoint } from './types.js';

export interface EndpointUpdater {
  /** The whole set (`setEndpoints`). */
  set(endpoints: readonly Endpoint[]): void;
  /** An incremental update (`updateEndpoints`' meaning, whatever the balancer implements). */
  update(changed: readonly Endpoint[], removed: readonly number[]): void;
  /** Endpoints that left for good: `forgetEndpoints` where the balancer has it. */
  forget(ids: readonly number[]): void;
  /** Whether the balancer takes updates itself (no O(n) copy per update). */
  readonly native: boolean;
}

export function endpointUpdater(balancer: Balancer): EndpointUpdater {
  if (typeof balancer.updateEndpoints === 'function') {
    return {
      native: true,
      set: (endpoints) => balancer.setEndpoints(endpoints),
      update: (changed, removed) => balancer.updateEndpoints!(changed, removed),
      forget: (ids) => balancer.forgetEndpoints?.(ids),
    };
  }
  let current: Endpoint[] = [];
  return {
    native: false,
    set(endpoints) {
      balancer.setEndpoints(endpoints);
      current = sortedById(endpoints);
    },
    update(changed, removed) {
      checkUpdate(changed, removed);
      for (const id of removed) removeById(current, id);
      for (const endpoint of changed) upsertById(current, endpoint);
      // A copy: the balancer may keep the array it is given.
      balancer.setEndpoints([...current]);
    },
    forget: (ids) => balancer.forgetEndpoints?.(ids),
  };
}
