/** Scenario and module files in a fresh temporary directory, for plug-in tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pluginDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshsim-plugin-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A small scenario with `balancerLine` as its line 8 (so positions in messages are known). */
export function scenarioWith(balancerLine: string, extra = ''): string {
  return [
    'name: plugin-test',
    'requests: 2000',
    'replications: 2',
    'clients: { count: 2 }',
    'arrivals: { kind: poisson, rate: 300 }',
    'service: { instances: 4, serviceTime: { dist: exponential, mean: 10ms } }',
    'seed: 3',
    balancerLine,
    extra,
  ].join('\n');
}

/** A plug-in module: uniform random over the endpoints, with `extra` spliced into the default export. */
export function randomPlugin(extra = ''): string {
  return `export default {
  ${extra}
  create(options, deps) {
    let ids = [];
    return {
      setEndpoints(endpoints) { ids = endpoints.map((e) => e.id); },
      pick() { return ids.length === 0 ? -1 : ids[Math.floor(deps.random.next() * ids.length)]; },
    };
  },
};
`;
}
