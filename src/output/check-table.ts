/**
 * What `meshsim check` prints on stdout: the verdict, one line per guarantee (holds or
 * violated, margin, where it came closest), the counterexample one fault per line, the runs
 * per phase, and a one-line coverage summary. Also the sentences that describe a fault and a
 * judged unit, shared with the counterexample's header and chart.
 */
import type { CheckOutcome } from '../check/search.js';
import type { GuaranteeJudgement } from '../check/judge.js';
import { formatDuration } from '../scenario/duration.js';
import type { FaultSpec } from '../scenario/schema.js';
import type { JudgedUnit } from '../slo/evaluate.js';
import { formatObjectiveValue, type SloObjective } from '../slo/objective.js';
import { outcomeGuarantees } from './check-json.js';
import { formatSignificant } from './table.js';

/** `crash of instance 3 at 30s for 20s`, `slow of instances 1, 2 at 10s for 5s (factor 4.5)`. */
export function describeFault(f: FaultSpec): string {
  if (f.kind === 'random') return `random ${f.mode} faults (mttf ${formatDuration(f.mttf)}, mttr ${formatDuration(f.mttr)})`;
  const target = f.kind === 'zone' ? `zone ${f.zone}` : f.instances !== undefined ? `instances ${f.instances.join(', ')}` : `instance ${f.instance}`;
  const window = `at ${formatDuration(f.at)}${f.for === undefined ? '' : ` for ${formatDuration(f.for)}`}`;
  const extra =
    f.kind === 'slow'
      ? ` (factor ${f.factor})`
      : f.kind === 'errors'
        ? ` (rate ${f.rate})`
        : f.kind === 'crashloop'
          ? ` (uptime ${formatDuration(f.uptime)})`
          : f.kind === 'partition'
            ? ` (${f.path} path)`
            : '';
  return `${f.kind} of ${target} ${window}${extra}`;
}

/** Where an objective was judged worst: `window 23s–33s: 87.5%`, `crash of instance 0 from 5s: 16s (censored)`. */
export function describeUnit(objective: SloObjective | undefined, unit: JudgedUnit | null): string {
  if (unit === null) return 'nothing judged';
  const value = objective === undefined ? formatSignificant(unit.value, 4) : formatObjectiveValue(objective.sli, roundForDisplay(objective, unit.value));
  if (unit.fault !== undefined) {
    return `${unit.fault.mode} of instance ${unit.fault.instance} from ${formatDuration(unit.start)}: ${value}${unit.fault.censored ? ` (at least: ${censoredReason(objective?.sli)})` : ''}`;
  }
  if (objective?.per === 'run') return `over the run: ${value}`;
  return `window ${formatDuration(unit.start)}–${formatDuration(unit.end)}: ${value}`;
}

/** Why a per-fault time is only a lower bound (evaluate.ts `censored`). */
function censoredReason(sli: string | undefined): string {
  if (sli === 'detection.timeToEject') return 'not detected before the fault or the run ended';
  return 'not recovered when arrivals stopped';
}

function roundForDisplay(objective: SloObjective, value: number): number {
  return Number(value.toPrecision(objective.sli === 'availability' ? 6 : 4));
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

function guaranteeTable(objectives: readonly SloObjective[], guarantees: readonly GuaranteeJudgement[]): string[] {
  const header = ['guarantee', 'holds', 'margin', 'worst'];
  const rows = guarantees.map((g) => {
    const objective = objectives.find((o) => o.name === g.name);
    return [g.name, g.holds ? 'yes' : 'NO', formatSignificant(g.margin, 4), describeUnit(objective, g.worst)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [pad(header, widths), ...rows.map((r) => pad(r, widths))];
}

const STATUS_LINE = {
  violated: 'VIOLATED',
  held: 'held',
  inconclusive: 'INCONCLUSIVE',
} as const;

export function formatCheckTable(outcome: CheckOutcome, scenario: string): string {
  const lines: string[] = [];
  const { search, counterexample } = outcome;
  const runs = search.runs;
  lines.push(`meshsim check ${scenario}: ${STATUS_LINE[outcome.status]}`);
  lines.push(...guaranteeTable(outcome.objectives, outcomeGuarantees(outcome)));
  if (counterexample !== null) {
    const n = counterexample.faults.length;
    const notes = [`${n} fault${n === 1 ? '' : 's'}`];
    if (counterexample.phase === 'baseline') notes.push('the fault-free run already breaks the SLO');
    else if (counterexample.phase === 'replay') notes.push('the scenario’s own faults');
    else notes.push(`found by the ${counterexample.phase} phase`);
    if (counterexample.oneMinimal === true) notes.push('each one needed');
    if (counterexample.robustness !== null) notes.push(`violates under ${counterexample.robustness.violating} of ${counterexample.robustness.seeds} other simulation seeds`);
    lines.push(`counterexample (${notes.join('; ')}):`);
    for (const f of counterexample.faults) lines.push(`  ${describeFault(f)}`);
  } else if (outcome.worst !== null) {
    lines.push(`closest call (margin ${formatSignificant(outcome.worst.judgement.margin, 4)}):`);
    for (const f of outcome.worst.faults) lines.push(`  ${describeFault(f)}`);
  }
  const phases = [`baseline ${runs.baseline}`, `random ${runs.random}`, `targeted ${runs.targeted}`];
  if (runs.shrink > 0) phases.push(`shrink ${runs.shrink}`);
  if (runs.minimality > 0) phases.push(`minimality ${runs.minimality}`);
  if (runs.robustness > 0) phases.push(`robustness ${runs.robustness}`);
  const interrupted = search.interrupted ? ` · interrupted (${search.interruptedBy === 'time' ? 'time limit' : 'Ctrl-C'})` : '';
  lines.push(`runs: ${phases.join(', ')} · search seed ${search.seed}${interrupted}`);
  if (outcome.coverage !== null) {
    const tried = Object.entries(outcome.coverage.perKind)
      .map(([kind, c]) => `${kind} ${c.tried}`)
      .join(', ');
    const bound = outcome.violationRateUpper95 === null ? '' : ` · P(violation) ≤ ${formatSignificant(100 * outcome.violationRateUpper95, 2)}% per random schedule (95%, rule of three)`;
    const searched = runs.random + runs.targeted;
    lines.push(`coverage of the ${searched} searched schedule${searched === 1 ? '' : 's'}: faults tried ${tried} · up to ${outcome.coverage.maxConcurrentSeen} at once${bound}`);
  }
  return `${lines.join('\n')}\n`;
}
