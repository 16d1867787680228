/**
 * JSON text as every meshsim output file writes it: 2-space indentation, LF line ends, a
 * trailing newline, and NaN/±Infinity (which JSON cannot express) as null, which reads back as
 * NaN through getMetric.
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
  return `${text}\n`;
}
