import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Pool } from 'pg';
import { PayConfigError } from '../../src/config-error';
import type { Logger } from '../../src/logger';
import type { PaymentRecord } from '../../src/store/types';
import {
  PayStoreError,
  POSTGRES_SCHEMA_VERSION,
  PostgresStore,
  postgresMigrationSql,
} from '../../src/stores/postgres';
import { describeWithServer, sleep } from '../helpers/store-servers';
import { freePort } from '../helpers/redis-servers';

function record(paymentId: string, createdAt = Date.UTC(2026, 0, 1)): PaymentRecord {
  return {
    paymentId,
    selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${paymentId}`,
    reference: 'REF-1',
    amount: 1250,
    createdAt,
  };
}

describe('PostgresStore options', () => {
  const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
  afterAll(() => pool.end());

  it.each([
    [undefined, 'ERR_PAY_MISSING_OPTION', /PostgresStore needs an options object/],
    [{}, 'ERR_PAY_MISSING_OPTION', /PostgresStore\.pool is required/],
    [
      { pool, tabel: 'x' },
      'ERR_PAY_UNKNOWN_OPTION',
      /PostgresStore\.tabel is not an option\. Did you mean PostgresStore\.table\?/,
    ],
    [{ pool, schema: 'public; DROP TABLE x' }, 'ERR_PAY_INVALID_OPTION', /schema must be/],
    [{ pool, table: 'Payments' }, 'ERR_PAY_INVALID_OPTION', /table must be/],
    [{ pool, table: 'a"b' }, 'ERR_PAY_INVALID_OPTION', /table must be/],
    [{ pool, queryTimeoutMs: -1 }, 'ERR_PAY_INVALID_OPTION', /queryTimeoutMs/],
    [{ pool, purgeEveryWrites: 0.5 }, 'ERR_PAY_INVALID_OPTION', /purgeEveryWrites/],
  ])('rejects %p with %s', (options, code, message) => {
    const make = () => new PostgresStore(options as never);
    expect(make).toThrow(PayConfigError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (error) {
      expect((error as PayConfigError).code).toBe(code);
    }
  });

  it('the exported migration SQL names the tables in the schema and table given', () => {
    const sql = postgresMigrationSql({ schema: 'pay', table: 'orders_pay' });
    for (const table of ['pending', 'return_id', 'claim', 'settlement', 'schema_version']) {
      expect(sql).toContain(`CREATE TABLE IF NOT EXISTS "pay"."orders_pay_${table}"`);
    }
    expect(sql).toContain(`VALUES (${POSTGRES_SCHEMA_VERSION})`);
    expect(() => postgresMigrationSql({ table: 'x; --' })).toThrow(PayConfigError);
  });

  it('a pool to a closed port rejects with ERR_PAY_STORE_UNAVAILABLE', async () => {
    const closed = new Pool({ connectionString: `postgres://u@127.0.0.1:${await freePort()}/db` });
    try {
      const store = new PostgresStore({ pool: closed });
      // One at a time: an operation started early and awaited late would be an unhandled rejection.
      for (const op of [
        () => store.claim('k', 1000),
        () => store.getPending('p'),
        () => store.migrate(),
      ]) {
        await expect(op()).rejects.toMatchObject({
          name: 'PayStoreError',
          code: 'ERR_PAY_STORE_UNAVAILABLE',
        });
      }
    } finally {
      await closed.end();
    }
  });

  it('a database that accepts connections and never answers is given up on', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const hung = new Pool({ connectionString: `postgres://u@127.0.0.1:${port}/db` });
    hung.on('error', () => undefined);
    try {
      const store = new PostgresStore({ pool: hung, queryTimeoutMs: 200 });
      await expect(store.beginSettlement('settle:{p}', 1000)).rejects.toThrow(
        /did not answer within 200 ms/,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await hung.end().catch(() => undefined);
    }
  });
});

describeWithServer('DATABASE_URL', 'PostgresStore against a real server', (url) => {
  const schema = `test_${randomUUID().slice(0, 8)}`;
  const pool = new Pool({ connectionString: url, max: 6 });
  let store: PostgresStore;

  beforeAll(async () => {
    store = new PostgresStore({ pool, schema });
    await store.migrate();
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('migrate() is idempotent and versioned: a second run, and racing runs, change nothing', async () => {
    const other = `test_${randomUUID().slice(0, 8)}`;
    try {
      const racing = await Promise.all(
        [0, 1, 2].map(() => new PostgresStore({ pool, schema: other }).migrate()),
      );
      expect(racing.map((r) => r.from).sort()).toEqual([0, 1, 1]);
      expect(await new PostgresStore({ pool, schema: other }).migrate()).toEqual({
        from: POSTGRES_SCHEMA_VERSION,
        to: POSTGRES_SCHEMA_VERSION,
      });
      const { rows } = await pool.query(
        `SELECT version FROM "${other}"."govuk_pay_schema_version"`,
      );
      expect(rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
    }
  });

  it('refuses tables newer than this library', async () => {
    const other = `test_${randomUUID().slice(0, 8)}`;
    try {
      const newer = new PostgresStore({ pool, schema: other });
      await newer.migrate();
      await pool.query(`INSERT INTO "${other}"."govuk_pay_schema_version" (version) VALUES (99)`);
      await expect(newer.migrate()).rejects.toThrow(/version 99, newer than/);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
    }
  });

  it('sends values as parameters: quotes and SQL in ids are stored as text', async () => {
    const paymentId = `x'); DROP TABLE "${schema}"."govuk_pay_pending"; --`;
    await store.savePending(record(paymentId), 60_000);
    expect(await store.getPending(paymentId)).toEqual(record(paymentId));
    expect(await store.claim(`claim:{${paymentId}}`, 60_000)).toBe(true);
    await store.deletePending(paymentId);
  });

  it('a corrupted record is ERR_PAY_STORE_CORRUPT when read, and skipped (logged) when listed', async () => {
    const errors: unknown[] = [];
    const ignore = (): void => undefined;
    const logger: Logger = {
      debug: ignore,
      info: ignore,
      warn: ignore,
      error: (o) => errors.push(o),
    };
    const own = `test_${randomUUID().slice(0, 8)}`;
    const listing = new PostgresStore({ pool, schema: own, logger });
    try {
      await listing.migrate();
      for (const [i, id] of ['good1', 'bad', 'good2'].entries()) {
        await listing.savePending(record(id, i), 60_000);
      }
      await pool.query(
        `UPDATE "${own}"."govuk_pay_pending" SET record = '{"paymentId":' WHERE payment_id = 'bad'`,
      );
      await expect(listing.getPending('bad')).rejects.toMatchObject({
        code: 'ERR_PAY_STORE_CORRUPT',
      });
      const listed: string[] = [];
      for await (const r of listing.listPending(Number.MAX_SAFE_INTEGER)) listed.push(r.paymentId);
      expect(listed).toEqual(['good1', 'good2']);
      expect(errors).toHaveLength(1);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('lists thousands of pending payments in order, in batches, while deleting each', async () => {
    const own = `test_${randomUUID().slice(0, 8)}`;
    const paged = new PostgresStore({ pool, schema: own, batchSize: 50 });
    try {
      await paged.migrate();
      const values: string[] = [];
      // Ties on created_at on purpose: the keyset must order by payment_id within them.
      for (let i = 0; i < 1200; i += 1) {
        values.push(
          `('p${String(i).padStart(5, '0')}', ${Math.floor(i / 7)}, '${JSON.stringify(record(`p${String(i).padStart(5, '0')}`, Math.floor(i / 7)))}', 9007199254740000)`,
        );
      }
      await pool.query(
        `INSERT INTO "${own}"."govuk_pay_pending" (payment_id, created_at, record, expires_at) VALUES ${values.join(',')}`,
      );
      const seen: string[] = [];
      for await (const r of paged.listPending(Number.MAX_SAFE_INTEGER)) {
        seen.push(r.paymentId);
        await paged.deletePending(r.paymentId);
      }
      expect(seen).toHaveLength(1200);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(1200);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('listPending takes any number as its bound: infinities, NaN, fractions', async () => {
    const own = `test_${randomUUID().slice(0, 8)}`;
    const bounded = new PostgresStore({ pool, schema: own });
    try {
      await bounded.migrate();
      await bounded.savePending(record('at10', 10), 60_000);
      const list = async (before: number): Promise<string[]> => {
        const found: string[] = [];
        for await (const r of bounded.listPending(before)) found.push(r.paymentId);
        return found;
      };
      expect(await list(Number.POSITIVE_INFINITY)).toEqual(['at10']);
      expect(await list(10.5)).toEqual(['at10']);
      expect(await list(10)).toEqual([]);
      expect(await list(Number.NEGATIVE_INFINITY)).toEqual([]);
      expect(await list(Number.NaN)).toEqual([]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('racing takeovers of an expired claim or lease, over two pools: exactly one wins', async () => {
    const other = new Pool({ connectionString: url, max: 6 });
    try {
      const stores = [store, new PostgresStore({ pool: other, schema })];
      for (let round = 0; round < 5; round += 1) {
        const claimKey = `claim:{race-${randomUUID()}}`;
        const leaseKey = `settle:{race-${randomUUID()}}`;
        expect(await store.claim(claimKey, 1)).toBe(true);
        const first = await store.beginSettlement(leaseKey, 1);
        expect(first.status).toBe('acquired');
        await sleep(10);
        const claims = await Promise.all(
          Array.from({ length: 40 }, (_, i) => stores[i % 2]!.claim(claimKey, 60_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        const begins = await Promise.all(
          Array.from({ length: 40 }, (_, i) => stores[i % 2]!.beginSettlement(leaseKey, 60_000)),
        );
        const won = begins.filter((b) => b.status === 'acquired');
        expect(won).toHaveLength(1);
        expect(won[0]?.status === 'acquired' && won[0].lease.attempt).toBe(2);
        expect(begins.every((b) => b.status !== 'settled')).toBe(true);
      }
    } finally {
      await other.end();
    }
  });

  it('calls made at once share statements, and each caller gets its own answer', async () => {
    let statements = 0;
    const counting = {
      query: (config: { name?: string; text: string; values?: unknown[] }) => {
        statements += 1;
        return pool.query(config);
      },
      connect: () => pool.connect(),
    };
    const batched = new PostgresStore({ pool: counting, schema, purgeEveryWrites: 0 });
    const keys = Array.from({ length: 60 }, () => `claim:{batch-${randomUUID()}}`);
    const taken = keys.slice(0, 20);
    for (const key of taken) expect(await batched.claim(key, 60_000)).toBe(true);

    // Every key claimed three times at once: exactly one caller wins each fresh key; none
    // wins a key that was already held.
    statements = 0;
    const claims = await Promise.all(
      [0, 1, 2].flatMap(() => keys.map(async (key) => [key, await batched.claim(key, 60_000)])),
    );
    expect(statements).toBeLessThan(claims.length / 4);
    for (const key of keys) {
      const wins = claims.filter(([k, won]) => k === key && won === true).length;
      expect(wins).toBe(taken.includes(key) ? 0 : 1);
    }

    // Commits: only the holder's token commits, each caller is told which it was.
    const leases = await Promise.all(
      keys.map(async (key) => {
        const begun = await batched.beginSettlement(`settle:${key}`, 60_000);
        if (begun.status !== 'acquired') throw new Error('expected a fresh lease');
        return { key: `settle:${key}`, token: begun.lease.token };
      }),
    );
    statements = 0;
    const commits = await Promise.all(
      leases.flatMap(({ key, token }) => [
        batched.commitSettlement(key, 'not-the-token', 60_000),
        batched.commitSettlement(key, token, 60_000),
      ]),
    );
    expect(statements).toBeLessThan(commits.length / 4);
    expect(commits).toEqual(leases.flatMap(() => [false, true]));
    for (const { key } of leases.slice(0, 5)) {
      expect(await batched.beginSettlement(key, 60_000)).toEqual({ status: 'settled' });
    }

    // A refresh storm on one payment: the begins and "shown" claims made at once share their
    // statements, and the answers are those of calls made one after another.
    const storm = `{storm-${randomUUID()}}`;
    statements = 0;
    const begins = await Promise.all(
      Array.from({ length: 30 }, () => batched.beginSettlement(`settle:${storm}`, 60_000)),
    );
    const shown = await Promise.all(
      Array.from({ length: 30 }, () => batched.claim(`shown:${storm}`, 60_000)),
    );
    expect(statements).toBeLessThan(15);
    expect(begins.filter((b) => b.status === 'acquired')).toHaveLength(1);
    expect(begins.filter((b) => b.status === 'leased')).toHaveLength(29);
    expect(
      begins.every((b) => b.status !== 'settled' && (b.status !== 'leased' || b.attempt === 1)),
    ).toBe(true);
    expect(shown.filter(Boolean)).toHaveLength(1);

    // Releases and pending deletes, coalesced too, are seen at once by another connection.
    await Promise.all(keys.map((key) => batched.savePending(record(key), 60_000)));
    await Promise.all(keys.flatMap((key) => [batched.release(key), batched.deletePending(key)]));
    for (const key of keys.slice(0, 5)) {
      expect(await store.getPending(key)).toBeUndefined();
      expect(await store.claim(key, 60_000)).toBe(true);
    }
  });

  it('refuses a key or token PostgreSQL text cannot hold, before it can fail a shared batch', async () => {
    await expect(store.claim('claim:{nul\u0000}', 1000)).rejects.toThrow(/NUL/);
    await expect(store.commitSettlement('settle:{x}', 'to\u0000ken', 1000)).rejects.toThrow(/NUL/);
  });

  it('purgeExpired deletes expired rows only, in bounded batches', async () => {
    const own = `test_${randomUUID().slice(0, 8)}`;
    const purging = new PostgresStore({ pool, schema: own, purgeEveryWrites: 0 });
    try {
      await purging.migrate();
      await pool.query(
        `INSERT INTO "${own}"."govuk_pay_claim" (key, expires_at)
         SELECT 'old' || n, 1 FROM generate_series(1, 2500) n`,
      );
      await purging.claim('kept', 3_600_000);
      await purging.saveReturnId('rid-kept', record('p'), 3_600_000);
      await purging.saveReturnId('rid-gone', record('p'), 1);
      await sleep(20);
      expect(await purging.purgeExpired({ batchSize: 1000, maxBatches: 2 })).toBe(2001);
      expect(await purging.purgeExpired({ batchSize: 1000 })).toBe(500);
      expect(await purging.purgeExpired()).toBe(0);
      const { rows } = await pool.query(`SELECT key FROM "${own}"."govuk_pay_claim"`);
      expect(rows).toEqual([{ key: 'kept' }]);
      expect(await purging.getReturnId('rid-kept')).toEqual(record('p'));
      await expect(purging.purgeExpired({ batchSize: 0 })).rejects.toThrow(RangeError);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('purges a batch in the background every purgeEveryWrites writes', async () => {
    const own = `test_${randomUUID().slice(0, 8)}`;
    const background = new PostgresStore({ pool, schema: own, purgeEveryWrites: 5 });
    try {
      await background.migrate();
      for (let i = 0; i < 4; i += 1) await background.claim(`short${i}`, 1);
      await sleep(20);
      await background.claim('fifth-write', 3_600_000);
      await background.close();
      const { rows } = await pool.query(`SELECT key FROM "${own}"."govuk_pay_claim"`);
      expect(rows).toEqual([{ key: 'fifth-write' }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE`);
    }
  });

  it('an operation fails with PayStoreError, not a crash, when its tables are missing', async () => {
    const own = `test_${randomUUID().slice(0, 8)}`;
    const missing = new PostgresStore({ pool, schema: own });
    const error: unknown = await missing.claim('k', 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayStoreError);
    expect((error as Error).message).toMatch(/SQLSTATE 42P01/);
  });
});
