/**
 * Observations built by hand: requests with an arrival time and an ending, fed through the
 * same SloRecorder the simulations use.
 */
import { SloRecorder } from '../../src/slo/recorder.js';
import { isProblem, parseObjectiveText, type SloObjective } from '../../src/slo/objective.js';
import type { FaultRecord, SloObservation } from '../../src/slo/observation.js';

export type Ending = { ok: number } | 'failed' | 'timeout' | 'inflight';

export interface RequestRecord {
  readonly arrival: number;
  readonly ending: Ending;
  readonly retries?: number;
}

export function objective(text: string, extra: Partial<SloObjective> = {}): SloObjective {
  const o = parseObjectiveText(text);
  if (isProblem(o)) throw new Error(`${text}: ${o.expected}`);
  return { ...o, ...extra };
}

export interface ObservationSpec {
  readonly start?: number;
  readonly end: number;
  readonly timeout?: number;
  readonly faults?: readonly FaultRecord[];
}

export function observe(objectives: readonly SloObjective[], requests: readonly RequestRecord[], spec: ObservationSpec): SloObservation {
  const start = spec.start ?? 0;
  const recorder = new SloRecorder(objectives, start, spec.end - start);
  for (const r of requests) {
    recorder.arrival(r.arrival);
    for (let i = 0; i < (r.retries ?? 0); i++) recorder.retried(r.arrival);
    if (r.ending === 'failed') recorder.failed(r.arrival);
    else if (r.ending === 'timeout') recorder.timedOut(r.arrival);
    else if (r.ending !== 'inflight') recorder.completed(r.arrival, r.ending.ok);
  }
  return recorder.observation(spec.end, spec.timeout ?? Infinity, spec.faults ?? []);
}

/** `count` requests evenly spread over [from, to), each ending as `ending`. */
export function evenly(from: number, to: number, count: number, ending: Ending): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ arrival: from + ((to - from) * i) / count, ending }));
}

export function fault(extra: Partial<FaultRecord> & Pick<FaultRecord, 'start' | 'end'>): FaultRecord {
  return { instance: 0, mode: 'crash', detectedAt: NaN, recoveredAt: NaN, ...extra };
}
