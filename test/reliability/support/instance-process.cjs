// One journey instance of several, in its own process, on a shared RedisStore or PostgresStore.
// onSettled appends to a fulfilment ledger with a synchronous write before it starts and after
// it finishes, so a SIGKILL in between leaves the evidence the invariants need.
'use strict';
const { appendFileSync } = require('node:fs');
const express = require('express');
const { payJourney } = require('../../../dist/cjs/index.js');

async function openStore(env) {
  if (env.STORE === 'redis') {
    const { createClient } = require('redis');
    const { RedisStore } = require('../../../dist/cjs/stores/redis.js');
    // Reconnects after the test restarts Redis; commands fail fast meanwhile.
    const client = createClient({
      url: env.REDIS_URL,
      socket: { reconnectStrategy: (retries) => Math.min(50 * (retries + 1), 500) },
      disableOfflineQueue: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    return new RedisStore({ client, prefix: env.STORE_PREFIX, commandTimeoutMs: 2000 });
  }
  const { Pool } = require('pg');
  const { PostgresStore } = require('../../../dist/cjs/stores/postgres.js');
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 5 });
  pool.on('error', () => undefined);
  const store = new PostgresStore({ pool, table: env.STORE_PREFIX });
  await store.migrate();
  return store;
}

async function main() {
  const env = process.env;
  const store = await openStore(env);
  const ledger = (entry) =>
    appendFileSync(env.LEDGER, JSON.stringify({ instance: env.INSTANCE, ...entry }) + '\n');
  const journey = payJourney({
    apiKey: env.API_KEY,
    apiBaseUrl: env.SIM_URL,
    publicUrl: env.PUBLIC_URL,
    mountPath: '/payment',
    match: env.MATCH,
    cookie: { secrets: [env.COOKIE_SECRET], secure: false },
    nextUrlHosts: env.NEXT_URL_HOSTS.split(','),
    leaseSeconds: Number(env.LEASE_SECONDS),
    timeoutMs: 10_000,
    store,
    createPayment: (req) => ({
      amount: Number(req.headers['x-amount']),
      reference: String(req.headers['x-order']),
      description: 'Several instances',
    }),
    outcomes: {
      success: (_req, res, result) => res.json({ outcome: result.outcome }),
      failed: (_req, res, result) => res.json({ outcome: result.outcome, reason: result.reason }),
    },
    onSettled: async (result) => {
      const entry = {
        paymentId: result.payment.payment_id,
        attempt: result.attempt,
        outcome: result.outcome,
        source: result.source,
      };
      ledger({ ...entry, step: 'begin' });
      process.send({ type: 'settling' });
      // Fulfilment takes a moment, so some kills land inside it.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 120)));
      ledger({ ...entry, step: 'done' });
    },
  });
  const app = express();
  app.post('/__reconcile', (_req, res, next) => {
    journey
      .reconcile({ olderThanMinutes: 0, ratePerSecond: 200, concurrency: 8 })
      .then((summary) => res.json(summary), next);
  });
  app.use('/payment', journey);
  // Express tells an error handler by its four parameters.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err, _req, res, _next) => {
    res.status(500).json({ error: err && err.name });
  });
  const server = app.listen(Number(env.PORT), '127.0.0.1', () => {
    process.send({ type: 'listening' });
  });
  server.on('error', (err) => {
    process.send({ type: 'failed', message: String(err && err.stack) });
    process.exit(1);
  });
}

main().catch((err) => {
  process.send({ type: 'failed', message: String(err && err.stack) });
  process.exit(1);
});
