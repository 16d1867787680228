/**
 * A fixed-timeout heartbeat failure detector, one per monitored node.
 *
 * Implements: Akka `DeadlineFailureDetector`
 * (akka-remote/src/main/scala/akka/remote/DeadlineFailureDetector.scala): available while
 * `lastHeartbeat + after > now`, so suspected from `lastHeartbeat + after` on (`now −
 * lastHeartbeat ≥ after`); available before the first heartbeat ("treat unmanaged connections
 * as healthy"). Akka's deadline is acceptable-heartbeat-pause + heartbeat-interval; `after`
 * here is the whole deadline. Reference notes: failure-detection-and-recovery.md (a), B7.
 *
 * Complexity: O(1), no allocation.
 */
import { checkPositive, checkTime } from './_internals/config-checks.js';

export interface HeartbeatTimeoutConfig {
  /** Silence after which the node is suspected (ms). meshsim default 3 s (Akka's pause). */
  after: number;
}

export const DEFAULT_HEARTBEAT_TIMEOUT_CONFIG: Readonly<HeartbeatTimeoutConfig> = Object.freeze({ after: 3_000 });

const OWNER = 'heartbeat timeout detector';

export function resolveHeartbeatTimeoutConfig(partial: Partial<HeartbeatTimeoutConfig> = {}): HeartbeatTimeoutConfig {
  const config: HeartbeatTimeoutConfig = { ...DEFAULT_HEARTBEAT_TIMEOUT_CONFIG, ...partial };
  checkPositive(OWNER, 'after', config.after);
  return config;
}

export class HeartbeatTimeoutDetector {
  readonly config: Readonly<HeartbeatTimeoutConfig>;
  private last = Number.NaN;

  constructor(config: Readonly<HeartbeatTimeoutConfig>) {
    this.config = config;
  }

  heartbeat(now: number): void {
    if (!Number.isNaN(this.last)) checkTime(OWNER, now, this.last);
    this.last = now;
  }

  isAvailable(now: number): boolean {
    return Number.isNaN(this.last) || this.last + this.config.after > now;
  }

  get isMonitoring(): boolean {
    return !Number.isNaN(this.last);
  }

  get lastHeartbeat(): number {
    return this.last;
  }

  /** When the node becomes suspected if no heartbeat arrives; Infinity before the first one. */
  suspicionTime(lastHeartbeat: number = this.last): number {
    return Number.isNaN(lastHeartbeat) ? Infinity : lastHeartbeat + this.config.after;
  }
}
