// @ts-check
/**
 * A small HTTP reverse proxy on node:http that routes real requests through meshsim's
 * balancers: the very objects the simulator runs, driven here by the wall clock.
 *
 *   node examples/proxy/toy-backend.js --port 9001 --service-ms 5 &
 *   node examples/proxy/toy-backend.js --port 9002 --service-ms 40 &
 *   node examples/proxy/proxy.js --port 8080 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 \
 *     --balancer least_request
 *
 * Per request: pick an endpoint, count it in flight (ActiveRequests: start when sent, end when
 * the response has arrived, failed or was abandoned), forward, and report the round-trip time
 * to the balancer (onComplete), which latency-aware policies learn from. The proxy keeps the
 * load signal and the balancer only reads it, exactly as inside the simulator.
 *
 * Backends come and go at run time (`setBackends`, or `--backends-file` re-read on SIGHUP), as
 * discovery changes reach a sidecar: the balancer hears only what changed
 * (`updateEndpoints(changed, removed)`, through `endpointUpdater` for balancers without it),
 * and a removed backend's id is forgotten (`forgetEndpoints`), so that an address that comes
 * back, or another one given the same id, is a new host to the balancer. Endpoint ids stay
 * dense: a freed id is given to the next new backend, but never while a request sent to its
 * previous holder is in flight (its response would be reported for the wrong host). This is
 * the rule the simulator follows for pods in reused slots.
 *
 * An example, deliberately small: loopback backends only (this is a lab tool, not an open
 * relay), no retries, no health checks, no TLS. It is bounded: at most `maxInFlight`
 * requests at once (503 beyond), a deadline per upstream request (504), and server timeouts.
 *
 * Imports `meshsim/balancers`: inside this repository the package resolves to itself (after
 * `npm run build`); in your own service, after `npm install meshsim`, the same line works.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ActiveRequests, balancerConfig, balancerLabel, createBalancer, endpointUpdater } from 'meshsim/balancers';

/**
 * @typedef {object} Backend
 * @property {string} host  a loopback IP address: 127.x.y.z or ::1
 * @property {number} port
 * @property {number} [weight]  load-balancing weight, default 1
 *
 * @typedef {object} ProxyOptions
 * @property {(Backend | string)[]} backends  `{ host, port }` or "127.0.0.1:9001"
 * @property {unknown} [balancer]  a balancer config, as in a scenario; default least_request
 * @property {number} [seed]  seed of the balancer's random source (default 1)
 * @property {number} [port]  port to listen on, on 127.0.0.1; 0 (default) picks a free one
 * @property {number} [upstreamTimeoutMs]  deadline for a whole upstream exchange (default 5000)
 * @property {number} [maxInFlight]  requests handled at once; more get 503 (default 256)
 * @property {string} [keyHeader]  request header whose value is the hash key (ring_hash, maglev)
 *
 * @typedef {object} ProxyStats
 * @property {number[]} sent  requests sent to each backend, by index in `backends`
 * @property {number[]} ok  of those, answered with a status below 500
 * @property {number[]} failed  errors, 5xx, timeouts and abandoned requests
 * @property {number} rejected  turned away with 503 (proxy full, or no endpoint)
 * @property {number[]} meanRttMs  mean round-trip time to each backend, as reported to onComplete (NaN if none)
 * @property {string[]} addresses  the backends these arrays count, in the order first seen ("host:port")
 * @property {number[]} ids  the endpoint id each backend has now, −1 once removed
 *
 * @typedef {object} BackendChanges
 * @property {string[]} added  addresses new to the balancer
 * @property {string[]} removed  addresses it no longer has
 * @property {string[]} reweighted  addresses whose weight changed
 *
 * @typedef {object} RunningProxy
 * @property {number} port
 * @property {string} url
 * @property {string} label  the balancer's label, e.g. least_request(choices=2)
 * @property {() => ProxyStats} stats
 * @property {(backends: (Backend | string)[]) => BackendChanges} setBackends  replaces the backend list (discovery's update)
 * @property {() => Promise<void>} close
 */

// Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authenticate', 'proxy-authorization',
]);

/**
 * Starts the proxy; resolves once it listens.
 * @param {ProxyOptions} options
 * @returns {Promise<RunningProxy>}
 */
export async function startProxy(options) {
  if (options.backends.length === 0) throw new Error('at least one backend is needed');
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 5000;
  const maxInFlight = options.maxInFlight ?? 256;

  // The same config schema as scenario files, so defaults and validation agree with the simulator.
  const config = balancerConfig.parse(options.balancer ?? { kind: 'least_request' });
  if (config.kind === 'module') throw new Error('plug-in modules: import the module and call its create() yourself');
  const load = new ActiveRequests(options.backends.length);
  const now = () => performance.now();
  const balancer = createBalancer(config, { random: seededRandom(options.seed ?? 1), now, load, localZone: 'local' });
  const endpoints = endpointUpdater(balancer);
  // One pick context, reused: pick() reads only `key`.
  const context = { key: -1 };

  // Keep-alive connections to the backends; enough sockets that the agent never queues below maxInFlight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  /** @typedef {{ address: string, backend: Backend, id: number, sent: number, ok: number, failed: number, rttSum: number }} Listed */
  /** Every backend ever listed, in the order first seen (the stats' order); `id` −1 once removed. */
  /** @type {Listed[]} */
  const seen = [];
  /** @type {Map<string, Listed>} */
  const byAddress = new Map();
  /** Endpoint id → its backend now. */
  /** @type {(Listed | undefined)[]} */
  const byId = [];
  let rejected = 0;
  let inFlight = 0;

  /** The smallest free id no request is in flight on, skipping `exclude` (this update's removals). */
  const freeId = (/** @type {Set<number>} */ exclude) => {
    for (let id = 0; ; id++) if (byId[id] === undefined && !exclude.has(id) && load.active(id) === 0) return id;
  };

  /**
   * Discovery's update: the balancer gets the added and reweighted endpoints and the removed
   * ids in one call, then forgets the removed ones.
   * @param {(Backend | string)[]} list
   * @returns {BackendChanges}
   */
  function setBackends(list) {
    const next = new Map(list.map(parseBackend).map((b) => [`${b.host}:${b.port}`, b]));
    /** @type {BackendChanges} */
    const changes = { added: [], removed: [], reweighted: [] };
    /** @type {number[]} */
    const removedIds = [];
    for (const [address, entry] of byAddress) {
      if (next.has(address)) continue;
      removedIds.push(entry.id);
      byId[entry.id] = undefined;
      entry.id = -1;
      byAddress.delete(address);
      changes.removed.push(address);
    }
    /** @type {import('meshsim/balancers').Endpoint[]} */
    const changed = [];
    const exclude = new Set(removedIds);
    for (const [address, backend] of next) {
      let entry = byAddress.get(address);
      if (entry !== undefined && (entry.backend.weight ?? 1) === (backend.weight ?? 1)) continue;
      if (entry === undefined) {
        const known = seen.find((s) => s.address === address);
        entry = known ?? { address, backend, id: -1, sent: 0, ok: 0, failed: 0, rttSum: 0 };
        if (known === undefined) seen.push(entry);
        entry.id = freeId(exclude);
        byId[entry.id] = entry;
        byAddress.set(address, entry);
        changes.added.push(address);
      } else {
        changes.reweighted.push(address);
      }
      entry.backend = backend;
      changed.push({ id: entry.id, weight: backend.weight ?? 1, zone: 'local' });
    }
    if (changed.length > 0 || removedIds.length > 0) {
      endpoints.update(changed, removedIds);
      endpoints.forget(removedIds);
    }
    return changes;
  }
  endpoints.set([]);
  setBackends(options.backends);

  const server = http.createServer((req, res) => {
    if (inFlight >= maxInFlight) return refuse(res, 503, 'proxy at capacity');
    context.key = options.keyHeader === undefined ? -1 : hashKey(req.headers[options.keyHeader.toLowerCase()]);
    const id = balancer.pick(context);
    const target = byId[id];
    if (target === undefined) return refuse(res, 503, 'no endpoint available');
    const backend = target.backend;

    inFlight++;
    target.sent++;
    load.start(id);
    const started = now();
    /** @type {NodeJS.Timeout | undefined} */
    let deadline;
    let finished = false;
    /** Ends the request's life in the load signal: exactly once, whatever happened. */
    const finish = (/** @type {boolean} */ success) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      inFlight--;
      if (success) target.ok++;
      else target.failed++;
      load.end(id);
      const rtt = now() - started;
      target.rttSum += rtt;
      // The id is not reused while this request is in flight, so the report reaches the right host.
      balancer.onComplete?.(id, rtt, success);
    };

    const upstream = http.request({
      host: backend.host,
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req.headers, `${backend.host}:${backend.port}`),
      agent,
    });
    deadline = setTimeout(() => upstream.destroy(new UpstreamTimeout()), upstreamTimeoutMs);
    upstream.on('response', (answer) => {
      const status = answer.statusCode ?? 502;
      res.writeHead(status, forwardHeaders(answer.headers));
      answer.pipe(res);
      answer.on('end', () => finish(status < 500));
      answer.on('error', () => finish(false));
    });
    upstream.on('error', (error) => {
      finish(false);
      if (!res.headersSent) refuse(res, error instanceof UpstreamTimeout ? 504 : 502, error.message);
      else res.destroy();
    });
    // The client went away before the exchange ended: stop it, and count it as failed.
    res.on('close', () => {
      if (!finished) {
        finish(false);
        upstream.destroy();
      }
    });
    req.pipe(upstream);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  /** @param {http.ServerResponse} res @param {number} status @param {string} why */
  function refuse(res, status, why) {
    if (status === 503) rejected++;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`${why}\n`);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    label: balancerLabel(config),
    stats: () => ({
      sent: seen.map((s) => s.sent),
      ok: seen.map((s) => s.ok),
      failed: seen.map((s) => s.failed),
      rejected,
      meanRttMs: seen.map((s) => s.rttSum / (s.ok + s.failed)),
      addresses: seen.map((s) => s.address),
      ids: seen.map((s) => s.id),
    }),
    setBackends,
    close: async () => {
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}

class UpstreamTimeout extends Error {
  constructor() {
    super('upstream timed out');
  }
}

/**
 * A backends file: one `HOST:PORT [WEIGHT]` per line; blank lines and `#` comments are skipped.
 * @param {string} text
 * @returns {Backend[]}
 */
export function parseBackendsFile(text) {
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return [];
    const [address = '', weight, ...rest] = line.split(/\s+/);
    const backend = parseBackend(address);
    if (rest.length > 0 || (weight !== undefined && !(Number(weight) > 0))) throw new Error(`line ${i + 1}: expected HOST:PORT [WEIGHT > 0], found "${line}"`);
    return [weight === undefined ? backend : { ...backend, weight: Number(weight) }];
  });
}

/**
 * `{ host, port }` from either form, refusing anything but a loopback address.
 * @param {Backend | string} backend
 * @returns {Backend}
 */
function parseBackend(backend) {
  /** @type {Backend} */
  let parsed;
  if (typeof backend === 'string') {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(backend);
    if (match === null) throw new Error(`backend ${backend}: expected HOST:PORT, e.g. 127.0.0.1:9001`);
    parsed = { host: match[1] ?? '', port: Number(match[2]) };
  } else {
    parsed = backend;
  }
  if (!isLoopback(parsed.host)) throw new Error(`backend ${parsed.host}: only loopback addresses (127.0.0.0/8, ::1) are allowed`);
  if (!Number.isInteger(parsed.port) || parsed.port < 1 || parsed.port > 65535) throw new Error(`backend port ${parsed.port}: expected 1…65535`);
  return parsed;
}

/** @param {string} host */
function isLoopback(host) {
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1';
  return false; // names could resolve anywhere
}

/**
 * The headers to pass on: everything but hop-by-hop headers, and `host` replaced when given.
 * @param {http.IncomingHttpHeaders} headers
 * @param {string} [host]
 */
function forwardHeaders(headers, host) {
  /** @type {http.OutgoingHttpHeaders} */
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  if (host !== undefined) out.host = host;
  return out;
}

/**
 * A request's hash key: a decimal header value as is (what meshsim's key samplers produce),
 * any other text by FNV-1a; -1 without the header.
 * @param {string | string[] | undefined} value
 */
function hashKey(value) {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return -1;
  if (/^\d{1,15}$/.test(text)) return Number(text);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * A seeded uniform source on [0, 1) with 53-bit resolution (the RandomSource contract):
 * sfc32, two 32-bit outputs per number. A production proxy may as well use
 * `{ next: Math.random }`; a seed makes a test or an experiment repeatable.
 * @param {number} seed
 */
export function seededRandom(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next32(); // let the seed spread through the state
  return { next: () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992 };
}

// Run as a program: `node examples/proxy/proxy.js --backend HOST:PORT … [--backends-file FILE] [--balancer KIND or JSON config]`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      backend: { type: 'string', multiple: true, default: [] },
      'backends-file': { type: 'string' },
      balancer: { type: 'string', default: 'least_request' },
      seed: { type: 'string', default: '1' },
      'key-header': { type: 'string' },
    },
  });
  const file = values['backends-file'];
  /** The backends named on the command line, then those of the file as it is now. */
  const listed = () => [...values.backend, ...(file === undefined ? [] : parseBackendsFile(readFileSync(file, 'utf8')))];
  const proxy = await startProxy({
    backends: listed(),
    balancer: values.balancer.startsWith('{') ? JSON.parse(values.balancer) : { kind: values.balancer },
    seed: Number(values.seed),
    port: Number(values.port),
    ...(values['key-header'] === undefined ? {} : { keyHeader: values['key-header'] }),
  });
  process.stderr.write(`proxy on ${proxy.url} → ${proxy.stats().addresses.join(', ')}; Ctrl-C prints the split${file === undefined ? '' : `, SIGHUP re-reads ${file}`}\n`);
  // Discovery by file: edit the file, then `kill -HUP <pid>`; only the changes reach the balancer.
  process.on('SIGHUP', () => {
    try {
      const { added, removed, reweighted } = proxy.setBackends(listed());
      process.stderr.write(`backends: +[${added.join(', ')}] -[${removed.join(', ')}] weight [${reweighted.join(', ')}]\n`);
    } catch (error) {
      process.stderr.write(`backends file not applied: ${/** @type {Error} */ (error).message}\n`);
    }
  });
  process.once('SIGINT', async () => {
    process.stderr.write(`${JSON.stringify(proxy.stats())}\n`);
    await proxy.close();
  });
}
