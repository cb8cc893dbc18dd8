'use strict';

// Which PaymentStore the demo's journey uses, from the environment:
//
//   REDIS_URL=redis://127.0.0.1:6379 npm start        RedisStore (node-redis v5 client)
//   DATABASE_URL=postgres://user@host/db npm start    PostgresStore (pg Pool, migrated at start)
//   neither                                            the in-memory default (MemoryStore)
//
// Only the journey's state (pending payments, claims, settlement leases, return ids) goes in
// the shared store. The demo's own permit orders stay in this process's memory either way.

const ORDERS_NOTE = 'the demo keeps its own permit orders in memory';

/** Hides a password in a connection URL before it is printed. */
function redactUrl(raw) {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Opens the store the environment asks for.
 *
 * @param {NodeJS.ProcessEnv} [env] Reads REDIS_URL, then DATABASE_URL.
 * @param {{ logger?: object }} [options] pino-compatible; told about client connection errors.
 * @returns {Promise<{ store: object | undefined, description: string, close(): Promise<void> }>}
 *   `store` is undefined for the in-memory default: leave payJourney's `store` option out.
 *   `description` is one line for the start-up banner. `close` ends the connection.
 */
async function createDemoStore(env = process.env, options = {}) {
  const logger = options.logger;
  if (env.REDIS_URL) {
    const { createClient } = require('redis');
    const { RedisStore } = require('govuk-pay-express/redis');
    const client = createClient({ url: env.REDIS_URL });
    // node-redis emits connection errors as events; unheard, they would crash the process.
    client.on('error', (err) => logger?.warn({ err: String(err) }, 'Redis connection error'));
    await client.connect();
    return {
      store: new RedisStore({ client, prefix: 'govuk-pay-demo:', logger }),
      description: `RedisStore at ${redactUrl(env.REDIS_URL)} (${ORDERS_NOTE})`,
      async close() {
        await client.close();
      },
    };
  }
  if (env.DATABASE_URL) {
    const { Pool } = require('pg');
    const { PostgresStore } = require('govuk-pay-express/postgres');
    const pool = new Pool({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5000 });
    pool.on('error', (err) => logger?.warn({ err: String(err) }, 'PostgreSQL pool error'));
    const store = new PostgresStore({ pool, logger });
    try {
      await store.migrate();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return {
      store,
      description: `PostgresStore at ${redactUrl(env.DATABASE_URL)} (${ORDERS_NOTE})`,
      async close() {
        await store.close();
        await pool.end();
      },
    };
  }
  return {
    store: undefined,
    description: `in memory (MemoryStore; set REDIS_URL or DATABASE_URL to share it; ${ORDERS_NOTE})`,
    async close() {},
  };
}

module.exports = { createDemoStore };
