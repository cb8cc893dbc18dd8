export * from './client/public-api.js';
export { payJourney, CrossSiteRequestError } from './journey/index.js';
export type {
  HealthCheckOptions,
  JourneyHealth,
  ReconcileHealth,
  ReconcileRunHealth,
  StoreHealth,
  WebhooksHealth,
  JourneyClock,
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
export { MemoryStore } from './store/index.js';
export type { Awaitable, MemoryStoreOptions, PaymentRecord, PaymentStore } from './store/index.js';
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
export { PayStoreError } from './stores/errors.js';
export type { PayStoreErrorCode } from './stores/errors.js';
export { verifyWebhookSignature } from './webhooks/index.js';
export type {
  JourneyWebhooksOptions,
  WebhookEvent,
  WebhookEventType,
  WebhookHandler,
  WebhookMessage,
} from './webhooks/index.js';
