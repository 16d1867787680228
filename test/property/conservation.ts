/**
 * Conservation of requests, counted independently of the simulator's own counters: from the
 * per-request hooks (every arrival, every end, every retry decision), each request must start
 * once, end at most once, and the ends, by outcome, must add up to the metrics.
 */
import type { ReplicationMetrics } from '../../src/metrics/types.js';
import { Outcome } from '../../src/sim/outcome.js';
import type { RequestEnd, RequestStart, RetryRecord, SimulationOptions } from '../../src/sim/simulation.js';

export interface RequestTrace {
  readonly starts: RequestStart[];
  readonly ends: RequestEnd[];
  readonly retries: RetryRecord[];
}

/** A trace and the hooks that fill it. */
export function tracing(): { trace: RequestTrace; hooks: Pick<SimulationOptions, 'onRequestStart' | 'onRequestEnd' | 'onRetry'> } {
  const trace: RequestTrace = { starts: [], ends: [], retries: [] };
  return {
    trace,
    hooks: {
      onRequestStart: (s) => trace.starts.push(s),
      onRequestEnd: (e) => trace.ends.push(e),
      onRetry: (r) => trace.retries.push(r),
    },
  };
}

/** What breaks conservation in this trace of a run without warm-up; empty when nothing does. */
export function conservationViolations(trace: RequestTrace, m: ReplicationMetrics): string[] {
  const problems: string[] = [];
  const clientOf = new Map<number, number>();
  trace.starts.forEach((s, k) => {
    if (s.id !== k) problems.push(`arrival #${k} has id ${s.id}`);
    clientOf.set(s.id, s.client);
  });
  if (trace.starts.length !== m.arrived) problems.push(`${trace.starts.length} arrivals seen, ${m.arrived} reported`);
  const ended = new Set<number>();
  const tally = { completed: 0, rejected: 0, timedOut: 0, failed: 0 };
  for (const e of trace.ends) {
    if (ended.has(e.id)) problems.push(`request ${e.id} ended twice`);
    ended.add(e.id);
    if (!clientOf.has(e.id)) problems.push(`request ${e.id} ended without arriving`);
    else if (clientOf.get(e.id) !== e.client) problems.push(`request ${e.id} arrived at client ${clientOf.get(e.id)} and ended at ${e.client}`);
    if (!e.counted) continue;
    if (e.outcome === Outcome.Ok) tally.completed++;
    else if (e.outcome === Outcome.Rejected) tally.rejected++;
    else if (e.outcome === Outcome.Timeout) tally.timedOut++;
    else tally.failed++;
  }
  for (const key of ['completed', 'rejected', 'timedOut', 'failed'] as const) {
    if (tally[key] !== m[key]) problems.push(`${key}: ${tally[key]} ends seen, ${m[key]} reported`);
  }
  if (ended.size + m.inFlightAtEnd !== m.T) problems.push(`${ended.size} ended + ${m.inFlightAtEnd} in flight ≠ T = ${m.T}`);
  const admitted = trace.retries.filter((r) => !r.refused).length;
  const refused = trace.retries.length - admitted;
  if (refused !== m.retries.budgetRefused) problems.push(`${refused} refusals seen, ${m.retries.budgetRefused} reported`);
  // A retry scheduled may die with its request (a timeout during the back-off) and never be sent.
  if (m.retries.sent > admitted) problems.push(`${m.retries.sent} retries sent but ${admitted} scheduled`);
  // Every attempt is a request's first (at most one per request) or a retry.
  if (m.retries.attempts - m.retries.sent > m.arrived) problems.push(`${m.retries.attempts - m.retries.sent} first attempts for ${m.arrived} requests`);
  if (m.retries.sent > m.retries.attempts) problems.push(`${m.retries.sent} retries sent out of ${m.retries.attempts} attempts`);
  return problems;
}
