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
 * An example, deliberately small: loopback backends only (this is a lab tool, not an open
 * relay), no retries, no health checks, no TLS. It is bounded: at most `maxInFlight`
 * requests at once (503 beyond), a deadline per upstream request (504), and server timeouts.
 *
 * Imports `meshsim/balancers`: inside this repository the package resolves to itself (after
 * `npm run build`); in your own service, after `npm install meshsim`, the same line works.
 */
import http from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ActiveRequests, balancerConfig, balancerLabel, createBalancer } from 'meshsim/balancers';

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
 *
 * @typedef {object} RunningProxy
 * @property {number} port
 * @property {string} url
 * @property {string} label  the balancer's label, e.g. least_request(choices=2)
 * @property {() => ProxyStats} stats
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
  const backends = options.backends.map(parseBackend);
  if (backends.length === 0) throw new Error('at least one backend is needed');
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 5000;
  const maxInFlight = options.maxInFlight ?? 256;

  // The same config schema as scenario files, so defaults and validation agree with the simulator.
  const config = balancerConfig.parse(options.balancer ?? { kind: 'least_request' });
  if (config.kind === 'module') throw new Error('plug-in modules: import the module and call its create() yourself');
  const load = new ActiveRequests(backends.length);
  const now = () => performance.now();
  const balancer = createBalancer(config, { random: seededRandom(options.seed ?? 1), now, load, localZone: 'local' });
  balancer.setEndpoints(backends.map((b, id) => ({ id, weight: b.weight ?? 1, zone: 'local' })));
  // One pick context, reused: pick() reads only `key`.
  const context = { key: -1 };

  // Keep-alive connections to the backends; enough sockets that the agent never queues below maxInFlight.
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const sent = backends.map(() => 0);
  const ok = backends.map(() => 0);
  const failed = backends.map(() => 0);
  const rttSum = backends.map(() => 0);
  let rejected = 0;
  let inFlight = 0;

  const server = http.createServer((req, res) => {
    if (inFlight >= maxInFlight) return refuse(res, 503, 'proxy at capacity');
    context.key = options.keyHeader === undefined ? -1 : hashKey(req.headers[options.keyHeader.toLowerCase()]);
    const id = balancer.pick(context);
    const backend = backends[id];
    if (backend === undefined) return refuse(res, 503, 'no endpoint available');

    inFlight++;
    sent[id]++;
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
      if (success) ok[id]++;
      else failed[id]++;
      load.end(id);
      const rtt = now() - started;
      rttSum[id] += rtt;
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
      sent: [...sent],
      ok: [...ok],
      failed: [...failed],
      rejected,
      meanRttMs: rttSum.map((sum, id) => sum / ((ok[id] ?? 0) + (failed[id] ?? 0))),
    }),
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

// Run as a program: `node examples/proxy/proxy.js --backend HOST:PORT … [--balancer KIND or JSON config]`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      backend: { type: 'string', multiple: true, default: [] },
      balancer: { type: 'string', default: 'least_request' },
      seed: { type: 'string', default: '1' },
      'key-header': { type: 'string' },
    },
  });
  const proxy = await startProxy({
    backends: values.backend,
    balancer: values.balancer.startsWith('{') ? JSON.parse(values.balancer) : { kind: values.balancer },
    seed: Number(values.seed),
    port: Number(values.port),
    ...(values['key-header'] === undefined ? {} : { keyHeader: values['key-header'] }),
  });
  process.stderr.write(`proxy on ${proxy.url} → ${values.backend.join(', ')}; Ctrl-C prints the split\n`);
  process.once('SIGINT', async () => {
    process.stderr.write(`${JSON.stringify(proxy.stats())}\n`);
    await proxy.close();
  });
}
