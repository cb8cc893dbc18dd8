// The return-route comparison with a shared store (issue 12): the journey on RedisStore or
// PostgresStore against a hand-written baseline doing the same work by hand — Express, an
// AES-256-GCM cookie, one GET to GOV.UK Pay, and one `SET NX PX` (Redis) or one
// `INSERT … ON CONFLICT DO NOTHING` (PostgreSQL). Run as a child of bench/run.mjs:
//
//   node bench/stores-return-server.mjs journey|baseline <upstream url>
//
// with BENCH_STORE=redis|postgres and BENCH_STORE_URL set.
import { createRequire } from 'node:module';
import http from 'node:http';
import { announceFailure, announceReady, serveParent } from './lib/serve-child.mjs';
import { baselineKey, sealBaseline, unsealBaseline } from './lib/baseline-seal.mjs';
import {
  API_KEY,
  BASELINE_COOKIE,
  COOKIE_NAME,
  COOKIE_SECRET,
  PAYMENT,
  PUBLIC_URL,
} from './lib/bench-config.mjs';

const require = createRequire(import.meta.url);
// The build under test: dist/cjs, or GOVUK_PAY_DIST (an absolute path) for another build.
const dist = process.env.GOVUK_PAY_DIST ?? '../dist/cjs';
const express = require('express');
const TTL_MS = 120 * 60 * 1000;

/** The connection and a close(); the store or the baseline's one write on top of it. */
async function connect(kind, url) {
  if (kind === 'redis') {
    const { createClient } = require('redis');
    const client = createClient({ url });
    client.on('error', () => {});
    await client.connect();
    return {
      makeStore: () => {
        const { RedisStore } = require(`${dist}/stores/redis.js`);
        return new RedisStore({ client, prefix: `bench-return-${process.pid}:` });
      },
      write: async (paymentId) =>
        client.sendCommand(['SET', `bench-baseline:{${paymentId}}`, '1', 'NX', 'PX', '60000']),
      close: async () => client.destroy(),
    };
  }
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: url, max: 10 });
  const schema = `bench_return_${process.pid}`;
  return {
    makeStore: async () => {
      const { PostgresStore } = require(`${dist}/stores/postgres.js`);
      const store = new PostgresStore({ pool, schema });
      await store.migrate();
      return store;
    },
    prepareBaseline: async () => {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS bench_baseline_${process.pid} (key text PRIMARY KEY, expires_at bigint NOT NULL)`,
      );
    },
    write: async (paymentId) =>
      pool.query({
        name: 'bench-baseline-claim',
        text: `INSERT INTO bench_baseline_${process.pid} (key, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        values: [paymentId, Date.now() + 60_000],
      }),
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.query(`DROP TABLE IF EXISTS bench_baseline_${process.pid}`);
      await pool.end();
    },
  };
}

try {
  const [side, upstreamUrl] = process.argv.slice(2);
  const kind = process.env.BENCH_STORE;
  const db = await connect(kind, process.env.BENCH_STORE_URL);
  const app = express();
  app.disable('x-powered-by');
  let closeApp = async () => {};

  if (side === 'journey') {
    const { payJourney } = require(`${dist}/index.js`);
    const journey = payJourney({
      apiKey: API_KEY,
      apiBaseUrl: upstreamUrl,
      publicUrl: PUBLIC_URL,
      cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME },
      nextUrlHosts: [new URL(upstreamUrl).host, `localhost:${new URL(upstreamUrl).port}`],
      mountPath: '/payment',
      store: await db.makeStore(),
      createPayment: () => ({ ...PAYMENT }),
      outcomes: {
        success: (req, res) => res.redirect(303, '/done'),
        failed: (req, res) => res.redirect(303, '/failed'),
      },
      onSettled: () => {},
    });
    app.use('/payment', journey);
    closeApp = () => journey.close();
  } else {
    const cookieParser = require('cookie-parser');
    const axios = require('axios');
    await db.prepareBaseline?.();
    const key = baselineKey(COOKIE_SECRET);
    const api = axios.create({
      baseURL: upstreamUrl,
      timeout: 10_000,
      headers: { Authorization: `Bearer ${API_KEY}` },
      httpAgent: new http.Agent({ keepAlive: true }),
    });
    app.use(cookieParser());
    app.post('/payment/start', async (req, res, next) => {
      try {
        const { data } = await api.post('/v1/payments', {
          ...PAYMENT,
          return_url: `${PUBLIC_URL}/payment/return`,
        });
        const sealed = sealBaseline(
          key,
          { paymentId: data.payment_id, selfHref: data._links.self.href },
          TTL_MS,
        );
        res.cookie(BASELINE_COOKIE, sealed, {
          httpOnly: true,
          secure: true,
          sameSite: 'lax',
          path: '/payment',
          maxAge: TTL_MS,
        });
        res.redirect(303, data._links.next_url.href);
      } catch (err) {
        next(err);
      }
    });
    app.get('/payment/return', async (req, res, next) => {
      try {
        const record = unsealBaseline(key, req.cookies[BASELINE_COOKIE]);
        if (!record) {
          res.status(400).send('missing');
          return;
        }
        const { data } = await api.get(`/v1/payments/${encodeURIComponent(record.paymentId)}`);
        // The one store write the journey's exactly-once settlement stands for.
        await db.write(record.paymentId);
        res.redirect(303, data.state.status === 'success' ? '/done' : '/failed');
      } catch (err) {
        next(err);
      }
    });
  }

  const server = app.listen(0, '127.0.0.1', () => {
    announceReady(`http://127.0.0.1:${server.address().port}`);
  });
  serveParent({}, async () => {
    await closeApp();
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });
} catch (err) {
  announceFailure(err);
}
