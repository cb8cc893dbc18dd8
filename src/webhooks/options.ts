import { PayConfigError } from '../config-error.js';
import { isPlainObject, optionalNumber, rejectUnknownKeys } from '../journey/option-checks.js';
import type { WebhookEventType, WebhookMessage } from './events.js';

/** GOV.UK Pay's messages are a payment and a few fields: a few KiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
/** A steady stream of a few payments a second is read at once; a burst waits its turn. */
export const DEFAULT_WEBHOOK_CONCURRENCY = 8;
const MAX_WEBHOOK_MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * GOV.UK Pay's secrets are `webhook_test_`/`webhook_live_` and base32; anything this short is a
 * placeholder or a truncated copy, and would be easy to guess.
 */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** The webhook receiver, `POST {mount}/webhooks`. */
export interface JourneyWebhooksOptions {
  /**
   * The signing secrets of this service's webhook subscription, as shown in the GOV.UK Pay admin
   * tool (`webhook_live_…`), newest first. A `Pay-Signature` made with any of them is accepted,
   * so rotate by putting the new secret in front, then removing the old one once GOV.UK Pay
   * signs with the new one. Each at least 16 characters. Required.
   */
  secrets: readonly string[];
  /**
   * The largest request body accepted, in bytes; a larger one gets 413 and is never parsed.
   * @default 65536
   */
  maxBodyBytes?: number;
  /**
   * Most payments read from GOV.UK Pay and settled at once after their webhooks; the rest wait
   * their turn. GOV.UK Pay allows an account about 75 reads a second, shared with the citizens'
   * returns and reconciliation, so a burst of webhooks must not become a burst of reads.
   * @default 8
   */
  concurrency?: number;
}

/**
 * One webhook message of a known event type, as a union by `event_type`, so a `switch` on it
 * narrows. For `card_payment_refunded`, `resource` is the parent payment.
 */
export type WebhookEvent = { [E in WebhookEventType]: WebhookMessage<E> }[WebhookEventType];

/**
 * Receives the webhook messages the journey does not settle itself: events of payments this
 * journey did not create (payment links, other services on the account) and refunds. At least
 * once, de-duplicated on `webhook_message_id`; throw (or reject) to have GOV.UK Pay send the
 * message again later.
 */
export type WebhookHandler = (event: WebhookEvent) => void | Promise<void>;

export interface ResolvedWebhooksConfig {
  readonly secrets: readonly string[];
  readonly maxBodyBytes: number;
  readonly concurrency: number;
}

const WEBHOOK_OPTION_NAMES = [
  'secrets',
  'maxBodyBytes',
  'concurrency',
] as const satisfies readonly (keyof JourneyWebhooksOptions)[];

/** Checks `webhooks` once, at construction; undefined when the receiver is off. */
export function resolveWebhooksOptions(value: unknown): ResolvedWebhooksConfig | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'webhooks must be an object: { secrets: [process.env.PAY_WEBHOOK_SECRET], maxBodyBytes? }',
    );
  }
  rejectUnknownKeys(value, WEBHOOK_OPTION_NAMES, 'webhooks.');
  const { secrets } = value;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      "webhooks.secrets must be a non-empty array of signing secrets, newest first, copied from the webhook's page in the GOV.UK Pay admin tool (webhook_live_…)",
    );
  }
  secrets.forEach((secret: unknown, index) => {
    const where = `webhooks.secrets[${index}]`;
    if (typeof secret !== 'string' || secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
      throw new PayConfigError(
        'ERR_PAY_INVALID_OPTION',
        `${where} must be a string of at least ${MIN_WEBHOOK_SECRET_LENGTH} characters: the whole signing secret as the GOV.UK Pay admin tool shows it, webhook_live_ and all`,
      );
    }
    if (secret.trim() !== secret) {
      throw new PayConfigError(
        'ERR_PAY_INVALID_OPTION',
        `${where} has leading or trailing whitespace; trim the value you read from the environment`,
      );
    }
  });
  if (new Set(secrets).size !== secrets.length) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'webhooks.secrets lists the same secret twice; give each one once, newest first',
    );
  }
  const maxBodyBytes =
    optionalNumber(value.maxBodyBytes, 'webhooks.maxBodyBytes', {
      min: 1024,
      max: MAX_WEBHOOK_MAX_BODY_BYTES,
      integer: true,
      unit: 'bytes',
    }) ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const concurrency =
    optionalNumber(value.concurrency, 'webhooks.concurrency', {
      min: 1,
      max: 256,
      integer: true,
      unit: 'payments read at once',
    }) ?? DEFAULT_WEBHOOK_CONCURRENCY;
  return { secrets: [...(secrets as string[])], maxBodyBytes, concurrency };
}
