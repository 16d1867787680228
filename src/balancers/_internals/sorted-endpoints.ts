/**
 * Endpoint lists kept in ascending id order under incremental updates: the host lists of
 * Envoy's host sources (envoy-host-selection/) and of `endpointUpdater`.
 *
 * Complexity: position O(log n) by binary search; an insertion or removal moves the later
 * entries (a splice), O(n) pointer moves and no other allocation.
 */
import type { Endpoint } from '../types.js';

/** The index of `id` in `list` (ascending ids), or −(insertion point) − 1. */
export function searchById(list: readonly Endpoint[], id: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = list[mid]!.id;
    if (at < id) low = mid + 1;
    else if (at > id) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

/** Puts `endpoint` in its place, replacing the entry with its id if there is one. */
export function upsertById(list: Endpoint[], endpoint: Endpoint): void {
  const index = searchById(list, endpoint.id);
  if (index >= 0) list[index] = endpoint;
  else list.splice(-index - 1, 0, endpoint);
}

/** Removes the entry with `id`; returns whether there was one. */
export function removeById(list: Endpoint[], id: number): boolean {
  const index = searchById(list, id);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

/** Whether the list's ids ascend strictly. */
export function isSortedById(list: readonly Endpoint[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.id <= list[i - 1]!.id) return false;
  return true;
}

/** A copy in ascending id order. */
export function sortedById(list: readonly Endpoint[]): Endpoint[] {
  return isSortedById(list) ? [...list] : [...list].sort((a, b) => a.id - b.id);
}
