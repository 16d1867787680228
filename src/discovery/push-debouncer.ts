/**
 * istiod's push debounce: configuration and endpoint events are merged and pushed once the
 * stream has been quiet for `after`, or once the oldest event of the window is `max` old.
 *
 * Implements: `debounce` in istio pilot/pkg/xds/discovery.go with PILOT_DEBOUNCE_AFTER
 * (100 ms), PILOT_DEBOUNCE_MAX (10 s) and PILOT_ENABLE_EDS_DEBOUNCE (true)
 * (pilot/pkg/features/tuning.go; reference notes: discovery-and-control-plane.md §1.4, §2.2).
 *
 * Variant, exactly:
 * - An endpoint-only (non-full) event with EDS debounce off is pushed at once, outside the
 *   debouncer and its in-flight gate (Istio starts `pushFn` in a goroutine).
 * - Otherwise the event is merged into the pending request (full wins) and stamps the last
 *   update time; the first event of a window also stamps the window start and arms the one
 *   timer at `now + after` (replacing any timer still armed).
 * - `pushWorker` (run when the timer fires while no push is in flight, and whenever a push
 *   finishes): if the window is `max` old or the stream has been quiet for `after`, the
 *   pending request, if any, is pushed and a new window begins; otherwise the timer is
 *   re-armed for the rest of the quiet period.
 * - A timer that fires while a push is in flight does nothing: the end of that push runs the
 *   worker. At most one debounced push is in flight. The caller reports the end of each push
 *   with `pushFinished` (istiod's `freeCh`), after building the push context and enqueueing
 *   every proxy.
 * - Go's `select` picks at random among ready channels; here a timer due before an input
 *   fires first, an input at the timer's very instant goes first (so the timer sees it), and
 *   inputs are handled in the order the caller makes them.
 *
 * Bounds (checked in test/discovery/push-debouncer.test.ts): a debounced push carries only
 * events at least `after` old unless the window is `max` old; the window (first event to
 * push) lasts at most `max + after`, plus the rest of a push in flight (the re-armed timer
 * fires at most `after` past the `max` mark, which the reference's "max plus the push in
 * flight" leaves out); pushes never outnumber events.
 *
 * Complexity: O(1) per event and per timer, apart from the merged event list.
 */
import type { TimedModel } from '../engine/timed-model.js';

export interface PushDebounceConfig {
  /** PILOT_DEBOUNCE_AFTER (ms): quiet time before a push. Istio 100 ms. */
  readonly after: number;
  /** PILOT_DEBOUNCE_MAX (ms): a window is pushed once its first event is this old. Istio 10 s. */
  readonly max: number;
  /** PILOT_ENABLE_EDS_DEBOUNCE: endpoint-only events are debounced too. Istio true. */
  readonly edsDebounce: boolean;
}

export const ISTIO_PUSH_DEBOUNCE: PushDebounceConfig = Object.freeze({ after: 100, max: 10_000, edsDebounce: true });

/** One push: the merged events (istiod's `PushRequest.Merge`). */
export interface PushRequest {
  /** Some merged event needs a full push (rebuilds the push context); else endpoints only. */
  readonly full: boolean;
  /** Arrival times of the merged events, in order. */
  readonly eventTimes: readonly number[];
  /** Whether the debouncer held it (false: an EDS event pushed at once, debounce off). */
  readonly debounced: boolean;
}

export class PushDebouncer implements TimedModel {
  private pending: { full: boolean; eventTimes: number[] } | null = null;
  private debouncedEvents = 0;
  private windowStart = -Infinity;
  private lastUpdate = -Infinity;
  private timerAt = Infinity;
  private free = true;
  private lastTime = -Infinity;
  private pushes = 0;
  private events = 0;

  constructor(
    readonly config: PushDebounceConfig,
    private readonly onPush: (request: PushRequest, now: number) => void,
  ) {
    if (!(config.after >= 0 && Number.isFinite(config.after))) throw new RangeError(`push debounce: after must be a finite number ≥ 0, got ${config.after}`);
    if (!(config.max >= 0 && Number.isFinite(config.max))) throw new RangeError(`push debounce: max must be a finite number ≥ 0, got ${config.max}`);
  }

  /** Pushes started (debounced or not) and events received so far. */
  get counts(): { pushes: number; events: number } {
    return { pushes: this.pushes, events: this.events };
  }

  /** A debounced push is in flight (istiod's `free == false`). */
  get pushInFlight(): boolean {
    return !this.free;
  }

  /** A configuration (`full`) or endpoint event reaches the debouncer at `now`. */
  event(now: number, full: boolean): void {
    this.run(now, false);
    this.events++;
    if (!full && !this.config.edsDebounce) {
      this.pushes++;
      this.onPush({ full: false, eventTimes: [now], debounced: false }, now);
      return;
    }
    this.lastUpdate = now;
    if (this.debouncedEvents === 0) {
      this.timerAt = now + this.config.after;
      this.windowStart = now;
    }
    this.debouncedEvents++;
    if (this.pending === null) this.pending = { full, eventTimes: [now] };
    else {
      this.pending.full ||= full;
      this.pending.eventTimes.push(now);
    }
  }

  /** The debounced push started last has finished (istiod's `freeCh`). */
  pushFinished(now: number): void {
    this.run(now, false);
    if (this.free) throw new Error('push debounce: pushFinished without a push in flight');
    this.free = true;
    this.pushWorker(now);
  }

  nextDue(): number {
    return this.timerAt;
  }

  advance(now: number): void {
    this.run(now, true);
  }

  private run(now: number, inclusive: boolean): void {
    this.tick(now);
    while (inclusive ? this.timerAt <= now : this.timerAt < now) {
      const at = this.timerAt;
      this.timerAt = Infinity;
      if (this.free) this.pushWorker(at);
    }
  }

  private pushWorker(now: number): void {
    // Compared as instants rather than as Go's elapsed durations, so that the re-armed timer
    // (`lastUpdate + after`) is always strictly later than `now` in floating point.
    const quiet = this.lastUpdate + this.config.after;
    if (now >= this.windowStart + this.config.max || now >= quiet) {
      if (this.pending !== null) {
        const request: PushRequest = { full: this.pending.full, eventTimes: this.pending.eventTimes, debounced: true };
        this.free = false;
        this.pending = null;
        this.debouncedEvents = 0;
        this.pushes++;
        this.onPush(request, now);
      }
    } else {
      this.timerAt = quiet;
    }
  }

  private tick(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`push debounce: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
  }
}
