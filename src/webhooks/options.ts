import {
  invalidOption,
  listOption,
  numberOption,
  optionPath,
  optionsObject,
  rejectUnknownKeys,
  requireOption,
  secretOption,
} from '../options/index.js';
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

const WHERE = 'webhooks';
const SECRET_HINT =
  'the whole signing secret as the GOV.UK Pay admin tool shows it, webhook_live_ and all';

/** Checks `webhooks` once, at construction; undefined when the receiver is off. */
export function resolveWebhooksOptions(value: unknown): ResolvedWebhooksConfig | undefined {
  if (value === undefined) return undefined;
  const record = optionsObject(value, WHERE, '{ secrets: [process.env.PAY_WEBHOOK_SECRET] }');
  rejectUnknownKeys(record, WEBHOOK_OPTION_NAMES, WHERE);
  const secretsPath = optionPath(WHERE, 'secrets');
  const secrets = listOption(
    requireOption(record.secrets, secretsPath, `[process.env.PAY_WEBHOOK_SECRET]; ${SECRET_HINT}`),
    secretsPath,
    {
      describe:
        "signing secrets, newest first, copied from the webhook's page in the GOV.UK Pay admin tool (webhook_live_…)",
    },
    (secret, path) => {
      const checked = secretOption(secret, path, {
        minLength: MIN_WEBHOOK_SECRET_LENGTH,
        hint: SECRET_HINT,
      }) as string;
      if (checked.trim() !== checked) {
        invalidOption(
          path,
          'has leading or trailing whitespace; trim the value read from the file or environment variable',
        );
      }
      return checked;
    },
  ) as string[];
  if (new Set(secrets).size !== secrets.length) {
    invalidOption(secretsPath, 'lists the same secret twice; give each one once, newest first');
  }
  return {
    secrets,
    maxBodyBytes: numberOption(
      record.maxBodyBytes,
      optionPath(WHERE, 'maxBodyBytes'),
      { min: 1024, max: MAX_WEBHOOK_MAX_BODY_BYTES, integer: true, unit: 'bytes' },
      DEFAULT_WEBHOOK_MAX_BODY_BYTES,
    ),
    concurrency: numberOption(
      record.concurrency,
      optionPath(WHERE, 'concurrency'),
      { min: 1, max: 256, integer: true, unit: 'payments read at once' },
      DEFAULT_WEBHOOK_CONCURRENCY,
    ),
  };
}
