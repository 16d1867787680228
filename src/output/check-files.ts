/**
 * The files of `meshsim check --out DIR`, beside check.json:
 * - counterexample.yaml: the scenario with the minimal breaking schedule as its `faults:`,
 *   one replication and a `provenance:` block, so `meshsim run` reproduces it and
 *   `meshsim check --replay` re-judges it; or worst.yaml, the closest call, when the SLO held;
 * - events.csv and timeseries.csv of that run (the same files `meshsim run` writes for it);
 * - counterexample.svg/.png (or worst.svg/.png): the chart.
 * Files of the other outcome left by an earlier check in the same folder are removed, so a
 * folder never holds a counterexample next to a check.json that says the SLO held.
 */
import { createHash } from 'node:crypto';
import type { Counterexample, CheckOutcome } from '../check/search.js';
import type { Finding } from '../check/coverage.js';
import type { Scenario } from '../scenario/schema.js';
import type { ProvenanceSpec } from '../check/schema.js';
import { MESHSIM_VERSION } from '../version.js';
import { describeFault, describeUnit } from './check-table.js';
import { formatSignificant } from './table.js';

export const COUNTEREXAMPLE = 'counterexample';
export const WORST = 'worst';

/** Every file name a check may write, for removing stale ones. */
export const CHECK_FILE_NAMES = [
  'check.json',
  'events.csv',
  'timeseries.csv',
  ...[COUNTEREXAMPLE, WORST].flatMap((stem) => [`${stem}.yaml`, `${stem}.svg`, `${stem}.png`]),
] as const;

/** The scenario of a finding: its faults and one replication; `provenanceOf` then says where it came from. */
export function findingScenario(scenario: Scenario, finding: Finding): Scenario {
  const { provenance: _earlier, ...rest } = scenario;
  return { ...rest, faults: [...finding.faults], replications: 1 };
}

/** SHA-256 of the scenario's resolved JSON without its `provenance`: what a replay must find unchanged. */
export function scenarioFingerprint(scenario: Scenario): string {
  const { provenance: _provenance, ...judged } = scenario;
  return createHash('sha256').update(JSON.stringify(judged)).digest('hex');
}

export function provenanceOf(outcome: CheckOutcome, finding: Finding, source: string, path: string | null, judged: Scenario): ProvenanceSpec {
  return {
    tool: 'meshsim check',
    meshsimVersion: MESHSIM_VERSION,
    source,
    searchSeed: outcome.search.seed,
    phase: finding.phase,
    runIndex: finding.runIndex,
    path,
    margin: Number.isFinite(finding.judgement.margin) ? finding.judgement.margin : null,
    fingerprint: scenarioFingerprint(judged),
    violated: finding.judgement.guarantees.filter((g) => !g.holds).map((g) => g.name),
  };
}

function guaranteeLines(outcome: CheckOutcome, finding: Finding): string[] {
  return finding.judgement.guarantees.map((g) => {
    const objective = outcome.objectives.find((o) => o.name === g.name);
    return `  ${g.name}: ${g.holds ? 'holds' : 'VIOLATED'}, margin ${formatSignificant(g.margin, 4)} (${describeUnit(objective, g.worst)})`;
  });
}

/** The comment that opens counterexample.yaml. */
export function counterexampleHeader(outcome: CheckOutcome, c: Counterexample, name: string): string {
  const lines = [`meshsim check counterexample: this schedule breaks the SLO of ${name}.`, ...guaranteeLines(outcome, c)];
  const how =
    c.phase === 'baseline'
      ? 'The fault-free run already breaks it: the configuration, not a fault, is to blame.'
      : `Found by the ${c.phase} phase (run ${c.runIndex}, search seed ${outcome.search.seed}) as ${c.found.faults.length} fault(s), shrunk to ${c.faults.length}` +
        `${c.oneMinimal === true ? '; removing any one of them makes the SLO hold' : ''}.`;
  lines.push(how);
  if (c.robustness !== null) lines.push(`It breaks the SLO under ${c.robustness.violating} of ${c.robustness.seeds} other simulation seeds (replications 1 to ${c.robustness.seeds}).`);
  for (const f of c.faults) lines.push(`  ${describeFault(f)}`);
  lines.push(
    'Reproduce: meshsim run counterexample.yaml   (provenance.margin is the SLO margin of this run)',
    'Re-judge:  meshsim check counterexample.yaml --replay',
    'Durations without a unit are milliseconds: this is the scenario as meshsim resolved it.',
  );
  return lines.join('\n');
}

/** The comment that opens worst.yaml. */
export function worstHeader(outcome: CheckOutcome, worst: Finding, name: string): string {
  return [
    `meshsim check: the SLO of ${name} held; this is the closest call the search found.`,
    ...guaranteeLines(outcome, worst),
    `Found by the ${worst.phase} phase (run ${worst.runIndex}, search seed ${outcome.search.seed}).`,
    ...worst.faults.map((f) => `  ${describeFault(f)}`),
    'Reproduce: meshsim run worst.yaml',
    'Durations without a unit are milliseconds: this is the scenario as meshsim resolved it.',
  ].join('\n');
}
