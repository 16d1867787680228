/**
 * From a scenario's `membership` and `discovery` keys to the models of src/membership and
 * src/discovery, each random duration drawn from its own named stream, so adding a stream
 * never shifts another and the same seed gives the same membership timeline whatever the
 * strategy under test.
 *
 * Streams (per replication): `membership/scheduling`, `membership/startup` (and
 * `membership/startup/change-<i>` for a rollout with its own start-up time),
 * `discovery/slice-sync`, `discovery/informer`, `discovery/push`, and per client c
 * `discovery/send/<c>`, `discovery/delivery/<c>`, `discovery/dns-lookup/<c>`, `discovery/dns-phase/<c>`
 * (the client's refresh phase: uniform over its refresh interval).
 *
 * `runMembership` runs the membership on its own (no requests): the scenario's changes at
 * their times, until the scenario's duration, and returns ServiceMembership's report.
 */
import { resolveKubernetesProbeConfig } from '../detect/kubernetes-probe.js';
import { streamFactory, type RngFactory } from '../engine/rng.js';
import { advanceUntil } from '../engine/timed-model.js';
import type { PodTemplate } from '../membership/deployment.js';
import type { IntOrPercent } from '../membership/rollout-math.js';
import { ServiceMembership, type MembershipReport, type ServiceMembershipConfig } from '../membership/service-membership.js';
import { createSampler } from '../model/distributions/index.js';
import { scenarioSchema, type DistributionSpec, type Scenario } from './schema.js';

type Membership = NonNullable<Scenario['membership']>;
type Discovery = NonNullable<Scenario['discovery']>;

// The keys' own defaults: membership without changes, and xDS discovery when `discovery` is left out.
const DEFAULT_MEMBERSHIP: Membership = scenarioSchema.shape.membership.unwrap().parse({});
const DEFAULT_DISCOVERY: Discovery = scenarioSchema.shape.discovery.unwrap().parse({ kind: 'xds' });

/** A duration source on a named stream; 0 when the scenario leaves the delay out. */
function delay(spec: DistributionSpec | undefined, rng: RngFactory, stream: string): () => number {
  if (spec === undefined) return () => 0;
  const sampler = createSampler(spec, rng(stream));
  return () => sampler.sample();
}

function podTemplate(m: Membership, rng: RngFactory, startup: DistributionSpec | undefined, startupStream: string): PodTemplate {
  const t = m.pod.termination;
  const r = m.pod.readiness;
  return {
    schedulingDelay: delay(m.pod.scheduling, rng, 'membership/scheduling'),
    startupTime: delay(startup, rng, startupStream),
    readiness: resolveKubernetesProbeConfig('readiness', r),
    termination: { gracePeriodSeconds: t.gracePeriod / 1000, preStop: t.preStop ?? null, drainTimeout: t.drainTimeout ?? Infinity, exitDelay: t.exitDelay },
  };
}

export function membershipConfig(scenario: Scenario, rng: RngFactory): ServiceMembershipConfig {
  const m = scenario.membership ?? DEFAULT_MEMBERSHIP;
  const d = scenario.discovery ?? DEFAULT_DISCOVERY;
  const clients = scenario.clients.count;
  const slices = { batchPeriod: d.endpointSlice.batchPeriod, syncLatency: delay(d.endpointSlice.syncLatency, rng, 'discovery/slice-sync') };
  const perClient = (spec: DistributionSpec | undefined, name: string) => {
    const sources = Array.from({ length: clients }, (_, c) => delay(spec, rng, `${name}/${c}`));
    return (client: number) => sources[client]!();
  };
  return {
    deployment: {
      // The schema's pattern makes every string a percentage.
      strategy: m.strategy.type === 'Recreate' ? m.strategy : { type: 'RollingUpdate', maxSurge: m.strategy.maxSurge as IntOrPercent, maxUnavailable: m.strategy.maxUnavailable as IntOrPercent },
      minReadySeconds: m.minReadySeconds / 1000,
    },
    template: podTemplate(m, rng, m.pod.startup, 'membership/startup'),
    initialReplicas: scenario.service.instances,
    slices,
    clients,
    // Active health checking runs in the simulation (issue 13, phase 2); membership on its own has none.
    sidecar: { activeHealthChecking: false, ignoreHealthOnHostRemoval: d.ignoreHealthOnHostRemoval },
    discovery:
      d.kind === 'xds'
        ? {
            kind: 'xds',
            controlPlane: {
              debounce: { after: d.debounce.after, max: d.debounce.max, edsDebounce: d.debounce.eds },
              informerLag: delay(d.informerLag, rng, 'discovery/informer'),
              pushTime: delay(d.pushTime, rng, 'discovery/push'),
              throttle: d.throttle,
              sendTime: perClient(d.send, 'discovery/send'),
              deliveryDelay: perClient(d.delivery, 'discovery/delivery'),
            },
          }
        : {
            kind: 'dns',
            server: { ttl: d.ttl / 1000, informerLag: delay(d.informerLag, rng, 'discovery/informer') },
            cache: d.cache === 'none' ? null : { kind: 'clamp', minTtl: d.cache.minTtl / 1000, maxTtl: d.cache.maxTtl / 1000 },
            client:
              d.client.kind === 'strict-dns'
                ? (() => {
                    const { refreshRate, respectDnsTtl, lookupLatency } = d.client;
                    const lookups = Array.from({ length: clients }, (_, c) => delay(lookupLatency, rng, `discovery/dns-lookup/${c}`));
                    return { kind: 'strict-dns' as const, config: (c: number) => ({ refreshRate, respectDnsTtl, lookupLatency: lookups[c]! }) };
                  })()
                : { kind: 'resolver-cache' as const, ttl: d.client.ttl / 1000 },
            phase: (() => {
              const interval = d.client.kind === 'strict-dns' ? d.client.refreshRate : d.client.ttl;
              const phases = Array.from({ length: clients }, (_, c) => rng(`discovery/dns-phase/${c}`).next() * interval);
              return (c: number) => phases[c]!;
            })(),
          },
  };
}

/**
 * The scenario's membership changes in time order (file order at equal times), each as a call
 * on the membership; a rollout with its own start-up time draws it from its own stream.
 */
export function membershipChanges(scenario: Scenario, rng: RngFactory): Array<{ readonly at: number; readonly apply: (world: ServiceMembership) => void }> {
  const m = scenario.membership ?? DEFAULT_MEMBERSHIP;
  return m.changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.at - b.c.at || a.i - b.i)
    .map(({ c, i }) => ({
      at: c.at,
      apply: (world: ServiceMembership) => {
        if (c.kind === 'scale') world.scale(c.at, c.replicas);
        else if (c.kind === 'delete') world.deletePod(c.at, c.pod);
        else world.rollout(c.at, c.startup === undefined ? undefined : podTemplate(m, rng, c.startup, `membership/startup/change-${i}`));
      },
    }));
}

/** Runs replication `replication` of the scenario's membership alone, until its duration. */
export function runMembership(scenario: Scenario, replication = 0): MembershipReport {
  if (scenario.duration === undefined) throw new RangeError('runMembership: the scenario needs a `duration`');
  const rng = streamFactory(scenario.seed, replication);
  const world = new ServiceMembership(membershipConfig(scenario, rng), 0);
  for (const change of membershipChanges(scenario, rng)) {
    if (change.at > scenario.duration) break;
    advanceUntil(world, change.at);
    change.apply(world);
  }
  advanceUntil(world, scenario.duration);
  return world.report();
}
