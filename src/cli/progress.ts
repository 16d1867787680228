/**
 * A progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes).
 */
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

export function createProgress(label: string, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} runs | {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      synchronousUpdate: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** What a sweep's progress bar shows; the same shape runCells reports. */
export interface SweepProgressCounts {
  unitsDone: number;
  unitsTotal: number;
  cellsDone: number;
  cellsTotal: number;
}

export interface SweepProgressBar {
  update(counts: SweepProgressCounts): void;
  stop(): void;
}

/** "3.2 cells/s" or, when cells take longer than a second, "41 s/cell". */
function cellRate(cells: number, seconds: number): string {
  if (cells === 0 || seconds <= 0) return '– cells/s';
  const perSecond = cells / seconds;
  if (perSecond >= 1) return `${perSecond.toFixed(perSecond >= 10 ? 0 : 1)} cells/s`;
  const perCell = seconds / cells;
  return `${perCell.toFixed(perCell >= 10 ? 0 : 1)} s/cell`;
}

/**
 * A sweep's bar: cells done, their rate and the ETA. The bar and the ETA follow work units,
 * which finish far more often than cells, so they move smoothly; silent when stderr is not a
 * terminal.
 */
export function createSweepProgress(label: string, enabled: boolean): SweepProgressBar {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {cells}/{cellsTotal} cells | {rate} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(counts) {
      const payload = {
        cells: counts.cellsDone,
        cellsTotal: counts.cellsTotal,
        rate: cellRate(counts.cellsDone, (performance.now() - started) / 1000),
      };
      if (!running) {
        bar.start(counts.unitsTotal, counts.unitsDone, payload);
        running = true;
      } else {
        bar.update(counts.unitsDone, payload);
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
