/**
 * The progress bar of `meshsim check` on stderr (when it is a terminal): the phase, its runs
 * out of its budget, and the lowest SLO margin seen so far. Silent otherwise.
 */
import cliProgress from 'cli-progress';
import type { CheckProgress } from '../check/search.js';
import { formatSignificant } from '../output/table.js';

export interface CheckProgressBar {
  update(progress: CheckProgress): void;
  stop(): void;
}

export function createCheckProgress(label: string, enabled: boolean): CheckProgressBar {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {phase} {value}/{total} | lowest margin {margin} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update(p) {
      const payload = { phase: p.phase, margin: Number.isFinite(p.bestMargin) ? formatSignificant(p.bestMargin, 3) : '–' };
      if (p.phase !== phase) {
        if (phase !== undefined) bar.stop();
        bar.start(Math.max(1, p.total), Math.min(p.done, p.total), payload);
        phase = p.phase;
      } else {
        bar.update(Math.min(p.done, p.total), payload);
      }
    },
    stop() {
      if (phase !== undefined) bar.stop();
      phase = undefined;
    },
  };
}
