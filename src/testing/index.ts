import type { Payment } from '../client/index.js';
import { rejectUnknownKeys } from '../options/index.js';
import { newExternalId } from '../simulator/ids.js';
import type { WebhookEventType, WebhookMessage } from '../webhooks/index.js';
import { WEBHOOK_EVENT_TYPES, buildWebhookMessage } from '../webhooks/index.js';

// Helpers for a service's own tests, behind `govuk-pay-express/testing` so the main entry
// stays lean.

export { signWebhookBody } from '../webhooks/index.js';
export { storeConformanceChecks } from '../store/index.js';
export type { StoreConformanceCheck, StoreConformanceOptions } from '../store/index.js';
export type {
  WebhookEventType,
  WebhookMessage,
  WebhookPaymentResource,
  WebhookPaymentState,
  WebhookPaymentStatus,
} from '../webhooks/index.js';

/** Options of {@link webhookFixture}. */
export interface WebhookFixtureOptions {
  /**
   * The message id, the same on every retry of one message.
   * @default a fresh 26-character id
   */
  webhookMessageId?: string;
  /**
   * When the event happened, as an ISO 8601 timestamp or epoch milliseconds.
   * @default now
   */
  createdDate?: string | number;
}

/**
 * A webhook message as GOV.UK Pay would send it for `payment` (a payment as the REST API or
 * the simulator returns it): status version 2 names in `resource.state`, `resource_type`
 * `PAYMENT` in upper case, and no `_links` or `provider_id`. For `card_payment_refunded`, pass
 * the parent payment: the resource and `resource_id` are the payment's. Send
 * `JSON.stringify(message)` with a `Pay-Signature` of `signWebhookBody(thatBody, secret)`.
 */
export function webhookFixture<E extends WebhookEventType>(
  eventType: E,
  payment: Payment,
  options: WebhookFixtureOptions = {},
): WebhookMessage<E> {
  if (!WEBHOOK_EVENT_TYPES.includes(eventType)) {
    throw new TypeError(
      `webhookFixture: eventType must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}, not ${JSON.stringify(eventType)}`,
    );
  }
  if (
    typeof payment !== 'object' ||
    payment === null ||
    typeof payment.payment_id !== 'string' ||
    typeof payment.state !== 'object'
  ) {
    throw new TypeError(
      'webhookFixture: payment must be a payment as GET /v1/payments/{id} returns it, with payment_id and state',
    );
  }
  rejectUnknownKeys(options as Record<string, unknown>, FIXTURE_OPTION_NAMES, 'webhookFixture');
  const occurredAt =
    options.createdDate === undefined
      ? Date.now()
      : typeof options.createdDate === 'number'
        ? options.createdDate
        : Date.parse(options.createdDate);
  if (!Number.isFinite(occurredAt)) {
    throw new TypeError('webhookFixture: createdDate must be an ISO 8601 timestamp or epoch ms');
  }
  return buildWebhookMessage({
    webhookMessageId: options.webhookMessageId ?? newExternalId(),
    eventType,
    occurredAt,
    payment,
  });
}

const FIXTURE_OPTION_NAMES = ['webhookMessageId', 'createdDate'] as const;
