// A module resolve hook that refuses the chart packages: a command run under it fails if it
// loads vega, vega-lite, vega-embed or resvg. Registered by register-deny-chart-packages.mjs.
const CHART_PACKAGES = /^(vega|vega-lite|vega-embed|@resvg\/resvg-js)$/;

export async function resolve(specifier, context, next) {
  if (CHART_PACKAGES.test(specifier)) throw new Error(`chart package loaded: ${specifier}`);
  return next(specifier, context);
}
