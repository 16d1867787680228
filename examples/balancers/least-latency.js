// A plug-in balancer for meshsim: power of two choices on latency × load.
//
// Use it from a scenario (the path is relative to the scenario file):
//
//   balancer: { module: ./least-latency.js, decay: 500 }
//
// Plain ESM JavaScript with no imports: copy it anywhere. The default export is what meshsim
// loads (docs/balancers.md, "Plug-in balancers"): `create` builds one balancer per client
// (sidecar) and replication; `config` checks the options before anything runs; `label` names
// the strategy in the results.
//
// The policy, after Finagle's and Linkerd's peak-EWMA balancers but simpler (a plain EWMA):
// pick two distinct endpoints at random and send to the one with the lower
// `ewmaRtt × (inFlight + 1)`, where ewmaRtt is this client's moving average of the round-trip
// times it observed on that endpoint, decayed by time rather than by count, so that a quiet
// endpoint's history ages at the same rate as a busy one's.

/** Option defaults, in milliseconds. */
const DEFAULTS = Object.freeze({
  // Time constant of the moving average: a sample's weight falls by e every `decay` ms.
  decay: 1000,
  // Estimate for an endpoint with no response yet: small, so that new endpoints get probed.
  initialRtt: 1,
  // Added to the round-trip time of a failed request, so that an endpoint that fails fast
  // (a rejection takes no time) does not look like the fastest one and attract all traffic.
  failurePenalty: 100,
});

/**
 * Checks and completes the options. Any object with a zod-style `safeParse` works (a zod
 * schema too); meshsim reports the issues at the scenario's line, key by key.
 */
const config = {
  safeParse(input) {
    const options = { ...DEFAULTS };
    const issues = [];
    for (const [key, value] of Object.entries(input)) {
      if (!Object.hasOwn(DEFAULTS, key)) {
        issues.push({ path: [key], message: `unknown option; expected one of ${Object.keys(DEFAULTS).join(', ')}` });
      } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (key === 'decay' && value === 0)) {
        const wanted = key === 'decay' ? 'a positive' : 'a non-negative';
        issues.push({ path: [key], message: `expected ${wanted} number of milliseconds, found ${JSON.stringify(value)}` });
      } else {
        options[key] = value;
      }
    }
    return issues.length === 0 ? { success: true, data: options } : { success: false, error: { issues } };
  },
};

class LeastLatencyBalancer {
  #options;
  #random;
  #now;
  #load;
  /** Ids of the endpoints eligible for picks. */
  #ids = [];
  /** Per endpoint id: the moving average (ms) and when it was last updated (ms). */
  #ewma = new Map();

  constructor(options, deps) {
    this.#options = options;
    // Only these inputs: meshsim passes its simulated clock and a seeded random stream, so runs
    // reproduce; a real proxy passes the wall clock. Never Math.random() or Date.now().
    this.#random = deps.random;
    this.#now = deps.now;
    this.#load = deps.load;
  }

  // Called with the healthy endpoints only (this balancer does not say `healthAware`), and
  // again whenever membership, health or weights change.
  setEndpoints(endpoints) {
    this.#ids = endpoints.map((e) => e.id);
    const present = new Set(this.#ids);
    for (const id of this.#ewma.keys()) if (!present.has(id)) this.#ewma.delete(id);
  }

  pick() {
    const ids = this.#ids;
    const n = ids.length;
    if (n === 0) return -1;
    if (n === 1) return ids[0];
    // Two distinct endpoints: the second draw skips the first.
    const i = Math.floor(this.#random.next() * n);
    let j = Math.floor(this.#random.next() * (n - 1));
    if (j >= i) j++;
    const a = ids[i];
    const b = ids[j];
    // Ties go to the first sample, which is itself uniformly random.
    return this.#cost(a) <= this.#cost(b) ? a : b;
  }

  onComplete(id, rttMs, ok) {
    const sample = ok ? rttMs : rttMs + this.#options.failurePenalty;
    const now = this.#now();
    const previous = this.#ewma.get(id);
    if (previous === undefined) {
      this.#ewma.set(id, { value: sample, at: now });
      return;
    }
    const weight = Math.exp(-Math.max(0, now - previous.at) / this.#options.decay);
    previous.value = previous.value * weight + sample * (1 - weight);
    previous.at = now;
  }

  #cost(id) {
    const rtt = this.#ewma.get(id)?.value ?? this.#options.initialRtt;
    return rtt * (this.#load.active(id) + 1);
  }
}

export default {
  kind: 'least_latency',
  config,
  label: (options) => `least_latency(decay=${options.decay})`,
  create: (options, deps) => new LeastLatencyBalancer(options, deps),
};
