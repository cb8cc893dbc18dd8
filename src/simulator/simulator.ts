import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express } from 'express';
import type { Payment } from '../client/index.js';
import { createAdminRouter, UnknownPaymentError } from './admin.js';
import { NOT_FOUND_BODY, createApi } from './api.js';
import { createAuthenticator } from './auth.js';
import type { SimulatorClock } from './clock.js';
import { createClock } from './clock.js';
import { SimulatorEngine } from './engine.js';
import type { FaultControls } from './faults.js';
import { FaultRegistry } from './faults.js';
import type { SimAgreement, SimPayment } from './model.js';
import type { SimulatorOptions } from './options.js';
import { resolveSimulatorOptions } from './options.js';
import { createPagesRouter } from './pages.js';
import { createRateLimiter, unlimited } from './rate-limit.js';
import { renderSearchPayment } from './render.js';
import { Timers } from './timers.js';
import type { SimulatorWebhooks } from './webhooks/index.js';
import { WEBHOOK_ADMIN_PATH, WebhookSender, createWebhookAdminRouter } from './webhooks/index.js';
import type { WalletType } from './transitions.js';
import {
  TransitionError,
  cancelByService,
  cancelByUser,
  confirmPayment,
  failWithProviderError,
  submitCard,
} from './transitions.js';

/** What `listen()` resolves to. */
export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:54321`; use it as the client's `apiBaseUrl`. */
  readonly url: string;
  /**
   * Where `next_url` sends the citizen, e.g. `http://localhost:54321`: cross-site to a service
   * on 127.0.0.1 unless `pagesBaseUrl` says otherwise. Allow its host in the journey's
   * `nextUrlHosts`.
   */
  readonly pagesUrl: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * The citizen's part: pay with a card (a `TEST_CARDS` number), optionally through Apple Pay or
 * Google Pay (the wallet hides the card's first digits, expiry and address), or press
 * "Cancel payment".
 */
export type CitizenAction = { card: string; wallet?: WalletType } | { cancel: true };

/** How a dispute ends, or `under_review` once the service has sent its evidence. */
export type DisputeOutcome = 'under_review' | 'won' | 'lost';

/** Read access to the payments, across all accounts. */
export interface SimulatorPayments {
  /**
   * The payment as `GET /v1/payments/{id}` returns it (with expiry applied and, while it is
   * unfinished, a fresh `next_url`), or undefined.
   */
  get(paymentId: string): Payment | undefined;
  /** Every payment, newest first, shaped as search results (no `next_url`). */
  list(): Payment[];
  readonly size: number;
}

export interface Simulator {
  /** The Express app: mount it, or call `listen()`. */
  readonly app: Express;
  /** Listens on 127.0.0.1; port 0 or undefined picks a free port. */
  listen(port?: number): Promise<RunningSimulator>;
  readonly clock: SimulatorClock;
  readonly faults: FaultControls;
  readonly payments: SimulatorPayments;
  /**
   * Plays the citizen's part without the pages, through the same transitions: a card is
   * submitted then confirmed (`success`, or `capturable` with delayed capture; declined cards
   * give `failed` P0010, the error card `error` P0050); cancel gives `failed` P0030.
   * Throws if the payment is unknown, finished, or the card is not a test card.
   */
  completePayment(paymentId: string, action: CitizenAction): Payment;
  /** The service cancels it: `cancelled` P0040. Throws if unknown or finished. */
  cancelByService(paymentId: string): void;
  /** The provider fails it: `error` P0050. Throws if unknown or finished. */
  failWithProviderError(paymentId: string): void;
  /**
   * The next payment taken on this agreement without the citizen is declined (`failed` P0010)
   * with this `can_retry`. Calls queue up. Throws if the agreement is unknown.
   */
  declineNextAgreementPayment(agreementId: string, options?: { canRetry?: boolean }): void;
  /** The agreement becomes `inactive`, as when its card can no longer be charged. */
  deactivateAgreement(agreementId: string): void;
  /**
   * The citizen's bank disputes a successful payment: a dispute in `needs_response`, seen in
   * `GET /v1/disputes`. Returns its `dispute_id`. Throws unless the payment succeeded.
   */
  raiseDispute(paymentId: string, options?: { reason?: string }): string;
  /** Moves a dispute on: `under_review`, then `won` or `lost`. */
  resolveDispute(disputeId: string, outcome: DisputeOutcome): void;
  /** The webhooks sent to the `webhooks` subscriptions: deliveries, redelivery, faults. */
  readonly webhooks: SimulatorWebhooks;
  /** Forgets every payment, refund, fault, rate-limit count and clock advance. */
  reset(): void;
}

export function createSimulator(options?: SimulatorOptions): Simulator {
  const config = resolveSimulatorOptions(options);
  const clock = createClock(config.startTime);
  const engine = new SimulatorEngine(config, clock);
  const timers = new Timers();
  const faults = new FaultRegistry(config.random);
  const webhooks = new WebhookSender(config.webhooks, engine, config.random);
  const rateLimiter =
    config.postsPerSecond === undefined
      ? unlimited
      : createRateLimiter(config.postsPerSecond, clock.now);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const api = createApi({
    engine,
    faults,
    rateLimiter,
    timers,
    authenticate: createAuthenticator(config.accountsByKeyHash),
  });
  app.use(api.router);
  // The server of listen() answers the polled GET without Express's layers, which cost more
  // than the answer. With 'trust proxy' on, Express reads X-Forwarded-Proto: Express it is.
  const handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (app.get('trust proxy') !== false || !api.serveHotPath(req, res)) app(req, res);
  };
  app.use(createPagesRouter(engine));

  function paymentOrThrow(paymentId: string): SimPayment {
    const payment = engine.getPayment(paymentId);
    if (payment === undefined)
      throw new UnknownPaymentError(`simulator: no payment with id ${JSON.stringify(paymentId)}`);
    return payment;
  }

  function agreementOrThrow(agreementId: string): SimAgreement {
    const agreement = engine.store.getAgreement(agreementId);
    if (agreement === undefined) {
      throw new UnknownPaymentError(
        `simulator: no agreement with id ${JSON.stringify(agreementId)}`,
      );
    }
    return agreement;
  }

  function completePayment(paymentId: string, action: CitizenAction): Payment {
    const payment = paymentOrThrow(paymentId);
    const now = clock.now();
    if (
      typeof action === 'object' &&
      action !== null &&
      'cancel' in action &&
      action.cancel === true
    ) {
      cancelByUser(payment, now);
    } else if (
      typeof action === 'object' &&
      action !== null &&
      'card' in action &&
      typeof action.card === 'string'
    ) {
      const expiry = new Date(now);
      const wallet = (action as { wallet?: unknown }).wallet;
      if (wallet !== undefined && wallet !== 'Apple Pay' && wallet !== 'Google Pay') {
        throw new TypeError(
          'simulator completePayment: wallet must be "Apple Pay" or "Google Pay" when given',
        );
      }
      if (payment.authorisationMode !== 'web') {
        throw new TypeError(
          `simulator completePayment: a ${payment.authorisationMode} payment has no citizen; use POST /v1/auth or the agreement`,
        );
      }
      const result = submitCard(
        payment,
        {
          cardNumber: action.card,
          expiryMonth: 12,
          expiryYear: expiry.getUTCFullYear() + 3,
          cardholderName: payment.prefilled?.cardholder_name ?? 'Sandbox Tester',
          ...(wallet === undefined ? {} : { wallet }),
        },
        now,
      );
      if (result === 'unknown-card') {
        throw new TypeError(
          `simulator completePayment: ${JSON.stringify(action.card)} is not a sandbox test card; use one of TEST_CARDS`,
        );
      }
      if (result === 'submitted') confirmPayment(payment, now);
    } else {
      throw new TypeError(
        'simulator completePayment: action must be { card: string } or { cancel: true }',
      );
    }
    return engine.view(payment, engine.fallbackOrigin);
  }

  const simulator: Simulator = {
    app,
    clock: { now: clock.now, advance: clock.advance },
    faults,
    webhooks: webhooks.controls,
    payments: {
      get(paymentId) {
        const payment = engine.getPayment(paymentId);
        return payment === undefined ? undefined : engine.view(payment, engine.fallbackOrigin);
      },
      list() {
        // Map order is creation order; the newest come first, as in search.
        return [...engine.store.allPayments()].reverse().map((payment) => {
          engine.getPayment(payment.id);
          return renderSearchPayment(
            payment,
            engine.fallbackOrigin,
            config.paymentProvider,
          ) as Payment;
        });
      },
      get size() {
        return engine.store.size;
      },
    },
    completePayment,
    cancelByService(paymentId) {
      cancelByService(paymentOrThrow(paymentId), clock.now());
    },
    failWithProviderError(paymentId) {
      failWithProviderError(paymentOrThrow(paymentId), clock.now());
    },
    declineNextAgreementPayment(agreementId, options = {}) {
      const canRetry = options.canRetry ?? true;
      if (typeof canRetry !== 'boolean') {
        throw new TypeError('simulator declineNextAgreementPayment: canRetry must be a boolean');
      }
      (agreementOrThrow(agreementId).queuedDeclines ??= []).push({ canRetry });
    },
    deactivateAgreement(agreementId) {
      const agreement = agreementOrThrow(agreementId);
      agreement.status = 'inactive';
      agreement.endedAt = clock.now();
    },
    raiseDispute(paymentId, options = {}) {
      const payment = paymentOrThrow(paymentId);
      if (payment.status !== 'success') {
        throw new TransitionError(`a ${payment.status} payment cannot be disputed`);
      }
      const reason = options.reason ?? 'fraudulent';
      if (typeof reason !== 'string' || reason === '') {
        throw new TypeError('simulator raiseDispute: reason must be a non-empty string');
      }
      return engine.raiseDispute(payment, reason).id;
    },
    resolveDispute(disputeId, outcome) {
      const dispute = engine.store.getDispute(disputeId);
      if (dispute === undefined) {
        throw new UnknownPaymentError(`simulator: no dispute with id ${JSON.stringify(disputeId)}`);
      }
      if (outcome !== 'under_review' && outcome !== 'won' && outcome !== 'lost') {
        throw new TypeError('simulator resolveDispute: outcome must be under_review, won or lost');
      }
      if (dispute.status === 'won' || dispute.status === 'lost') {
        throw new TransitionError(`a ${dispute.status} dispute is over`);
      }
      engine.resolveDispute(dispute, outcome);
    },
    reset() {
      engine.reset();
      faults.clear();
      rateLimiter.reset();
      timers.clear();
      webhooks.reset();
    },
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        const server = createServer(handleRequest);
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          const { port: actual } = server.address() as AddressInfo;
          const url = `http://127.0.0.1:${actual}`;
          if (config.baseUrl === undefined) engine.fallbackOrigin = url;
          resolve({
            url,
            pagesUrl: engine.pagesOrigin(url),
            close: () =>
              new Promise<void>((done, fail) => {
                server.close((error) => (error === undefined ? done() : fail(error)));
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };

  if (config.admin) {
    app.use(WEBHOOK_ADMIN_PATH, createWebhookAdminRouter(webhooks));
    app.use(
      '/__simulator',
      createAdminRouter({
        faults,
        advanceClock(ms) {
          clock.advance(ms);
          return clock.now();
        },
        cancelByService: simulator.cancelByService,
        failWithProviderError: simulator.failWithProviderError,
        completePayment: (paymentId, action) => completePayment(paymentId, action as CitizenAction),
        declineNextAgreementPayment: simulator.declineNextAgreementPayment,
        deactivateAgreement: simulator.deactivateAgreement,
        raiseDispute: simulator.raiseDispute,
        resolveDispute: simulator.resolveDispute,
        reset: simulator.reset,
      }),
    );
  }
  // Last, after every router: Jersey answers any other path with JSON, never an HTML page.
  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND_BODY);
  });
  return simulator;
}
