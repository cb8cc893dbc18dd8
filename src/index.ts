export { PayConfigError } from './config-error.js';
export type { PayConfigErrorCode } from './config-error.js';
export type { Logger } from './logger.js';
export * from './client/types.js';
export {
  PayClient,
  PayAuthenticationError,
  PayConflictError,
  PayConnectionError,
  PayError,
  PayNotFoundError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
  PayValidationError,
  refundable,
  validateCreatePaymentRequest,
} from './client/index.js';
export type {
  CallOptions,
  CreatePaymentCallOptions,
  PayClientOptions,
  PayConnectionReason,
} from './client/index.js';
export { payJourney, CrossSiteRequestError } from './journey/index.js';
export type {
  JourneyCookieOptions,
  JourneyReconcileOptions,
  OutcomeHandler,
  OutcomeHandlers,
  PayJourney,
  PayJourneyMethods,
  PayJourneyOptions,
  PaymentDetails,
} from './journey/index.js';
export {
  classifyPayment,
  createLogFingerprint,
  createSettler,
  journeyId,
  readPayment,
} from './settlement/index.js';
export type {
  Classification,
  FinalClassification,
  FinishedResult,
  OpenClassification,
  OpenResult,
  Outcome,
  OutcomeReason,
  PaymentRead,
  PaymentResult,
  ResultOf,
  ResultSource,
  SettledResult,
  SettleOutcome,
  Settler,
  SettlerOptions,
  UnavailableResult,
} from './settlement/index.js';
export { MemoryStore, storeConformanceChecks } from './store/index.js';
export type {
  Awaitable,
  MemoryStoreOptions,
  PaymentRecord,
  PaymentStore,
  StoreConformanceCheck,
  StoreConformanceOptions,
} from './store/index.js';
export { createPaymentCookieSealer, MIN_SECRET_LENGTH } from './cookie/index.js';
export type { PaymentCookieSealer, PaymentCookieSealerOptions } from './cookie/index.js';
export { reconcilePending, createReconcileTimer } from './reconcile/index.js';
export type {
  ReconcileDeps,
  ReconcileRunOptions,
  ReconcileSummary,
  ReconcileTimer,
  ReconcileTimerOptions,
  StaleInfo,
  StaleReason,
} from './reconcile/index.js';
