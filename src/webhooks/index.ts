export { createWebhookReceiver, WEBHOOK_DEDUP_TTL_MS } from './receiver.js';
export type { WebhookReceiver, WebhookReceiverDeps } from './receiver.js';
export {
  DEFAULT_WEBHOOK_CONCURRENCY,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  MIN_WEBHOOK_SECRET_LENGTH,
  resolveWebhooksOptions,
} from './options.js';
export type {
  JourneyWebhooksOptions,
  ResolvedWebhooksConfig,
  WebhookEvent,
  WebhookHandler,
} from './options.js';
export { planWebhook } from './plan.js';
export { createSettleQueue } from './settle-queue.js';
export type { SettleQueue, SettleQueueOptions } from './settle-queue.js';
export type { WebhookFacts, WebhookPlan } from './plan.js';
export { isBodyConsumed, readRawBody } from './raw-body.js';
export type { RawBodyRead } from './raw-body.js';
export { constantTimeEqual, signWebhookBody, verifyWebhookSignature } from './signature.js';
export {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PAYMENT_STATUSES,
  buildWebhookMessage,
  parseWebhookMessage,
} from './events.js';
export type {
  UnknownWebhookMessage,
  WebhookEventType,
  WebhookMessage,
  WebhookPaymentResource,
  WebhookPaymentState,
  WebhookPaymentStatus,
} from './events.js';
