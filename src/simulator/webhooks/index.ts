export { createWebhookAdminRouter, WEBHOOK_ADMIN_PATH } from './admin.js';
export type { AttemptOutcome, DeliveryErrorKind } from './deliver.js';
export { MAX_ATTEMPTS, RETRY_DELAYS_MS } from './events.js';
export type { WebhookFault, WebhookFaultControls, WebhookFaultRule } from './faults.js';
export type { ResolvedWebhookEndpoint, SimulatorWebhookEndpoint } from './options.js';
export { WEBHOOK_TIMEOUT_MS, resolveWebhookEndpoints } from './options.js';
export { generateWebhookSecret } from './secret.js';
export type { SimulatorWebhooks, WebhookDelivery, WebhookMessageRecord } from './sender.js';
export { UnknownWebhookMessageError, WebhookSender } from './sender.js';
