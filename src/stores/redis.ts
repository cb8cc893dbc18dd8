import { randomBytes } from 'node:crypto';
import {
  optionPath,
  optionsObject,
  rejectUnknownKeys,
  requireOption,
  stringOption,
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
import { checkTtl, decodeRecord, encodeRecord } from './record-codec.js';
import { CORRUPT_REPLY, RedisCommands, RedisScript } from './redis-commands.js';
import type { RedisClientLike } from './redis-commands.js';

export { PayStoreError } from './errors.js';
export type { PayStoreErrorCode } from './errors.js';
export type { RedisClientLike, RedisCommandSender } from './redis-commands.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected client: node-redis v5 (`createClient()` or `createCluster()` from `redis`, after
   * `await client.connect()`), ioredis (`new Redis()` or `new Cluster()`), or any object with
   * `sendCommand(args: string[])`. The store never connects, closes or configures it.
   */
  client: RedisClientLike;
  /**
   * Put before every key, so that several services (or test runs) can share one database. Letters,
   * digits and `:_.-` only: no braces, which would change the keys' Cluster hash slot.
   * @default 'govuk-pay:'
   */
  prefix?: string;
  /**
   * How long a command may take before its promise rejects with `ERR_PAY_STORE_UNAVAILABLE`.
   * Clients queue commands while reconnecting; this bounds how long a citizen waits on a return
   * before seeing `unconfirmed`.
   * @default 5000
   */
  commandTimeoutMs?: number;
  /**
   * How many pending payments `listPending` and `listDue` read per round trip.
   * @default 200
   */
  batchSize?: number;
  /**
   * Told (at `error`) about a corrupted record skipped while listing, so one bad value does not
   * stop reconciliation. The payment id is never passed to it.
   * @default a silent logger
   */
  logger?: Logger;
}

const DEFAULT_PREFIX = 'govuk-pay:';
const PREFIX_PATTERN = /^[A-Za-z0-9:_.-]{0,64}$/;
const OPTION_NAMES = [
  'client',
  'prefix',
  'commandTimeoutMs',
  'batchSize',
  'logger',
] as const satisfies readonly (keyof RedisStoreOptions)[];

/**
 * How long a settlement key is kept while not committed, so that its attempt count survives
 * a lease running out or being released: longer than any retention a journey commits with.
 */
export const SETTLEMENT_ATTEMPT_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

// Settlement keys are hashes: a = attempt, t = token of the holder, u = lease end (server ms),
// c = "1" once committed. Times come from the server's clock, so instances' clocks do not matter.
const NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;
const READ_SETTLEMENT = `local state = redis.call('HMGET', KEYS[1], 'a', 't', 'u', 'c')
local attempt = tonumber(state[1] or '0')
if attempt == nil then return redis.error_reply('${CORRUPT_REPLY}') end`;

// The key's state on the server's clock: committed, under a live lease, or neither.
const LEASE_STATE = `${NOW_MS}
${READ_SETTLEMENT}
local leaseEnd = tonumber(state[3] or '0')
local current = 'unsettled'
if state[4] == '1' then current = 'settled'
elseif state[2] and leaseEnd and leaseEnd > now then current = 'leased' end`;

const BEGIN = new RedisScript(`${LEASE_STATE}
if current ~= 'unsettled' then return {current, attempt} end
attempt = attempt + 1
redis.call('HSET', KEYS[1], 'a', attempt, 't', ARGV[2], 'u', now + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[3]), tonumber(ARGV[1])))
return {'acquired', attempt}`);

// Reads only: BEGIN's test, without taking anything.
const STATE = new RedisScript(`${LEASE_STATE}
return current`);

const RENEW = new RedisScript(`${NOW_MS}
${READ_SETTLEMENT}
if state[4] == '1' or state[2] ~= ARGV[1] then return 0 end
local leaseMs = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'u', now + leaseMs)
if redis.call('PTTL', KEYS[1]) < leaseMs then redis.call('PEXPIRE', KEYS[1], leaseMs) end
return 1`);

const COMMIT = new RedisScript(`${READ_SETTLEMENT}
if state[4] == '1' or state[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'c', '1')
redis.call('HDEL', KEYS[1], 't', 'u')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1`);

const RELEASE_LEASE = new RedisScript(`${READ_SETTLEMENT}
if state[4] ~= '1' and state[2] == ARGV[1] then redis.call('HDEL', KEYS[1], 't', 'u') end
return 1`);

// KEYS: pending record, due mark. The mark lives exactly as long as the record.
const MARK_DUE = new RedisScript(`local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ttl)
return 1`);

// KEYS: pending record, due mark. The record when it is pending and marked, else nil.
const READ_DUE = new RedisScript(`if redis.call('EXISTS', KEYS[2]) == 0 then return false end
return redis.call('GET', KEYS[1])`);

/** One member of a sorted-set index: a payment id and its score. */
interface IndexEntry {
  readonly paymentId: string;
  readonly score: number;
}

/**
 * A {@link PaymentStore} in Redis (or Valkey), shared by every instance that uses the same
 * server and prefix, and kept across restarts as far as the server persists (turn on
 * append-only files). Works on Redis Cluster: every key of one payment carries the hash tag
 * `{paymentId}`, and the two global indexes (pending by creation time, due marks) are written
 * after the records they point to and cleaned lazily on read.
 *
 * Per payment: a pending record (string, about 250 bytes of JSON, with the pending ttl), one
 * member of the pending index, and a settlement hash kept for the retention the journey asks.
 */
export class RedisStore implements PaymentStore {
  readonly #redis: RedisCommands;
  readonly #prefix: string;
  readonly #batchSize: number;
  readonly #logger: Logger;
  readonly #pendingIndexKey: string;
  readonly #dueIndexKey: string;

  constructor(options: RedisStoreOptions) {
    const where = 'RedisStore';
    const record = optionsObject(
      options,
      where,
      'new RedisStore({ client }), with a connected node-redis or ioredis client',
    );
    rejectUnknownKeys(record, OPTION_NAMES, where);
    const client = requireOption(
      record.client,
      optionPath(where, 'client'),
      'a connected node-redis (createClient from "redis") or ioredis client',
    ) as RedisStoreOptions['client'];
    const prefix = stringOption(
      record.prefix,
      optionPath(where, 'prefix'),
      {
        pattern: PREFIX_PATTERN,
        describe: `up to 64 letters, digits or ":_.-" (no braces, which would move keys between Cluster slots); leave it out for "${DEFAULT_PREFIX}"`,
      },
      DEFAULT_PREFIX,
    );
    const {
      timeoutMs: commandTimeoutMs,
      batchSize,
      logger,
    } = resolveSharedStoreOptions(record, where, 'commandTimeoutMs');
    this.#redis = new RedisCommands(client, commandTimeoutMs);
    this.#prefix = prefix;
    this.#batchSize = batchSize;
    this.#logger = logger;
    this.#pendingIndexKey = `${prefix}pending-index`;
    this.#dueIndexKey = `${prefix}due-index`;
  }

  async savePending(record: PaymentRecord, ttlMs: number): Promise<void> {
    const value = encodeRecord(record);
    const ttl = checkTtl(ttlMs);
    const key = this.#pendingKey(record.paymentId);
    // The record first: an index entry without its record is skipped and cleaned on read,
    // while a record without its index entry would never be reconciled.
    await this.#redis.send(['SET', key, value, 'PX', String(ttl)], key);
    await this.#redis.send(
      ['ZADD', this.#pendingIndexKey, String(record.createdAt), record.paymentId],
      this.#pendingIndexKey,
    );
  }

  /**
   * One round trip: the three commands go out together. On one connection Redis runs them in
   * the order sent, the record first; on a cluster, an index entry left behind when the record
   * is gone is skipped and cleaned on read, and a record left behind is settled already (the journey
   * deletes it only after a commit), so it expires with its ttl.
   */
  async deletePending(paymentId: string): Promise<void> {
    const key = this.#pendingKey(paymentId);
    await Promise.all([
      this.#redis.send(['DEL', key, this.#dueKey(paymentId)], key),
      this.#redis.send(['ZREM', this.#pendingIndexKey, paymentId], this.#pendingIndexKey),
      this.#redis.send(['ZREM', this.#dueIndexKey, paymentId], this.#dueIndexKey),
    ]);
  }

  /**
   * Streams the pending payments created before `createdBefore`, oldest first, `batchSize` per
   * round trip, by keyset over the index: payments saved or deleted meanwhile never make it
   * skip or repeat one. A payment deleted after its batch was read may still be yielded.
   */
  async *listPending(createdBefore: number): AsyncGenerator<PaymentRecord, void, undefined> {
    for await (const batch of this.#pages(this.#pendingIndexKey, createdBefore)) {
      const values = await Promise.all(
        batch.map(async ({ paymentId }) => {
          const key = this.#pendingKey(paymentId);
          return this.#redis.send(['GET', key], key);
        }),
      );
      for (const [i, entry] of batch.entries()) {
        const record = await this.#liveRecord(values[i], entry, this.#pendingIndexKey);
        if (record !== undefined) yield record;
      }
    }
  }

  async saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number): Promise<void> {
    const value = encodeRecord(record);
    const key = this.#returnIdKey(returnId);
    await this.#redis.send(['SET', key, value, 'PX', String(checkTtl(ttlMs))], key);
  }

  async getReturnId(returnId: string): Promise<PaymentRecord | undefined> {
    const key = this.#returnIdKey(returnId);
    const value = await this.#redis.send(['GET', key], key);
    return value === null || value === undefined ? undefined : decodeRecord(value, 'return id');
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const full = this.#claimKey(key);
    const reply = await this.#redis.send(
      ['SET', full, '1', 'NX', 'PX', String(checkTtl(ttlMs))],
      full,
    );
    return reply === 'OK';
  }

  async release(key: string): Promise<void> {
    const full = this.#claimKey(key);
    await this.#redis.send(['DEL', full], full);
  }

  async beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> {
    const token = randomBytes(16).toString('base64url');
    const reply = await this.#redis.run(
      BEGIN,
      [this.#settlementKey(key)],
      [String(checkTtl(leaseMs, 'leaseMs')), token, String(SETTLEMENT_ATTEMPT_RETENTION_MS)],
    );
    const [status, attemptReply] = Array.isArray(reply) ? (reply as unknown[]) : [];
    const attempt = Number(attemptReply);
    if (!Number.isInteger(attempt)) throw unexpectedReply();
    if (status === 'acquired') return { status, lease: { token, attempt } };
    if (status === 'leased') return { status, attempt };
    if (status === 'settled') return { status };
    throw unexpectedReply();
  }

  async settlementState(key: string): Promise<SettlementState> {
    const reply = await this.#redis.run(STATE, [this.#settlementKey(key)], []);
    if (reply === 'settled' || reply === 'leased' || reply === 'unsettled') return reply;
    throw unexpectedReply();
  }

  async renewSettlement(key: string, token: string, leaseMs: number): Promise<boolean> {
    const reply = await this.#redis.run(
      RENEW,
      [this.#settlementKey(key)],
      [String(token), String(checkTtl(leaseMs, 'leaseMs'))],
    );
    return Number(reply) === 1;
  }

  async commitSettlement(key: string, token: string, retentionMs: number): Promise<boolean> {
    const reply = await this.#redis.run(
      COMMIT,
      [this.#settlementKey(key)],
      [String(token), String(checkTtl(retentionMs, 'retentionMs'))],
    );
    return Number(reply) === 1;
  }

  async releaseSettlement(key: string, token: string): Promise<void> {
    await this.#redis.run(RELEASE_LEASE, [this.#settlementKey(key)], [String(token)]);
  }

  async getPending(paymentId: string): Promise<PaymentRecord | undefined> {
    const key = this.#pendingKey(paymentId);
    const value = await this.#redis.send(['GET', key], key);
    return value === null || value === undefined
      ? undefined
      : decodeRecord(value, 'pending record');
  }

  async markDue(paymentId: string): Promise<boolean> {
    const marked = await this.#redis.run(
      MARK_DUE,
      [this.#pendingKey(paymentId), this.#dueKey(paymentId)],
      [],
    );
    if (Number(marked) !== 1) return false;
    // NX: a payment marked twice keeps its first place in the queue.
    await this.#redis.send(
      ['ZADD', this.#dueIndexKey, 'NX', String(Date.now()), paymentId],
      this.#dueIndexKey,
    );
    return true;
  }

  /** Streams the pending payments marked due, longest marked first, `batchSize` per round trip. */
  async *listDue(): AsyncGenerator<PaymentRecord, void, undefined> {
    for await (const batch of this.#pages(this.#dueIndexKey, Number.POSITIVE_INFINITY)) {
      const values = await Promise.all(
        batch.map(async ({ paymentId }) =>
          this.#redis.run(READ_DUE, [this.#pendingKey(paymentId), this.#dueKey(paymentId)], []),
        ),
      );
      for (const [i, entry] of batch.entries()) {
        const record = await this.#liveRecord(values[i], entry, this.#dueIndexKey);
        if (record !== undefined) yield record;
      }
    }
  }

  /** Does nothing: the client belongs to the service, which closes it. */
  close(): void {}

  /**
   * The record behind an index entry, or undefined when it is gone (and then the stale entry is
   * removed) or corrupted (logged and skipped, so one bad value does not stop a run).
   */
  async #liveRecord(
    value: unknown,
    entry: IndexEntry,
    indexKey: string,
  ): Promise<PaymentRecord | undefined> {
    if (value === null || value === undefined) {
      await this.#dropStaleEntry(entry.paymentId, indexKey);
      return undefined;
    }
    try {
      return decodeRecord(value, 'pending record');
    } catch (error) {
      this.#logger.error(
        { err: error, code: error instanceof PayStoreError ? error.code : undefined },
        'govuk-pay-express: skipped a corrupted pending record in RedisStore',
      );
      return undefined;
    }
  }

  /**
   * Removes an index entry whose record expired or was deleted. Checked once more just before,
   * since `savePending` writes a record before its entry: an entry for a record being saved
   * right now must stay.
   */
  async #dropStaleEntry(paymentId: string, indexKey: string): Promise<void> {
    const key = this.#pendingKey(paymentId);
    if (Number(await this.#redis.send(['EXISTS', key], key)) !== 0) return;
    await this.#redis.send(['ZREM', indexKey, paymentId], indexKey);
  }

  /**
   * Reads a sorted-set index in score order, `batchSize` at a time, resuming after the last
   * (score, member) seen rather than at an offset, since readers delete what they read.
   */
  async *#pages(indexKey: string, scoreBelow: number): AsyncGenerator<IndexEntry[]> {
    if (Number.isNaN(scoreBelow) || scoreBelow === Number.NEGATIVE_INFINITY) return;
    const max = Number.isFinite(scoreBelow) ? `(${scoreBelow}` : '+inf';
    let last: IndexEntry | undefined;
    let limit = this.#batchSize;
    for (;;) {
      const reply = await this.#redis.send(
        [
          'ZRANGEBYSCORE',
          indexKey,
          last === undefined ? '-inf' : String(last.score),
          max,
          'WITHSCORES',
          'LIMIT',
          '0',
          String(limit),
        ],
        indexKey,
      );
      const entries = indexEntries(reply);
      const fresh =
        last === undefined
          ? entries
          : entries.filter((entry) => isAfter(entry, last as IndexEntry));
      if (fresh.length > 0) {
        yield fresh;
        last = fresh[fresh.length - 1] as IndexEntry;
        limit = this.#batchSize;
      } else if (entries.length === limit) {
        // A full page of entries tied on the last score, all already seen: read a longer one.
        limit *= 2;
        continue;
      }
      if (entries.length < limit) return;
    }
  }

  #pendingKey(paymentId: string): string {
    return `${this.#prefix}pending:{${checkId(paymentId, 'paymentId')}}`;
  }

  #dueKey(paymentId: string): string {
    return `${this.#prefix}due:{${checkId(paymentId, 'paymentId')}}`;
  }

  #returnIdKey(returnId: string): string {
    return `${this.#prefix}return:{${checkId(returnId, 'returnId')}}`;
  }

  /**
   * Keys from the journey already carry their hash tag, so they are used as given, after a
   * word of their own so that a claim and a lease on the same key never collide.
   */
  #claimKey(key: string): string {
    return `${this.#prefix}claim:${checkId(key, 'key')}`;
  }

  #settlementKey(key: string): string {
    return `${this.#prefix}settle:${checkId(key, 'key')}`;
  }
}

/** WITHSCORES replies come flat (node-redis, RESP2) or as [member, score] pairs (ioredis 6). */
function indexEntries(reply: unknown): IndexEntry[] {
  if (!Array.isArray(reply)) throw unexpectedReply();
  const flat: unknown[] = reply.every(Array.isArray) ? (reply as unknown[][]).flat() : reply;
  if (flat.length % 2 !== 0) throw unexpectedReply();
  const entries: IndexEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const paymentId: unknown = flat[i];
    const score = Number(flat[i + 1]);
    if (typeof paymentId !== 'string' || Number.isNaN(score)) throw unexpectedReply();
    entries.push({ paymentId, score });
  }
  return entries;
}

/** Sorted-set order: by score, then by member (bytewise; payment ids are ASCII). */
function isAfter(entry: IndexEntry, last: IndexEntry): boolean {
  return (
    entry.score > last.score || (entry.score === last.score && entry.paymentId > last.paymentId)
  );
}

function checkId(id: string, what: string): string {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`govuk-pay-express: a store ${what} must be a non-empty string`);
  }
  return id;
}

function unexpectedReply(): PayStoreError {
  return new PayStoreError(
    'ERR_PAY_STORE_CORRUPT',
    'Redis gave a reply RedisStore did not expect; is the client using RESP2 or RESP3 with default type mapping?',
  );
}
