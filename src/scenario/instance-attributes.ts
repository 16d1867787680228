/**
 * The static attributes of each service instance after `service.overrides` are applied: what
 * instances.csv and sweep cells report beside the requests each instance served. Overrides
 * apply in file order, later ones winning, exactly as the simulation applies them.
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

export function instanceAttributes(scenario: Scenario): InstanceAttributes[] {
  const { instances, zone, overrides } = scenario.service;
  const table: InstanceAttributes[] = Array.from({ length: instances }, (_, instance) => ({
    instance,
    speed: 1,
    weight: 1,
    zone,
  }));
  for (const o of overrides) {
    for (const id of o.instances ?? (o.instance === undefined ? [] : [o.instance])) {
      const row = table[id];
      if (row === undefined) continue;
      if (o.speed !== undefined) row.speed = o.speed;
      if (o.weight !== undefined) row.weight = o.weight;
      if (o.zone !== undefined) row.zone = o.zone;
    }
  }
  return table;
}
