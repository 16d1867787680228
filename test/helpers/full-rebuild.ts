/**
 * A balancer seen through its full path only: the same object without `updateEndpoints`, so
 * that callers (endpointUpdater, HealthViews) rebuild it from the whole endpoint set on every
 * change. The reference the incremental path is held equal to.
 */
import type { Balancer } from '../../src/balancers/types.js';

export function fullRebuildOnly(inner: Balancer): Balancer {
  const wrapper: Balancer = { setEndpoints: (e) => inner.setEndpoints(e), pick: (ctx) => inner.pick(ctx) };
  if (inner.healthAware) Object.assign(wrapper, { healthAware: true });
  if (inner.inPanic) wrapper.inPanic = (id) => inner.inPanic!(id);
  if (inner.onComplete) wrapper.onComplete = (id, rtt, ok) => inner.onComplete!(id, rtt, ok);
  if (inner.onBackendReport) wrapper.onBackendReport = (id, report) => inner.onBackendReport!(id, report);
  if (inner.onIdle) wrapper.onIdle = (id) => inner.onIdle!(id);
  return wrapper;
}
