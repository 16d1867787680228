/**
 * The static attributes of each service instance after `service.overrides` are applied: what
 * the simulation builds its instances and endpoints from, and what instances.csv and sweep
 * cells report beside the requests each instance served. Overrides apply in file order, later
 * ones winning.
 */
import type { Scenario } from './schema.js';

export interface InstanceAttributes {
  instance: number;
  /** Service-rate multiplier (0.5 serves at half speed). */
  speed: number;
  /** Load-balancing weight. */
  weight: number;
  zone: string;
}

/** Everything the simulation needs of an instance: the reported attributes and its priority. */
export interface InstanceConfig extends InstanceAttributes {
  /** Envoy priority level (0, the default, is the highest). */
  priority: number;
}

/** What instances.csv and sweep cells report of each instance. */
export function instanceAttributes(scenario: Scenario): InstanceAttributes[] {
  return instanceConfigs(scenario).map(({ instance, speed, weight, zone }) => ({ instance, speed, weight, zone }));
}

/** Each instance as the simulation builds it. */
export function instanceConfigs(scenario: Scenario): InstanceConfig[] {
  const { instances, zone, overrides } = scenario.service;
  const table: InstanceConfig[] = Array.from({ length: instances }, (_, instance) => ({
    instance,
    speed: 1,
    weight: 1,
    zone,
    priority: 0,
  }));
  for (const o of overrides) {
    for (const id of o.instances ?? (o.instance === undefined ? [] : [o.instance])) {
      const row = table[id];
      if (row === undefined) continue;
      if (o.speed !== undefined) row.speed = o.speed;
      if (o.weight !== undefined) row.weight = o.weight;
      if (o.zone !== undefined) row.zone = o.zone;
      if (o.priority !== undefined) row.priority = o.priority;
    }
  }
  return table;
}
