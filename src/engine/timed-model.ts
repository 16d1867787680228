/**
 * The contract of meshsim's timed models (control plane, DNS, pods, Deployment, autoscalers):
 * plain state machines with timers of their own but no event loop. The caller asks when a
 * model next needs time (`nextDue`), and advances it to that instant (`advance`) from its own
 * event loop, a test, or a notebook. Inputs arrive as method calls that carry `now`.
 *
 * A model processes everything due at or before `now` in (time, arrival) order, so the
 * outcome never depends on how the caller batches its calls: advancing to 10 s at once or in
 * steps gives the same states and the same outputs.
 */
export interface TimedModel {
  /** The earliest time at which the model has work to do; Infinity when it waits for input. */
  nextDue(): number;
  /** Processes all work due at or before `now` (ms); `now` never decreases. */
  advance(now: number): void;
}

/**
 * Advances `model` through every due time up to and including `until`, then to `until`
 * itself. Returns the number of steps taken; throws if the model keeps asking for the same
 * instant (a model that never makes progress is a bug, not a hang).
 */
export function advanceUntil(model: TimedModel, until: number, maxStepsAtOneTime = 1_000_000): number {
  let steps = 0;
  let last = -Infinity;
  let sameTime = 0;
  for (let due = model.nextDue(); due <= until; due = model.nextDue()) {
    sameTime = due === last ? sameTime + 1 : 0;
    if (sameTime > maxStepsAtOneTime) throw new Error(`timed model makes no progress at t=${due} ms`);
    last = due;
    model.advance(due);
    steps++;
  }
  model.advance(until);
  return steps;
}

/**
 * Several models driven as one: `advance(now)` steps through the members' due times in
 * order, each time advancing only the members due then (in the order given), so models that
 * call one another (a DNS server read by many clients, say) always see time move forward.
 */
export class TimedGroup implements TimedModel {
  constructor(private readonly members: readonly TimedModel[]) {}

  nextDue(): number {
    let due = Infinity;
    for (const m of this.members) due = Math.min(due, m.nextDue());
    return due;
  }

  advance(now: number): void {
    for (let due = this.nextDue(); due <= now; due = this.nextDue()) {
      for (const m of this.members) if (m.nextDue() <= due) m.advance(due);
    }
    for (const m of this.members) m.advance(now);
  }
}
