/**
 * Configuration schemas of the balancers driven by feedback that only the caller's responses
 * or the simulator can supply: backend load reports (gRPC `weighted_round_robin`), the true
 * queue lengths (JSQ) and idle announcements (JIQ). configs.ts adds them to the
 * `balancerConfig` union.
 *
 * `jsq` and `jiq` are research references, not production balancers: JSQ needs global
 * knowledge no proxy has, and JIQ needs servers that announce themselves idle.
 */
import { z } from 'zod';

/** gRFC A58 / grpc-java `WeightedRoundRobinLoadBalancerConfig.Builder` defaults. */
export const GRPC_WRR_DEFAULTS = {
  blackoutPeriodMs: 10_000,
  weightExpirationPeriodMs: 180_000,
  weightUpdatePeriodMs: 1_000,
  errorUtilizationPenalty: 1,
  enableOobLoadReport: false,
  oobReportingPeriodMs: 10_000,
} as const;

/** gRPC raises a weight update period below 100 ms to 100 ms. */
export const GRPC_WRR_MIN_UPDATE_PERIOD_MS = 100;

export const grpcWeightedRoundRobinConfig = z
  .strictObject({
    kind: z.literal('grpc_weighted_round_robin'),
    blackoutPeriodMs: z
      .number()
      .nonnegative()
      .default(GRPC_WRR_DEFAULTS.blackoutPeriodMs)
      .describe('gRPC blackout_period: a new weight counts only after reports have come in for this long (0 disables)'),
    weightExpirationPeriodMs: z
      .number()
      .positive()
      .default(GRPC_WRR_DEFAULTS.weightExpirationPeriodMs)
      .describe('gRPC weight_expiration_period: a weight without a report for this long is forgotten (3 min)'),
    weightUpdatePeriodMs: z
      .number()
      .positive()
      .default(GRPC_WRR_DEFAULTS.weightUpdatePeriodMs)
      .describe('gRPC weight_update_period: how often the scheduler is rebuilt from the weights (1 s; at least 100 ms)'),
    errorUtilizationPenalty: z
      .number()
      .nonnegative()
      .default(GRPC_WRR_DEFAULTS.errorUtilizationPenalty)
      .describe('gRPC error_utilization_penalty: weight = qps / (utilization + eps/qps × penalty)'),
    enableOobLoadReport: z
      .boolean()
      .default(GRPC_WRR_DEFAULTS.enableOobLoadReport)
      .describe('gRPC enable_oob_load_report: take one report per endpoint per oobReportingPeriodMs instead of every response'),
    oobReportingPeriodMs: z
      .number()
      .positive()
      .default(GRPC_WRR_DEFAULTS.oobReportingPeriodMs)
      .describe('gRPC oob_reporting_period (10 s)'),
  })
  .describe('gRPC weighted_round_robin (gRFC A58): weights from backend load reports, static stride scheduler');

export const jsqConfig = z
  .strictObject({ kind: z.literal('jsq') })
  .describe(
    'RESEARCH REFERENCE, not a production balancer: join the shortest queue, reading every instance\'s true queue length (global knowledge no proxy has)',
  );

export const jiqConfig = z
  .strictObject({ kind: z.literal('jiq') })
  .describe(
    'RESEARCH REFERENCE, not a production balancer: join-idle-queue (Lu et al. 2011), an idle instance from this client\'s I-queue, else a random one',
  );

export type GrpcWeightedRoundRobinConfig = z.output<typeof grpcWeightedRoundRobinConfig>;
export type JsqConfig = z.output<typeof jsqConfig>;
export type JiqConfig = z.output<typeof jiqConfig>;

/** `grpc_weighted_round_robin`, with the options that differ from gRPC's defaults appended. */
export function grpcWeightedRoundRobinLabel(config: GrpcWeightedRoundRobinConfig): string {
  const parts: string[] = [];
  const named = [
    ['blackout', 'blackoutPeriodMs', 'ms'],
    ['expiration', 'weightExpirationPeriodMs', 'ms'],
    ['update', 'weightUpdatePeriodMs', 'ms'],
    ['penalty', 'errorUtilizationPenalty', ''],
  ] as const;
  for (const [label, key, unit] of named) {
    if (config[key] !== GRPC_WRR_DEFAULTS[key]) parts.push(`${label}=${config[key]}${unit}`);
  }
  if (config.enableOobLoadReport) parts.push(`oob=${config.oobReportingPeriodMs}ms`);
  return parts.length === 0 ? config.kind : `${config.kind}(${parts.join(',')})`;
}

/** Research references carry their status in every label, so no chart passes them off as production. */
export function researchLabel(config: JsqConfig | JiqConfig): string {
  return `${config.kind}(research)`;
}
