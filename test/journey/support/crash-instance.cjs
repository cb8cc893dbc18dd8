// One journey instance in its own process, for the crash tests: the built package, a RedisStore
// shared with the test, and an onSettled that reports each attempt to the parent over IPC and
// then, with HANG=1, never finishes (so the parent can kill -9 it mid-fulfilment).
'use strict';
const express = require('express');
const { createClient } = require('redis');
const { payJourney } = require('../../../dist/cjs/index.js');
const { RedisStore } = require('../../../dist/cjs/stores/redis.js');

async function main() {
  const env = process.env;
  const client = createClient({ url: env.REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  const store = new RedisStore({ client, prefix: env.STORE_PREFIX });
  const app = express();
  const journey = payJourney({
    apiKey: env.API_KEY,
    apiBaseUrl: env.SIM_URL,
    publicUrl: env.PUBLIC_URL,
    mountPath: '/payment',
    cookie: { secrets: [env.COOKIE_SECRET], secure: false },
    nextUrlHosts: env.NEXT_URL_HOSTS.split(','),
    leaseSeconds: Number(env.LEASE_SECONDS),
    store,
    createPayment: () => ({ amount: 2500, reference: 'CRASH-1', description: 'Permit' }),
    outcomes: {
      success: (_req, res, result) => res.json({ outcome: result.outcome }),
      failed: (_req, res, result) => res.json({ outcome: result.outcome }),
    },
    onSettled: (result) => {
      process.send({ type: 'settling', attempt: result.attempt, outcome: result.outcome });
      if (env.HANG === '1') return new Promise(() => undefined);
      return undefined;
    },
  });
  app.use('/payment', journey);
  const server = app.listen(0, '127.0.0.1', () => {
    process.send({ type: 'listening', port: server.address().port });
  });
}

main().catch((err) => {
  process.send({ type: 'failed', message: String(err && err.stack) });
  process.exit(1);
});
