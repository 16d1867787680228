/**
 * DNS-based discovery of a headless Service: the cluster DNS server answers with the ready
 * pods, caches on the way hold answers for their TTL, and an Envoy STRICT_DNS cluster (or an
 * application resolving on demand) re-resolves on its own schedule.
 *
 * Implements (reference notes: discovery-and-control-plane.md §1.5, §1.7):
 * - `DnsServer`: CoreDNS `kubernetes` plugin. It watches EndpointSlices (a write reaches it
 *   `informerLag()` later, in write order) and answers with the ready endpoints of the latest
 *   write it has seen, with TTL `ttl` seconds (CoreDNS default 5; 0 disables caching).
 * - `DnsCache`, policy `clamp`: CoreDNS `cache` plugin (or NodeLocal DNSCache): an answer is
 *   kept for its TTL clamped to [minTtl, maxTtl] (CoreDNS success defaults 5 s and 3600 s;
 *   the Corefile kubeadm writes has `cache 30`, i.e. maxTtl 30 s) and served with the TTL it
 *   has left, in whole seconds. An answer with TTL 0 is still kept for minTtl, as CoreDNS does.
 * - `DnsCache`, policy `fixed`: a client library cache that ignores record TTLs, such as the
 *   JVM's `networkaddress.cache.ttl` (30 s without a security manager).
 * - `StrictDnsRefresh`: Envoy STRICT_DNS (and LOGICAL_DNS) cluster resolution
 *   (`dns_refresh_rate` 5000 ms; `respect_dns_ttl`: the next refresh after the answer's TTL,
 *   or after `dns_refresh_rate` when the TTL is 0; envoy service_discovery.rst and
 *   cluster.proto). The first resolution runs when the cluster starts; each later one is timed
 *   from the completion of the previous one. A lookup takes `lookupLatency()`: the answer is
 *   read when the query is made and applied when it returns. Every successful answer replaces
 *   the host set (an empty one empties it): feed it to sidecar-endpoints.ts.
 *
 * Versions: every answer carries the slice version it came from, so a client can measure its
 * staleness and refuse to go back in time.
 *
 * Not modelled: resolution failures (`dns_failure_refresh_rate`), negative caching, Envoy's
 * `dns_jitter`, CoreDNS `prefetch` and `serve_stale`, several CoreDNS replicas with different
 * lags, and LOGICAL_DNS's first-address-only use (give the sidecar one host instead).
 *
 * Complexity: O(1) per cached lookup; O(n) to build an answer for n endpoints (once per
 * slice write).
 */
import { DueQueue } from '../engine/due-queue.js';
import type { TimedModel } from '../engine/timed-model.js';
import type { EndpointSnapshot } from './endpoint-slice.js';

/** A DNS answer: the ready endpoints of slice `version`, valid for `ttl` whole seconds. */
export interface DnsAnswer {
  readonly version: number;
  readonly ids: readonly number[];
  readonly ttl: number;
  /** When the authoritative server produced it (ms). */
  readonly producedAt: number;
}

export interface DnsResolver {
  /** The answer a query made at `now` gets. */
  resolve(now: number): DnsAnswer;
}

export interface DnsServerConfig {
  /** Record TTL in whole seconds (CoreDNS `kubernetes … ttl`, default 5, 0..3600). */
  readonly ttl: number;
  /** EndpointSlice write → the DNS server's informer (ms). */
  readonly informerLag: () => number;
}

export class DnsServer implements TimedModel, DnsResolver {
  private answer: DnsAnswer;
  private readonly arrivals = new DueQueue<EndpointSnapshot>();
  private lastArrival = -Infinity;
  private lastTime = -Infinity;

  constructor(readonly config: DnsServerConfig) {
    checkWholeSeconds('dns server', 'ttl', config.ttl);
    this.answer = { version: 0, ids: [], ttl: config.ttl, producedAt: 0 };
  }

  /** The server starts knowing this slice. */
  seed(snapshot: EndpointSnapshot): void {
    if (this.answer.version !== 0) throw new Error('dns server: seed after the first update');
    this.answer = { version: snapshot.version, ids: Object.freeze(snapshot.endpoints.filter((e) => e.ready).map((e) => e.id)), ttl: this.config.ttl, producedAt: snapshot.writtenAt };
  }

  sliceWritten(now: number, snapshot: EndpointSnapshot): void {
    this.advance(now);
    const lag = this.config.informerLag();
    if (!(lag >= 0 && Number.isFinite(lag))) throw new RangeError(`dns server: informerLag gave ${lag}`);
    this.lastArrival = Math.max(now + lag, this.lastArrival);
    this.arrivals.push(this.lastArrival, snapshot);
  }

  nextDue(): number {
    return this.arrivals.peekTime();
  }

  advance(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`dns server: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    for (let s = this.arrivals.popDue(now); s !== undefined; s = this.arrivals.popDue(now)) {
      if (s.version <= this.answer.version) continue;
      const ids = s.endpoints.filter((e) => e.ready).map((e) => e.id);
      this.answer = { version: s.version, ids: Object.freeze(ids), ttl: this.config.ttl, producedAt: now };
    }
  }

  resolve(now: number): DnsAnswer {
    this.advance(now);
    return this.answer;
  }
}

export type DnsCachePolicy =
  /** Keep an answer for its TTL clamped to [minTtl, maxTtl] seconds (CoreDNS `cache`). */
  | { readonly kind: 'clamp'; readonly minTtl: number; readonly maxTtl: number }
  /** Keep every answer for `ttl` seconds whatever its own TTL (JVM networkaddress.cache.ttl). */
  | { readonly kind: 'fixed'; readonly ttl: number };

/** CoreDNS `cache` plugin defaults for successful answers. */
export const COREDNS_CACHE: DnsCachePolicy = Object.freeze({ kind: 'clamp', minTtl: 5, maxTtl: 3600 });

export class DnsCache implements DnsResolver {
  private cached: DnsAnswer | null = null;
  private expiresAt = -Infinity;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly upstream: DnsResolver,
    readonly policy: DnsCachePolicy,
  ) {
    if (policy.kind === 'clamp') {
      checkWholeSeconds('dns cache', 'minTtl', policy.minTtl);
      checkWholeSeconds('dns cache', 'maxTtl', policy.maxTtl);
      if (policy.maxTtl < policy.minTtl) throw new RangeError(`dns cache: maxTtl (${policy.maxTtl}) below minTtl (${policy.minTtl})`);
    } else {
      checkWholeSeconds('dns cache', 'ttl', policy.ttl);
    }
  }

  get counts(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  resolve(now: number): DnsAnswer {
    if (this.cached !== null && now < this.expiresAt) {
      this.hits++;
      const left = Math.floor((this.expiresAt - now) / 1000);
      return left === this.cached.ttl ? this.cached : { ...this.cached, ttl: left };
    }
    this.misses++;
    const answer = this.upstream.resolve(now);
    const keep = this.policy.kind === 'fixed' ? this.policy.ttl : Math.min(Math.max(answer.ttl, this.policy.minTtl), this.policy.maxTtl);
    this.expiresAt = now + keep * 1000;
    // A cache that keeps nothing passes answers through.
    this.cached = keep > 0 ? { ...answer, ttl: keep } : null;
    return { ...answer, ttl: keep };
  }
}

export interface StrictDnsConfig {
  /** Envoy `dns_refresh_rate` (ms), default 5000, must be > 1 ms. */
  readonly refreshRate: number;
  /** Envoy `respect_dns_ttl` (default false). */
  readonly respectDnsTtl: boolean;
  /** Time from query to answer (ms), drawn per lookup. */
  readonly lookupLatency: () => number;
}

export const ENVOY_STRICT_DNS: Omit<StrictDnsConfig, 'lookupLatency'> = Object.freeze({ refreshRate: 5000, respectDnsTtl: false });

export class StrictDnsRefresh implements TimedModel {
  private queryAt = Infinity;
  private inFlight: { answer: DnsAnswer; returnsAt: number } | null = null;
  private lastTime = -Infinity;

  constructor(
    private readonly resolver: DnsResolver,
    readonly config: StrictDnsConfig,
    private readonly onResolve: (answer: DnsAnswer, now: number) => void,
  ) {
    if (!(config.refreshRate > 1 && Number.isFinite(config.refreshRate))) {
      throw new RangeError(`strict dns: refreshRate must be a finite duration > 1 ms, got ${config.refreshRate}`);
    }
  }

  /**
   * The cluster starts: its first resolution runs at `firstQueryAt` (default now). A later
   * first query gives clients that joined the mesh at different times their own phase.
   */
  start(now: number, firstQueryAt = now): void {
    this.advance(now);
    if (this.queryAt !== Infinity || this.inFlight !== null) throw new Error('strict dns: started twice');
    if (!(firstQueryAt >= now)) throw new RangeError(`strict dns: first query at ${firstQueryAt}, before now (${now})`);
    this.queryAt = firstQueryAt;
    this.advance(now);
  }

  nextDue(): number {
    return this.inFlight !== null ? this.inFlight.returnsAt : this.queryAt;
  }

  advance(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`strict dns: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    for (;;) {
      if (this.inFlight !== null) {
        if (this.inFlight.returnsAt > now) return;
        const { answer, returnsAt } = this.inFlight;
        this.inFlight = null;
        const ttlMs = answer.ttl * 1000;
        this.queryAt = returnsAt + (this.config.respectDnsTtl && ttlMs > 0 ? ttlMs : this.config.refreshRate);
        this.onResolve(answer, returnsAt);
        continue;
      }
      if (this.queryAt > now) return;
      const at = this.queryAt;
      this.queryAt = Infinity;
      const latency = this.config.lookupLatency();
      if (!(latency >= 0 && Number.isFinite(latency))) throw new RangeError(`strict dns: lookupLatency gave ${latency}`);
      this.inFlight = { answer: this.resolver.resolve(at), returnsAt: at + latency };
    }
  }
}

function checkWholeSeconds(owner: string, field: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${owner}: ${field} must be a whole number of seconds ≥ 0, got ${value}`);
}
