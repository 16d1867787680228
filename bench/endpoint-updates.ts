/**
 * The cost of one endpoint change reaching a balancer, as health checks make them: every
 * endpoint of a set turns healthy one change at a time, through the same adapter the
 * simulation uses (endpointUpdater). Balancers that take updates themselves splice one endpoint;
 * the others rebuild their whole list per change. This is the constant behind the pre-run
 * estimate's `endpoint updates` (src/sim/resource-estimate.ts).
 *
 *   npx tsx bench/endpoint-updates.ts
 *
 * Each figure is µs per change over a pass from all unhealthy to all healthy, after a warm-up
 * pass each way; wall clock, so a loaded machine inflates it.
 */
import { balancerConfig } from '../src/balancers/configs.js';
import { endpointUpdater } from '../src/balancers/endpoint-updates.js';
import { createBalancer } from '../src/balancers/registry.js';
import type { Endpoint } from '../src/balancers/types.js';
import { streamFactory } from '../src/engine/rng.js';

const KINDS = ['round_robin', 'least_request', 'peak_ewma', 'ring_hash'] as const;
const SIZES = [1024, 8192];

function microsPerChange(kind: (typeof KINDS)[number], n: number): { native: boolean; micros: number } {
  const balancer = createBalancer(balancerConfig.parse({ kind }), {
    random: streamFactory(1, 0)('bench'),
    now: () => 0,
    load: { active: () => 0 },
  });
  const updater = endpointUpdater(balancer);
  // Health-aware balancers keep unhealthy endpoints (flagged); the others only those in rotation.
  const aware = balancer.healthAware === true;
  const endpoint = (id: number, healthy: boolean): Endpoint => ({ id, weight: 1, zone: 'z', healthy });
  const pass = (healthy: boolean) => {
    for (let id = 0; id < n; id++) updater.update(aware || healthy ? [endpoint(id, healthy)] : [], aware || healthy ? [] : [id]);
  };
  updater.set(aware ? Array.from({ length: n }, (_, id) => endpoint(id, false)) : []);
  pass(true);
  pass(false);
  const start = process.hrtime.bigint();
  pass(true);
  return { native: updater.native, micros: Number(process.hrtime.bigint() - start) / 1000 / n };
}

console.log('balancer        takes updates  µs/change at ' + SIZES.map((n) => String(n).padStart(6)).join('  '));
for (const kind of KINDS) {
  const figures = SIZES.map((n) => microsPerChange(kind, n));
  console.log(`${kind.padEnd(14)}  ${String(figures[0]!.native).padEnd(13)}  ${' '.repeat(13)}${figures.map((f) => f.micros.toFixed(2).padStart(6)).join('  ')}`);
}
