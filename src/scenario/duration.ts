/**
 * Durations in scenario files: a number means milliseconds; a string carries its unit.
 * Everything inside meshsim is milliseconds as a double.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION_TEXT = /^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*(ns|us|µs|ms|s|min|m|h)\s*$/;

/** Milliseconds for a duration string such as `250us` or `1.5s`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_TEXT.exec(text);
  if (m === null) return undefined;
  const numberPart = text.trim().slice(0, text.trim().length - m[2]!.length).trim();
  return Number(numberPart) * UNIT_MS[m[2]!]!;
}

/** Renders milliseconds with the largest unit that keeps the number readable. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toPrecision(6)}s`;
  if (ms >= 1) return `${+ms.toPrecision(6)}ms`;
  return `${+(ms * 1000).toPrecision(6)}us`;
}

export const DURATION_UNITS = 'ns, us, ms, s, m, h';
