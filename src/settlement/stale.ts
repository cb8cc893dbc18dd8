import type { PaymentStatus } from '../client/index.js';

/** Why a pending payment was reported as stale. */
export type StaleReason =
  /** GOV.UK Pay still reports it unfinished (or in a status this library does not know). */
  | 'unfinished'
  /** Its status could not be read: timeouts, 5xx, 429, or 404 (not in this account). */
  | 'unreadable'
  /** It finished, but `onSettled` threw (or was cut off) on every attempt so far. */
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
  /** For `settle_failed` reported by the settlement core: the attempt that failed. */
  attempt?: number;
}
