/**
 * Every built-in balancer kind with what it follows, its upstream source, its file, and its
 * options as the config schema defines them (type, default, range, meaning): what
 * `meshsim balancers` prints. The options are read from the zod schemas themselves, so they
 * cannot drift from what scenario files accept; the sources are the file headers' own.
 */
import { z } from 'zod';
import { builtinBalancerConfig, type BalancerKind } from './configs.js';
import { BALANCER_KINDS } from './registry.js';

export interface BalancerSource {
  /** What the kind follows, in a few words. */
  readonly after: string;
  /** The upstream code (or paper) the implementation follows, as its file header names it. */
  readonly upstream: string;
  /** The implementing file, from the repository root. */
  readonly file: string;
}

/** Exhaustive by type: a new kind fails to compile here until it is described. */
export const BALANCER_SOURCES: Readonly<Record<BalancerKind, BalancerSource>> = {
  round_robin: {
    after: 'Envoy ROUND_ROBIN (weighted: EDF)',
    upstream: 'envoy source/extensions/load_balancing_policies/round_robin/round_robin_lb.h',
    file: 'src/balancers/round-robin.ts',
  },
  random: {
    after: 'Envoy RANDOM',
    upstream: 'envoy source/extensions/load_balancing_policies/random/random_lb.cc',
    file: 'src/balancers/random.ts',
  },
  weighted_round_robin: {
    after: 'Envoy EDF (variant: edf) or NGINX smooth WRR (variant: smooth)',
    upstream: 'envoy source/common/upstream/edf_scheduler.h; nginx src/http/ngx_http_upstream_round_robin.c',
    file: 'src/balancers/weighted-round-robin.ts',
  },
  least_request: {
    after: 'Envoy LEAST_REQUEST',
    upstream: 'envoy source/extensions/load_balancing_policies/least_request/least_request_lb.cc',
    file: 'src/balancers/least-request.ts',
  },
  grpc_weighted_round_robin: {
    after: 'gRPC weighted_round_robin (gRFC A58, backend load reports)',
    upstream: 'grpc/proposal A58-client-side-weighted-round-robin-lb-policy.md; grpc-java WeightedRoundRobinLoadBalancer',
    file: 'src/balancers/grpc-weighted-round-robin.ts',
  },
  jsq: {
    after: 'join the shortest queue: research reference, reads global state, not a production policy',
    upstream: 'Winston 1977; Gupta et al. 2007',
    file: 'src/balancers/jsq.ts',
  },
  jiq: {
    after: 'join-idle-queue: research reference, not a production policy',
    upstream: 'Lu et al. 2011 (JIQ-Random)',
    file: 'src/balancers/jiq.ts',
  },
  ring_hash: {
    after: 'Envoy RING_HASH (ketama)',
    upstream: 'envoy source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc',
    file: 'src/balancers/ring-hash.ts',
  },
  maglev: {
    after: 'Envoy MAGLEV',
    upstream: 'envoy source/extensions/load_balancing_policies/maglev/maglev_lb.cc',
    file: 'src/balancers/maglev.ts',
  },
  peak_ewma: {
    after: 'Linkerd / tower P2C over peak EWMA',
    upstream: 'tower src/balance/p2c, src/load/peak_ewma.rs; linkerd2-proxy constants',
    file: 'src/balancers/peak-ewma.ts',
  },
  finagle_p2c: {
    after: 'Finagle P2C least loaded',
    upstream: 'finagle-core loadbalancer/p2c/P2CLeastLoaded.scala',
    file: 'src/balancers/finagle-p2c.ts',
  },
  finagle_peak_ewma: {
    after: 'Finagle P2C over peak EWMA',
    upstream: 'finagle-core loadbalancer/p2c/P2CPeakEwma.scala',
    file: 'src/balancers/finagle-peak-ewma.ts',
  },
  finagle_aperture: {
    after: 'Finagle random aperture',
    upstream: 'finagle-core loadbalancer/aperture/RandomAperture.scala',
    file: 'src/balancers/finagle-aperture.ts',
  },
  nginx_least_conn: {
    after: 'NGINX least_conn',
    upstream: 'nginx src/http/modules/ngx_http_upstream_least_conn_module.c',
    file: 'src/balancers/nginx-least-conn.ts',
  },
  nginx_random_two: {
    after: 'NGINX random two least_conn',
    upstream: 'nginx src/http/modules/ngx_http_upstream_random_module.c',
    file: 'src/balancers/nginx-random-two.ts',
  },
  haproxy_leastconn: {
    after: 'HAProxy balance leastconn',
    upstream: 'haproxy src/lb_fwlc.c',
    file: 'src/balancers/haproxy-leastconn.ts',
  },
  haproxy_random: {
    after: 'HAProxy balance random(<draws>)',
    upstream: 'haproxy src/backend.c get_server_rnd',
    file: 'src/balancers/haproxy-random.ts',
  },
  haproxy_first: {
    after: 'HAProxy balance first',
    upstream: 'haproxy src/lb_fas.c',
    file: 'src/balancers/haproxy-first.ts',
  },
};

/** One option of a kind: a dotted name for nested options (`zoneAware.enabled`). */
export interface BalancerOption {
  readonly name: string;
  /** `integer`, `number ≥ 0`, `boolean`, `edf | smooth`, `duration`, … */
  readonly type: string;
  /** The default as YAML would write it; undefined when the option is optional without one. */
  readonly default?: string;
  readonly required: boolean;
  readonly description: string;
}

export interface BalancerEntry extends BalancerSource {
  readonly kind: BalancerKind;
  /** The config schema's own description. */
  readonly description: string;
  readonly options: readonly BalancerOption[];
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  pattern?: string;
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function range(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  else if (s.minimum !== undefined && !(s.type === 'integer' && s.minimum === -MAX_SAFE)) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  else if (s.maximum !== undefined && s.maximum !== MAX_SAFE) parts.push(`≤ ${s.maximum}`);
  return parts.length === 0 ? '' : ` ${parts.join(', ')}`;
}

function typeText(s: JsonSchema): string {
  const branches = s.anyOf ?? s.oneOf;
  if (branches !== undefined) {
    // A number of ms or a string with a unit: how every duration is written.
    if (branches.some((b) => b.type === 'string' && typeof b.pattern === 'string' && b.pattern.includes('ms|s'))) return 'duration';
    return branches.map(typeText).join(' | ');
  }
  if (s.enum !== undefined) return s.enum.map(String).join(' | ');
  if (s.const !== undefined) return String(s.const);
  if (s.type === 'array') return `list of ${s.items ? typeText(s.items) : 'values'}`;
  if (s.type === 'object') return 'mapping';
  const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  return `${type}${range(s)}`;
}

function options(schema: JsonSchema, prefix = ''): BalancerOption[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, s]): BalancerOption[] => {
    if (prefix === '' && key === 'kind') return [];
    const name = `${prefix}${key}`;
    const own: BalancerOption = {
      name,
      type: typeText(s),
      required: required.has(key),
      description: s.description ?? '',
      ...(s.default !== undefined && { default: typeof s.default === 'string' ? s.default : JSON.stringify(s.default) }),
    };
    return s.type === 'object' && s.properties !== undefined ? [own, ...options(s, `${name}.`)] : [own];
  });
}

/** Every built-in kind, in documentation order. */
export function balancerCatalog(): BalancerEntry[] {
  return BALANCER_KINDS.map((kind) => {
    const config = builtinBalancerConfig.options.find((option) => option._zod.propValues?.kind?.has(kind));
    if (config === undefined) throw new Error(`internal error: no config schema for balancer kind ${kind}`);
    const schema = z.toJSONSchema(config, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return { kind, ...BALANCER_SOURCES[kind], description: config.description ?? '', options: options(schema) };
  });
}
