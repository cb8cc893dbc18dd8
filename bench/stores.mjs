// Store benchmarks (issue 12): MemoryStore's deletePending of the oldest at a million pending,
// and reconciling 100,000 pending payments through each store at 1,000 reads a second, with
// what each store holds per payment. Each measurement runs in a child process of its own, so
// its RSS is its own.
//
//   npm run build && node bench/stores.mjs [--quick]
//
// Redis and PostgreSQL come from REDIS_URL and DATABASE_URL, or are started here (see
// stores-servers.mjs). GOV.UK Pay is not called: fetchPayment answers at once with a finished
// payment, so the figures are the store's and the reconciler's, paced by its rate gate.
// Prints one JSON object: { figures, targets: [{ name, value, target, pass }] }.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresServer, redisServer } from './stores-servers.mjs';

const require = createRequire(import.meta.url);
const here = fileURLToPath(import.meta.url);
const dist = resolve(process.env.GOVUK_PAY_DIST ?? resolve(here, '../../dist/cjs'));
const QUICK = process.argv.includes('--quick') || process.env.BENCH_STORES_QUICK === '1';

const MILLION = QUICK ? 100_000 : 1_000_000;
const DELETES = QUICK ? 20_000 : 100_000;
const RECONCILE_PAYMENTS = Number(process.env.BENCH_STORES_PAYMENTS ?? (QUICK ? 5_000 : 100_000));
const RATE = 1_000;
const CONCURRENCY = Number(process.env.BENCH_STORES_CONCURRENCY ?? 32);
const HOUR = 60 * 60_000;
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name) => ONLY === undefined || ONLY.includes(name);
const childTask = process.argv.find((a) => a.startsWith('--task='))?.slice('--task='.length);
if (childTask === undefined) await main();
else await runChild(childTask);

// ── parent ───────────────────────────────────────────────────────────────────────────────────

function runTask(task, env = {}) {
  return new Promise((resolveTask) => {
    const child = fork(here, [`--task=${task}`], {
      env: { ...process.env, ...(QUICK ? { BENCH_STORES_QUICK: '1' } : {}), ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      try {
        resolveTask(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolveTask({ error: `task ${task} exited ${code} without figures` });
      }
    });
  });
}

async function memoryDeleteTask(figures, targets, log) {
  log(`MemoryStore: ${MILLION.toLocaleString('en-GB')} pending, deletePending of the oldest`);
  const del = await runTask('memory-delete');
  figures.memoryDeleteOldest = del;
  targets.push({
    name: `MemoryStore at ${MILLION.toLocaleString('en-GB')} pending: deletePending of the oldest, p99`,
    value:
      del.error ??
      `${del.p99Us} µs (p50 ${del.p50Us}, p99.9 ${del.p999Us}, max ${del.maxUs} µs over ${del.deletes.toLocaleString('en-GB')} deletes)`,
    target: '< 50 µs',
    pass: del.error === undefined && del.p99Us < 50,
  });
}

async function main() {
  const figures = {};
  const targets = [];
  const log = (...parts) => console.error('[stores]', ...parts);

  if (wanted('memory-delete')) await memoryDeleteTask(figures, targets, log);
  const servers = {};
  for (const [name, start] of [
    ['redis', redisServer],
    ['postgres', postgresServer],
  ]) {
    if (!wanted(name)) continue;
    try {
      servers[name] = await start();
    } catch (err) {
      servers[name] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  // Killed by a timeout or Ctrl-C: the servers started here must not outlive the run.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      Promise.allSettled(Object.values(servers).map((server) => server.stop?.())).then(() =>
        process.exit(1),
      );
    });
  }
  try {
    for (const store of ['memory', 'redis', 'postgres'].filter(wanted)) {
      const server = servers[store];
      if (server?.error) {
        figures[`reconcile_${store}`] = { notRun: server.error };
        targets.push({
          name: `Reconcile ${RECONCILE_PAYMENTS.toLocaleString('en-GB')} pending in ${store}`,
          value: `not run: ${server.error}`,
          target: '≤ allowed + 10%, RSS < 150 MB',
          pass: false,
        });
        continue;
      }
      log(
        `reconcile ${RECONCILE_PAYMENTS.toLocaleString('en-GB')} pending in ${store} at ${RATE}/s`,
      );
      const r = await runTask(`reconcile-${store}`, server ? { BENCH_STORE_URL: server.url } : {});
      figures[`reconcile_${store}`] = r;
      const label = { memory: 'MemoryStore', redis: 'RedisStore', postgres: 'PostgresStore' }[
        store
      ];
      targets.push({
        name: `${label}: reconcile ${RECONCILE_PAYMENTS.toLocaleString('en-GB')} pending at ${RATE} reads/s, within 10% of the allowed time`,
        value:
          r.error ??
          `${r.durationSeconds} s (allowed ${r.allowedSeconds} s; ${r.overAllowedPercent > 0 ? '+' : ''}${r.overAllowedPercent}%); settled ${r.settled}, left pending ${r.leftPending}`,
        target: '≤ allowed + 10%, every one settled',
        pass:
          r.error === undefined &&
          r.overAllowedPercent <= 10 &&
          r.settled === RECONCILE_PAYMENTS &&
          r.leftPending === 0,
      });
      // MemoryStore holds every record and settlement in this very process, so its RSS grows
      // with them by design; the 150 MB target is the reconciler's own, over a shared store.
      targets.push({
        name: `${label}: peak RSS while reconciling ${RECONCILE_PAYMENTS.toLocaleString('en-GB')}`,
        value:
          r.error ??
          `${r.peakRssMB} MB (after filling ${r.rssAfterFillMB} MB, at 10% of the run ${r.rssAtTenthMB} MB)`,
        target:
          store === 'memory' ? 'context (the store itself is in this process)' : '< 150 MB, flat',
        ...(store === 'memory' ? {} : { pass: r.error === undefined && r.peakRssMB < 150 }),
      });
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop?.();
  }
  process.stdout.write(`${JSON.stringify({ quick: QUICK, figures, targets })}\n`);
  process.exitCode = targets.every((t) => t.pass !== false) ? 0 : 1;
}

// ── children ─────────────────────────────────────────────────────────────────────────────────

function paymentId(i) {
  // 26 characters, like GOV.UK Pay's ids, sortable by i.
  return `bench${String(i).padStart(21, '0')}`;
}

function record(i, createdAt) {
  const id = paymentId(i);
  return {
    paymentId: id,
    selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${id}`,
    reference: `PERMIT-${String(i).padStart(8, '0')}`,
    amount: 4_500,
    createdAt,
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runChild(task) {
  try {
    const result =
      task === 'memory-delete'
        ? await memoryDelete()
        : await reconcileIn(task.slice('reconcile-'.length));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    process.stdout.write(
      `${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`,
    );
  }
  process.exit(0);
}

async function memoryDelete() {
  const { MemoryStore } = require(resolve(dist, 'index.js'));
  const store = new MemoryStore({ sweepIntervalMs: 2_147_483_647 });
  const base = Date.now() - HOUR;
  for (let i = 0; i < MILLION; i += 1) store.savePending(record(i, base + i), 24 * HOUR);
  globalThis.gc?.();
  const samples = new Float64Array(DELETES);
  for (let k = 0; k < DELETES; k += 1) {
    const id = paymentId(k);
    const t0 = process.hrtime.bigint();
    store.deletePending(id);
    samples[k] = Number(process.hrtime.bigint() - t0) / 1_000;
  }
  samples.sort();
  const round = (us) => Math.round(us * 100) / 100;
  const left = store.counts().pending;
  store.close();
  return {
    pending: MILLION,
    deletes: DELETES,
    leftPending: left,
    p50Us: round(percentile(samples, 50)),
    p99Us: round(percentile(samples, 99)),
    p999Us: round(percentile(samples, 99.9)),
    maxUs: round(samples[samples.length - 1]),
  };
}

async function openStore(kind) {
  const url = process.env.BENCH_STORE_URL;
  if (kind === 'memory') {
    const { MemoryStore } = require(resolve(dist, 'index.js'));
    const store = new MemoryStore();
    return { store, footprint: async () => ({}), cleanup: async () => store.close() };
  }
  if (kind === 'redis') {
    const { createClient } = require('redis');
    const { RedisStore } = require(resolve(dist, 'stores/redis.js'));
    const client = createClient({ url });
    client.on('error', () => {});
    await client.connect();
    const prefix = `bench-${process.pid}-${Date.now()}:`;
    const memory = async () =>
      Number(/used_memory:(\d+)/.exec(await client.sendCommand(['INFO', 'memory']))[1]);
    const before = await memory();
    const usage = async (key) =>
      Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
    return {
      store: new RedisStore({ client, prefix, batchSize: 500 }),
      async footprint(stage) {
        const used = await memory();
        const id = paymentId(0);
        if (stage === 'filled') {
          return {
            usedMemoryPerPendingBytes: Math.round((used - before) / RECONCILE_PAYMENTS),
            pendingRecordKeyBytes: await usage(`${prefix}pending:{${id}}`),
          };
        }
        return {
          usedMemoryPerSettledBytes: Math.round((used - before) / RECONCILE_PAYMENTS),
          settlementKeyBytes: await usage(`${prefix}settle:settle:bench:{${id}}`),
        };
      },
      async cleanup() {
        let cursor = '0';
        do {
          const [next, keys] = await client.sendCommand([
            'SCAN',
            cursor,
            'MATCH',
            `${prefix}*`,
            'COUNT',
            '1000',
          ]);
          cursor = next;
          if (keys.length > 0) await client.sendCommand(['UNLINK', ...keys]);
        } while (cursor !== '0');
        client.destroy();
      },
    };
  }
  const { Pool } = require('pg');
  const { PostgresStore } = require(resolve(dist, 'stores/postgres.js'));
  const pool = new Pool({
    connectionString: url,
    max: Number(process.env.BENCH_STORES_POOL ?? CONCURRENCY + 2),
  });
  const schema = `bench_${process.pid}`;
  const store = new PostgresStore({ pool, schema, batchSize: 500 });
  await store.migrate();
  const size = async (table) =>
    Number(
      (
        await pool.query('SELECT pg_total_relation_size($1::regclass) AS bytes', [
          `"${schema}"."govuk_pay_${table}"`,
        ])
      ).rows[0].bytes,
    );
  return {
    store,
    async footprint(stage) {
      await pool.query(`VACUUM ANALYZE "${schema}"."govuk_pay_pending"`);
      await pool.query(`VACUUM ANALYZE "${schema}"."govuk_pay_settlement"`);
      if (stage === 'filled') {
        return {
          pendingTableAndIndexesPerRowBytes: Math.round(
            (await size('pending')) / RECONCILE_PAYMENTS,
          ),
        };
      }
      return {
        settlementTableAndIndexPerRowBytes: Math.round(
          (await size('settlement')) / RECONCILE_PAYMENTS,
        ),
        claimTableBytesAfterRun: await size('claim'),
      };
    },
    async cleanup() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

async function reconcileIn(kind) {
  const { reconcilePending } = require(resolve(dist, 'reconcile/index.js'));
  const { createSettler, createLogFingerprint } = require(resolve(dist, 'settlement/index.js'));
  const { store, footprint, cleanup } = await openStore(kind);
  try {
    // Every payment is older than the 60-minute rule, so the run takes all of them.
    const base = Date.now() - 3 * HOUR;
    const fillStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < RECONCILE_PAYMENTS) {
          const i = next++;
          await store.savePending(record(i, base + i), 24 * HOUR);
        }
      }),
    );
    const fillSeconds = (Date.now() - fillStarted) / 1000;
    const filled = await footprint('filled');
    globalThis.gc?.();
    const rssAfterFill = process.memoryUsage().rss;

    let settled = 0;
    const settler = createSettler({
      store,
      journey: 'bench',
      onSettled: () => {
        settled += 1;
      },
      logger: silentLogger,
      fingerprint: createLogFingerprint('bench-fingerprint-secret-0123456789abcdef'),
    });
    let peakRss = process.memoryUsage().rss;
    let rssAtTenth;
    const sampler = setInterval(() => {
      const rss = process.memoryUsage().rss;
      if (rss > peakRss) peakRss = rss;
      if (rssAtTenth === undefined && settled >= RECONCILE_PAYMENTS / 10) rssAtTenth = rss;
    }, 100);
    const started = Date.now();
    const summary = await reconcilePending(
      {
        store,
        settler,
        logger: silentLogger,
        now: Date.now,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        fingerprint: createLogFingerprint('bench-fingerprint-secret-0123456789abcdef'),
        fetchPayment: async (r) => ({
          payment_id: r.paymentId,
          amount: r.amount,
          reference: r.reference,
          description: 'Resident parking permit',
          language: 'en',
          state: { status: 'success', finished: true },
          created_date: new Date(r.createdAt).toISOString(),
          payment_provider: 'sandbox',
          return_url: 'https://service.example/payment/return',
          _links: { self: { href: r.selfHref, method: 'GET' } },
        }),
      },
      { ratePerSecond: RATE, concurrency: CONCURRENCY, olderThanMinutes: 60 },
    );
    const durationMs = Date.now() - started;
    clearInterval(sampler);
    const settledFootprint = await footprint('settled');
    let leftPending = 0;
    for await (const r of store.listPending(Number.MAX_SAFE_INTEGER))
      if (r.paymentId.startsWith('bench')) leftPending += 1;
    const allowedSeconds = RECONCILE_PAYMENTS / RATE;
    const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return {
      payments: RECONCILE_PAYMENTS,
      ratePerSecond: RATE,
      concurrency: CONCURRENCY,
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      durationSeconds: Math.round(durationMs / 100) / 10,
      allowedSeconds,
      overAllowedPercent: Math.round((durationMs / 1000 / allowedSeconds - 1) * 1000) / 10,
      settled,
      summarySettled: summary.settled.success,
      failedToRead: summary.failedToRead,
      leftPending,
      rssAfterFillMB: mb(rssAfterFill),
      rssAtTenthMB: mb(rssAtTenth ?? peakRss),
      peakRssMB: mb(peakRss),
      ...filled,
      ...settledFootprint,
    };
  } finally {
    await cleanup();
  }
}
