/**
 * Turns the scenario's `faults` into a timeline of per-instance fault episodes.
 *
 * An episode is one fault on one instance over [start, end): `zone` becomes a crash of every
 * instance in the zone, `instances: [...]` one episode per instance. `random` faults are not
 * expanded here: they are drawn as the run goes (see RandomFaults), from a stream per
 * instance so that adding instances never shifts another instance's failures.
 */
import type { RngStream } from '../engine/rng.js';
import { instanceConfigs } from '../scenario/instance-attributes.js';
import type { FaultSpec, Scenario } from '../scenario/schema.js';

export type FaultMode = 'crash' | 'hang' | 'slow' | 'errors' | 'partition-control' | 'partition-data' | 'crashloop';

export interface FaultEpisode {
  readonly mode: FaultMode;
  readonly instance: number;
  readonly start: number;
  /** Infinity when the fault lasts until the end of the run. */
  readonly end: number;
  /** slow: service-rate divisor; errors: fraction of 5xx responses; crashloop: uptime (ms). */
  readonly parameter: number;
  /** The index of the scenario fault it comes from (-1 for random faults). */
  readonly source: number;
}

function targetsOf(fault: FaultSpec, scenario: Scenario): number[] {
  if (fault.kind === 'zone') {
    return instanceConfigs(scenario).flatMap((i) => (i.zone === fault.zone ? [i.instance] : []));
  }
  if (fault.kind === 'random') return fault.instances ?? Array.from({ length: scenario.service.instances }, (_, i) => i);
  return fault.instances ?? [fault.instance!];
}

/** Every scheduled (non-random) fault as per-instance episodes, in scenario order. */
export function scheduledEpisodes(scenario: Scenario): FaultEpisode[] {
  const episodes: FaultEpisode[] = [];
  scenario.faults.forEach((fault, source) => {
    if (fault.kind === 'random') return;
    const end = fault.for === undefined ? Infinity : fault.at + fault.for;
    const mode: FaultMode =
      fault.kind === 'zone'
        ? 'crash'
        : fault.kind === 'partition'
          ? fault.path === 'data'
            ? 'partition-data'
            : 'partition-control'
          : fault.kind;
    const parameter = fault.kind === 'slow' ? fault.factor : fault.kind === 'errors' ? fault.rate : fault.kind === 'crashloop' ? fault.uptime : 0;
    for (const instance of targetsOf(fault, scenario)) {
      episodes.push({ mode, instance, start: fault.at, end, parameter, source });
    }
  });
  return episodes;
}

/**
 * Random faults: each listed instance alternates between up periods of mean `mttf` and
 * faulty periods of mean `mttr` (both exponential), independently of every other instance.
 */
export class RandomFaults {
  private readonly specs: Array<{ fault: Extract<FaultSpec, { kind: 'random' }>; source: number; instances: number[] }> = [];

  constructor(
    scenario: Scenario,
    private readonly streamFor: (name: string) => RngStream,
  ) {
    scenario.faults.forEach((fault, source) => {
      if (fault.kind === 'random') this.specs.push({ fault, source, instances: targetsOf(fault, scenario) });
    });
  }

  get any(): boolean {
    return this.specs.length > 0;
  }

  /** The first episode of every (random fault, instance), drawn from its own stream. */
  firstEpisodes(): FaultEpisode[] {
    return this.specs.flatMap(({ fault, source, instances }) =>
      instances.map((instance) => this.episodeAfter(source, fault, instance, 0)),
    );
  }

  /** The episode that follows one that ended at `after`. */
  next(episode: FaultEpisode): FaultEpisode {
    const spec = this.specs.find((s) => s.source === episode.source)!;
    return this.episodeAfter(spec.source, spec.fault, episode.instance, episode.end);
  }

  private readonly streams = new Map<string, RngStream>();

  private episodeAfter(source: number, fault: Extract<FaultSpec, { kind: 'random' }>, instance: number, after: number): FaultEpisode {
    const name = `faults/${source}/${instance}`;
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = this.streamFor(name);
      this.streams.set(name, rng);
    }
    const start = after - fault.mttf * Math.log(rng.nextOpen());
    const end = start - fault.mttr * Math.log(rng.nextOpen());
    const parameter = fault.mode === 'slow' ? fault.factor : fault.mode === 'errors' ? fault.rate : 0;
    return { mode: fault.mode, instance, start, end, parameter, source };
  }
}
