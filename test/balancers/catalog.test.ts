import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { balancerCatalog } from '../../src/balancers/catalog.js';
import { builtinBalancerConfig } from '../../src/balancers/configs.js';
import { BALANCER_KINDS } from '../../src/balancers/registry.js';

const root = new URL('../..', import.meta.url).pathname;

describe('the balancer catalog (meshsim balancers)', () => {
  const catalog = balancerCatalog();

  it('lists every kind, in documentation order, with a source and an existing file', () => {
    expect(catalog.map((e) => e.kind)).toEqual([...BALANCER_KINDS]);
    for (const e of catalog) {
      expect(e.after, e.kind).not.toBe('');
      expect(e.upstream, e.kind).not.toBe('');
      expect(existsSync(`${root}${e.file}`), e.file).toBe(true);
    }
  });

  it('lists each kind’s options as its schema accepts them, with defaults and ranges', () => {
    for (const e of catalog) {
      const schema = builtinBalancerConfig.options.find((o) => o._zod.propValues?.kind?.has(e.kind))!;
      const topLevel = Object.keys(schema._zod.def.shape ?? {}).filter((k) => k !== 'kind');
      expect(e.options.filter((o) => !o.name.includes('.')).map((o) => o.name).sort(), e.kind).toEqual(topLevel.sort());
    }
    const lr = catalog.find((e) => e.kind === 'least_request')!;
    expect(lr.options.find((o) => o.name === 'choices')).toEqual({
      name: 'choices',
      type: 'integer ≥ 2',
      required: false,
      default: '2',
      description: 'Envoy choice_count: hosts sampled uniformly WITH replacement per pick',
    });
    expect(lr.options.find((o) => o.name === 'selection')).toMatchObject({ type: 'n_choices | full_scan', default: 'n_choices' });
    expect(lr.options.map((o) => o.name)).toContain('zoneAware.enabled');
    expect(catalog.find((e) => e.kind === 'haproxy_first')!.options.find((o) => o.name === 'maxconn')).toMatchObject({ required: true });
  });

  it('agrees with the table of built-in kinds in docs/balancers.md', () => {
    const docs = readFileSync(`${root}docs/balancers.md`, 'utf8');
    for (const e of catalog) {
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${e.kind}\` |`) && line.includes('(../src/balancers/'));
      expect(row, e.kind).toBeDefined();
      expect(row, e.kind).toContain(`(../${e.file})`);
    }
  });
});
