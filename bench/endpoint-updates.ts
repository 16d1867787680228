/**
 * The cost of one endpoint change reaching a balancer, as health checks make them: every
 * endpoint of a set turns healthy one change at a time, through the same adapter the
 * simulation uses (endpointUpdater). Balancers that take updates themselves open or close one
 * slot; the others rebuild their whole list per change. This is the constant behind the pre-run
 * estimate's `endpoint updates` (src/sim/resource-estimate.ts).
 *
 *   npx tsx bench/endpoint-updates.ts [--kinds round_robin,peak_ewma] [--sizes 1024,8192]
 *
 * Each figure is µs per change at the full size: with all n endpoints healthy, 512 of them
 * (spread over the ids; all of them when n < 512) turn unhealthy and healthy again one change at
 * a time, the best of 3 such rounds. Every kind first runs a warm-up round at the smallest size,
 * so the first size measured does not pay for compilation. Wall clock: a loaded machine
 * inflates it.
 */
import { parseArgs } from 'node:util';
import { balancerConfig, type BalancerKind } from '../src/balancers/configs.js';
import { endpointUpdater } from '../src/balancers/endpoint-updates.js';
import { BALANCER_KINDS, createBalancer } from '../src/balancers/registry.js';
import type { Endpoint } from '../src/balancers/types.js';
import { streamFactory } from '../src/engine/rng.js';

const { values } = parseArgs({ options: { kinds: { type: 'string' }, sizes: { type: 'string', default: '1024,8192' } } });
const kinds = (values.kinds?.split(',') ?? BALANCER_KINDS) as BalancerKind[];
const sizes = values.sizes!.split(',').map(Number);
const REPEATS = 3;
const CHANGES = 512;

function microsPerChange(kind: BalancerKind, n: number): { native: boolean; micros: number } {
  const config = balancerConfig.parse(kind === 'haproxy_first' ? { kind, maxconn: 8 } : { kind });
  const balancer = createBalancer(config, {
    random: streamFactory(1, 0)('bench'),
    now: () => 0,
    load: { active: () => 0 },
    global: { queueLength: () => 0 },
  });
  const updater = endpointUpdater(balancer);
  // Health-aware balancers keep unhealthy endpoints (flagged); the others only those in rotation.
  const aware = balancer.healthAware === true;
  const endpoint = (id: number, healthy: boolean): Endpoint => ({ id, weight: 1, zone: 'z', healthy });
  const change = (id: number, healthy: boolean) => updater.update(aware || healthy ? [endpoint(id, healthy)] : [], aware || healthy ? [] : [id]);
  updater.set(Array.from({ length: n }, (_, id) => endpoint(id, true)));
  const changing = Math.min(n, CHANGES);
  const stride = n / changing;
  let best = Infinity;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const start = process.hrtime.bigint();
    for (let k = 0; k < changing; k++) {
      const id = Math.floor(k * stride);
      change(id, false);
      change(id, true);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / (2 * changing));
  }
  return { native: updater.native, micros: best };
}

console.log('balancer                    takes updates  µs/change at ' + sizes.map((n) => String(n).padStart(7)).join('  '));
for (const kind of kinds) {
  microsPerChange(kind, Math.min(...sizes)); // warm-up
  const figures = sizes.map((n) => microsPerChange(kind, n));
  console.log(`${kind.padEnd(26)}  ${String(figures[0]!.native).padEnd(13)}  ${' '.repeat(13)}${figures.map((f) => f.micros.toFixed(2).padStart(7)).join('  ')}`);
}
