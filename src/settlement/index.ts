export { classifyPayment, isCancellable } from './classify.js';
export type {
  Classification,
  FinalClassification,
  OpenClassification,
  Outcome,
  OutcomeReason,
  SettledOutcome,
} from './classify.js';
export type {
  FinishedResult,
  OpenResult,
  PaymentResult,
  ResultOf,
  ResultSource,
  SettledResult,
  UnavailableResult,
} from './result.js';
export { readPayment, describePayError, recordOfPayment } from './read-payment.js';
export type { PaymentRead, ReadPaymentDeps } from './read-payment.js';
export {
  createSettler,
  DEFAULT_LEASE_MS,
  SETTLEMENT_RETENTION_MS,
  STALE_AFTER_ATTEMPTS,
} from './settle.js';
export type { SettleOutcome, Settler, SettlerOptions } from './settle.js';
export type { StaleInfo, StaleReason } from './stale.js';
export { journeyId, paymentKeys } from './keys.js';
export type { PaymentKeys } from './keys.js';
export { accountFingerprint, createLogFingerprint } from './fingerprint.js';
export { SettlementStoreError, inStore } from './store-error.js';
