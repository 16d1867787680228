/**
 * The workload of a replication: when requests arrive and what each one brings (its client,
 * service demand, network delays and key), drawn from streams that do not depend on the
 * balancer. Both event loops (FastSimulation and Simulation) draw through this one class, so
 * the order of the draws, and with it common random numbers, cannot drift between them.
 */
import type { RngFactory, RngStream } from '../engine/rng.js';
import { createArrivalProcess, type ArrivalProcess } from '../model/arrivals/index.js';
import { createSampler, type Sampler } from '../model/distributions/index.js';
import { createKeySampler, type KeySampler } from '../model/keys.js';
import type { Scenario } from '../scenario/schema.js';

export class Workload {
  private readonly arrivals: ArrivalProcess;
  private readonly clientStream: RngStream | null;
  private readonly clientCount: number;
  private readonly serviceDemand: Sampler;
  private readonly latency: Sampler | null;
  private readonly keys: KeySampler | null;
  private readonly arrivalLimit: number;
  private readonly arrivalHorizon: number;

  // The draws of the request that arrived last (read right after drawRequest()).
  client = 0;
  demand = 0;
  outbound = 0;
  inbound = 0;
  key = -1;

  constructor(scenario: Scenario, streams: RngFactory) {
    this.arrivals = createArrivalProcess(scenario.arrivals, streams('arrivals'));
    this.clientCount = scenario.clients.count;
    this.clientStream = this.clientCount > 1 ? streams('client-assignment') : null;
    this.serviceDemand = createSampler(scenario.service.serviceTime, streams('service'));
    const latency = scenario.network?.latency;
    this.latency =
      latency === undefined || (latency.dist === 'constant' && latency.value === 0) ? null : createSampler(latency, streams('network'));
    this.keys = scenario.arrivals.keys ? createKeySampler(scenario.arrivals.keys, streams('keys')) : null;
    this.arrivalLimit = scenario.requests ?? Infinity;
    this.arrivalHorizon = scenario.duration ?? Infinity;
  }

  /** Time of the next arrival after `arrived` arrivals, or Infinity once the workload has ended. */
  nextArrivalTime(arrived: number): number {
    if (arrived >= this.arrivalLimit) return Infinity;
    const t = this.arrivals.next();
    return t <= this.arrivalHorizon ? t : Infinity;
  }

  /** Draws what the arriving request brings, always and in this order, whatever the balancer does. */
  drawRequest(): void {
    this.client = this.clientStream === null ? 0 : this.clientStream.int(this.clientCount);
    this.demand = this.serviceDemand.sample();
    if (this.latency !== null) {
      this.outbound = this.latency.sample();
      this.inbound = this.latency.sample();
    }
    this.key = this.keys === null ? -1 : this.keys.sample();
  }

  /** Network delays of a retry (drawn on the same network stream). */
  drawDelays(): void {
    if (this.latency !== null) {
      this.outbound = this.latency.sample();
      this.inbound = this.latency.sample();
    }
  }
}
