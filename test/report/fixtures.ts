/**
 * Synthetic report inputs: the fault outputs (timeseries.csv, events.csv, detection and
 * recovery metrics) that the failures work will produce, and a sweep, so the charts for them
 * are tested before real files exist. Shapes follow the report's reading of those files.
 */
import type { RunResult } from '../../src/analysis/types.js';
import type { ReplicationMetrics } from '../../src/metrics/types.js';
import { makeReplication, makeRun, makeStrategy } from '../helpers/metrics-fixture.js';

export const FAULT_STRATEGIES = ['round_robin', 'least_request(choices=2)'] as const;

/**
 * 60 one-second windows per strategy and replication: 8 instances, instance 3 crashes at 20 s
 * and is back at 35 s; the detector ejects it at 23 s (later under round robin) and returns
 * it at 37 s. Latency and errors rise while it is down and not yet ejected.
 */
export function timeseriesCsv(replications = 2): string {
  const lines = ['label,replication,time,arrivals,successes,errors,timeouts,p50,p99,ejected,unhealthy,instancesUp'];
  for (const [s, label] of FAULT_STRATEGIES.entries()) {
    for (let rep = 0; rep < replications; rep++) {
      for (let second = 0; second < 60; second++) {
        const down = second >= 20 && second < 35;
        const undetected = second >= 20 && second < 23 + s;
        const ejected = second >= 23 + s && second < 37 ? 1 : 0;
        const unhealthy = second >= 24 && second < 36 ? 1 : 0;
        const arrivals = 500 + ((second * 37 + rep * 11) % 13);
        const errors = undetected ? 40 - 10 * s : 0;
        const timeouts = undetected ? 12 : 0;
        const p99 = (undetected ? 900 : down ? 70 : 45) + s * 3 + rep;
        // One window without successes: its latency is undefined and written empty.
        const successes = second === 21 && s === 0 && rep === 0 ? 0 : arrivals - errors - timeouts;
        const p99Cell = successes === 0 ? '' : String(p99);
        lines.push(
          [label, rep, second * 1000, arrivals, successes, errors, timeouts, 10 + s, p99Cell, ejected, unhealthy, down ? 7 : 8].join(','),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function eventsCsv(replications = 2): string {
  const lines = ['label,replication,time,kind,instance,client,cause'];
  for (const [s, label] of FAULT_STRATEGIES.entries()) {
    for (let rep = 0; rep < replications; rep++) {
      lines.push(`${label},${rep},20000,fault_start,3,,crash`);
      lines.push(`${label},${rep},${23000 + 1000 * s},ejected,3,0,consecutive_5xx`);
      lines.push(`${label},${rep},24000,unhealthy,3,,health_check`);
      lines.push(`${label},${rep},35000,fault_end,3,,restarted`);
      lines.push(`${label},${rep},37000,unejected,3,0,interval`);
      // A second, never-ending fault on instance 5 in replication 1 only.
      if (rep === 1) lines.push(`${label},${rep},50000,fault_start,5,,hang`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A replication record with detection and recovery metrics, as the failures work adds them. */
function faultReplication(i: number, strategy: number): ReplicationMetrics {
  const base = makeReplication(i, 1 + strategy / 2);
  const wobble = ((i * 5) % 3) - 1;
  return {
    ...base,
    F: 1 / 8,
    faultyInstances: 1,
    detection: { meanTimeToDetect: 3000 + 1000 * strategy + 150 * wobble, maxTimeToDetect: 4000 + 1000 * strategy, missed: 0, falsePositives: strategy },
    recovery: { recoveredRequests: 40 + wobble, meanTimeToRecover: 17000 + 200 * wobble, maxTimeToRecover: 18000, restarts: 1 },
  } as ReplicationMetrics;
}

/** A two-strategy run with fault metrics, `replications` each. */
export function faultRun(replications = 5): RunResult {
  return {
    ...makeRun(replications, FAULT_STRATEGIES),
    scenario: 'crash-one-of-8',
    results: FAULT_STRATEGIES.map((label, s) =>
      makeStrategy(label, Array.from({ length: replications }, (_, i) => faultReplication(i, s))),
    ),
  };
}

/** A sweep.json value: `levels` load levels × `labels` strategies × `replications`. */
export function sweepFixture(levels = 10, labels: readonly string[] = ['round_robin', 'random', 'least_request(choices=2)', 'least_request(full_scan)'], replications = 5) {
  const rates = Array.from({ length: levels }, (_, i) => 200 + 60 * i);
  return {
    meshsimVersion: '0.1.0',
    scenario: 'quickstart',
    seed: 42,
    replications,
    params: [{ path: 'arrivals.rate', values: rates }],
    strategies: [...labels],
    cells: rates.map((rate, index) => ({
      index,
      params: { 'arrivals.rate': rate },
      results: labels.map((label, s) =>
        makeStrategy(
          label,
          Array.from({ length: replications }, (_, i) => makeReplication(i, (1 + s / 3) * (1 + index / 3))),
        ),
      ),
    })),
  };
}
