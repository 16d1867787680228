// @ts-check
/**
 * A toy backend for the proxy example and its test: an HTTP server on 127.0.0.1 that serves
 * `concurrency` requests at a time, each for `serviceMs` (a timer, so it costs no CPU), and
 * queues the rest in arrival order, like one instance in meshsim's model (a FIFO queue in
 * front of `concurrency` servers). It measures what it did, so a simulation can be given the
 * service times that really happened (timers overshoot by up to a millisecond or so).
 *
 *   node examples/proxy/toy-backend.js --port 9001 --service-ms 5
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @typedef {object} BackendStats
 * @property {number} served  responses sent
 * @property {number} rejected  turned away because the queue was full
 * @property {number} meanServiceMs  mean time in service (start of service to response)
 * @property {number} meanResidenceMs  mean time from arrival to response (queueing included)
 * @property {number[]} serviceMs  every time in service, in order (the first `keepSamples`)
 *
 * @typedef {object} RunningBackend
 * @property {number} port
 * @property {() => BackendStats} stats
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ serviceMs: number, concurrency?: number, queueLimit?: number, port?: number, keepSamples?: number }} options
 * @returns {Promise<RunningBackend>}
 */
export async function startToyBackend(options) {
  const concurrency = options.concurrency ?? 1;
  const queueLimit = options.queueLimit ?? 1000;
  /** @type {{ res: http.ServerResponse, arrived: number }[]} */
  const waiting = [];
  let busy = 0;
  let served = 0;
  let rejected = 0;
  let serviceSum = 0;
  let residenceSum = 0;
  const keepSamples = options.keepSamples ?? 10_000;
  /** @type {number[]} */
  const samples = [];
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();

  /** @param {{ res: http.ServerResponse, arrived: number }} job */
  const serve = (job) => {
    busy++;
    const start = performance.now();
    const timer = setTimeout(() => {
      timers.delete(timer);
      const end = performance.now();
      served++;
      serviceSum += end - start;
      if (samples.length < keepSamples) samples.push(end - start);
      residenceSum += end - job.arrived;
      job.res.writeHead(200, { 'content-type': 'text/plain' });
      job.res.end(`served by :${port}\n`);
      busy--;
      const next = waiting.shift();
      if (next !== undefined) serve(next);
    }, options.serviceMs);
    timers.add(timer);
  };

  const server = http.createServer((req, res) => {
    // The body is not used, but must be read for the connection to be reused.
    req.resume();
    const job = { res, arrived: performance.now() };
    if (busy < concurrency) serve(job);
    else if (waiting.length < queueLimit) waiting.push(job);
    else {
      rejected++;
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('queue full\n');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    stats: () => ({
      served,
      rejected,
      meanServiceMs: served > 0 ? serviceSum / served : NaN,
      meanResidenceMs: served > 0 ? residenceSum / served : NaN,
      serviceMs: [...samples],
    }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiting.length = 0;
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      await closed;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9001' },
      'service-ms': { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const backend = await startToyBackend({
    port: Number(values.port),
    serviceMs: Number(values['service-ms']),
    concurrency: Number(values.concurrency),
  });
  process.stderr.write(`toy backend on 127.0.0.1:${backend.port}, ${values['service-ms']} ms per request\n`);
}
