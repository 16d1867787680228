/**
 * Fault injection and the supervisor: when the scenario's faults start and end, what each
 * does to its instance (through Instances), and how a crashed instance comes back (Kubernetes
 * CrashLoopBackOff delays, then the startup time).
 *
 * - Scheduled faults are episodes (fault-schedule.ts); `random` faults recur per instance
 *   (MTTF, MTTR) while requests arrive. No new fault starts once the run only drains.
 * - crash: the process dies (every attempt it holds is reset) and stays down until the
 *   supervisor restarts it, not before the episode's end; crashloop: each start crashes again
 *   after `uptime` while the episode lasts; hang: in-service attempts freeze until the
 *   episode ends; slow, errors, partitions: per-instance flags for the episode's span.
 * - A restart waits `recovery.nextRestart` (CrashLoopBackOff), then `restart.startupTime`.
 * - Every start, end, crash and restart goes to the FaultTracker (events.csv, detection and
 *   recovery metrics); detectors learn when an instance goes down or comes up.
 *
 * Singleton timers (restart, started, crashloop) are identified by their due time: an event
 * whose time no longer matches the instance's pending timer is stale and ignored.
 *
 * Complexity: O(1) per fault event besides the instance's own reset (Instances.crash).
 */
import type { TieredEventQueue } from '../engine/event-queue.js';
import type { RngFactory } from '../engine/rng.js';
import type { Scenario } from '../scenario/schema.js';
import type { Clock } from './clock.js';
import type { Detectors } from './detectors.js';
import { EV_CRASHLOOP, EV_FAULT_END, EV_FAULT_START, EV_RESTART, EV_STARTED } from './event-kinds.js';
import { RandomFaults, scheduledEpisodes, type FaultEpisode } from './fault-schedule.js';
import type { FaultTracker } from './fault-tracker.js';
import type { HealthViews } from './health-views.js';
import { DOWN, UP, type Instances } from './instances.js';
import type { RecoveryPolicies } from './recovery-policies.js';

export class FaultInjection {
  private readonly episodes: FaultEpisode[] = [];
  /** Per episode, the tracker's fault id for episodes whose end closes a fault; -1 otherwise. */
  private readonly episodeFault: number[] = [];
  private readonly randomFaults: RandomFaults;
  /** Open fault ids per instance for crash/hang episodes that end with a restart or resume. */
  private readonly openCrash: Int32Array;
  private readonly openHang: Int32Array;
  private readonly crashloopUptime: Float64Array;
  private readonly crashloopUntil: Float64Array;
  /** Expected time of each instance's pending singleton timers (restart, started, crashloop). */
  private readonly restartAt: Float64Array;
  private readonly startedAt: Float64Array;
  private readonly crashloopAt: Float64Array;
  private readonly downUntil: Float64Array;
  restarts = 0;
  /** Set by the event loop once the last request has arrived: from then on the run only drains. */
  arrivalsDone = false;
  private detectors: Detectors | null = null;

  constructor(
    private readonly scenario: Scenario,
    streams: RngFactory,
    private readonly instances: Instances,
    private readonly clock: Clock,
    private readonly queue: TieredEventQueue,
    private readonly tracker: FaultTracker,
    private readonly health: HealthViews,
    private readonly recovery: RecoveryPolicies,
    /** Called after an instance went down, came up, froze or resumed (the time series). */
    private readonly onClusterChange: () => void,
  ) {
    const n = scenario.service.instances;
    this.randomFaults = new RandomFaults(scenario, streams);
    this.openCrash = new Int32Array(n).fill(-1);
    this.openHang = new Int32Array(n).fill(-1);
    this.crashloopUptime = new Float64Array(n);
    this.crashloopUntil = new Float64Array(n).fill(-Infinity);
    this.restartAt = new Float64Array(n).fill(NaN);
    this.startedAt = new Float64Array(n).fill(NaN);
    this.crashloopAt = new Float64Array(n).fill(NaN);
    this.downUntil = new Float64Array(n).fill(-Infinity);
  }

  /** The detectors to tell when instances go down and come up (built after the faults). */
  connect(detectors: Detectors): void {
    this.detectors = detectors;
  }

  /** Schedules the scenario's fault episodes and the first random faults. */
  start(): void {
    for (const episode of [...scheduledEpisodes(this.scenario), ...this.randomFaults.firstEpisodes()]) this.addEpisode(episode);
  }

  /** Handles a fault event (kinds EV_FAULT_START … EV_CRASHLOOP) popped at `time`. */
  handle(kind: number, target: number, time: number): void {
    switch (kind) {
      case EV_FAULT_START:
        this.startEpisode(target);
        break;
      case EV_FAULT_END:
        this.endEpisode(target);
        break;
      case EV_RESTART:
        if (this.restartAt[target] === time) this.beginStartup(target);
        break;
      case EV_STARTED:
        if (this.startedAt[target] === time) this.finishStartup(target);
        break;
      case EV_CRASHLOOP:
        if (this.crashloopAt[target] === time) this.crash(target, 'crashloop');
        break;
      default:
        throw new Error(`internal error: unknown fault event kind ${kind} at t=${time}ms`);
    }
  }

  /**
   * The process dies: every attempt at the instance (in service or queued) is reset, new
   * connections are refused until the supervisor has restarted it.
   */
  crash(i: number, cause: string): void {
    const instances = this.instances;
    if (instances.state[i] !== UP) return;
    const now = this.clock.now;
    this.tracker.log(now, 'crash', i, -1, cause);
    if (this.openHang[i]! >= 0) {
      this.tracker.faultEnded(now, this.openHang[i]!);
      this.openHang[i] = -1;
    }
    if (this.openCrash[i]! < 0) this.openCrash[i] = this.tracker.faultStarted(now, i, cause === 'crashloop' ? 'crashloop' : 'crash', cause);
    this.crashloopAt[i] = NaN;
    instances.crash(i);
    this.detectors!.instanceDown(i);
    this.onClusterChange();
    this.scheduleRestart(i);
  }

  private addEpisode(episode: FaultEpisode): void {
    const id = this.episodes.length;
    this.episodes.push(episode);
    this.episodeFault.push(-1);
    this.queue.push(episode.start, EV_FAULT_START, id);
  }

  private startEpisode(id: number): void {
    const episode = this.episodes[id]!;
    if (this.arrivalsDone) return; // no new faults while the run only drains
    const i = episode.instance;
    const now = this.clock.now;
    const instances = this.instances;
    if (episode.end !== Infinity) this.queue.push(Math.max(episode.end, now), EV_FAULT_END, id);
    switch (episode.mode) {
      case 'crash':
        this.downUntil[i] = Math.max(this.downUntil[i]!, episode.end === Infinity ? -Infinity : episode.end);
        if (instances.state[i] === UP) {
          this.openCrash[i] = this.tracker.faultStarted(now, i, 'crash', '');
          this.crash(i, 'fault');
        } else {
          // Already down: the new window may push the restart out.
          this.scheduleRestart(i);
        }
        break;
      case 'crashloop':
        this.crashloopUptime[i] = episode.parameter;
        this.crashloopUntil[i] = episode.end;
        if (instances.state[i] === UP) {
          this.openCrash[i] = this.tracker.faultStarted(now, i, 'crashloop', '');
          this.crash(i, 'crashloop');
        }
        break;
      case 'hang':
        if (instances.hung[i] === 0 && instances.state[i] === UP) {
          this.openHang[i] = this.tracker.faultStarted(now, i, 'hang', '');
          instances.freeze(i);
          this.onClusterChange();
        }
        break;
      case 'slow':
        instances.setFaultSlowdown(i, episode.parameter);
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'slow', `factor=${episode.parameter}`);
        break;
      case 'errors':
        instances.errorRate[i] = episode.parameter;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'errors', `rate=${episode.parameter}`);
        break;
      case 'partition-control':
        instances.controlCut[i] = 1;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'partition', 'control');
        break;
      case 'partition-data':
        instances.dataCut[i] = 1;
        this.episodeFault[id] = this.tracker.faultStarted(now, i, 'partition', 'data');
        break;
    }
  }

  private endEpisode(id: number): void {
    const episode = this.episodes[id]!;
    const i = episode.instance;
    const instances = this.instances;
    switch (episode.mode) {
      case 'crash':
        break; // the restart (not before the window's end) ends the fault
      case 'crashloop':
        this.crashloopUntil[i] = -Infinity;
        break;
      case 'hang':
        if (instances.hung[i] === 1) this.resume(i);
        break;
      case 'slow':
        instances.setFaultSlowdown(i, 1);
        break;
      case 'errors':
        instances.errorRate[i] = 0;
        break;
      case 'partition-control':
        instances.controlCut[i] = 0;
        break;
      case 'partition-data':
        instances.dataCut[i] = 0;
        break;
    }
    if (this.episodeFault[id]! >= 0) {
      this.tracker.faultEnded(this.clock.now, this.episodeFault[id]!);
      this.health.checkRecovered(i);
    }
    // Random faults recur while requests still arrive; afterwards the run only drains. The next
    // episode takes over this one's slot, so recurring faults keep no history.
    if (!this.arrivalsDone && this.scenario.faults[episode.source]?.kind === 'random') {
      this.episodes[id] = this.randomFaults.next(episode);
      this.episodeFault[id] = -1;
      this.queue.push(this.episodes[id]!.start, EV_FAULT_START, id);
    }
  }

  private scheduleRestart(i: number): void {
    if (this.instances.state[i] !== DOWN) return;
    const at = Math.max(this.recovery.nextRestart(i, this.clock.now), this.downUntil[i]!);
    this.restartAt[i] = at;
    this.queue.push(at, EV_RESTART, i);
  }

  private beginStartup(i: number): void {
    const now = this.clock.now;
    this.restartAt[i] = NaN;
    this.recovery.restarted(i, now);
    this.instances.markStarting(i);
    this.restarts++;
    this.tracker.log(now, 'restart', i, -1, `startup ${this.scenario.restart.startupTime}ms`);
    const at = now + this.scenario.restart.startupTime;
    this.startedAt[i] = at;
    this.queue.push(at, EV_STARTED, i);
  }

  private finishStartup(i: number): void {
    const now = this.clock.now;
    this.startedAt[i] = NaN;
    this.instances.markUp(i);
    this.tracker.log(now, 'started', i, -1, '');
    // A crash loop goes on while requests arrive; once the run only drains, the process stays up.
    if (!this.arrivalsDone && now < this.crashloopUntil[i]!) {
      const at = now + this.crashloopUptime[i]!;
      this.crashloopAt[i] = at;
      this.queue.push(at, EV_CRASHLOOP, i);
    } else if (this.openCrash[i]! >= 0) {
      this.tracker.faultEnded(now, this.openCrash[i]!);
      this.openCrash[i] = -1;
    }
    this.detectors!.instanceUp(i);
    this.onClusterChange();
    this.health.checkRecovered(i);
    this.instances.announceIdle(i);
  }

  /** The hang ends: frozen attempts continue with their remaining service time. */
  private resume(i: number): void {
    this.instances.resume(i);
    this.onClusterChange();
    if (this.openHang[i]! >= 0) {
      this.tracker.faultEnded(this.clock.now, this.openHang[i]!);
      this.openHang[i] = -1;
    }
    this.health.checkRecovered(i);
  }
}
