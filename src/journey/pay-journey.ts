import type { Request, Response, Router } from 'express';
import type { PayClient } from '../client/index.js';
import { createPaymentCookieSealer } from '../cookie/index.js';
import { PayConfigError } from '../config-error.js';
import type { ReconcileRunOptions, ReconcileSummary } from '../reconcile/index.js';
import { MemoryStore } from '../store/index.js';
import { createLogFingerprint, createSettler, journeyId } from '../settlement/index.js';
import type { PaymentResult } from '../settlement/index.js';
import type { PaymentStore } from '../store/index.js';
import type { Logger } from '../logger.js';
import { createWebhookReceiver } from '../webhooks/index.js';
import { createJourneyClients } from './clients.js';
import { createJourneyHealth } from './health.js';
import type { HealthCheckOptions, JourneyHealth } from './health.js';
import type { JourneyContext } from './context.js';
import type { PayJourneyOptions, PaymentDetails } from './options.js';
import { createJourneyReconciler } from './reconcile-wiring.js';
import { assertCalledWithOptions, resolveJourneyOptions } from './resolve-options.js';
import { createJourneyRouter } from './router.js';

let warnedAboutMemoryStore = false;

/**
 * Says once per process that the default store forgets everything on restart, where that
 * matters: a refresh after a deploy can settle again, and abandoned payments are never
 * reconciled.
 */
function warnIfMemoryStoreInProduction(logger: Logger): void {
  if (warnedAboutMemoryStore || process.env.NODE_ENV !== 'production') return;
  warnedAboutMemoryStore = true;
  logger.warn(
    {},
    'govuk-pay-express: using the default MemoryStore with NODE_ENV=production; it forgets every settlement, pending payment and return id on restart (a refresh after a deploy can settle again, abandoned payments are never reconciled) and cannot be shared by several instances; pass store: new RedisStore(...) or new PostgresStore(...)',
  );
}

/** Journeys alive on each store, by name: two of one name would settle each other's payments. */
const journeysByStore = new WeakMap<PaymentStore, Map<string, number>>();

function registerJourney(store: PaymentStore, journey: string, logger: Logger): () => void {
  let names = journeysByStore.get(store);
  if (names === undefined) {
    names = new Map();
    journeysByStore.set(store, names);
  }
  const count = names.get(journey) ?? 0;
  if (count > 0) {
    logger.warn(
      {},
      "govuk-pay-express: two journeys with the same publicUrl and mountPath share one store, so each may settle the other's payments; give each journey its own mountPath",
    );
  }
  names.set(journey, count + 1);
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    const now = names.get(journey) ?? 1;
    if (now <= 1) names.delete(journey);
    else names.set(journey, now - 1);
  };
}

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
   * For the service's health endpoint: whether the store answers a cheap read in time
   * (`ok`), the last reconciliation run (its time and summary) and, with `webhooks`, the
   * deliveries and signature failures seen. Plain data for `res.json()`, never a payment id or
   * an error's message. Never rejects; a bad option throws `PayConfigError` at once.
   */
  health(options?: HealthCheckOptions): Promise<JourneyHealth>;
  /**
   * For shutdown, once the server has stopped taking requests: waits for payments being settled
   * after their webhooks (new webhooks get 503, so GOV.UK Pay sends them again), stops the reconcile timer
   * (waiting for a run in flight), stops renewing settlement leases still held (another
   * instance takes them once they run out), closes the GOV.UK Pay connections and the default
   * store.
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
  if (ownsStore) warnIfMemoryStoreInProduction(config.logger);
  const store = config.store ?? new MemoryStore({ now: config.now });
  const fingerprint = createLogFingerprint(config.cookie.secrets[0] as string);
  const journey = journeyId(config.publicOrigin, config.mountPath ?? '');
  const unregister = registerJourney(store, journey, config.logger);
  const settler = createSettler({
    store,
    journey,
    onSettled: config.onSettled,
    logger: config.logger,
    fingerprint,
    leaseMs: config.leaseMs,
    now: config.now,
    ...(config.reconcile.onStale === undefined ? {} : { onStale: config.reconcile.onStale }),
  });
  const ctx: JourneyContext = {
    config,
    store,
    sealer,
    clients,
    logger: config.logger,
    fingerprint,
    settler,
  };
  if (config.webhooks !== undefined) {
    ctx.webhooks = createWebhookReceiver({
      ctx,
      config: config.webhooks,
      onWebhook: config.onWebhook,
      now: config.now,
    });
  }
  const routes = createJourneyRouter(ctx);
  const reconciler = createJourneyReconciler(ctx);

  const methods: PayJourneyMethods = {
    start: routes.start,
    cancel: routes.cancel,
    reconcile: reconciler.run,
    health: createJourneyHealth({
      store,
      reconciler,
      webhooks: ctx.webhooks,
      everyMinutes: config.reconcile.everyMinutes,
      now: config.now,
    }),
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
      // Settling begun off a webhook's request finishes first, while the store is still open.
      await ctx.webhooks?.close();
      await reconciler.stop();
      // Leases still held (an onSettled in flight) run out, and another instance takes them.
      settler.abandonLeases();
      unregister();
      clients.closeAll();
      if (ownsStore) await store.close?.();
    },
  };
  return Object.defineProperties(
    routes.router,
    Object.getOwnPropertyDescriptors(methods),
  ) as PayJourney;
}
