/**
 * An xDS control plane (istiod) for one service: EndpointSlice writes in, endpoint sets
 * applied at each client sidecar out, through the stages that make propagation delay what
 * it is.
 *
 * Implements, in order (reference notes: discovery-and-control-plane.md §1.4, §2.1, §2.2, §7):
 * 1. Watch: a slice write reaches istiod's informer `informerLag()` after it was written, in
 *    write order (a watch stream is ordered). istiod updates its endpoint index at once and
 *    raises an endpoint (non-full) event.
 * 2. Debounce: push-debouncer.ts (PILOT_DEBOUNCE_AFTER / _MAX, PILOT_ENABLE_EDS_DEBOUNCE).
 * 3. Push: building the push takes `pushTime()` (istiod's `Push`: the push context for a full
 *    push, then enqueueing every connected proxy); the debouncer's in-flight gate is held
 *    until then.
 * 4. Queue and throttle: pilot/pkg/xds/pushqueue.go semantics (push-queue.ts); at most
 *    `throttle` sends run at once (PILOT_PUSH_THROTTLE, a semaphore acquired before a proxy is
 *    dequeued and released when its send ends).
 * 5. Send: generating and writing the proxy's update holds its slot for `sendTime(proxy)`.
 *    The endpoints sent are the endpoint index as it is when the send starts (istiod generates
 *    EDS at send time), so a proxy may receive a newer set than the push that queued it.
 * 6. Delivery: the update is applied at the sidecar `deliveryDelay(proxy)` after the send
 *    ends (transport and Envoy's apply), never before an earlier update to the same proxy
 *    (one ordered gRPC stream per proxy).
 * Unready endpoints are not sent (PILOT_SEND_UNHEALTHY_ENDPOINTS=false): the snapshot a
 * sidecar receives lists every endpoint with its conditions, and sidecar-endpoints.ts routes
 * to the ready ones.
 *
 * Not modelled: several istiod replicas (each proxy is connected to one, so one replica is
 * one control plane), config (full) pushes other than through `configChanged`, xDS ACK/NACK,
 * proxy reconnects, and push-context build cost growing with mesh size (give `pushTime`).
 *
 * Every random duration comes from a function the caller supplies (for the simulator, a
 * sampler on a named stream), so the model draws nothing itself.
 *
 * Complexity: O(log q) per internal step (q pending steps); a push enqueues every proxy, O(p).
 */
import { DueQueue } from '../engine/due-queue.js';
import type { TimedModel } from '../engine/timed-model.js';
import { EMPTY_SNAPSHOT, type EndpointSnapshot } from './endpoint-slice.js';
import { PushDebouncer, type PushDebounceConfig, type PushRequest } from './push-debouncer.js';
import { PushQueue } from './push-queue.js';

/** Duration sources in ms, drawn per use; `proxy` lets the caller keep one stream per sidecar. */
export interface ControlPlaneConfig {
  readonly debounce: PushDebounceConfig;
  /** API server write → istiod's informer. */
  readonly informerLag: () => number;
  /** Debounced push → every proxy enqueued (push context build). */
  readonly pushTime: () => number;
  /** PILOT_PUSH_THROTTLE: concurrent sends. Istio: min(15 + 5·GOMAXPROCS, 100), 25 on 2 cores. */
  readonly throttle: number;
  /** Generating and writing one proxy's update; holds a throttle slot. */
  readonly sendTime: (proxy: number) => number;
  /** Send end → applied at the sidecar. */
  readonly deliveryDelay: (proxy: number) => number;
}

/** One update applied at one sidecar. */
export interface Delivery {
  readonly proxy: number;
  readonly snapshot: EndpointSnapshot;
  /** When the proxy entered the push queue for this send (ms). */
  readonly queuedAt: number;
  /** When the send started (the endpoints were read then) and ended (ms). */
  readonly sendStart: number;
  readonly sendEnd: number;
  /** When the sidecar applied it (ms). */
  readonly appliedAt: number;
}

/** istiod's default throttle for `cores` (GOMAXPROCS): min(15 + 5·cores, 100). */
export function istioPushThrottle(cores: number): number {
  return Math.min(15 + 5 * cores, 100);
}

type Step =
  | { kind: 'informed'; snapshot: EndpointSnapshot }
  | { kind: 'pushed'; debounced: boolean }
  | { kind: 'sent'; proxy: number; snapshot: EndpointSnapshot; queuedAt: number; sendStart: number }
  | { kind: 'applied'; delivery: Delivery };

export class ControlPlane implements TimedModel {
  private readonly debouncer: PushDebouncer;
  private readonly steps = new DueQueue<Step>();
  private readonly queue = new PushQueue();
  private index: EndpointSnapshot = EMPTY_SNAPSHOT;
  private lastInformed = -Infinity;
  private readonly lastApplied: Float64Array;
  private sending = 0;
  private lastTime = -Infinity;
  private readonly stats = { pushes: 0, sends: 0, queueTimeTotal: 0, queueTimeMax: 0 };

  constructor(
    private readonly config: ControlPlaneConfig,
    readonly proxies: number,
    private readonly onApply: (delivery: Delivery) => void,
  ) {
    if (!(Number.isSafeInteger(config.throttle) && config.throttle >= 1)) {
      throw new RangeError(`control plane: throttle must be an integer ≥ 1, got ${config.throttle}`);
    }
    if (!(Number.isSafeInteger(proxies) && proxies >= 0)) throw new RangeError(`control plane: proxies must be an integer ≥ 0, got ${proxies}`);
    this.lastApplied = new Float64Array(proxies).fill(-Infinity);
    this.debouncer = new PushDebouncer(config.debounce, (request, now) => this.startPush(request, now));
  }

  /** Pushes started, sends made, and the push-queue wait (pilot_proxy_queue_time) in ms. */
  get counters(): { pushes: number; events: number; sends: number; meanQueueTime: number; maxQueueTime: number } {
    const { pushes, sends, queueTimeTotal, queueTimeMax } = this.stats;
    return { pushes, events: this.debouncer.counts.events, sends, meanQueueTime: sends > 0 ? queueTimeTotal / sends : 0, maxQueueTime: queueTimeMax };
  }

  /** istiod starts with this slice already in its index (and every proxy already has it). */
  seed(snapshot: EndpointSnapshot): void {
    if (this.index.version !== 0) throw new Error('control plane: seed after the first update');
    this.index = snapshot;
  }

  /** The EndpointSlice controller committed `snapshot` (at `snapshot.writtenAt` ≤ now). */
  sliceWritten(now: number, snapshot: EndpointSnapshot): void {
    this.run(now, false);
    const arrival = Math.max(now + checkDelay('informerLag', this.config.informerLag()), this.lastInformed);
    this.lastInformed = arrival;
    this.steps.push(arrival, { kind: 'informed', snapshot });
  }

  /** A configuration change that needs a full push (a new route or policy, say). */
  configChanged(now: number): void {
    this.run(now, false);
    this.debouncer.event(now, true);
  }

  nextDue(): number {
    return Math.min(this.debouncer.nextDue(), this.steps.peekTime());
  }

  advance(now: number): void {
    this.run(now, true);
  }

  /** Steps due before `now` (and at `now` when `inclusive`), in time order, timers first on ties. */
  private run(now: number, inclusive: boolean): void {
    if (!(now >= this.lastTime)) throw new RangeError(`control plane: time went backwards (${now} after ${this.lastTime})`);
    for (;;) {
      const timer = this.debouncer.nextDue();
      const step = this.steps.peekTime();
      const at = Math.min(timer, step);
      if (inclusive ? at > now : at >= now) break;
      this.lastTime = at;
      if (timer <= step) this.debouncer.advance(at);
      else this.handle(this.steps.popDue(at)!, at);
      this.dispatch(at);
    }
    this.lastTime = now;
  }

  private handle(step: Step, at: number): void {
    switch (step.kind) {
      case 'informed':
        if (step.snapshot.version > this.index.version) this.index = step.snapshot;
        this.debouncer.event(at, false);
        return;
      case 'pushed':
        for (let proxy = 0; proxy < this.proxies; proxy++) this.queue.enqueue(proxy, at);
        if (step.debounced) this.debouncer.pushFinished(at);
        return;
      case 'sent': {
        this.sending--;
        this.queue.markDone(step.proxy);
        const arrival = Math.max(at + checkDelay('deliveryDelay', this.config.deliveryDelay(step.proxy)), this.lastApplied[step.proxy]!);
        this.lastApplied[step.proxy] = arrival;
        const delivery: Delivery = { proxy: step.proxy, snapshot: step.snapshot, queuedAt: step.queuedAt, sendStart: step.sendStart, sendEnd: at, appliedAt: arrival };
        this.steps.push(arrival, { kind: 'applied', delivery });
        return;
      }
      case 'applied':
        this.onApply(step.delivery);
        return;
    }
  }

  private startPush(request: PushRequest, now: number): void {
    this.stats.pushes++;
    this.steps.push(now + checkDelay('pushTime', this.config.pushTime()), { kind: 'pushed', debounced: request.debounced });
  }

  /** Starts sends while throttle slots are free. */
  private dispatch(now: number): void {
    while (this.sending < this.config.throttle) {
      const next = this.queue.dequeue();
      if (next === undefined) return;
      this.sending++;
      const wait = now - next.queuedAt;
      this.stats.sends++;
      this.stats.queueTimeTotal += wait;
      this.stats.queueTimeMax = Math.max(this.stats.queueTimeMax, wait);
      const end = now + checkDelay('sendTime', this.config.sendTime(next.proxy));
      this.steps.push(end, { kind: 'sent', proxy: next.proxy, snapshot: this.index, queuedAt: next.queuedAt, sendStart: now });
    }
  }
}

function checkDelay(name: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) throw new RangeError(`control plane: ${name} gave ${value}, expected a finite duration ≥ 0`);
  return value;
}
