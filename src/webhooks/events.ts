import type {
  CardDetails,
  Language,
  Payment,
  PaymentMetadata,
  PaymentState,
  RefundSummary,
  SettlementSummary,
} from '../client/index.js';

/**
 * The event types GOV.UK Pay sends (FACTS §14). `card_payment_started` exists in its code but
 * is never sent; the docs' `card_payment_settled` does not exist in its code.
 */
export type WebhookEventType =
  | 'card_payment_succeeded'
  | 'card_payment_captured'
  | 'card_payment_refunded'
  | 'card_payment_failed'
  | 'card_payment_expired';

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'card_payment_succeeded',
  'card_payment_captured',
  'card_payment_refunded',
  'card_payment_failed',
  'card_payment_expired',
];

/**
 * The payment status names in a webhook's `resource.state`: ledger's status version 2, which
 * splits the REST API's `failed` into `declined` (P0010), `timedout` (P0020) and `cancelled`
 * (P0030 and P0040).
 */
export type WebhookPaymentStatus =
  | 'created'
  | 'started'
  | 'submitted'
  | 'capturable'
  | 'success'
  | 'declined'
  | 'timedout'
  | 'cancelled'
  | 'error';

export const WEBHOOK_PAYMENT_STATUSES: readonly WebhookPaymentStatus[] = [
  'created',
  'started',
  'submitted',
  'capturable',
  'success',
  'declined',
  'timedout',
  'cancelled',
  'error',
];

export interface WebhookPaymentState {
  /**
   * A status version 2 name. `failed` is also accepted when parsing, because status version 2
   * on the wire is derived from GOV.UK Pay's code and not yet seen (FACTS §14): a webhook is a
   * trigger to read the payment, never its truth.
   */
  status: WebhookPaymentStatus | 'failed';
  finished: boolean;
  message?: string;
  code?: string;
}

/**
 * The payment in a webhook's `resource`, built by GOV.UK Pay from its ledger. Unlike the REST
 * payment it has no `_links` and no `provider_id`, and its `state` uses other status names.
 */
export interface WebhookPaymentResource {
  payment_id: string;
  amount: number;
  state: WebhookPaymentState;
  description: string;
  reference: string;
  return_url?: string;
  email?: string;
  payment_provider?: string;
  created_date: string;
  language?: Language;
  delayed_capture?: boolean;
  moto?: boolean;
  refund_summary?: RefundSummary;
  settlement_summary?: SettlementSummary;
  card_details?: CardDetails;
  corporate_card_surcharge?: number;
  total_amount?: number;
  metadata?: PaymentMetadata;
  fee?: number;
  net_amount?: number;
  authorisation_summary?: { three_d_secure?: { required: boolean } };
}

/** One webhook message as GOV.UK Pay POSTs it (FACTS §14), for a known event type. */
export interface WebhookMessage<E extends WebhookEventType = WebhookEventType> {
  /** Unique per message, and the same on every retry of it: de-duplicate on it. */
  webhook_message_id: string;
  api_version: number;
  /** When the event happened (not when it was sent), ISO 8601 with milliseconds. */
  created_date: string;
  /** The payment id, also for refund events, whose resource is the parent payment. */
  resource_id: string;
  /** `PAYMENT` on the wire, `payment` in the docs: compare without case. */
  resource_type: string;
  event_type: E;
  resource: WebhookPaymentResource;
}

/** A message with an event type this version does not know; its resource is left unchecked. */
export interface UnknownWebhookMessage {
  webhook_message_id: string;
  api_version: number;
  created_date: string;
  resource_id: string;
  resource_type: string;
  event_type: string;
  resource: Record<string, unknown>;
}

export type WebhookParseResult =
  | { readonly ok: true; readonly kind: 'event'; readonly message: WebhookMessage }
  | { readonly ok: true; readonly kind: 'unknown'; readonly message: UnknownWebhookMessage }
  | { readonly ok: false; readonly reason: string };

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value !== '';

const ACCEPTED_STATUSES: ReadonlySet<string> = new Set([...WEBHOOK_PAYMENT_STATUSES, 'failed']);
const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/**
 * Checks the shape of a parsed webhook body, after its signature has been verified. Pure: it
 * returns the typed message, or the reason it is malformed (which names a field, never a
 * value, so it is safe to log). Unknown event types are kept, as kind `unknown`, since GOV.UK
 * Pay may add some. `resource_type` is compared without case.
 */
export function parseWebhookMessage(json: unknown): WebhookParseResult {
  const fail = (reason: string): WebhookParseResult => ({ ok: false, reason });
  if (!isObject(json)) return fail('the body is not a JSON object');
  const {
    webhook_message_id: id,
    api_version: apiVersion,
    created_date: createdDate,
    resource_id: resourceId,
    resource_type: resourceType,
    event_type: eventType,
    resource,
  } = json;
  if (!isNonEmptyString(id)) return fail('webhook_message_id must be a non-empty string');
  if (!Number.isInteger(apiVersion)) return fail('api_version must be a whole number');
  if (
    typeof createdDate !== 'string' ||
    !ISO_TIMESTAMP.test(createdDate) ||
    Number.isNaN(Date.parse(createdDate))
  ) {
    return fail('created_date must be an ISO 8601 timestamp');
  }
  if (!isNonEmptyString(resourceId)) return fail('resource_id must be a non-empty string');
  if (!isNonEmptyString(resourceType)) return fail('resource_type must be a non-empty string');
  if (!isNonEmptyString(eventType)) return fail('event_type must be a non-empty string');
  if (!isObject(resource)) return fail('resource must be an object');

  if (!KNOWN_EVENT_TYPES.has(eventType)) {
    return { ok: true, kind: 'unknown', message: json as unknown as UnknownWebhookMessage };
  }
  if (resourceType.toLowerCase() !== 'payment') {
    return fail(`resource_type must be "payment" (in any case) for ${eventType}`);
  }
  const resourceReason = checkPaymentResource(resource, resourceId);
  if (resourceReason !== undefined) return fail(resourceReason);
  return { ok: true, kind: 'event', message: json as unknown as WebhookMessage };
}

function checkPaymentResource(
  resource: Record<string, unknown>,
  resourceId: string,
): string | undefined {
  // Refund events carry the parent payment, so its id is the resource_id in every case.
  if (resource.payment_id !== resourceId) return 'resource.payment_id must equal resource_id';
  if (!Number.isInteger(resource.amount)) return 'resource.amount must be a whole number';
  const state = resource.state;
  if (!isObject(state)) return 'resource.state must be an object';
  if (typeof state.status !== 'string' || !ACCEPTED_STATUSES.has(state.status)) {
    return 'resource.state.status is not a known payment status';
  }
  if (typeof state.finished !== 'boolean') return 'resource.state.finished must be true or false';
  return undefined;
}

const FAILED_AS_VERSION_2: Readonly<Record<string, WebhookPaymentStatus>> = {
  P0010: 'declined',
  P0020: 'timedout',
  P0030: 'cancelled',
};

/** The status version 2 name of a REST payment state: how a webhook's `resource` reports it. */
export function webhookPaymentStatus(
  state: Pick<PaymentState, 'status' | 'code'>,
): WebhookPaymentStatus {
  switch (state.status) {
    case 'created':
    case 'started':
    case 'submitted':
    case 'capturable':
    case 'success':
    case 'cancelled':
    case 'error':
      return state.status;
    case 'failed':
      // Fail closed: an unknown failure code is reported as the payment provider's error.
      return FAILED_AS_VERSION_2[state.code ?? ''] ?? 'error';
    default: {
      const unknown: never = state.status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}

/**
 * A REST payment as a webhook's `resource` shows it: the fields of GOV.UK Pay's
 * PaymentApiRepresentation only (no `_links`, no `provider_id`), and a status version 2 state.
 */
export function webhookPaymentResource(payment: Payment): WebhookPaymentResource {
  const { state } = payment;
  const resource: WebhookPaymentResource = {
    payment_id: payment.payment_id,
    amount: payment.amount,
    state: {
      status: webhookPaymentStatus(state),
      finished: state.finished,
      ...(state.message === undefined ? {} : { message: state.message }),
      ...(state.code === undefined ? {} : { code: state.code }),
    },
    description: payment.description,
    reference: payment.reference,
    created_date: payment.created_date,
  };
  for (const key of OPTIONAL_RESOURCE_FIELDS) {
    if (payment[key] !== undefined)
      Object.assign(resource, { [key]: structuredClone(payment[key]) });
  }
  return resource;
}

const OPTIONAL_RESOURCE_FIELDS = [
  'return_url',
  'email',
  'payment_provider',
  'language',
  'delayed_capture',
  'moto',
  'refund_summary',
  'settlement_summary',
  'card_details',
  'corporate_card_surcharge',
  'total_amount',
  'metadata',
  'fee',
  'net_amount',
  'authorisation_summary',
] as const satisfies readonly (keyof Payment & keyof WebhookPaymentResource)[];

/** What {@link buildWebhookMessage} needs; the payment is the parent payment for refunds. */
export interface WebhookMessageInput<E extends WebhookEventType> {
  readonly webhookMessageId: string;
  readonly eventType: E;
  /** When the event happened, in epoch milliseconds. */
  readonly occurredAt: number;
  readonly payment: Payment;
}

/** The message GOV.UK Pay would send for an event on a payment (FACTS §14). */
export function buildWebhookMessage<E extends WebhookEventType>(
  input: WebhookMessageInput<E>,
): WebhookMessage<E> {
  return {
    webhook_message_id: input.webhookMessageId,
    api_version: 1,
    created_date: new Date(input.occurredAt).toISOString(),
    resource_id: input.payment.payment_id,
    // Upper case, as ledger's transaction_type is on the wire, not as the docs show it.
    resource_type: 'PAYMENT',
    event_type: input.eventType,
    resource: webhookPaymentResource(input.payment),
  };
}
