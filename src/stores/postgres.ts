import { createHash, randomBytes } from 'node:crypto';
import {
  methodsOption,
  numberOption,
  optionPath,
  optionsObject,
  rejectUnknownKeys,
  requireOption,
} from '../options/index.js';
import type { Logger } from '../logger.js';
import type {
  PaymentRecord,
  PaymentStore,
  SettlementBegin,
  SettlementState,
} from '../store/index.js';
import { PayStoreError } from './errors.js';
import { resolveSharedStoreOptions } from './option-rules.js';
import {
  POSTGRES_SCHEMA_VERSION,
  postgresMigrationSql,
  postgresTableNames,
} from './postgres-schema.js';
import type { PostgresTableNames } from './postgres-schema.js';
import { checkTtl, decodeRecord, encodeRecord } from './record-codec.js';
import { StatementBatcher } from './statement-batcher.js';

export { PayStoreError } from './errors.js';
export type { PayStoreErrorCode } from './errors.js';
export { POSTGRES_SCHEMA_VERSION, postgresMigrationSql } from './postgres-schema.js';

/** What a query answers, as far as the store reads it. */
export interface PgQueryResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/** Anything with pg's `query({ text, values })`: a `Pool` or a checked-out `PoolClient`. */
export interface PgQueryable {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<PgQueryResult>;
}

/** A `pg` `Pool` (or anything shaped like one), as far as the store uses it. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * A `pg` `Pool`, shared with the rest of the service if you like. The store never ends it.
   * Give it a `connectionTimeoutMillis`, so that a database that stops answering new connections
   * fails fast.
   */
  pool: PgPoolLike;
  /**
   * The schema holding the tables, created by `migrate()` if missing. Lower-case letters, digits
   * and `_`.
   * @default 'public'
   */
  schema?: string;
  /**
   * The base name of the tables: `<table>_pending`, `<table>_return_id`, `<table>_claim`,
   * `<table>_settlement` and `<table>_schema_version`. Lower-case letters, digits and `_`.
   * @default 'govuk_pay'
   */
  table?: string;
  /**
   * How long a query may take, waiting for a connection included, before its promise rejects
   * with `ERR_PAY_STORE_UNAVAILABLE`: how long a citizen waits on a return before `unconfirmed`.
   * @default 5000
   */
  queryTimeoutMs?: number;
  /**
   * How many pending payments `listPending` and `listDue` read per query.
   * @default 200
   */
  batchSize?: number;
  /**
   * After this many writes, one batch of expired rows is purged in the background (see
   * {@link PostgresStore.purgeExpired}). 0 turns it off, for services that purge on a schedule.
   * @default 1000
   */
  purgeEveryWrites?: number;
  /**
   * Told about a corrupted record skipped while listing and about a background purge that
   * failed. Never given a payment id.
   * @default a silent logger
   */
  logger?: Logger;
}

/** Options of {@link PostgresStore.purgeExpired}. */
export interface PurgeOptions {
  /**
   * Rows deleted per statement, so that a purge never holds many locks or one long transaction.
   * @default 1000
   */
  batchSize?: number;
  /**
   * Statements per table at the most; the rest waits for the next purge.
   * @default 100
   */
  maxBatches?: number;
}

const DEFAULT_PURGE_EVERY = 1_000;
/**
 * Statements of one batched kind running at once: two, so that a batch waits for at most one
 * round trip, and a busy pool still has connections for everything else.
 */
const BATCH_IN_FLIGHT = 2;
const MAX_BATCH = 500;
/** deadlock_detected and serialization_failure: the batch is sent once more. */
const RETRY_SQLSTATES = new Set(['40P01', '40001']);
const BACKGROUND_PURGE_BATCH = 500;
const OPTION_NAMES = [
  'pool',
  'schema',
  'table',
  'queryTimeoutMs',
  'batchSize',
  'purgeEveryWrites',
  'logger',
] as const satisfies readonly (keyof PostgresStoreOptions)[];

/** See SETTLEMENT_ATTEMPT_RETENTION_MS in the Redis store: the attempt count outlives leases. */
const ATTEMPT_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

/** Now, epoch milliseconds, by the database's clock: every instance agrees on it. */
const NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * A condition that is always true and makes the statement's transaction commit without waiting
 * for the disk (synchronous_commit off, for this transaction only). Only for writes whose loss
 * in a database crash costs repeated work and never a second fulfilment: claims, their
 * release, and the deletion of a settled payment's pending record. Leases and their commits
 * always wait for the disk. Most of the cost of a small write on a real disk is that wait.
 * On a pool each statement is a transaction of its own, so the setting ends with it.
 */
const NO_DISK_WAIT = `(SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL`;

/** The statements, built once per store from validated, quoted table names. */
function statements(t: PostgresTableNames) {
  return {
    savePending: `INSERT INTO ${t.pending} AS p (payment_id, created_at, record, expires_at)
      VALUES ($1, $2, $3, ${NOW} + $4)
      ON CONFLICT (payment_id) DO UPDATE SET created_at = EXCLUDED.created_at,
        record = EXCLUDED.record, expires_at = EXCLUDED.expires_at,
        due_at = CASE WHEN p.expires_at > ${NOW} THEN p.due_at END`,
    deletePending: `DELETE FROM ${t.pending} WHERE payment_id = $1 AND ${NO_DISK_WAIT}`,
    // The "Many" statements take arrays, for calls coalesced by a StatementBatcher.
    deletePendingMany: `DELETE FROM ${t.pending}
      WHERE payment_id = ANY($1::text[]) AND ${NO_DISK_WAIT}`,
    // Keyset pagination on the (created_at, payment_id) index: no OFFSET, so deletes between
    // pages never make a reader skip a row.
    listPending: `SELECT payment_id, created_at, record FROM ${t.pending}
      WHERE created_at < $1 AND (created_at, payment_id) > ($2, $3) AND expires_at > ${NOW}
      ORDER BY created_at, payment_id LIMIT $4`,
    getPending: `SELECT record FROM ${t.pending} WHERE payment_id = $1 AND expires_at > ${NOW}`,
    markDue: `UPDATE ${t.pending} SET due_at = COALESCE(due_at, ${NOW})
      WHERE payment_id = $1 AND expires_at > ${NOW}`,
    listDue: `SELECT payment_id, due_at AS created_at, record FROM ${t.pending}
      WHERE due_at IS NOT NULL AND (due_at, payment_id) > ($1, $2) AND expires_at > ${NOW}
      ORDER BY due_at, payment_id LIMIT $3`,
    saveReturnId: `INSERT INTO ${t.returnIds} (return_id, record, expires_at)
      VALUES ($1, $2, ${NOW} + $3)
      ON CONFLICT (return_id) DO UPDATE SET record = EXCLUDED.record, expires_at = EXCLUDED.expires_at`,
    getReturnId: `SELECT record FROM ${t.returnIds} WHERE return_id = $1 AND expires_at > ${NOW}`,
    // One statement that takes no row lock when the key is held: a refresh storm on one payment
    // must not queue on its row. A fresh key is inserted (ON CONFLICT DO NOTHING does not lock);
    // an expired one is taken by a conditional UPDATE, which re-checks the row under its lock,
    // so of racing callers exactly one wins. No row at all comes back when another caller
    // inserted the key after this statement's snapshot: it holds the claim.
    claim: `WITH ins AS (
        INSERT INTO ${t.claims} (key, expires_at)
        SELECT $1::text, ${NOW} + $2::bigint WHERE ${NO_DISK_WAIT}
        ON CONFLICT (key) DO NOTHING RETURNING 1 AS won
      ), upd AS (
        UPDATE ${t.claims} SET expires_at = ${NOW} + $2
        WHERE key = $1 AND expires_at <= ${NOW} AND NOT EXISTS (SELECT 1 FROM ins)
        RETURNING 1 AS won
      )
      SELECT won FROM ins UNION ALL SELECT won FROM upd`,
    release: `DELETE FROM ${t.claims} WHERE key = $1 AND ${NO_DISK_WAIT}`,
    // The same for many keys at once, answering the keys it took. `= ANY` keeps the lookups on
    // the primary key whatever the planner thinks of the table's size.
    claimMany: `WITH req AS (
        SELECT key, ttl FROM unnest($1::text[], $2::bigint[]) AS r (key, ttl)
      ), ins AS (
        INSERT INTO ${t.claims} (key, expires_at)
        SELECT key, ${NOW} + ttl FROM req WHERE ${NO_DISK_WAIT}
        ON CONFLICT (key) DO NOTHING RETURNING key
      ), upd AS (
        UPDATE ${t.claims} AS c SET expires_at = ${NOW} + req.ttl FROM req
        WHERE c.key = ANY($1::text[]) AND c.key = req.key AND c.expires_at <= ${NOW}
          AND NOT EXISTS (SELECT 1 FROM ins WHERE ins.key = req.key)
        RETURNING c.key
      )
      SELECT key FROM ins UNION ALL SELECT key FROM upd`,
    releaseMany: `DELETE FROM ${t.claims} WHERE key = ANY($1::text[]) AND ${NO_DISK_WAIT}`,
    // The same shape for a lease: insert a fresh key; or take one that expired, or that is
    // neither committed nor held by a live lease (the attempt carries on unless the row had
    // expired); or else say who has it, all in one statement and without a lock on the hot
    // path (a key already settled). No row comes back only when the key was inserted after this
    // statement's snapshot; then the caller asks again.
    begin: `WITH ins AS (
        INSERT INTO ${t.settlements} (key, attempt, token, lease_until, committed, expires_at)
        VALUES ($1, 1, $2, ${NOW} + $3, false, ${NOW} + GREATEST($3, $4))
        ON CONFLICT (key) DO NOTHING RETURNING attempt
      ), upd AS (
        UPDATE ${t.settlements} AS s SET
          attempt = CASE WHEN s.expires_at <= ${NOW} THEN 1 ELSE s.attempt + 1 END,
          token = $2, lease_until = ${NOW} + $3, committed = false,
          expires_at = ${NOW} + GREATEST($3, $4)
        WHERE s.key = $1 AND NOT EXISTS (SELECT 1 FROM ins)
          AND (s.expires_at <= ${NOW}
            OR (NOT s.committed AND (s.token IS NULL OR s.lease_until <= ${NOW})))
        RETURNING s.attempt
      )
      SELECT 'acquired' AS status, attempt FROM ins
      UNION ALL SELECT 'acquired', attempt FROM upd
      UNION ALL SELECT CASE WHEN s.committed THEN 'settled' ELSE 'leased' END, s.attempt
        FROM ${t.settlements} AS s
        WHERE s.key = $1 AND s.expires_at > ${NOW}
          AND NOT EXISTS (SELECT 1 FROM ins) AND NOT EXISTS (SELECT 1 FROM upd)`,
    settlementState: `SELECT CASE WHEN committed THEN 'settled'
        WHEN token IS NOT NULL AND lease_until > ${NOW} THEN 'leased' ELSE 'unsettled' END AS state
      FROM ${t.settlements} WHERE key = $1 AND expires_at > ${NOW}`,
    renew: `UPDATE ${t.settlements} SET lease_until = ${NOW} + $3,
        expires_at = GREATEST(expires_at, ${NOW} + $3)
      WHERE key = $1 AND token = $2 AND NOT committed AND expires_at > ${NOW}`,
    commit: `UPDATE ${t.settlements}
      SET committed = true, token = NULL, lease_until = NULL, expires_at = ${NOW} + $3
      WHERE key = $1 AND token = $2 AND NOT committed AND expires_at > ${NOW}`,
    // The same for many leases, answering the key and token of each one it committed.
    commitMany: `UPDATE ${t.settlements} AS s
      SET committed = true, token = NULL, lease_until = NULL, expires_at = ${NOW} + v.retention
      FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v (key, token, retention)
      WHERE s.key = ANY($1::text[]) AND s.key = v.key AND s.token = v.token AND NOT s.committed AND s.expires_at > ${NOW}
      RETURNING v.key, v.token`,
    releaseLease: `UPDATE ${t.settlements} SET token = NULL, lease_until = NULL
      WHERE key = $1 AND token = $2 AND NOT committed`,
    purge: (table: string, keyColumn: string): string =>
      `DELETE FROM ${table} WHERE ${keyColumn} IN (
        SELECT ${keyColumn} FROM ${table} WHERE expires_at <= ${NOW}
        LIMIT $1 FOR UPDATE SKIP LOCKED)`,
    lock: `SELECT pg_advisory_xact_lock(hashtext($1))`,
    versionTable: `CREATE SCHEMA IF NOT EXISTS "${t.schema}";
      CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (
        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    version: `SELECT COALESCE(MAX(version), 0) AS version FROM ${t.schemaVersion}`,
  };
}

/**
 * A {@link PaymentStore} in PostgreSQL, shared by every instance using the same database and
 * tables, and durable across restarts. Run `await store.migrate()` once at start-up (or apply
 * {@link postgresMigrationSql} yourself). Every statement is parameterised; the only text put
 * into SQL is the schema and table names, checked against a strict pattern and quoted.
 */
export class PostgresStore implements PaymentStore {
  readonly #pool: PgPoolLike;
  readonly #tables: PostgresTableNames;
  readonly #sql: ReturnType<typeof statements>;
  readonly #timeoutMs: number;
  readonly #batchSize: number;
  readonly #purgeEvery: number;
  readonly #logger: Logger;
  readonly #statementNames = new Map<string, string>();
  // Calls that a busy service makes many of at once: each kind is coalesced into one statement
  // over arrays while others of its kind are running, and sent as its plain statement when alone.
  readonly #claims = this.#batcher<{ key: string; ttlMs: number }, boolean>(
    (item) => item.key,
    false,
    async ({ key, ttlMs }) => (await this.#query(this.#sql.claim, [key, ttlMs])).rows.length === 1,
    async (items) => {
      const { rows } = await this.#query(this.#sql.claimMany, [
        items.map((item) => item.key),
        items.map((item) => item.ttlMs),
      ]);
      const won = new Set(rows.map((row) => String(row.key)));
      return items.map((item) => won.has(item.key));
    },
  );
  readonly #releases = this.#batcher<string, void>(
    (key) => key,
    undefined,
    async (key) => {
      await this.#query(this.#sql.release, [key]);
    },
    async (keys) => {
      await this.#query(this.#sql.releaseMany, [keys]);
      return keys.map(() => undefined);
    },
  );
  readonly #pendingDeletes = this.#batcher<string, void>(
    (id) => id,
    undefined,
    async (id) => {
      await this.#query(this.#sql.deletePending, [id]);
    },
    async (ids) => {
      await this.#query(this.#sql.deletePendingMany, [ids]);
      return ids.map(() => undefined);
    },
  );
  readonly #commits = this.#batcher<{ key: string; token: string; retentionMs: number }, boolean>(
    (item) => `${item.key}\0${item.token}`,
    false,
    async ({ key, token, retentionMs }) =>
      (await this.#query(this.#sql.commit, [key, token, retentionMs])).rowCount === 1,
    async (items) => {
      const { rows } = await this.#query(this.#sql.commitMany, [
        items.map((item) => item.key),
        items.map((item) => item.token),
        items.map((item) => item.retentionMs),
      ]);
      const committed = new Set(rows.map((row) => `${String(row.key)}\0${String(row.token)}`));
      return items.map((item) => committed.has(`${item.key}\0${item.token}`));
    },
  );
  readonly #beginsInFlight = new Map<
    string,
    Promise<{ status: string; attempt: number } | undefined>
  >();
  #writes = 0;
  #backgroundPurge: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
    const where = 'PostgresStore';
    const record = optionsObject(options, where, 'new PostgresStore({ pool }), with a pg Pool');
    rejectUnknownKeys(record, OPTION_NAMES, where);
    const pool = methodsOption<PgPoolLike>(
      requireOption(
        record.pool,
        optionPath(where, 'pool'),
        'a Pool from the "pg" package (new Pool({ connectionString }))',
      ),
      optionPath(where, 'pool'),
      {
        required: ['query', 'connect'],
        describe: 'a Pool from the "pg" package (new Pool({ connectionString }))',
      },
    ) as PgPoolLike;
    const { schema, table } = options;
    const {
      timeoutMs: queryTimeoutMs,
      batchSize,
      logger,
    } = resolveSharedStoreOptions(record, where, 'queryTimeoutMs');
    const purgeEveryWrites = numberOption(
      record.purgeEveryWrites,
      optionPath(where, 'purgeEveryWrites'),
      {
        min: 0,
        max: 1_000_000_000,
        integer: true,
        unit: 'writes',
        why: '0 turns background purging off',
      },
      DEFAULT_PURGE_EVERY,
    );
    this.#pool = pool;
    this.#tables = postgresTableNames(schema, table);
    this.#sql = statements(this.#tables);
    this.#timeoutMs = queryTimeoutMs;
    this.#batchSize = batchSize;
    this.#purgeEvery = purgeEveryWrites;
    this.#logger = logger;
  }

  /**
   * Creates the tables, or brings them up to {@link POSTGRES_SCHEMA_VERSION}, in one
   * transaction under an advisory lock, so instances starting together migrate once. Running
   * it again does nothing. Resolves to the versions before and after.
   */
  async migrate(): Promise<{ from: number; to: number }> {
    const client = await this.#withTimeout(this.#pool.connect()).catch((error: unknown) => {
      throw storeError(error);
    });
    let broken: Error | undefined;
    try {
      await client.query({ text: 'BEGIN' });
      await client.query({
        text: this.#sql.lock,
        values: [`govuk-pay-express:${this.#tables.schema}.${this.#tables.base}`],
      });
      await client.query({ text: this.#sql.versionTable });
      const from = Number((await client.query({ text: this.#sql.version })).rows[0]?.version ?? 0);
      if (from > POSTGRES_SCHEMA_VERSION) {
        throw new PayStoreError(
          'ERR_PAY_STORE_CORRUPT',
          `the PostgresStore tables are at version ${from}, newer than this library's ${POSTGRES_SCHEMA_VERSION}; upgrade govuk-pay-express`,
        );
      }
      if (from < 1) {
        await client.query({
          text: postgresMigrationSql({ schema: this.#tables.schema, table: this.#tables.base }),
        });
      }
      await client.query({ text: 'COMMIT' });
      return { from, to: POSTGRES_SCHEMA_VERSION };
    } catch (error) {
      await client.query({ text: 'ROLLBACK' }).catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw storeError(error);
    } finally {
      // A connection that could not even roll back is not given back to the pool.
      client.release(broken ?? false);
    }
  }

  async savePending(record: PaymentRecord, ttlMs: number): Promise<void> {
    const value = encodeRecord(record);
    await this.#query(this.#sql.savePending, [
      record.paymentId,
      Math.floor(record.createdAt),
      value,
      checkTtl(ttlMs),
    ]);
    this.#wrote();
  }

  async deletePending(paymentId: string): Promise<void> {
    await this.#withTimeout(this.#pendingDeletes.add(checkId(paymentId, 'paymentId')));
  }

  /**
   * Streams the live pending payments created before `createdBefore`, oldest first,
   * `batchSize` per query, by keyset. A payment deleted after its batch was read may still be
   * yielded; none is yielded twice.
   */
  async *listPending(createdBefore: number): AsyncGenerator<PaymentRecord, void, undefined> {
    // A bigint column compared with a fraction, an infinity or 2^63 and above would fail.
    if (Number.isNaN(createdBefore)) return;
    const before = Math.max(
      Number.MIN_SAFE_INTEGER,
      Math.min(Math.ceil(createdBefore), Number.MAX_SAFE_INTEGER),
    );
    yield* this.#keyset((afterAt, afterId) =>
      this.#query(this.#sql.listPending, [before, afterAt, afterId, this.#batchSize]),
    );
  }

  async saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number): Promise<void> {
    const value = encodeRecord(record);
    await this.#query(this.#sql.saveReturnId, [
      checkId(returnId, 'returnId'),
      value,
      checkTtl(ttlMs),
    ]);
    this.#wrote();
  }

  async getReturnId(returnId: string): Promise<PaymentRecord | undefined> {
    const { rows } = await this.#query(this.#sql.getReturnId, [checkId(returnId, 'returnId')]);
    return rows[0] === undefined ? undefined : decodeRecord(rows[0].record, 'return id');
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const won = await this.#withTimeout(
      this.#claims.add({ key: checkId(key, 'key'), ttlMs: checkTtl(ttlMs) }),
    );
    this.#wrote();
    return won;
  }

  async release(key: string): Promise<void> {
    await this.#withTimeout(this.#releases.add(checkId(key, 'key')));
  }

  async beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> {
    checkId(key, 'key');
    const token = randomBytes(16).toString('base64url');
    const lease = checkTtl(leaseMs, 'leaseMs');
    this.#wrote();
    // An empty answer means another caller inserted the key after this statement's snapshot:
    // asking again sees it. Three tries is plenty; a fourth would mean a key churning faster
    // than a round trip, which is a lease shorter than any journey uses.
    const inFlight = this.#beginsInFlight.get(key);
    if (inFlight !== undefined) {
      // A begin of this key is on its way: its answer is this call's too, as if this one had
      // come just after it (a refresh storm on one payment then costs one statement).
      const row = await inFlight.catch(() => undefined);
      if (row?.status === 'settled') return { status: 'settled' };
      if (row !== undefined) return { status: 'leased', attempt: row.attempt };
    }
    for (let round = 0; round < 3; round += 1) {
      const running = this.#query(this.#sql.begin, [key, token, lease, ATTEMPT_RETENTION_MS]).then(
        ({ rows }) =>
          rows[0] === undefined
            ? undefined
            : { status: String(rows[0].status), attempt: Number(rows[0].attempt) },
      );
      if (!this.#beginsInFlight.has(key)) {
        this.#beginsInFlight.set(key, running);
        const forget = (): void => {
          if (this.#beginsInFlight.get(key) === running) this.#beginsInFlight.delete(key);
        };
        running.then(forget, forget);
      }
      const row = await running;
      if (row === undefined) continue;
      const { attempt } = row;
      if (row.status === 'acquired') return { status: 'acquired', lease: { token, attempt } };
      if (row.status === 'settled') return { status: 'settled' };
      return { status: 'leased', attempt };
    }
    return { status: 'leased', attempt: 1 };
  }

  async settlementState(key: string): Promise<SettlementState> {
    const { rows } = await this.#query(this.#sql.settlementState, [checkId(key, 'key')]);
    const state: unknown = rows[0]?.state ?? 'unsettled';
    if (state === 'settled' || state === 'leased' || state === 'unsettled') return state;
    throw new PayStoreError(
      'ERR_PAY_STORE_CORRUPT',
      'PostgresStore: a settlement row has an unknown state',
    );
  }

  async renewSettlement(key: string, token: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.#query(this.#sql.renew, [
      checkId(key, 'key'),
      String(token),
      checkTtl(leaseMs, 'leaseMs'),
    ]);
    return rowCount === 1;
  }

  async commitSettlement(key: string, token: string, retentionMs: number): Promise<boolean> {
    return this.#withTimeout(
      this.#commits.add({
        key: checkId(key, 'key'),
        token: checkText(String(token), 'token'),
        retentionMs: checkTtl(retentionMs, 'retentionMs'),
      }),
    );
  }

  async releaseSettlement(key: string, token: string): Promise<void> {
    await this.#query(this.#sql.releaseLease, [checkId(key, 'key'), String(token)]);
  }

  async getPending(paymentId: string): Promise<PaymentRecord | undefined> {
    const { rows } = await this.#query(this.#sql.getPending, [checkId(paymentId, 'paymentId')]);
    return rows[0] === undefined ? undefined : decodeRecord(rows[0].record, 'pending record');
  }

  async markDue(paymentId: string): Promise<boolean> {
    const { rowCount } = await this.#query(this.#sql.markDue, [checkId(paymentId, 'paymentId')]);
    return rowCount === 1;
  }

  /** Streams the pending payments marked due, longest marked first, `batchSize` per query. */
  async *listDue(): AsyncGenerator<PaymentRecord, void, undefined> {
    yield* this.#keyset((afterAt, afterId) =>
      this.#query(this.#sql.listDue, [afterAt, afterId, this.#batchSize]),
    );
  }

  /**
   * Deletes expired rows from every table, `batchSize` rows per statement and at most
   * `maxBatches` statements per table, skipping rows another session holds. Reads never return
   * expired rows anyway; this only bounds the tables' size. Resolves to the rows deleted.
   */
  async purgeExpired(options: PurgeOptions = {}): Promise<number> {
    const { batchSize = 1_000, maxBatches = 100 } = options;
    if (!isWholeNumber(batchSize, 1, 100_000) || !isWholeNumber(maxBatches, 1, 1_000_000)) {
      throw new RangeError(
        'govuk-pay-express: purgeExpired batchSize must be a whole number from 1 to 100000 and maxBatches one from 1 up',
      );
    }
    const t = this.#tables;
    let purged = 0;
    for (const [table, keyColumn] of [
      [t.pending, 'payment_id'],
      [t.returnIds, 'return_id'],
      [t.claims, 'key'],
      [t.settlements, 'key'],
    ] as const) {
      const text = this.#sql.purge(table, keyColumn);
      for (let batch = 0; batch < maxBatches; batch += 1) {
        const { rowCount } = await this.#query(text, [batchSize]);
        purged += rowCount ?? 0;
        if ((rowCount ?? 0) < batchSize) break;
      }
    }
    return purged;
  }

  /** Waits for a background purge in progress. The pool belongs to the service, which ends it. */
  async close(): Promise<void> {
    await this.#backgroundPurge;
  }

  /**
   * Pages through rows ordered by (created_at, payment_id), resuming after the last row read.
   * Corrupted records are logged and skipped so that one bad row does not stop reconciliation.
   */
  async *#keyset(
    page: (afterAt: number, afterId: string) => Promise<PgQueryResult>,
  ): AsyncGenerator<PaymentRecord, void, undefined> {
    let afterAt = Number.MIN_SAFE_INTEGER;
    let afterId = '';
    for (;;) {
      const { rows } = await page(afterAt, afterId);
      for (const row of rows) {
        afterAt = Number(row.created_at);
        afterId = String(row.payment_id);
        let record: PaymentRecord;
        try {
          record = decodeRecord(row.record, 'pending record');
        } catch (error) {
          this.#logger.error(
            { err: error, code: error instanceof PayStoreError ? error.code : undefined },
            'govuk-pay-express: skipped a corrupted pending record in PostgresStore',
          );
          continue;
        }
        yield record;
      }
      if (rows.length < this.#batchSize) return;
    }
  }

  /** Counts writes, and every `purgeEveryWrites` starts one bounded purge unless one runs. */
  #wrote(): void {
    if (this.#purgeEvery === 0) return;
    this.#writes += 1;
    if (this.#writes % this.#purgeEvery !== 0 || this.#backgroundPurge !== undefined) return;
    this.#backgroundPurge = this.purgeExpired({ batchSize: BACKGROUND_PURGE_BATCH, maxBatches: 1 })
      .then(
        () => undefined,
        (error: unknown) => {
          this.#logger.warn(
            { err: error },
            'govuk-pay-express: a background purge of expired store rows failed',
          );
        },
      )
      .finally(() => {
        this.#backgroundPurge = undefined;
      });
  }

  /**
   * A batcher that sends one item by `one` and several by `many`, in the order of `identity`
   * (so two batches touching the same rows lock them in the same order). An item repeated in
   * one batch is sent once, and its repeats answer `repeated`, as a call made just after the
   * first would have: of two racing claims of one key, one wins. A batch that lost a deadlock
   * or a serialization race is sent once more.
   */
  #batcher<Item, Result>(
    identity: (item: Item) => string,
    repeated: Result,
    one: (item: Item) => Promise<Result>,
    many: (items: readonly Item[]) => Promise<readonly Result[]>,
  ): StatementBatcher<Item, Result> {
    const runOnce = async (items: readonly Item[]): Promise<readonly Result[]> => {
      const firsts = new Map<string, number>();
      items.forEach((item, i) => {
        if (!firsts.has(identity(item))) firsts.set(identity(item), i);
      });
      const sent = [...firsts.entries()]
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([, i]) => items[i] as Item);
      const answers = sent.length === 1 ? [await one(sent[0] as Item)] : await many(sent);
      const byIdentity = new Map(sent.map((item, k) => [identity(item), answers[k] as Result]));
      return items.map((item, i) =>
        firsts.get(identity(item)) === i ? (byIdentity.get(identity(item)) as Result) : repeated,
      );
    };
    return new StatementBatcher<Item, Result>(
      async (items) => {
        try {
          return await runOnce(items);
        } catch (error) {
          const sqlState = (error as { cause?: { code?: unknown } }).cause?.code;
          if (items.length === 1 || typeof sqlState !== 'string' || !RETRY_SQLSTATES.has(sqlState))
            throw error;
          return runOnce(items);
        }
      },
      BATCH_IN_FLIGHT,
      MAX_BATCH,
    );
  }

  async #query(text: string, values: unknown[]): Promise<PgQueryResult> {
    // Named, so each connection parses and plans a statement once rather than on every call.
    let name = this.#statementNames.get(text);
    if (name === undefined) {
      name = `govuk_pay_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      this.#statementNames.set(text, name);
    }
    try {
      return await this.#withTimeout(this.#pool.query({ name, text, values }));
    } catch (error) {
      throw storeError(error);
    }
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`PostgreSQL did not answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      timer.unref();
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

/**
 * A PayStoreError for any failure. PostgreSQL's messages can quote a row's values (a unique
 * violation names the key), so only the SQLSTATE code or the driver's own message is kept.
 */
function storeError(error: unknown): PayStoreError {
  if (error instanceof PayStoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const detail =
    sqlState !== undefined
      ? `SQLSTATE ${sqlState}`
      : error instanceof Error
        ? error.message
        : String(error);
  return new PayStoreError('ERR_PAY_STORE_UNAVAILABLE', `PostgreSQL query failed (${detail})`, {
    cause: error,
  });
}

function checkId(id: string, what: string): string {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`govuk-pay-express: a store ${what} must be a non-empty string`);
  }
  return checkText(id, what);
}

/**
 * PostgreSQL text cannot hold NUL. Refused before it is sent, as one bad value in a batched
 * statement would fail the other callers' values with it.
 */
function checkText(text: string, what: string): string {
  if (text.includes('\u0000')) {
    throw new TypeError(`govuk-pay-express: a store ${what} must not contain NUL characters`);
  }
  return text;
}

/** The order of the text columns' "C" collation for ASCII; any fixed order would do. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
