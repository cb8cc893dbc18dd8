import {
  functionOption,
  numberOption,
  optionPath,
  optionsObject,
  rejectUnknownKeys,
} from '../options/index.js';
import { isBrandedInstance } from '../brand.js';
import { PendingIndex } from './pending-index.js';
import type { PendingEntry } from './pending-index.js';
import { randomBytes } from 'node:crypto';
import type { PaymentRecord, PaymentStore, SettlementBegin, SettlementState } from './types.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock that every TTL is measured against, in epoch milliseconds. Inject one in tests to
   * expire entries without waiting.
   * @default Date.now
   */
  now?: () => number;
  /**
   * How often expired entries are swept out, in milliseconds. Expiry is also checked on every
   * read, so this only bounds the memory held by entries nobody reads again. The timer is
   * `unref()`'d: it never keeps the process alive.
   * @default 60000
   */
  sweepIntervalMs?: number;
}

/** One key's settlement: its lease (while `settledUntil` is undefined) or its commit. */
interface SettlementEntry {
  attempt: number;
  /** The current lease holder's token; undefined once released. */
  token: string | undefined;
  leaseExpiresAt: number;
  /** Set on commit: settled until then, epoch ms. */
  settledUntil: number | undefined;
  /** The attempt count is forgotten after this, epoch ms. */
  forgetAt: number;
}

/**
 * How long an uncommitted key keeps its attempt count: as long as a commit would be kept, so a
 * payment that keeps failing never starts again at attempt 1.
 */
const ATTEMPT_MEMORY_MS = 8 * 24 * 60 * 60 * 1000;

interface ReturnIdEntry {
  readonly record: PaymentRecord;
  readonly expiresAt: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
// setInterval treats anything larger as 1 ms.
const MAX_TIMER_MS = 2_147_483_647;
const OPTION_NAMES = [
  'now',
  'sweepIntervalMs',
] as const satisfies readonly (keyof MemoryStoreOptions)[];

const MEMORY_STORE_BRAND: unique symbol = Symbol.for('govuk-pay-express.MemoryStore');

/**
 * The default {@link PaymentStore}: plain Maps in this process. Right for a single instance;
 * with several instances behind a load balancer, use a shared store so that `claim` is atomic
 * across them. Every method answers synchronously, which is what makes `claim` atomic here.
 */
export class MemoryStore implements PaymentStore {
  static readonly [MEMORY_STORE_BRAND]: string = 'MemoryStore';

  /** By brand, so `instanceof` holds across the ESM and CommonJS copies of the package. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(this, MEMORY_STORE_BRAND, value);
  }

  readonly #now: () => number;
  readonly #pending = new Map<string, PendingEntry>();
  readonly #pendingOrder = new PendingIndex();
  readonly #returnIds = new Map<string, ReturnIdEntry>();
  /** Claim key -> expiry, epoch ms. */
  readonly #claims = new Map<string, number>();
  readonly #settlements = new Map<string, SettlementEntry>();
  /** Payment ids marked due by a webhook; cleared with the pending record. */
  readonly #due = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const where = 'MemoryStore';
    const record = optionsObject(options, where, 'new MemoryStore({ sweepIntervalMs: 60000 })');
    rejectUnknownKeys(record, OPTION_NAMES, where);
    const now = functionOption<() => number>(
      record.now,
      optionPath(where, 'now'),
      'a clock returning epoch milliseconds; leave it out to use Date.now',
      Date.now,
    );
    const sweepIntervalMs = numberOption(
      record.sweepIntervalMs,
      optionPath(where, 'sweepIntervalMs'),
      { min: 1, max: MAX_TIMER_MS, integer: true, unit: 'milliseconds' },
      DEFAULT_SWEEP_INTERVAL_MS,
    );
    this.#now = now;
    this.#timer = setInterval(() => {
      try {
        this.sweep();
      } catch {
        // A clock that throws must not crash the process from a timer; reads still check expiry.
      }
    }, sweepIntervalMs);
    this.#timer.unref();
  }

  savePending(record: PaymentRecord, ttlMs: number): void {
    const expiresAt = this.#expiryAfter(ttlMs);
    const stored = storedCopy(record);
    const previous = this.#pending.get(stored.paymentId);
    if (previous !== undefined) this.#pendingOrder.remove(previous);
    const entry: PendingEntry = { record: stored, expiresAt };
    this.#pending.set(stored.paymentId, entry);
    this.#pendingOrder.insert(entry);
  }

  deletePending(paymentId: string): void {
    this.#due.delete(paymentId);
    const entry = this.#pending.get(paymentId);
    if (entry === undefined) return;
    this.#pending.delete(paymentId);
    this.#pendingOrder.remove(entry);
  }

  /**
   * Streams the live pending payments created before `createdBefore`, oldest first, one at a
   * time. Payments may be saved or deleted while it runs: each is yielded at most once, and
   * one deleted before the iteration reaches it is not yielded.
   */
  *listPending(createdBefore: number): Generator<PaymentRecord, void, undefined> {
    let entry = this.#pendingOrder.first();
    while (entry !== undefined && entry.record.createdAt < createdBefore) {
      const { createdAt, paymentId } = entry.record;
      if (entry.expiresAt > this.#now() && this.#pending.get(paymentId) === entry) {
        yield copyRecord(entry.record);
      }
      entry = this.#pendingOrder.after(createdAt, paymentId);
    }
  }

  getPending(paymentId: string): PaymentRecord | undefined {
    const entry = this.#pending.get(paymentId);
    if (entry === undefined || entry.expiresAt <= this.#now()) return undefined;
    return copyRecord(entry.record);
  }

  markDue(paymentId: string): boolean {
    if (this.getPending(paymentId) === undefined) return false;
    this.#due.add(paymentId);
    return true;
  }

  *listDue(): Generator<PaymentRecord, void, undefined> {
    for (const paymentId of [...this.#due]) {
      const record = this.getPending(paymentId);
      if (record === undefined) this.#due.delete(paymentId);
      else yield record;
    }
  }

  beginSettlement(key: string, leaseMs: number): SettlementBegin {
    const now = this.#now();
    const leaseExpiresAt = this.#expiryAfter(leaseMs);
    const entry = this.#liveSettlement(key, now);
    const state = stateOf(entry, now);
    if (state === 'settled') return { status: 'settled' };
    if (state === 'leased' && entry !== undefined) {
      return { status: 'leased', attempt: entry.attempt };
    }
    const attempt = (entry?.attempt ?? 0) + 1;
    const token = `${attempt}.${randomBytes(12).toString('base64url')}`;
    this.#settlements.set(key, {
      attempt,
      token,
      leaseExpiresAt,
      settledUntil: undefined,
      forgetAt: Math.max(leaseExpiresAt, now + ATTEMPT_MEMORY_MS),
    });
    return { status: 'acquired', lease: { token, attempt } };
  }

  renewSettlement(key: string, token: string, leaseMs: number): boolean {
    const leaseExpiresAt = this.#expiryAfter(leaseMs);
    const entry = this.#liveSettlement(key, this.#now());
    if (entry === undefined || entry.settledUntil !== undefined || entry.token !== token) {
      return false;
    }
    entry.leaseExpiresAt = leaseExpiresAt;
    entry.forgetAt = Math.max(entry.forgetAt, leaseExpiresAt);
    return true;
  }

  commitSettlement(key: string, token: string, retentionMs: number): boolean {
    const settledUntil = this.#expiryAfter(retentionMs);
    const entry = this.#liveSettlement(key, this.#now());
    if (entry === undefined || entry.settledUntil !== undefined || entry.token !== token) {
      return false;
    }
    entry.token = undefined;
    entry.settledUntil = settledUntil;
    entry.forgetAt = settledUntil;
    return true;
  }

  releaseSettlement(key: string, token: string): void {
    const entry = this.#liveSettlement(key, this.#now());
    if (entry !== undefined && entry.settledUntil === undefined && entry.token === token) {
      entry.token = undefined;
    }
  }

  settlementState(key: string): SettlementState {
    const now = this.#now();
    return stateOf(this.#liveSettlement(key, now), now);
  }

  saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number): void {
    const expiresAt = this.#expiryAfter(ttlMs);
    this.#returnIds.set(returnId, { record: storedCopy(record), expiresAt });
  }

  getReturnId(returnId: string): PaymentRecord | undefined {
    const entry = this.#returnIds.get(returnId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#returnIds.delete(returnId);
      return undefined;
    }
    return copyRecord(entry.record);
  }

  claim(key: string, ttlMs: number): boolean {
    const expiresAt = this.#expiryAfter(ttlMs);
    const held = this.#claims.get(key);
    if (held !== undefined && held > this.#now()) return false;
    this.#claims.set(key, expiresAt);
    return true;
  }

  release(key: string): void {
    this.#claims.delete(key);
  }

  #liveSettlement(key: string, now: number): SettlementEntry | undefined {
    const entry = this.#settlements.get(key);
    if (entry === undefined) return undefined;
    if (entry.forgetAt <= now) {
      this.#settlements.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Removes every expired entry now. The timer calls this every `sweepIntervalMs`. */
  sweep(): void {
    const now = this.#now();
    for (const [paymentId, entry] of this.#pending) {
      if (entry.expiresAt <= now) this.#pending.delete(paymentId);
    }
    this.#pendingOrder.removeWhere((entry) => entry.expiresAt <= now);
    for (const [returnId, entry] of this.#returnIds) {
      if (entry.expiresAt <= now) this.#returnIds.delete(returnId);
    }
    for (const [key, expiresAt] of this.#claims) {
      if (expiresAt <= now) this.#claims.delete(key);
    }
    for (const [key, entry] of this.#settlements) {
      if (entry.forgetAt <= now) this.#settlements.delete(key);
    }
    for (const paymentId of this.#due) {
      if (!this.#pending.has(paymentId)) this.#due.delete(paymentId);
    }
  }

  /**
   * How many entries are held, expired ones not yet swept included. For monitoring and tests.
   */
  counts(): { pending: number; returnIds: number; claims: number; settlements: number } {
    return {
      pending: this.#pending.size,
      returnIds: this.#returnIds.size,
      claims: this.#claims.size,
      settlements: this.#settlements.size,
    };
  }

  /** Stops the sweep timer. The store still answers; expiry is then checked on read only. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #expiryAfter(ttlMs: number): number {
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError(
        'govuk-pay-express: a store ttlMs must be a positive number of milliseconds',
      );
    }
    return this.#now() + ttlMs;
  }
}

/** A copy to keep, refusing a record that would corrupt the createdAt order. */
function storedCopy(record: PaymentRecord): PaymentRecord {
  if (typeof record.paymentId !== 'string' || !Number.isFinite(record.createdAt)) {
    throw new TypeError(
      'govuk-pay-express: a stored payment record needs a string paymentId and a finite createdAt',
    );
  }
  return copyRecord(record);
}

/**
 * Copies the known fields only, so neither the caller's object nor the one handed back can
 * change what the store holds.
 */
function copyRecord(record: PaymentRecord): PaymentRecord {
  const copy: PaymentRecord = {
    paymentId: record.paymentId,
    selfHref: record.selfHref,
    reference: record.reference,
    amount: record.amount,
    createdAt: record.createdAt,
  };
  if (record.accountId !== undefined) copy.accountId = record.accountId;
  if (record.journey !== undefined) copy.journey = record.journey;
  return copy;
}

/** Committed, under a lease that has not run out, or neither (also for a key never seen). */
function stateOf(entry: SettlementEntry | undefined, now: number): SettlementState {
  if (entry?.settledUntil !== undefined) return 'settled';
  if (entry?.token !== undefined && entry.leaseExpiresAt > now) return 'leased';
  return 'unsettled';
}
