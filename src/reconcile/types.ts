import type { Payment, PaymentStatus } from '../client/types.js';
import type { Classification } from '../journey/classify.js';
import type { SettleOutcome } from '../journey/settle.js';
import type { Logger } from '../logger.js';
import type { PaymentRecord, PaymentStore } from '../store/types.js';

/** Why a pending payment was reported as stale. */
export type StaleReason =
  /** GOV.UK Pay still reports it unfinished (or in a status this library does not know). */
  | 'unfinished'
  /** Its status could not be read: timeouts, 5xx, 429, or 404 (not in this account). */
  | 'unreadable'
  /** It finished, but `onSettled` threw, so it is still not fulfilled. */
  | 'settle_failed';

export interface StaleInfo {
  reason: StaleReason;
  /** How long ago GOV.UK Pay created it, in whole minutes. */
  ageMinutes: number;
  /** The status last read, when one was read. */
  status?: PaymentStatus;
  /** The error's class name (e.g. `PayNotFoundError`) when it was unreadable or `onSettled` threw. */
  errorName?: string;
  /** The HTTP status of the failed read, when there was one. */
  httpStatus?: number;
}

/** What `reconcilePending` needs: everything with side effects is injected. */
export interface ReconcileDeps {
  store: PaymentStore;
  /** Reads a payment's current state from GOV.UK Pay (with the key of the account that made it). */
  fetchPayment(record: PaymentRecord): Promise<Payment>;
  /** `settlePayment` with source `'reconcile'`: the same exactly-once claim as the return route. */
  settle(payment: Payment, classification: Classification): Promise<SettleOutcome>;
  logger: Logger;
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Names a payment in logs without its id. Pass the journey's keyed fingerprint so lines from
   * reconciliation and from the return route can be matched up.
   * @default a truncated SHA-256 of the id
   */
  fingerprint?: (paymentId: string) => string;
  /** Told about every stale payment, with its full record, on every run that finds it. */
  onStale?: (record: PaymentRecord, info: StaleInfo) => void | Promise<void>;
}

export interface ReconcileSummary {
  /** Pending payments whose status this run tried to read. */
  checked: number;
  /** Payments this run settled, by outcome (each one `onSettled` call). */
  settled: { success: number; failed: number; cancelled: number; error: number };
  /** Finished, but another path (the return, another instance) had already settled them. */
  alreadySettled: number;
  /** Still unfinished at GOV.UK Pay: left for the next run. */
  stillPending: number;
  /** Status could not be read (timeout, 404, 5xx, 429 after retries): left for the next run. */
  failedToRead: number;
  /** Finished, but `onSettled` threw: the claim was released, so the next run tries again. */
  settleFailed: number;
  /** Reported through the logger and `onStale` (a subset of the counts above). */
  stale: number;
  /** Skipped because another run (this or another instance) was working on them. */
  lockedElsewhere: number;
  /** 429 answers that reached the run (after the client's own retries); each slowed it down. */
  rateLimited: number;
  /** True when the run was stopped by its `signal` before it had seen every pending payment. */
  aborted: boolean;
}
