import { QUEUEING_CHECKS, runCheck, type CheckOutcome } from '../validation/checks.js';
import { SEARCH_CHECKS, type SearchCheckOutcome } from '../validation/search-checks.js';

/** Which checks `meshsim validate` runs: the engine against queueing theory, `meshsim check`'s acceptance checks, or both. */
export type ValidateFamily = 'queueing' | 'search' | 'all';

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

export function formatCheckTable(outcomes: readonly CheckOutcome[]): string {
  const header = ['check', 'theory ms', 'meshsim ms', '± 99.9% CI', 'tolerance', 'error', 'verdict'];
  const rows = outcomes.map((o) => [
    o.title,
    o.theory.toFixed(4),
    o.estimate.toFixed(4),
    o.halfWidth.toFixed(4),
    o.tolerance.toFixed(4),
    `${(o.relativeError * 100).toFixed(2)}%`,
    o.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [row(header, widths), ...rows.map((r) => row(r, widths))].join('\n') + '\n';
}

/** One line per search check: verdict, what must hold, what was measured. */
export function formatSearchCheckTable(outcomes: readonly SearchCheckOutcome[]): string {
  return outcomes
    .map((o) => `${o.pass ? 'pass' : 'FAIL'}  ${o.title}\n      claim:    ${o.claim}\n      measured: ${o.measured} (${o.simulations} simulations)`)
    .join('\n') + '\n';
}

export async function validateCommand(flags: { quick?: boolean; family?: ValidateFamily; engine?: 'auto' | 'full' }): Promise<void> {
  const mode = flags.quick ? 'quick' : 'full';
  const family = flags.family ?? 'all';
  const engine = flags.engine ?? 'auto';
  let failed = 0;
  let total = 0;
  if (family !== 'search') {
    const outcomes: CheckOutcome[] = [];
    for (const check of QUEUEING_CHECKS) {
      if (process.stderr.isTTY) process.stderr.write(`meshsim: running ${check.title}…\n`);
      outcomes.push(runCheck(check, mode, engine));
    }
    process.stdout.write(formatCheckTable(outcomes));
    failed += outcomes.filter((o) => !o.pass).length;
    total += outcomes.length;
  }
  if (family !== 'queueing') {
    const outcomes: SearchCheckOutcome[] = [];
    for (const check of SEARCH_CHECKS) {
      if (process.stderr.isTTY) process.stderr.write(`meshsim: running ${check.title}…\n`);
      outcomes.push(await check.run(mode));
    }
    if (family === 'all') process.stdout.write('\nmeshsim check, the acceptance checks of guarantee search:\n');
    process.stdout.write(formatSearchCheckTable(outcomes));
    failed += outcomes.filter((o) => !o.pass).length;
    total += outcomes.length;
  }
  const how = family === 'search' ? `${mode} mode` : `${mode} mode, queueing on ${engine === 'full' ? 'the full simulation' : 'the fast path'}`;
  process.stdout.write(failed === 0 ? `all ${total} checks passed (${how})\n` : `${failed} of ${total} checks FAILED (${how})\n`);
  if (failed > 0) process.exitCode = 1;
}
