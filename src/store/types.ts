/** A value, or a promise of one: MemoryStore answers synchronously, shared stores do not. */
export type Awaitable<T> = T | Promise<T>;

/**
 * What the library remembers about a payment it created. It is what the cookie seals, what a
 * return id maps to, and what reconciliation reads. It holds no secret: not the API key, not the
 * `next_url`.
 */
export interface PaymentRecord {
  /** GOV.UK Pay's 26-character payment id. */
  paymentId: string;
  /** `_links.self.href` of the payment, followed only when its origin is the configured API origin. */
  selfHref: string;
  /** The service's reference, as sent to GOV.UK Pay. */
  reference: string;
  /** In pence. */
  amount: number;
  /** When GOV.UK Pay created the payment, epoch milliseconds. */
  createdAt: number;
  /**
   * Which GOV.UK Pay account created it, as a non-secret fingerprint of the API key. Lets
   * reconciliation pick the right key when `apiKey` is a function of the request.
   */
  accountId?: string;
}

/**
 * Where the journey keeps state that must outlive one request or be shared between instances.
 * Every method may be synchronous or return a promise. A shared store (Redis, a database) must
 * make `claim` atomic across processes; run `storeConformanceChecks` against it to prove it.
 */
export interface PaymentStore {
  /**
   * Records a payment as pending: created, not yet settled. Kept for `ttlMs` at the most, so a
   * store with no reconciliation running does not grow for ever.
   */
  savePending(record: PaymentRecord, ttlMs: number): Awaitable<void>;

  /** Forgets a pending payment, once it is settled. Unknown ids are ignored. */
  deletePending(paymentId: string): Awaitable<void>;

  /**
   * Yields the pending payments created before `createdBefore` (epoch ms), oldest first where
   * the store can. It must stream rather than load every record at once.
   */
  listPending(createdBefore: number): AsyncIterable<PaymentRecord> | Iterable<PaymentRecord>;

  /** Maps an unguessable return id to its payment, for `match: 'return-id'`. */
  saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number): Awaitable<void>;

  /** The payment behind a return id, or `undefined` when unknown or expired. */
  getReturnId(returnId: string): Awaitable<PaymentRecord | undefined>;

  /**
   * Atomically sets `key` if it is not set, for `ttlMs`. Returns true to exactly one caller
   * among any number racing for the same key, across every process sharing the store. This is
   * what makes settlement exactly-once.
   */
  claim(key: string, ttlMs: number): Awaitable<boolean>;

  /** Removes a claim, so the work it guarded can be tried again. */
  release(key: string): Awaitable<void>;

  /** Stops timers and frees resources. Optional. */
  close?(): Awaitable<void>;
}
