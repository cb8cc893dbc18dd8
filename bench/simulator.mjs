#!/usr/bin/env node
// Simulator benchmark: GET /v1/payments/{id} throughput with keep-alive, and the memory that
// 100,000 stored payments take. The simulator runs alone in a child process (one Node thread,
// so one core for JavaScript); autocannon drives it from this process. Uses the built package:
// run `npm run build` first. Prints one JSON object of figures on stdout.
//
//   node bench/simulator.mjs [--quick]
//   BENCH_CHILD_FLAGS='--cpu-prof' node bench/simulator.mjs   (extra node flags for the simulator)
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PAYMENTS = 100_000;
const WARM_UP_PAYMENTS = 5_000;
const GET_TARGET_PER_SECOND = 5_000;
const MEMORY_TARGET_MB = 200;

if (process.argv.includes('--child')) {
  await runChild();
} else {
  await runParent();
}

// ── child: the simulator ─────────────────────────────────────────────────────────────────────

async function runChild() {
  const { createSimulator, generateTestApiKey } = require('../dist/cjs/simulator/index.js');
  const gc = () => {
    // Twice: the first pass can leave garbage only the second finds.
    globalThis.gc?.();
    globalThis.gc?.();
  };
  const memory = () => {
    gc();
    const m = process.memoryUsage();
    return {
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
    };
  };
  // Benchmarks create payments far faster than GOV.UK Pay's 15 POSTs per second.
  const simulator = createSimulator({ rateLimit: false });
  const server = await simulator.listen(0);
  process.on('message', (msg) => {
    const reply = (result) => process.send({ id: msg.id, result });
    switch (msg.type) {
      case 'memory':
        reply(memory());
        break;
      case 'size':
        reply(simulator.payments.size);
        break;
      case 'finish': {
        simulator.completePayment(msg.paymentId, { card: '4444333322221111' });
        reply(true);
        break;
      }
      case 'exit':
        void server.close().then(() => process.exit(0));
        break;
      default:
        reply({ error: `unknown message ${msg.type}` });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({
    type: 'ready',
    url: server.url,
    key: generateTestApiKey(),
    gcExposed: typeof globalThis.gc === 'function',
  });
}

// ── parent: the load ─────────────────────────────────────────────────────────────────────────

async function runParent() {
  const autocannon = require('autocannon');
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 2 : 5;
  const started = Date.now();

  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: [
      '--expose-gc',
      ...(process.env.BENCH_CHILD_FLAGS ? process.env.BENCH_CHILD_FLAGS.split(' ') : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  let ready;
  const readyPromise = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`simulator child exited early (${code})`)));
  });
  child.on('message', (msg) => {
    if (msg.type === 'ready') ready(msg);
    else pending.get(msg.id)?.(msg.result);
  });
  const ask = (type, extra = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, type, ...extra });
    });

  try {
    const { url, key, gcExposed } = await readyPromise;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const load = async (options) => {
      const result = await autocannon({ connections: 32, timeout: 10, ...options, headers });
      const statuses = Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [
          code,
          Number(count),
        ]),
      );
      return { result, statuses };
    };

    // Memory: 100,000 payments created through the API, measured after gc. A warm-up of creates
    // comes first, so the baseline already holds what serving HTTP at full speed costs once (JIT
    // code, V8's grown young generation, socket buffers): the delta is then the payments alone.
    const body = JSON.stringify({
      amount: 1250,
      reference: 'BENCH-0001',
      description: 'Parking permit',
      return_url: 'https://service.example.gov.uk/payment/return',
    });
    await load({ url: `${url}/v1/payments`, method: 'POST', body, amount: WARM_UP_PAYMENTS });
    const storedBefore = await ask('size');
    const before = await ask('memory');
    const fill = await load({ url: `${url}/v1/payments`, method: 'POST', body, amount: PAYMENTS });
    const stored = await ask('size');
    const after = await ask('memory');
    const created = fill.statuses['201'] ?? 0;

    // Throughput: one unfinished payment (each GET mints a next_url token) and one finished.
    const res = await fetch(`${url}/v1/payments`, { method: 'POST', headers, body });
    const unfinished = (await res.json()).payment_id;
    const res2 = await fetch(`${url}/v1/payments`, { method: 'POST', headers, body });
    const finished = (await res2.json()).payment_id;
    await ask('finish', { paymentId: finished });
    const get = (id, duration) => load({ url: `${url}/v1/payments/${id}`, duration });
    await get(unfinished, 1); // warm-up
    // Other work on the machine moves these figures far more than small code changes do.
    const loadBeforeGets = loadavg()[0];
    const getUnfinished = await get(unfinished, seconds);
    const getFinished = await get(finished, seconds);
    const loadAfterGets = loadavg()[0];

    const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const rps = (run) => Math.round((run.statuses['200'] ?? 0) / run.result.duration);
    const rssDelta = mb(after.rss - before.rss);
    const heapDelta = mb(after.heapUsed - before.heapUsed);
    const getPerSecond = rps(getUnfinished);
    const figures = {
      getPaymentPerSecond: getPerSecond,
      getFinishedPaymentPerSecond: rps(getFinished),
      memoryFor100kPaymentsRssMB: rssDelta,
      memoryFor100kPaymentsHeapMB: heapDelta,
      createPaymentPerSecond: Math.round(created / fill.result.duration),
      getPaymentLatencyP99Ms: getUnfinished.result.latency.p99,
      paymentsStored: stored - storedBefore,
      warmUpPayments: storedBefore,
      rssAfterMB: mb(after.rss),
      heapUsedAfterMB: mb(after.heapUsed),
      heapTotalAfterMB: mb(after.heapTotal),
      bytesPerPayment: Math.round((after.heapUsed - before.heapUsed) / (stored - storedBefore)),
      nonOkResponses:
        fill.result.requests.total -
        created +
        (getUnfinished.result.requests.total - (getUnfinished.statuses['200'] ?? 0)) +
        (getFinished.result.requests.total - (getFinished.statuses['200'] ?? 0)),
      targets: {
        getPaymentPerSecond: `>= ${GET_TARGET_PER_SECOND}`,
        memoryFor100kPaymentsMB: `< ${MEMORY_TARGET_MB}`,
        getPass: getPerSecond >= GET_TARGET_PER_SECOND,
        memoryPass: Math.max(rssDelta, heapDelta) < MEMORY_TARGET_MB,
      },
      setup: {
        connections: 32,
        getSeconds: seconds,
        keepAlive: true,
        gcExposed,
        node: process.version,
        loadAverage1mBeforeGets: Math.round(loadBeforeGets * 100) / 100,
        loadAverage1mAfterGets: Math.round(loadAfterGets * 100) / 100,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    child.send({ type: 'exit' });
  }
}
