/**
 * The one font charts are drawn and measured with: DejaVu Sans (Debian `fonts-dejavu-core`).
 *
 * Rendering is hermetic: resvg loads only these files, never the system's font list, so a PNG
 * depends on the folder and the font files alone. The same files give vega its text widths
 * (see font-metrics.ts), so labels are laid out for the glyphs that are actually drawn.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The family name vega writes into the SVG and resvg resolves against the loaded files. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

export interface ChartFontFiles {
  regular: string;
  bold: string;
}

/** Debian/Ubuntu first, then the layouts of Fedora and Arch. */
const FONT_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu',
];

export class ChartFontMissingError extends Error {
  override readonly name = 'ChartFontMissingError';
}

/**
 * The DejaVu Sans files, looked up in `MESHSIM_FONT_DIR` when set, else in the usual system
 * folders. Throws a ChartFontMissingError that says what to install: without the files every
 * chart would render with no text at all.
 */
export function findChartFonts(env: NodeJS.ProcessEnv = process.env): ChartFontFiles {
  const dirs = env.MESHSIM_FONT_DIR ? [env.MESHSIM_FONT_DIR] : FONT_DIRS;
  for (const dir of dirs) {
    const regular = join(dir, 'DejaVuSans.ttf');
    const bold = join(dir, 'DejaVuSans-Bold.ttf');
    if (existsSync(regular) && existsSync(bold)) return { regular, bold };
  }
  throw new ChartFontMissingError(
    `charts need the DejaVu Sans font (DejaVuSans.ttf and DejaVuSans-Bold.ttf), not found in ${dirs.join(', ')}; ` +
      'install it (Debian: apt-get install fonts-dejavu-core) or set MESHSIM_FONT_DIR to a folder holding both files',
  );
}
