import type { Request, Response, Router } from 'express';
import type { PayClient } from '../client/index.js';
import { createPaymentCookieSealer } from '../cookie/index.js';
import { PayConfigError } from '../config-error.js';
import type { ReconcileRunOptions, ReconcileSummary } from '../reconcile/index.js';
import { MemoryStore } from '../store/index.js';
import { createJourneyClients } from './clients.js';
import type { JourneyContext } from './context.js';
import { createLogFingerprint } from './fingerprint.js';
import type { PayJourneyOptions, PaymentDetails } from './options.js';
import { createJourneyReconciler } from './reconcile-wiring.js';
import { assertCalledWithOptions, resolveJourneyOptions } from './resolve-options.js';
import type { PaymentResult } from './result.js';
import { createJourneyRouter } from './router.js';

/** What `payJourney` returns: an Express router with the journey's routes, and a few tools. */
export interface PayJourneyMethods {
  /**
   * Starts (or resumes) a payment from the service's own route, as `POST {mount}/start` does:
   * 303 to GOV.UK Pay, or an outcome page. `overrides` replace fields `createPayment` returned.
   * Rejects on a bug or a handler's error: pass it to `next`.
   */
  start(req: Request, res: Response, overrides?: Partial<PaymentDetails>): Promise<void>;
  /**
   * Cancels the unfinished payment in the citizen's cookie and reports what it became (usually
   * `cancelled`; its real outcome if it was paid first). Rejects with a 403 error for a
   * cross-site request.
   */
  cancel(req: Request): Promise<PaymentResult>;
  /** Runs one reconciliation of abandoned journeys now, settling what has finished. */
  reconcile(options?: ReconcileRunOptions): Promise<ReconcileSummary>;
  /** The API client for the string `apiKey`. With a function `apiKey`, use `clientFor(req)`. */
  readonly client: PayClient;
  /** The API client for this request's key. */
  clientFor(req: Request): PayClient;
  /**
   * For shutdown, once the server has stopped taking requests: stops the reconcile timer
   * (waiting for a run in flight), closes the GOV.UK Pay connections and the default store.
   */
  close(): Promise<void>;
}

export type PayJourney = Router & PayJourneyMethods;

/**
 * The whole GOV.UK Pay payment journey as Express middleware:
 * `app.use('/payment', payJourney({ apiKey, publicUrl, cookie: { secrets }, createPayment, outcomes }))`.
 * Every option is checked here, once; a mistake throws a PayConfigError saying how to fix it.
 */
export function payJourney(options: PayJourneyOptions, ...rest: unknown[]): PayJourney {
  assertCalledWithOptions([options, ...rest]);
  const config = resolveJourneyOptions(options);
  const sealer = createPaymentCookieSealer({
    secrets: config.cookie.secrets,
    cookieName: config.cookie.name,
    now: config.now,
  });
  const clients = createJourneyClients(config);
  const ownsStore = config.store === undefined;
  const store = config.store ?? new MemoryStore({ now: config.now });
  const fingerprint = createLogFingerprint(config.cookie.secrets[0] as string);
  const ctx: JourneyContext = {
    config,
    store,
    sealer,
    clients,
    logger: config.logger,
    fingerprint,
    settleDeps: { store, onSettled: config.onSettled, logger: config.logger, fingerprint },
  };
  const journey = createJourneyRouter(ctx);
  const reconciler = createJourneyReconciler(ctx);

  const methods: PayJourneyMethods = {
    start: journey.start,
    cancel: journey.cancel,
    reconcile: reconciler.run,
    get client(): PayClient {
      if (clients.staticClient === undefined) {
        throw new PayConfigError(
          'ERR_PAY_API_KEY',
          'journey.client exists only for a string apiKey; with apiKey as a function use journey.clientFor(req)',
        );
      }
      return clients.staticClient;
    },
    clientFor: (req) => clients.forRequest(req).client,
    close: async () => {
      await reconciler.stop();
      clients.closeAll();
      if (ownsStore) await store.close?.();
    },
  };
  return Object.defineProperties(
    journey.router,
    Object.getOwnPropertyDescriptors(methods),
  ) as PayJourney;
}
