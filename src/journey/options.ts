import type { Request, Response } from 'express';
import type { CreatePaymentRequest } from '../client/index.js';
import type { Logger } from '../logger.js';
import type { Outcome, ResultOf, SettledResult, StaleInfo } from '../settlement/index.js';
import type { PaymentRecord, PaymentStore } from '../store/index.js';
import type { JourneyWebhooksOptions, WebhookHandler } from '../webhooks/index.js';

/**
 * What the service's `createPayment(req)` returns: the payment, taken from the server's own
 * state, never from the request body. `return_url` is not here: the journey builds it from
 * `publicUrl`.
 */
export type PaymentDetails = Pick<CreatePaymentRequest, 'amount' | 'reference' | 'description'> &
  Partial<
    Pick<
      CreatePaymentRequest,
      | 'language'
      | 'email'
      | 'prefilled_cardholder_details'
      | 'metadata'
      | 'delayed_capture'
      | 'moto'
      | 'set_up_agreement'
    >
  >;

/** Renders one outcome for the returning citizen. Handlers only render; fulfilment goes in `onSettled`. */
export type OutcomeHandler<O extends Outcome = Outcome> = (
  req: Request,
  res: Response,
  result: ResultOf<O>,
) => unknown;

/** The service's pages, one per outcome. Only `success` and `failed` are required. */
export interface OutcomeHandlers {
  /** Status `success`, or `capturable` (`result.capturable: true`) for delayed capture. Required. */
  success: OutcomeHandler<'success'>;
  /** Status `failed`: reason `declined`, `expired` or `cancelled_by_user`. Required. */
  failed: OutcomeHandler<'failed' | 'cancelled' | 'error'>;
  /**
   * Status `cancelled` (P0040): the service cancelled the payment.
   * @default the `failed` handler
   */
  cancelled?: OutcomeHandler<'cancelled'>;
  /**
   * Status `error` (P0050, no money taken), an unknown status or code, or a payment that could
   * not be started (reason `start_failed`: show "try again later").
   * @default the `failed` handler
   */
  error?: OutcomeHandler<'error'>;
  /**
   * The payment is not finished (`created`, `started`, `submitted`): the back button, or a
   * return before paying.
   * @default a 303 redirect to the payment's fresh `next_url`
   */
  pending?: OutcomeHandler<'pending'>;
  /**
   * GOV.UK Pay could not be read after the client's retries. The citizen may have paid, so this
   * must never read as a failure; reconciliation settles the payment later.
   * @default a 503 page: "We could not confirm your payment. Do not try to pay again…"
   */
  unconfirmed?: OutcomeHandler<'unconfirmed'>;
  /**
   * No payment cookie, a tampered or expired one, or an unknown return id. No API call is made.
   * @default a 400 page linking to `startUrl`
   */
  missing?: OutcomeHandler<'missing'>;
}

/** Abandoned-journey reconciliation, run by `journey.reconcile()` or on a timer. */
export interface JourneyReconcileOptions {
  /**
   * Only payments created longer ago than this are checked, in minutes.
   * @default 60
   */
  olderThanMinutes?: number;
  /**
   * Runs reconciliation on an `unref()`'d timer this often, in minutes (1 to 1440). Leave it out to call
   * `journey.reconcile()` from your own scheduler instead.
   * @default no timer
   */
  everyMinutes?: number;
  /**
   * Most GOV.UK Pay reads per second.
   * @default 10
   */
  ratePerSecond?: number;
  /**
   * Most reads in flight at once.
   * @default 4
   */
  concurrency?: number;
  /**
   * A payment still unreadable or unfinished this long after creation is reported to `onStale`,
   * in minutes, at least 90.
   * @default 360
   */
  staleAfterMinutes?: number;
  /**
   * Called for each stale payment, for an alert. Receives the record, never a secret.
   * @default none
   */
  onStale?: (record: PaymentRecord, info: StaleInfo) => void | Promise<void>;
  /**
   * Every API key that may have created a pending payment. Required when `apiKey` is a
   * function, since reconciliation has no request to pick a key from.
   * @default [apiKey] when `apiKey` is a string
   */
  apiKeys?: readonly string[];
}

/** The payment cookie that carries the citizen's payment across the trip to GOV.UK Pay. */
export interface JourneyCookieOptions {
  /**
   * Secrets the cookie's AES-256-GCM keys are derived from, newest first. The first seals; all
   * unseal, so rotate by adding a new secret in front. Each at least 32 characters
   * (`openssl rand -base64 48`). Required.
   */
  secrets: readonly string[];
  /**
   * The cookie's name. A `__Host-` prefix is impossible, since the cookie's Path is the mount path.
   * @default 'govuk_pay'
   */
  name?: string;
  /**
   * Sends the cookie over https only. May be false only when `publicUrl` is http (local development).
   * @default true
   */
  secure?: boolean;
  /**
   * How long the cookie lives, in minutes. GOV.UK Pay expires a payment 90 minutes after creation
   * (a few minutes late at times), so at least 90.
   * @default 120
   */
  maxAgeMinutes?: number;
}

/** A clock the journey can run on: the simulator's `sim.clock` is one. */
export interface JourneyClock {
  /** The time, in epoch milliseconds. */
  now(): number;
}

/** Options of `payJourney`. */
export interface PayJourneyOptions {
  /**
   * The GOV.UK Pay API key (`api_test_…` or `api_live_…`), or a function of the request that
   * returns one, for a service with several GOV.UK Pay accounts. Required.
   */
  apiKey: string | ((req: Request) => string);
  /**
   * GOV.UK Pay's API origin: https, or http on loopback (`localhost`, `127.0.0.0/8`, `[::1]`:
   * the simulator), and then only with a test key. The client's rule, as `PayClient` has it.
   * @default 'https://publicapi.payments.service.gov.uk'
   */
  apiBaseUrl?: string;
  /**
   * This service's external origin, e.g. `https://apply.example.gov.uk`, with no path. The
   * `return_url` is built from it and the mount path, never from the Host header. https, or
   * http on loopback (`localhost`, `127.0.0.0/8`, `[::1]`) with a test key. Required.
   */
  publicUrl: string;
  /** The payment cookie. Required, for its `secrets`. */
  cookie: JourneyCookieOptions;
  /**
   * How the returning citizen is matched to the payment: `'cookie'` (the sealed cookie, at
   * `{mount}/return`) or `'return-id'` (an unguessable id in a per-payment `return_url`,
   * `{mount}/return/{id}`, kept in the store; the cookie then only serves resume and cancel).
   * @default 'cookie'
   */
  match?: 'cookie' | 'return-id';
  /**
   * Where pending payments, return ids and settlement claims are kept. Use a shared store when
   * the service runs on more than one instance.
   * @default new MemoryStore()
   */
  store?: PaymentStore;
  /**
   * Hosts `next_url` may point to, as `host[:port]`; a leading `*.` matches any subdomain. https
   * only, except loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`), which may be http (add the simulator's, e.g.
   * `'127.0.0.1:9090'`). A `next_url` elsewhere is never followed.
   * @default ['*.payments.service.gov.uk']
   */
  nextUrlHosts?: readonly string[];
  /** Returns the payment to take for this request, from the server's own state. May be async. Required. */
  createPayment: (req: Request) => PaymentDetails | Promise<PaymentDetails>;
  /** The pages shown to the returning citizen, one per outcome. Required: `success` and `failed`. */
  outcomes: OutcomeHandlers;
  /**
   * Runs exactly once per payment that reaches a finished status, whichever path sees it first
   * (the return, reconciliation). Fulfil the order here. If it throws, the payment stays pending
   * and is settled again later.
   * @default none
   */
  onSettled?: (result: SettledResult) => void | Promise<void>;
  /**
   * A pino-compatible logger. It never receives the API key, a `next_url`, a cookie or a
   * payment id; payments are named by a short keyed fingerprint. Lines logged while handling a
   * request go to its `req.log` when it has one (pino-http), so they carry the request id. Errors
   * thrown by the service's own callbacks are logged under `err`, with the payment id scrubbed.
   * @default silent
   */
  logger?: Logger;
  /**
   * Abandoned-journey reconciliation settings.
   * @default reconciliation only when `journey.reconcile()` is called
   */
  reconcile?: JourneyReconcileOptions;
  /**
   * Receives GOV.UK Pay's webhooks at `POST {mount}/webhooks`, so a payment whose citizen never
   * comes back is settled within seconds, not at the next reconciliation. Give the signing
   * secrets of the webhook set up in the GOV.UK Pay admin tool. Mount the journey before any
   * body parser: the signature is over the raw body.
   * @default no webhook route
   */
  webhooks?: JourneyWebhooksOptions;
  /**
   * Receives the webhook messages the journey does not settle itself: refunds, and events of
   * payments it did not create (payment links, other services on the account). Typed by
   * `event_type`; at least once and de-duplicated. If it throws, the answer is 500 and GOV.UK
   * Pay sends the message again later. GOV.UK Pay waits only 3 seconds: queue slow work.
   * Needs `webhooks`.
   * @default such messages are acknowledged and dropped
   */
  onWebhook?: WebhookHandler;
  /**
   * Where the default `missing` page links to, to start again: a path on this service, or an
   * absolute URL on `publicUrl`'s origin.
   * @default '/'
   */
  startUrl?: string;
  /**
   * The path the journey is mounted at, e.g. `'/payment'`. Only needed when you call
   * `journey.start()` from your own route before any request has reached the router.
   * @default the mount path of each request through the router, remembered from the first
   */
  mountPath?: string;
  /**
   * How long a settlement lease lasts, in seconds. `onSettled` holds it, renewed a few times per
   * term while it runs; if the process dies, another feed (a refresh, reconciliation, another
   * instance) settles the payment again once it runs out, with the next `attempt`.
   * @default 120
   */
  leaseSeconds?: number;
  /**
   * Timeout of each GOV.UK Pay call, in milliseconds (1 to 120000, as for `PayClient`).
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries of a GOV.UK Pay read (never of a create) on a timeout, 5xx or 429.
   * @default 2
   */
  maxRetries?: number;
  /**
   * The egress proxy GOV.UK Pay calls go through, as for `PayClient`: an `http://` URL (an
   * HTTP `CONNECT` tunnel; `user:password@` for `Proxy-Authorization`), or `false` to connect
   * directly whatever the environment says.
   * @default the environment: `HTTPS_PROXY`, unless `NO_PROXY` names the API host
   */
  proxy?: string | false;
  /**
   * The clock, in epoch milliseconds. For tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * A clock to run the journey on, such as the simulator's: `clock: sim.clock`. Its `now()`
   * (epoch milliseconds) becomes the journey's time, for reconciliation's ages and timer, the
   * cookie's expiry, settlement leases and the default store, so `sim.clock.advance()` brings
   * reconciliation and expiry without waiting. The timer looks at the clock once a second. For
   * development and tests; give `clock` or `now`, not both.
   * @default real time
   */
  clock?: JourneyClock;
  /**
   * Waits between retries and reconciliation reads. For tests.
   * @default a setTimeout-based sleep
   */
  sleep?: (ms: number) => Promise<void>;
}
