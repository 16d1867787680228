/**
 * Helpers for the consistent-hashing tests: 64-bit hashes as BigInt ↔ 32-bit halves, Envoy's
 * test hosts (`127.0.0.1:<port>` keys), and key → host assignments.
 */
import type { Balancer, Endpoint } from '../../src/balancers/types.js';

export const UINT64_MAX = 2n ** 64n - 1n;

export function halves(hash: bigint): [number, number] {
  return [Number(hash >> 32n), Number(hash & 0xffffffffn)];
}

/** A balancer that can be asked by raw 64-bit hash (Envoy tests pass the hash directly). */
export interface PicksByHash extends Balancer {
  pickByHash(hashHi: number, hashLo: number): number;
}

export function pickByBigHash(balancer: PicksByHash, hash: bigint): number {
  const [hi, lo] = halves(hash);
  return balancer.pickByHash(hi, lo);
}

/** Envoy test hosts: ids 0 … n−1 standing for ports; keyed `127.0.0.1:<port>` or by hostname `<port>`. */
export interface PortEndpoint extends Endpoint {
  readonly port: number;
}

export function portEndpoints(ports: readonly number[], weights: readonly number[] = ports.map(() => 1)): PortEndpoint[] {
  return ports.map((port, id) => ({ id, port, weight: weights[id]!, zone: 'zone-a' }));
}

export const byAddress = (endpoint: Endpoint): string => `127.0.0.1:${(endpoint as PortEndpoint).port}`;
export const byHostname = (endpoint: Endpoint): string => `${(endpoint as PortEndpoint).port}`;

/** The host of every key 0 … keys−1. */
export function assignKeys(balancer: Balancer, keys: number): Int32Array {
  const hosts = new Int32Array(keys);
  const ctx = { key: 0 };
  for (let key = 0; key < keys; key++) {
    ctx.key = key;
    hosts[key] = balancer.pick(ctx);
  }
  return hosts;
}

/** Keys per host id. */
export function countByHost(assignment: Int32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of assignment) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** How the keys moved between two assignments, relative to a removed host. */
export function movement(before: Int32Array, after: Int32Array, removed: number): { moved: number; removedShare: number; movedElsewhere: number } {
  let moved = 0;
  let onRemoved = 0;
  let movedElsewhere = 0;
  for (let key = 0; key < before.length; key++) {
    if (before[key] === removed) onRemoved++;
    if (after[key] !== before[key]) {
      moved++;
      if (before[key] !== removed) movedElsewhere++;
    }
  }
  const total = before.length;
  return { moved: moved / total, removedShare: onRemoved / total, movedElsewhere: movedElsewhere / total };
}
