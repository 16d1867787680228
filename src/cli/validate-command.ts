import { QUEUEING_CHECKS, runCheck, type CheckOutcome } from '../validation/checks.js';

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

export function validateCommand(flags: { quick?: boolean; engine?: 'auto' | 'full' }): void {
  const mode = flags.quick ? 'quick' : 'full';
  const engine = flags.engine ?? 'auto';
  const outcomes: CheckOutcome[] = [];
  for (const check of QUEUEING_CHECKS) {
    if (process.stderr.isTTY) process.stderr.write(`meshsim: running ${check.title}…\n`);
    outcomes.push(runCheck(check, mode, engine));
  }
  process.stdout.write(formatCheckTable(outcomes));
  const failed = outcomes.filter((o) => !o.pass).length;
  const how = `${mode} mode, ${engine === 'full' ? 'full simulation' : 'fast path'}`;
  process.stdout.write(failed === 0 ? `all ${outcomes.length} checks passed (${how})\n` : `${failed} of ${outcomes.length} checks FAILED (${how})\n`);
  if (failed > 0) process.exitCode = 1;
}
