// Webhook receiver benchmark (issue 13), over the built package. Prints one JSON object.
//
//   npm run build && node bench/webhooks.mjs [--rate 500] [--seconds 10] [--get-latency 2000]
//                                            [--rounds 3] [--round-seconds 5]
//
// 1. Acknowledgement under a slow GOV.UK Pay: the simulator's GET /v1/payments/{id} is slowed
//    to --get-latency ms, and --rate webhooks a second, each for its own paid payment whose
//    citizen never returned, are sent for --seconds. Target: p99 of the 200 under 20 ms. Then
//    reconciliation takes the payments left due, and each must be settled exactly once.
// 2. Verification and de-duplication throughput, side by side with a hand-written minimal
//    receiver (express.raw, HMAC, timingSafeEqual, one claim on the same MemoryStore), in
//    alternating rounds under autocannon. Target: at least 0.80 of the baseline.
//
// The simulator, the journey and the baseline each run in their own process; this one only
// sends. GOVUK_PAY_DIST points at another build (default: dist/cjs next to this folder).
import { fork } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = fileURLToPath(import.meta.url);
const dist = resolve(process.env.GOVUK_PAY_DIST ?? resolve(here, '../../dist/cjs'));
const SECRET = 'webhook_test_benchbenchbenchbenchbenchbench23';
const MOUNT = '/payment';
const DEDUP_TTL_MS = 4 * 24 * 60 * 60 * 1000;

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

// ── children ────────────────────────────────────────────────────────────────────────────────

async function listen(app) {
  const server = http.createServer(app);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${server.address().port}`;
}

function serve(handlers) {
  process.on('message', async (msg) => {
    try {
      const result = await handlers[msg.cmd](msg);
      process.send({ id: msg.id, ok: true, result });
    } catch (err) {
      process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
    }
  });
}

async function runChild(kind) {
  const express = require('express');
  if (kind === 'sim') {
    const { createSimulator } = require(resolve(dist, 'simulator/index.js'));
    const { signWebhookBody, webhookFixture } = require(resolve(dist, 'testing/index.js'));
    const simulator = createSimulator({ rateLimit: false });
    const url = await listen(simulator.app);
    serve({
      // Pays every payment not yet paid, and returns the signed message GOV.UK Pay would send.
      payAll: () =>
        simulator.payments
          .list()
          .filter((p) => p.state.status === 'created')
          .map((p) => {
            const paid = simulator.completePayment(p.payment_id, { card: '4444333322221111' });
            const body = JSON.stringify(webhookFixture('card_payment_succeeded', paid));
            return { body, signature: signWebhookBody(body, SECRET) };
          }),
      slowGets: ({ ms }) => {
        simulator.faults.inject({ route: 'getPayment', fault: { kind: 'latency', ms } });
      },
      fastGets: () => simulator.faults.clear(),
    });
    process.send({ type: 'ready', url });
    return;
  }

  const { MemoryStore, payJourney } = require(resolve(dist, 'index.js'));
  const store = new MemoryStore();
  const app = express();
  app.disable('x-powered-by');
  let handler = (_req, res) => res.status(503).end();
  app.use((req, res, next) => handler(req, res, next));
  const url = await listen(app);
  const settledIds = new Map();

  if (kind === 'journey') {
    const simUrl = process.env.SIM_URL;
    const apiKey = process.env.API_KEY;
    let references = 0;
    const journey = payJourney({
      apiKey,
      apiBaseUrl: simUrl,
      publicUrl: url,
      mountPath: MOUNT,
      cookie: { secrets: ['bench-cookie-secret-0123456789-abcdefghijklmnop'], secure: false },
      nextUrlHosts: [new URL(simUrl).host, `localhost:${new URL(simUrl).port}`],
      createPayment: () => {
        references += 1;
        return { amount: 2500, reference: `BENCH-${references}`, description: 'Licence fee' };
      },
      outcomes: { success: (_q, s) => s.end(), failed: (_q, s) => s.end() },
      onSettled: (result) => {
        const id = result.payment.payment_id;
        settledIds.set(id, (settledIds.get(id) ?? 0) + 1);
      },
      store,
      webhooks: { secrets: [SECRET] },
    });
    const router = express.Router();
    router.use(MOUNT, journey);
    router.journey = journey;
    handler = router;
  } else {
    // The minimal receiver a careful team would write by hand.
    const router = express.Router();
    router.post(
      `${MOUNT}/webhooks`,
      express.raw({ type: '*/*', limit: '64kb' }),
      async (req, res) => {
        const header = req.get('pay-signature');
        const expected = createHmac('sha256', SECRET).update(req.body).digest();
        if (
          typeof header !== 'string' ||
          !/^[0-9a-f]{64}$/.test(header) ||
          !timingSafeEqual(Buffer.from(header, 'hex'), expected)
        ) {
          res.status(401).end();
          return;
        }
        let message;
        try {
          message = JSON.parse(req.body.toString('utf8'));
        } catch {
          res.status(400).end();
          return;
        }
        if (typeof message?.webhook_message_id !== 'string') {
          res.status(400).end();
          return;
        }
        await store.claim(`webhook:${message.webhook_message_id}`, DEDUP_TTL_MS);
        res.status(200).end();
      },
    );
    handler = router;
  }

  serve({
    reconcile: async () => {
      const summary = await handler.journey?.reconcile({ ratePerSecond: 1000, concurrency: 32 });
      return summary?.due;
    },
    exit: () => {
      setTimeout(() => process.exit(0), 0);
    },
    settled: () => {
      const counts = [...settledIds.values()];
      return { payments: counts.length, twice: counts.filter((n) => n > 1).length };
    },
  });
  process.send({ type: 'ready', url });
}

// ── parent ──────────────────────────────────────────────────────────────────────────────────

async function startChild(kind, env = {}) {
  const child = fork(here, ['--role', kind], {
    env: { ...process.env, ...env },
    // BENCH_CPU_PROF=dir profiles the receivers (not the simulator) into that folder.
    execArgv:
      process.env.BENCH_CPU_PROF && kind !== 'sim'
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
        : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let next = 0;
  const url = await new Promise((ok, fail) => {
    child.on('message', (msg) => {
      if (msg.type === 'ready') ok(msg.url);
      else if (pending.has(msg.id)) {
        const { res, rej } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.ok) res(msg.result);
        else rej(new Error(msg.error));
      }
    });
    child.on('exit', (code) => fail(new Error(`${kind} exited with ${code}`)));
  });
  const call = (cmd, args = {}) =>
    new Promise((res, rej) => {
      next += 1;
      pending.set(next, { res, rej });
      child.send({ id: next, cmd, ...args });
    });
  return {
    url,
    call,
    stop: async () => {
      // A clean exit, so a --cpu-prof profile is written.
      const exited = new Promise((ok) => child.once('exit', ok));
      if (kind !== 'sim') {
        call('exit').catch(() => undefined);
        await Promise.race([exited, sleep(10_000)]);
      }
      child.kill();
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url, body, headers) {
  return new Promise((ok, fail) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () =>
          ok({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function acknowledgement({ rate, seconds, getLatencyMs }) {
  const { generateTestApiKey } = require(resolve(dist, 'simulator/index.js'));
  const sim = await startChild('sim');
  const journey = await startChild('journey', { SIM_URL: sim.url, API_KEY: generateTestApiKey() });
  try {
    const count = rate * seconds;
    // Create the payments through the journey, 32 at a time, as citizens would.
    const startHeaders = { 'sec-fetch-site': 'same-origin', origin: journey.url };
    for (let done = 0; done < count; done += 32) {
      await Promise.all(
        Array.from({ length: Math.min(32, count - done) }, () =>
          post(`${journey.url}${MOUNT}/start`, '', startHeaders),
        ),
      );
    }
    const messages = await sim.call('payAll');
    await sim.call('slowGets', { ms: getLatencyMs });

    const url = `${journey.url}${MOUNT}/webhooks`;
    const answers = [];
    const sends = [];
    const startedAt = Date.now();
    for (let i = 0; i < messages.length; i += 1) {
      // Paced against the clock, so a slow answer does not slow the senders down.
      const due = startedAt + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 1) await sleep(wait);
      const { body, signature } = messages[i];
      sends.push(
        post(url, body, { 'content-type': 'application/json', 'pay-signature': signature }).then(
          (a) => answers.push(a),
        ),
      );
    }
    await Promise.all(sends);
    const sentSeconds = (Date.now() - startedAt) / 1000;
    // A few are settled off the request meanwhile, a few at a time (webhooks.concurrency) so
    // GOV.UK Pay's read limit holds; every other one is marked due, for reconciliation.
    const byWebhook = (await journey.call('settled')).payments;
    await sim.call('fastGets');
    let settled = await journey.call('settled');
    let due = 0;
    for (let run = 0; run < 10 && settled.payments < messages.length; run += 1) {
      due += (await journey.call('reconcile')) ?? 0;
      settled = await journey.call('settled');
    }
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const p99 = percentile(latencies, 0.99);
    return {
      messages: messages.length,
      achievedRate: Math.round(messages.length / sentSeconds),
      getLatencyMs,
      non200: answers.filter((a) => a.status !== 200).length,
      ackMs: {
        p50: +percentile(latencies, 0.5).toFixed(2),
        p99: +p99.toFixed(2),
        max: +latencies[latencies.length - 1].toFixed(2),
      },
      settledByWebhookWhileSending: byWebhook,
      dueTakenByReconcile: due,
      settled: settled.payments,
      settledTwice: settled.twice,
      pass: p99 < 20 && settled.payments === messages.length && settled.twice === 0,
    };
  } finally {
    await journey.stop();
    await sim.stop();
  }
}

async function throughput({ rounds, roundSeconds }) {
  const autocannon = require('autocannon');
  const { signWebhookBody } = require(resolve(dist, 'testing/index.js'));
  // A message of a payment the journey did not make: after the first copy, every request is a
  // signature check, a parse and a claim that finds the id taken, on both sides.
  const body = JSON.stringify({
    webhook_message_id: 'benchmessage0000000000000a',
    api_version: 1,
    created_date: new Date().toISOString(),
    resource_id: 'benchpayment0000000000000a',
    resource_type: 'PAYMENT',
    event_type: 'card_payment_captured',
    resource: {
      payment_id: 'benchpayment0000000000000a',
      amount: 2500,
      state: { status: 'success', finished: true },
      description: 'Licence fee',
      reference: 'BENCH',
      created_date: new Date().toISOString(),
    },
  });
  const headers = {
    'content-type': 'application/json',
    'pay-signature': signWebhookBody(body, SECRET),
  };
  const sim = await startChild('sim');
  const { generateTestApiKey } = require(resolve(dist, 'simulator/index.js'));
  const journey = await startChild('journey', { SIM_URL: sim.url, API_KEY: generateTestApiKey() });
  const baseline = await startChild('baseline');
  const load = async (target) => {
    const result = await autocannon({
      url: `${target.url}${MOUNT}/webhooks`,
      method: 'POST',
      headers,
      body,
      connections: 50,
      duration: roundSeconds,
    });
    const ok = result.statusCodeStats?.['200']?.count ?? 0;
    return { rps: ok / result.duration, non200: result.requests.total - ok };
  };
  try {
    await load(journey); // warm-up
    await load(baseline);
    const journeyRps = [];
    const baselineRps = [];
    let non200 = 0;
    for (let round = 0; round < rounds; round += 1) {
      // Alternate which goes first, so neither always gets the cooler machine.
      const order = round % 2 === 0 ? [journey, baseline] : [baseline, journey];
      for (const target of order) {
        const r = await load(target);
        non200 += r.non200;
        (target === journey ? journeyRps : baselineRps).push(r.rps);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(journeyRps) / median(baselineRps);
    return {
      journeyRps: Math.round(median(journeyRps)),
      baselineRps: Math.round(median(baselineRps)),
      ratio: +ratio.toFixed(2),
      non200,
      pass: ratio >= 0.8 && non200 === 0,
    };
  } finally {
    await journey.stop();
    await baseline.stop();
    await sim.stop();
  }
}

async function main() {
  const rate = flag('rate', 500);
  const seconds = flag('seconds', 10);
  const getLatencyMs = flag('get-latency', 2000);
  const rounds = flag('rounds', 3);
  const roundSeconds = flag('round-seconds', 5);
  const ack = await acknowledgement({ rate, seconds, getLatencyMs });
  const verify = await throughput({ rounds, roundSeconds });
  console.log(JSON.stringify({ acknowledgement: ack, verifyAndDedup: verify }, null, 2));
  agent.destroy();
  process.exitCode = ack.pass && verify.pass ? 0 : 1;
}

// Last, so every module-level constant above exists before either side runs.
if (process.argv.includes('--role')) {
  await runChild(process.argv[process.argv.indexOf('--role') + 1]);
} else {
  await main();
}
