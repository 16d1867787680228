/**
 * What a search tried, for the report a user reads when nothing broke: how often each fault
 * kind ran and with which others it overlapped, how many faults schedules had, how many were
 * active at once, which instances were hit, when faults started, which swarm configurations
 * ran, and the lowest margin seen per guarantee with the schedule that got there (PerfFuzz's
 * per-key maxima, turned into minima of the margin). The idea of reporting "was a hang
 * overlapping a crash ever tried?" is Antithesis's `sometimes` assertions
 * (../shared/reference/guarantee-search.md §2).
 *
 * Also keeps the K lowest-margin schedules per guarantee: the targeted phase starts from them.
 * Cost per recorded run: O(f² + g·K) for f faults and g guarantees.
 */
import type { FaultSpec } from '../scenario/schema.js';
import type { FaultSpace } from './fault-space.js';
import type { Judgement } from './judge.js';
import type { RawSchedule } from './schedule.js';
import type { CheckPhase } from './schema.js';

/** A judged schedule and where the search found it. */
export interface Finding {
  readonly faults: readonly FaultSpec[];
  readonly judgement: Judgement;
  readonly phase: CheckPhase;
  /** The run within its phase, from 0. */
  readonly runIndex: number;
  /** The raw value (null for the fault-free baseline and for replayed files). */
  readonly value: RawSchedule | null;
}

export interface KindCoverage {
  readonly tried: number;
  /** Times a fault of this kind overlapped in time one of each other kind (itself included). */
  readonly overlappedWith: Readonly<Record<string, number>>;
}

export interface CoverageReport {
  readonly perKind: Readonly<Record<string, KindCoverage>>;
  /** Schedules with 0, 1, 2 … faults (after clamping). */
  readonly faultsPerSchedule: readonly number[];
  readonly maxConcurrentSeen: number;
  /** Faults that hit each instance of the service. */
  readonly instancesTouched: readonly number[];
  /** Fault starts in ten equal bins over the start range: [bin start (ms), count]. */
  readonly startTimeHistogram: ReadonlyArray<readonly [number, number]>;
  /** Distinct sets of enabled kinds among the schedules run, and how many there are. */
  readonly swarmConfigs: { readonly seen: number; readonly possible: number };
}

/** How many instances a scenario fault hits. */
function faultInstances(f: FaultSpec, zoneOf: readonly string[]): number[] {
  if (f.kind === 'zone') return zoneOf.flatMap((z, i) => (z === f.zone ? [i] : []));
  if (f.kind === 'random') return [];
  return f.instances ?? [f.instance!];
}

const START_BINS = 10;

export class CoverageRecorder {
  private readonly kinds: Map<string, { tried: number; overlappedWith: Map<string, number> }>;
  private readonly faultsPerSchedule: number[];
  private maxConcurrentSeen = 0;
  private readonly instancesTouched: number[];
  private readonly startBins = new Array<number>(START_BINS).fill(0);
  private readonly swarm = new Set<string>();
  private readonly lowest = new Map<string, Finding>();
  private readonly top = new Map<string, Finding[]>();
  private lowestRun: Finding | null = null;

  constructor(
    private readonly space: FaultSpace,
    private readonly keep: number,
  ) {
    this.kinds = new Map(space.kinds.map((k) => [k.kind, { tried: 0, overlappedWith: new Map() }]));
    this.faultsPerSchedule = new Array<number>(space.maxFaults + 1).fill(0);
    this.instancesTouched = new Array<number>(space.zoneOf.length).fill(0);
  }

  /** Records one judged schedule of the random or targeted phase. */
  record(finding: Finding, enabledKinds: ReadonlySet<string>): void {
    const { faults } = finding;
    this.faultsPerSchedule[faults.length] = (this.faultsPerSchedule[faults.length] ?? 0) + 1;
    const span = this.space.startSlots * this.space.grid;
    faults.forEach((f, i) => {
      const kind = this.kinds.get(f.kind);
      if (kind !== undefined) kind.tried++;
      for (const instance of faultInstances(f, this.space.zoneOf)) this.instancesTouched[instance]!++;
      if (f.kind !== 'random') {
        const bin = span > 0 ? Math.min(START_BINS - 1, Math.floor(((f.at - this.space.earliest) / span) * START_BINS)) : 0;
        this.startBins[Math.max(0, bin)]!++;
        faults.forEach((g, j) => {
          if (i === j || g.kind === 'random' || !(f.at < end(g) && g.at < end(f))) return;
          kind?.overlappedWith.set(g.kind, (kind.overlappedWith.get(g.kind) ?? 0) + 1);
        });
      }
    });
    this.maxConcurrentSeen = Math.max(this.maxConcurrentSeen, maxConcurrent(faults));
    this.swarm.add([...enabledKinds].sort().join(','));
    this.rank(finding);
  }

  private rank(finding: Finding): void {
    if (this.lowestRun === null || finding.judgement.margin < this.lowestRun.judgement.margin) this.lowestRun = finding;
    finding.judgement.guarantees.forEach((g) => {
      const current = this.lowest.get(g.name);
      if (current === undefined || g.margin < marginOf(current, g.name)) this.lowest.set(g.name, finding);
      const list = this.top.get(g.name) ?? [];
      const key = JSON.stringify(finding.faults);
      if (list.some((x) => JSON.stringify(x.faults) === key)) return;
      list.push(finding);
      // Stable: equal margins keep the earlier find first.
      list.sort((a, b) => marginOf(a, g.name) - marginOf(b, g.name));
      if (list.length > this.keep) list.pop();
      this.top.set(g.name, list);
    });
  }

  /** The lowest-margin schedule over the whole SLO. */
  worst(): Finding | null {
    return this.lowestRun;
  }

  /** Per guarantee, the lowest margin seen and its schedule. */
  worstPerGuarantee(): ReadonlyMap<string, Finding> {
    return this.lowest;
  }

  /** Per guarantee, the K lowest-margin schedules, lowest first (distinct schedules). */
  topPerGuarantee(name: string): readonly Finding[] {
    return this.top.get(name) ?? [];
  }

  report(): CoverageReport {
    const perKind: Record<string, KindCoverage> = {};
    for (const [kind, c] of this.kinds) {
      const overlappedWith: Record<string, number> = {};
      for (const k of this.space.kinds) if (c.overlappedWith.has(k.kind)) overlappedWith[k.kind] = c.overlappedWith.get(k.kind)!;
      perKind[kind] = { tried: c.tried, overlappedWith };
    }
    const span = this.space.startSlots * this.space.grid;
    return {
      perKind,
      faultsPerSchedule: [...this.faultsPerSchedule],
      maxConcurrentSeen: this.maxConcurrentSeen,
      instancesTouched: [...this.instancesTouched],
      startTimeHistogram: this.startBins.map((count, i) => [this.space.earliest + (span * i) / START_BINS, count] as const),
      swarmConfigs: { seen: this.swarm.size, possible: this.space.swarm ? 2 ** this.space.kinds.length - 1 : 1 },
    };
  }
}

/** A guarantee's margin in a finding. */
function marginOf(finding: Finding, guarantee: string): number {
  return finding.judgement.guarantees.find((g) => g.name === guarantee)?.margin ?? Infinity;
}

function end(f: FaultSpec): number {
  return f.kind === 'random' ? Infinity : f.at + (f.for ?? Infinity);
}

/** The most faults active at one time. */
export function maxConcurrent(faults: readonly FaultSpec[]): number {
  let most = 0;
  for (const f of faults) {
    if (f.kind === 'random') continue;
    const active = faults.filter((g) => g.kind !== 'random' && g.at <= f.at && f.at < end(g)).length;
    most = Math.max(most, active);
  }
  return most;
}
