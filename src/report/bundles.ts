/**
 * The browser builds (UMD, minified) of vega, vega-lite and vega-embed, read from the installed
 * packages so report.html can inline them and draw its charts with no network access.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface EmbedBundles {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

/** Each package's main entry lives in its `build/` folder, beside the UMD bundle. */
const BUNDLES = [
  ['vega', 'vega', 'vega.min.js'],
  ['vegaLite', 'vega-lite', 'vega-lite.min.js'],
  ['vegaEmbed', 'vega-embed', 'vega-embed.min.js'],
] as const;

export function readEmbedBundles(): EmbedBundles {
  // Resolved from this module, so it works from src/ (tests), dist/src and the dist/cli bundle.
  const require = createRequire(import.meta.url);
  const read = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
  const out: Partial<EmbedBundles> = {};
  for (const [key, pkg, file] of BUNDLES) out[key] = read(pkg, file);
  return out as EmbedBundles;
}
