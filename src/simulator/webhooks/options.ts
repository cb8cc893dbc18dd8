import { PayConfigError } from '../../config-error.js';
import { rejectUnknownKeys } from '../../options/index.js';
import type { WebhookEventType } from '../../webhooks/index.js';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/index.js';

/** GOV.UK Pay's connect and response timeout for a webhook delivery (FACTS §14). */
export const WEBHOOK_TIMEOUT_MS = 3000;

/** One webhook subscription, as set up in GOV.UK Pay's admin tool. */
export interface SimulatorWebhookEndpoint {
  /** Where messages are POSTed: an `http:` or `https:` URL, e.g. `http://127.0.0.1:3000/pay/webhooks`. */
  url: string;
  /** The signing secret that `Pay-Signature` is computed with, e.g. `webhook_test_…`. */
  secret: string;
  /**
   * The event types this subscription receives.
   * @default every event type
   */
  events?: readonly WebhookEventType[];
  /**
   * How long one attempt may take, connection and answer together, in milliseconds. GOV.UK Pay
   * allows 3 seconds; a test of the timeout may shorten it.
   * @default 3000
   */
  timeoutMs?: number;
}

export interface ResolvedWebhookEndpoint {
  readonly url: URL;
  readonly secret: string;
  readonly events: ReadonlySet<WebhookEventType>;
  readonly timeoutMs: number;
}

const ENDPOINT_KEYS = [
  'url',
  'secret',
  'events',
  'timeoutMs',
] as const satisfies readonly (keyof SimulatorWebhookEndpoint)[];

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', `simulator ${message}`);
}

/** Validates `createSimulator({ webhooks })` once, at construction. */
export function resolveWebhookEndpoints(input: unknown): readonly ResolvedWebhookEndpoint[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    invalid('webhooks must be an array of { url, secret, events? }');
  }
  return input.map((endpoint: unknown, i) => resolveEndpoint(endpoint, `webhooks[${i}]`));
}

function resolveEndpoint(input: unknown, at: string): ResolvedWebhookEndpoint {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalid(`${at} must be an object { url, secret, events? }`);
  }
  const o = input as Record<string, unknown>;
  rejectUnknownKeys(o, ENDPOINT_KEYS, `createSimulator.${at}`);
  let url: URL | undefined;
  try {
    url = typeof o.url === 'string' ? new URL(o.url) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    invalid(`${at}.url must be an http(s) URL, e.g. http://127.0.0.1:3000/pay/webhooks`);
  }
  if (typeof o.secret !== 'string' || o.secret === '') {
    invalid(
      `${at}.secret must be a non-empty string; the simulator CLI prints a fresh webhook_test_ secret when --webhook-secret is left out`,
    );
  }
  let events: ReadonlySet<WebhookEventType> = new Set(WEBHOOK_EVENT_TYPES);
  if (o.events !== undefined) {
    if (
      !Array.isArray(o.events) ||
      o.events.length === 0 ||
      !o.events.every((e) => WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))
    ) {
      invalid(`${at}.events must be a non-empty array of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    }
    events = new Set(o.events as WebhookEventType[]);
  }
  const timeoutMs = o.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1) {
    invalid(`${at}.timeoutMs must be a whole number of milliseconds >= 1`);
  }
  return { url, secret: o.secret, events, timeoutMs: timeoutMs as number };
}
