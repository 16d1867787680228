/**
 * The endpoints the balancers are given: one per instance, with the weight, zone and priority
 * the scenario's overrides set (src/scenario/instance-attributes.ts applies them).
 */
import type { Endpoint } from '../balancers/types.js';
import type { InstanceConfig } from '../scenario/instance-attributes.js';

export function endpointsOf(instances: readonly InstanceConfig[]): Endpoint[] {
  return instances.map((i) => ({ id: i.instance, weight: i.weight, zone: i.zone, priority: i.priority }));
}
