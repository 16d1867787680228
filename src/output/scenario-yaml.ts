/**
 * A resolved scenario written back as a YAML scenario file, for `meshsim check`'s
 * counterexample.yaml and worst.yaml: complete (every default filled in, data files read,
 * plug-in paths absolute), so `meshsim run` on it simulates exactly what was checked.
 * Durations are milliseconds, as in scenario.json, except where a unit reads better and parses
 * back to the very same number (fault times, `30s`); objectives are written in their text form
 * when it parses back to the same objective. The file opens with `header` as a comment.
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Scenario } from '../scenario/schema.js';
import { formatDuration, parseDuration } from '../scenario/duration.js';
import { isProblem, objectiveText, parseObjectiveText, type SloObjective } from '../slo/objective.js';

/** `30s` for 30000 when it reads back exactly; the number otherwise. */
function durationText(ms: number): string | number {
  const text = formatDuration(ms);
  return parseDuration(text) === ms ? text : ms;
}

/** The objective's text form when it parses back to the same objective; the long form otherwise. */
function objectiveEntry(o: SloObjective): string | SloObjective {
  const text = objectiveText(o);
  const parsed = parseObjectiveText(text);
  return !isProblem(parsed) && JSON.stringify(parsed) === JSON.stringify(o) ? text : o;
}

const FAULT_DURATIONS = ['at', 'for', 'mttf', 'mttr', 'uptime'] as const;

export function formatScenarioYaml(scenario: Scenario, header: string): string {
  const faults = scenario.faults.map((f) => {
    const out: Record<string, unknown> = { ...f };
    for (const key of FAULT_DURATIONS) if (typeof out[key] === 'number') out[key] = durationText(out[key]);
    return out;
  });
  const data: Record<string, unknown> = { ...scenario, faults };
  if (scenario.slo !== undefined) data.slo = scenario.slo.map(objectiveEntry);
  const doc = new Document(JSON.parse(JSON.stringify(data)) as unknown);
  doc.commentBefore = header
    .split('\n')
    .map((line) => (line === '' ? '' : ` ${line}`))
    .join('\n');
  // One fault per line reads as a schedule, and short lists of numbers ([1000, 40000]) on one line.
  const faultNode = doc.get('faults');
  if (isSeq(faultNode)) for (const item of faultNode.items) if (isMap(item)) item.flow = true;
  visit(doc, {
    Seq(_key, node) {
      if (node.items.length <= 8 && node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
