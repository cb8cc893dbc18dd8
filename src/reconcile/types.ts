import type { Payment } from '../client/index.js';
import type { Settler, StaleInfo } from '../settlement/index.js';
import type { Logger } from '../logger.js';
import type { PaymentRecord, PaymentStore } from '../store/index.js';

/** What `reconcilePending` needs: everything with side effects is injected. */
export interface ReconcileDeps {
  store: PaymentStore;
  /**
   * Reads a payment's current state from GOV.UK Pay (with the key of the account that made it),
   * normally through `readPayment`. The id of the answer is checked again here.
   */
  fetchPayment(record: PaymentRecord): Promise<Payment>;
  /**
   * The settlement core (`createSettler`), shared with the journey's other feeds: the same
   * lease, the same `onSettled`, the same store keys.
   */
  settler: Settler;
  logger: Logger;
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Names a payment in logs without its id: `createLogFingerprint(secret)`, the keyed one the
   * journey uses, so lines from every feed can be matched up and nobody can test a guess.
   */
  fingerprint: (paymentId: string) => string;
  /** Told about every stale payment, with its full record, on every run that finds it. */
  onStale?: (record: PaymentRecord, info: StaleInfo) => void | Promise<void>;
}

export type { StaleInfo, StaleReason } from '../settlement/index.js';

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
  /** Finished, but another feed held the settlement lease: it is settling them now. */
  inProgress: number;
  /** Pending records of another journey sharing the store: left to it. */
  otherJourney: number;
  /** Of `checked`, how many were marked due by a webhook and taken ahead of the age rule. */
  due: number;
  /** 429 answers that reached the run (after the client's own retries); each slowed it down. */
  rateLimited: number;
  /** True when the run was stopped by its `signal` before it had seen every pending payment. */
  aborted: boolean;
}
