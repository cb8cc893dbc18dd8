// Reconciliation benchmark: N abandoned payments, reconciled by journey.reconcile() against the
// simulator, which runs in a child process so the figures are the reconciling process's own.
//
//   npm run build && node bench/reconcile.mjs [--payments 10000] [--rate 500] [--concurrency 16]
//
// Prints one JSON object. Checks, from issue 5: the run takes within 10% of what ratePerSecond
// allows, peak RSS stays under 150 MB, and no payment is missed (every one settled exactly once).
// GOVUK_PAY_DIST points at another build (default: dist/cjs next to this folder).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = fileURLToPath(import.meta.url);
const dist = resolve(process.env.GOVUK_PAY_DIST ?? resolve(here, '../../dist/cjs'));
const MINUTE = 60_000;

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

if (process.argv.includes('--child')) {
  // The simulator, driven over IPC: seed the payments and play their citizens, move its clock.
  // Seeding here keeps its garbage (10,000 creates' worth) out of the process whose memory is
  // measured: the service process receives only the records it keeps as pending.
  const { createSimulator, TEST_CARDS } = require(resolve(dist, 'simulator/index.js'));
  const { PayClient } = require(resolve(dist, 'index.js'));
  const simulator = createSimulator({ rateLimit: false });
  const running = await simulator.listen();
  process.on('message', async (msg) => {
    if (msg.cmd === 'seed') {
      process.send({ id: msg.id, records: await seed(msg, running.url, PayClient, TEST_CARDS) });
      return;
    }
    if (msg.cmd === 'complete') {
      for (const [id, action] of msg.items) simulator.completePayment(id, action);
    } else if (msg.cmd === 'advance') {
      simulator.clock.advance(msg.ms);
    } else if (msg.cmd === 'exit') {
      running.close().then(() => process.exit(0));
      return;
    }
    process.send({ id: msg.id, rssMB: process.memoryUsage().rss / 2 ** 20 });
  });
  process.send({ ready: running.url });

  // Seed: create through the API, then play the citizens: 40% pay, 20% are declined, 10%
  // cancel, 30% never finish and expire. Answers with the records `start` would keep pending.
  async function seed({ payments, apiKey }, url, PayClient, TEST_CARDS) {
    const client = new PayClient({ apiKey, apiBaseUrl: url });
    const records = [];
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (cursor < payments) {
          const i = (cursor += 1);
          const payment = await client.createPayment({
            amount: 100 + (i % 5000),
            reference: `BENCH-${i}`,
            description: `Bench payment ${i}`,
            return_url: 'http://127.0.0.1:3000/payment/return',
          });
          records.push({
            paymentId: payment.payment_id,
            selfHref: payment._links.self.href,
            reference: payment.reference,
            amount: payment.amount,
            createdAt: Date.parse(payment.created_date),
          });
        }
      }),
    );
    client.close();
    records.forEach(({ paymentId }, i) => {
      const r = i % 10;
      if (r < 4) simulator.completePayment(paymentId, { card: TEST_CARDS.authorised[0] });
      else if (r < 6) simulator.completePayment(paymentId, { card: TEST_CARDS.declined[0] });
      else if (r < 7) simulator.completePayment(paymentId, { cancel: true });
    });
    return records;
  }
} else {
  await main();
}

async function main() {
  const payments = flag('payments', 10_000);
  const ratePerSecond = flag('rate', 500);
  const concurrency = flag('concurrency', 16);
  const { payJourney, MemoryStore } = require(resolve(dist, 'index.js'));
  const { generateTestApiKey } = require(resolve(dist, 'simulator/index.js'));

  const child = fork(here, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = new Map();
  let nextId = 0;
  const url = await new Promise((ok) =>
    child.on('message', (msg) => {
      if (msg.ready) ok(msg.ready);
      else replies.get(msg.id)?.(msg);
    }),
  );
  const ask = (msg) =>
    new Promise((ok) => {
      const id = (nextId += 1);
      replies.set(id, ok);
      child.send({ ...msg, id });
    });

  // The service's clock follows the simulator's, which is moved past GOV.UK Pay's expiry.
  let offset = 0;
  const now = () => Date.now() + offset;
  const apiKey = generateTestApiKey();
  const store = new MemoryStore({ now });
  const settledIds = new Set();
  let settleCalls = 0;
  const journey = payJourney({
    apiKey,
    apiBaseUrl: url,
    publicUrl: 'http://127.0.0.1:3000',
    cookie: { secrets: ['bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'], secure: false },
    createPayment: () => ({ amount: 100, reference: 'BENCH', description: 'Bench' }),
    outcomes: { success: () => undefined, failed: () => undefined },
    onSettled: (result) => {
      settleCalls += 1;
      settledIds.add(result.payment.payment_id);
    },
    store,
    now,
  });

  const seedStart = performance.now();
  const { records } = await ask({ cmd: 'seed', payments, apiKey });
  for (const record of records) store.savePending(record, 8 * 24 * 60 * MINUTE);
  await ask({ cmd: 'advance', ms: 91 * MINUTE });
  offset = 91 * MINUTE;
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const rssBeforeMB = process.memoryUsage().rss / 2 ** 20;
  const runStart = performance.now();
  const summary = await journey.reconcile({ ratePerSecond, concurrency, olderThanMinutes: 60 });
  const seconds = (performance.now() - runStart) / 1000;
  const childStats = await ask({ cmd: 'advance', ms: 0 });

  const stillPending = [...store.listPending(Number.MAX_SAFE_INTEGER)].length;
  const allowedSeconds = (payments - 1) / ratePerSecond;
  const result = {
    payments,
    ratePerSecond,
    concurrency,
    seedSeconds: round(seedSeconds),
    durationSeconds: round(seconds),
    allowedSeconds: round(allowedSeconds),
    overAllowedPercent: round(((seconds - allowedSeconds) / allowedSeconds) * 100),
    paymentsPerSecond: round(payments / seconds),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    rssBeforeRunMB: round(rssBeforeMB),
    rssAfterRunMB: round(process.memoryUsage().rss / 2 ** 20),
    simulatorRssMB: round(childStats.rssMB),
    summary,
    settledOnce: settleCalls === payments && settledIds.size === payments,
    stillPendingInStore: stillPending,
    node: process.version,
  };
  result.pass = {
    withinTenPercentOfRate: Math.abs(result.overAllowedPercent) <= 10,
    peakRssUnder150MB: result.peakRssMB < 150,
    noPaymentMissed: result.settledOnce && stillPending === 0,
  };
  console.log(JSON.stringify(result, null, 2));
  await journey.close();
  process.exitCode = Object.values(result.pass).every(Boolean) ? 0 : 1;
  // The child exits without replying to 'exit': wait for it to go, not for an answer, or the
  // top-level await never settles and Node exits with 13.
  const gone = new Promise((ok) => child.once('exit', ok));
  child.send({ cmd: 'exit' });
  await gone;
}

function round(n) {
  return Math.round(n * 100) / 100;
}
