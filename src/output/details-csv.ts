/**
 * events.csv and timeseries.csv: what each replication of each strategy recorded besides its
 * metrics. Rows are in (strategy, replication, time) order, so files are byte-identical for
 * the same inputs. Times are milliseconds; NaN (a window with no completed request) is an
 * empty cell.
 */
import { stringify } from 'csv-stringify/sync';
import type { ReplicationDetails } from '../sim/run-scenario.js';
import { GONE_CAUSES } from '../sim/timeseries.js';

export const EVENTS_CSV = 'events.csv';
export const TIMESERIES_CSV = 'timeseries.csv';

const cell = (x: number) => (Number.isFinite(x) ? x : '');

/** Columns: label, replication, time, kind, instance, client, cause (instance/client −1: none). */
export function formatEventsCsv(details: readonly ReplicationDetails[]): string {
  const rows = details.flatMap((d) => d.events.map((e) => [d.label, d.replication, e.time, e.kind, e.instance, e.client, e.cause]));
  return stringify(rows, { header: true, columns: ['label', 'replication', 'time', 'kind', 'instance', 'client', 'cause'] });
}

const MEMBERSHIP_COLUMNS = ['readyPods', 'desiredReplicas', 'endpointsMin', 'endpointsMax'] as const;
/** Per-window sends to gone endpoints by cause: `gone` + the cause's metric name (membership.sentToGone.*). */
export const GONE_COLUMNS = GONE_CAUSES.map((c) => `gone${c[0]!.toUpperCase()}${c.slice(1)}`);

/**
 * Columns: label, replication, time (window start), arrivals, successes, errors, timeouts,
 * p50, p99 (ms, requests ending in the window), instancesUp, ejected (by at least one client),
 * unhealthy (failing active checks for at least one client, or suspected); with membership,
 * also readyPods, desiredReplicas, endpointsMin and endpointsMax (the fewest and most
 * endpoints a client has in rotation), and the window's sends to gone endpoints by cause
 * (goneStaleEndpoint, goneDnsCache, goneRetainedHealthy, goneKilledInFlight, goneDrainCutOff).
 */
export function formatTimeseriesCsv(details: readonly ReplicationDetails[]): string {
  const withMembership = details.some((d) => d.timeseries.some((w) => w.readyPods !== undefined));
  const rows = details.flatMap((d) =>
    d.timeseries.map((w) => [
      d.label,
      d.replication,
      w.start,
      w.arrivals,
      w.successes,
      w.errors,
      w.timeouts,
      cell(w.p50),
      cell(w.p99),
      cell(w.instancesUp),
      w.ejected,
      w.unhealthy,
      ...(withMembership ? MEMBERSHIP_COLUMNS.map((c) => cell(w[c] ?? NaN)) : []),
      ...(withMembership ? GONE_CAUSES.map((_, i) => w.sentToGone?.[i] ?? 0) : []),
    ]),
  );
  return stringify(rows, {
    header: true,
    columns: ['label', 'replication', 'time', 'arrivals', 'successes', 'errors', 'timeouts', 'p50', 'p99', 'instancesUp', 'ejected', 'unhealthy', ...(withMembership ? [...MEMBERSHIP_COLUMNS, ...GONE_COLUMNS] : [])],
  });
}
