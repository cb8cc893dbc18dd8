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
  /**
   * Which journey created it: a non-secret digest of the journey's public origin and mount path.
   * Journeys sharing one store skip each other's records, so none settles another's payments.
   */
  journey?: string;
}

/** A lease on settling one payment, held while `onSettled` runs. */
export interface SettlementLease {
  /** Opaque fencing token: only the holder of the current token can renew, commit or release. */
  readonly token: string;
  /** 1 for the first lease ever taken on this key, 2 for the next, and so on. */
  readonly attempt: number;
}

/** What {@link PaymentStore.beginSettlement} found. */
export type SettlementBegin =
  /** The caller now holds the lease and must settle, then commit (or release on failure). */
  | { readonly status: 'acquired'; readonly lease: SettlementLease }
  /** Committed earlier: nothing to do, ever again, for the retention period. */
  | { readonly status: 'settled' }
  /** Another live holder is settling it now. */
  | { readonly status: 'leased'; readonly attempt: number };

/** What {@link PaymentStore.settlementState} reads: committed, under a live lease, or neither. */
export type SettlementState = 'settled' | 'leased' | 'unsettled';

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

  /**
   * Atomically takes a lease of `leaseMs` on settling `key`, unless it is committed or leased by
   * a holder whose lease has not run out. Exactly one of any number of racing callers, across
   * every process sharing the store, gets `acquired`. Each lease taken on a key has an attempt
   * number one higher than the last, so a second attempt after a crash is visible; the count
   * is kept as long as the key's lease or commit is.
   */
  beginSettlement(key: string, leaseMs: number): Awaitable<SettlementBegin>;

  /**
   * Extends the lease to `leaseMs` from now, if `token` still holds it. False when the lease
   * ran out and was taken by someone else (or was committed or released).
   */
  renewSettlement(key: string, token: string, leaseMs: number): Awaitable<boolean>;

  /**
   * Marks `key` settled for `retentionMs`, if `token` still holds the lease (a lease that has run
   * out but that nobody else has taken still counts). False, changing nothing, when fenced out.
   */
  commitSettlement(key: string, token: string, retentionMs: number): Awaitable<boolean>;

  /**
   * Gives the lease up at once, if `token` holds it, so that the next feed can try again. The
   * attempt count is kept.
   */
  releaseSettlement(key: string, token: string): Awaitable<void>;

  /**
   * Reads, changing nothing, whether `key` is committed (`settled`), held by a lease that has
   * not run out (`leased`), or neither (`unsettled`, also for a key never seen). Optional: a
   * store without it is asked by taking and at once releasing a short lease, which writes a
   * record, and counts an attempt, for a payment that is not this journey's. The webhook
   * receiver asks this of every payment event about a payment not pending here.
   */
  settlementState?(key: string): Awaitable<SettlementState>;

  /** The pending record of a payment, or `undefined` when it is not pending (or expired). */
  getPending(paymentId: string): Awaitable<PaymentRecord | undefined>;

  /**
   * Marks a pending payment as due: a webhook said it changed, so the next reconciliation takes
   * it first, whatever its age. False when the payment is not pending. `deletePending` clears it.
   */
  markDue(paymentId: string): Awaitable<boolean>;

  /** Yields the pending payments marked due, in any order. It must stream. */
  listDue(): AsyncIterable<PaymentRecord> | Iterable<PaymentRecord>;

  /** Stops timers and frees resources. Optional. */
  close?(): Awaitable<void>;
}
