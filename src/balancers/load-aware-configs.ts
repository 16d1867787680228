/**
 * Configuration schemas of the load-aware production balancers (Linkerd/tower, Finagle, NGINX,
 * HAProxy). configs.ts adds them to the `balancerConfig` union; they live here so each stays
 * next to its siblings and the shared file only lists them.
 *
 * Naming: Envoy's algorithms keep Envoy's own names (`round_robin`, `least_request`); every
 * other proxy's algorithm is `<proxy>_<its name in that proxy>` (`finagle_aperture`,
 * `nginx_least_conn`, `haproxy_leastconn`), so two proxies' "least connections" never share a
 * kind and a user sees whose semantics they get. `peak_ewma` is Linkerd's (tower's), the
 * original that Envoy's contrib PR and HAProxy's feature request ask for; Finagle's variant is
 * `finagle_peak_ewma`. Option names are the source's own, with units spelled out (`decayMs`).
 */
import { z } from 'zod';
import { FINAGLE_DECAY_MS, LINKERD_DECAY_MS, LINKERD_DEFAULT_RTT_MS } from '../load/peak-ewma.js';

/** Finagle `PanicMode.FiftyPercentUnhealthy`, the default `PanicMode` param (maxEffort 4). */
export const FINAGLE_DEFAULT_MAX_EFFORT = 4;

const maxEffort = z
  .int()
  .min(0)
  .default(FINAGLE_DEFAULT_MAX_EFFORT)
  .describe(
    'Finagle PanicMode maxEffort: P2C picks that may return an unhealthy node before the balancer panics and ' +
      'sends to the last pick anyway (4 = FiftyPercentUnhealthy, the default; 5 = MajorityUnhealthy, the old Balancers.MaxEffort)',
  );

export const peakEwmaConfig = z
  .strictObject({
    kind: z.literal('peak_ewma'),
    defaultRttMs: z
      .number()
      .positive()
      .default(LINKERD_DEFAULT_RTT_MS)
      .describe('tower default_rtt: RTT estimate of an endpoint with no samples (Linkerd EWMA_DEFAULT_RTT = 30 ms)'),
    decayMs: z
      .number()
      .positive()
      .default(LINKERD_DECAY_MS)
      .describe('tower decay: time constant of the RTT estimate (Linkerd EWMA_DECAY = 10 s)'),
  })
  .describe('Linkerd / tower P2C over two distinct endpoints, cost = peak-EWMA RTT × (pending + 1)');

export const finagleP2cConfig = z
  .strictObject({
    kind: z.literal('finagle_p2c'),
    maxEffort,
  })
  .describe('Finagle Balancers.p2c(): P2C least loaded (outstanding requests), two distinct nodes, re-picks while unhealthy');

export const finaglePeakEwmaConfig = z
  .strictObject({
    kind: z.literal('finagle_peak_ewma'),
    decayMs: z.number().positive().default(FINAGLE_DECAY_MS).describe('Finagle decayTime (default 10 s)'),
    maxEffort,
  })
  .describe('Finagle Balancers.p2cPeakEwma(): P2C on peak-EWMA cost with the new-host penalty');

export const finagleApertureConfig = z
  .strictObject({
    kind: z.literal('finagle_aperture'),
    load: z
      .enum(['least_loaded', 'peak_ewma'])
      .default('least_loaded')
      .describe('node load metric: Balancers.aperture() (outstanding requests) or Balancers.aperturePeakEwma()'),
    smoothWinMs: z
      .number()
      .positive()
      .default(15_000)
      .describe('Finagle smoothWin: EWMA window of the offered load (and, for peak_ewma, its decay time)'),
    lowLoad: z.number().nonnegative().default(0.875).describe('Finagle lowLoad: narrow the aperture at or below this load per node'),
    highLoad: z.number().positive().default(1.125).describe('Finagle highLoad: widen the aperture at or above this load per node'),
    minAperture: z.int().min(1).default(1).describe('Finagle minAperture (capped at the number of endpoints)'),
    maxEffort,
  })
  .refine((c) => c.lowLoad < c.highLoad, { message: 'lowLoad below highLoad', path: ['lowLoad'] })
  .describe('Finagle random aperture: P2C within a load-band-sized window of a per-client random order');

export const nginxLeastConnConfig = z
  .strictObject({
    kind: z.literal('nginx_least_conn'),
  })
  .describe('NGINX least_conn: fewest connections per weight, ties by smooth weighted round robin');

export const nginxRandomTwoConfig = z
  .strictObject({
    kind: z.literal('nginx_random_two'),
  })
  .describe('NGINX random two least_conn: two distinct weighted draws, fewer connections per weight wins');

export const haproxyLeastconnConfig = z
  .strictObject({
    kind: z.literal('haproxy_leastconn'),
  })
  .describe('HAProxy balance leastconn: lowest (in-flight + 1) / weight key, idle servers first, rotation among equal keys');

export const haproxyRandomConfig = z
  .strictObject({
    kind: z.literal('haproxy_random'),
    draws: z.int().min(1).default(2).describe('HAProxy random(<draws>): servers drawn, the least loaded per weight kept'),
  })
  .describe('HAProxy balance random(<draws>): draws on the weighted consistent-hash ring, least served per weight wins');

export const haproxyFirstConfig = z
  .strictObject({
    kind: z.literal('haproxy_first'),
    maxconn: z.int().min(1).describe('HAProxy server maxconn: in-flight requests a server takes before the next one is used'),
    whenFull: z
      .enum(['least_loaded', 'reject'])
      .default('least_loaded')
      .describe(
        'when every server is at maxconn HAProxy queues at the backend; least_loaded sends to the server with the ' +
          'fewest in-flight requests instead (it queues there), reject returns no endpoint',
      ),
  })
  .describe('HAProxy balance first: lowest server id below its maxconn; weights ignored');

/** In documentation order; configs.ts appends them to the union. */
export const loadAwareBalancerConfigs = [
  peakEwmaConfig,
  finagleP2cConfig,
  finaglePeakEwmaConfig,
  finagleApertureConfig,
  nginxLeastConnConfig,
  nginxRandomTwoConfig,
  haproxyLeastconnConfig,
  haproxyRandomConfig,
  haproxyFirstConfig,
] as const;

export type PeakEwmaConfig = z.output<typeof peakEwmaConfig>;
export type FinagleP2cConfig = z.output<typeof finagleP2cConfig>;
export type FinaglePeakEwmaConfig = z.output<typeof finaglePeakEwmaConfig>;
export type FinagleApertureConfig = z.output<typeof finagleApertureConfig>;
export type NginxLeastConnConfig = z.output<typeof nginxLeastConnConfig>;
export type NginxRandomTwoConfig = z.output<typeof nginxRandomTwoConfig>;
export type HaproxyLeastconnConfig = z.output<typeof haproxyLeastconnConfig>;
export type HaproxyRandomConfig = z.output<typeof haproxyRandomConfig>;
export type HaproxyFirstConfig = z.output<typeof haproxyFirstConfig>;
export type LoadAwareBalancerConfig = z.output<(typeof loadAwareBalancerConfigs)[number]>;
