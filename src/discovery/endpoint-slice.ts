/**
 * What discovery passes around: the endpoints of one service as the Kubernetes API publishes
 * them (EndpointSlice conditions, KEP-1672), a version for every write, and the pod
 * transitions each write carries, so that propagation can be measured per change.
 */

/** One endpoint of an EndpointSlice (discovery.k8s.io/v1 `EndpointConditions`). */
export interface SliceEndpoint {
  /** The pod (and instance) id. */
  readonly id: number;
  /** Pod Ready and not terminating: the only endpoints a client should route new work to. */
  readonly ready: boolean;
  /** Pod Ready, whether terminating or not (KEP-1672). */
  readonly serving: boolean;
  /** The pod has a deletion timestamp. */
  readonly terminating: boolean;
}

/** Why a pod's endpoint changed; `at` is the pod transition that triggered it (ms). */
export interface EndpointChange {
  readonly id: number;
  readonly kind: EndpointChangeKind;
  readonly at: number;
}

export type EndpointChangeKind =
  /** Became ready (new pod Ready, or Ready again): clients may route to it. */
  | 'ready'
  /** Stopped being ready while the pod lives on (readiness probe failed). */
  | 'unready'
  /** The pod was deleted (deletion timestamp): ready turns false, terminating true. */
  | 'terminating'
  /** The endpoint left the slice (the pod object is gone). */
  | 'removed';

/**
 * One write of the service's endpoints. `version` increases with every write (the slice's
 * resourceVersion); `changes` lists the transitions since the previous write, oldest first
 * (`triggerTime` is the oldest, Kubernetes' `endpoints.kubernetes.io/last-change-trigger-time`).
 */
export interface EndpointSnapshot {
  readonly version: number;
  readonly endpoints: readonly SliceEndpoint[];
  readonly changes: readonly EndpointChange[];
  /** When the write was committed to the API server (ms). */
  readonly writtenAt: number;
  /** Oldest pod transition in `changes` (ms); the write time when there is none. */
  readonly triggerTime: number;
}

/** The ids of the endpoints a client should send new requests to, ascending. */
export function readyIds(snapshot: EndpointSnapshot): number[] {
  return snapshot.endpoints.filter((e) => e.ready).map((e) => e.id);
}

/** The empty service before its first write (version 0). */
export const EMPTY_SNAPSHOT: EndpointSnapshot = Object.freeze({
  version: 0,
  endpoints: Object.freeze([]) as readonly SliceEndpoint[],
  changes: Object.freeze([]) as readonly EndpointChange[],
  writtenAt: 0,
  triggerTime: 0,
});
