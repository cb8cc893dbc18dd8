import { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { PayConfigError } from '../config-error.js';
import { errorForLog } from '../logger.js';
import { noteOutcome, noteRedirect, observeJourneyRequest } from '../observability/index.js';
import { journeyId, SettlementStoreError } from '../settlement/index.js';
import type { PaymentResult } from '../settlement/index.js';
import type { PaymentRecord } from '../store/index.js';
import { readWithinLimit } from './body-limit.js';
import { cancelJourneyPayment } from './cancel.js';
import { RETURN_ID_AFTER_SHOWN_MS } from './context.js';
import type { JourneyContext } from './context.js';
import { readCookieValues, serializePaymentCookie } from './cookie-header.js';
import { resolveOutcomeHandlers, sendPage } from './default-outcomes.js';
import {
  missingResult,
  observePayment,
  startFailedResult,
  unconfirmedResult,
  withStoreDownAsUnconfirmed,
} from './observe.js';
import type { OutcomeHandler, PaymentDetails } from './options.js';
import { forbiddenPage, pageLanguage, tooLargePage } from './pages.js';
import { isSafeMountPath } from './resolve-options.js';
import { describeCrossSiteRefusal, isCrossSiteRequest } from './same-origin.js';
import { RETURN_ID_FORMAT, normalisePaymentDetails, planStart } from './start.js';

/** Far above any form that posts to start or cancel (a CSRF token, a few choices). */
export const MAX_POST_BODY_BYTES = 64 * 1024;

/** Thrown by `journey.cancel(req)` for a request from another site; Express answers 403. */
export class CrossSiteRequestError extends Error {
  override readonly name = 'CrossSiteRequestError';
  readonly status = 403;
  readonly statusCode = 403;
  constructor() {
    super('govuk-pay-express: refused a cross-site request to cancel a payment');
  }
}

export interface JourneyRouter {
  router: Router;
  start(req: Request, res: Response, overrides?: Partial<PaymentDetails>): Promise<void>;
  cancel(req: Request): Promise<PaymentResult>;
}

type CookieRead = { record: PaymentRecord } | { reason: 'no_cookie' | 'invalid_cookie' };

/** The Express glue: the only code here that touches req and res. */
export function createJourneyRouter(ctx: JourneyContext): JourneyRouter {
  const { config, logger } = ctx;
  const handlers = resolveOutcomeHandlers(config);
  const cookieMaxAgeMs = config.cookie.maxAgeMinutes * 60_000;
  /** The cookie binding of each mount path, computed once per path. */
  const bindings = new Map<string, string>();
  function cookieBinding(mountPath: string): string {
    let binding = bindings.get(mountPath);
    if (binding === undefined) {
      binding = journeyId(config.publicOrigin, mountPath);
      if (bindings.size < 16) bindings.set(mountPath, binding);
    }
    return binding;
  }

  /** The mount path of a request through the router: the option, or where it was routed. */
  function routerMountPath(req: Request): string {
    if (config.mountPath !== undefined) return config.mountPath;
    const mountPath = req.baseUrl.replace(/\/+$/, '');
    if (mountPath !== '' && !isSafeMountPath(mountPath)) {
      throw new Error(
        'govuk-pay-express: the mount path has characters a cookie Path cannot carry; set the mountPath option',
      );
    }
    return mountPath;
  }

  /**
   * `journey.start()` runs on the service's own route, which does not say where the journey is
   * mounted, and no request may choose it (a request in other letter case would move everyone's
   * cookie and return URL), so it needs the option.
   */
  function serviceRouteMountPath(): string {
    if (config.mountPath === undefined) {
      throw new PayConfigError(
        'ERR_PAY_MISSING_OPTION',
        "journey.start() needs to know where the journey is mounted; set the mountPath option, e.g. mountPath: '/payment'",
      );
    }
    return config.mountPath;
  }

  /**
   * The payment cookie of this journey. Every value of the name is tried (a junk value tossed
   * in by a sibling subdomain must not hide the real one), only values sealed for this journey
   * unseal, and when several do, the newest payment wins: it is the citizen's latest start.
   */
  function readPaymentCookie(req: Request, mountPath: string): CookieRead {
    const values = readCookieValues(req.headers.cookie, config.cookie.name);
    if (values.length === 0) return { reason: 'no_cookie' };
    const binding = cookieBinding(mountPath);
    let newest: PaymentRecord | undefined;
    for (const value of values) {
      const record = ctx.sealer.unseal(value, binding);
      if (record !== undefined && (newest === undefined || record.createdAt > newest.createdAt)) {
        newest = record;
      }
    }
    return newest === undefined ? { reason: 'invalid_cookie' } : { record: newest };
  }

  function setPaymentCookie(res: Response, record: PaymentRecord, mountPath: string): void {
    res.append(
      'Set-Cookie',
      serializePaymentCookie(
        config.cookie.name,
        ctx.sealer.seal(record, cookieMaxAgeMs, cookieBinding(mountPath)),
        {
          path: mountPath === '' ? '/' : mountPath,
          maxAgeSeconds: config.cookie.maxAgeMinutes * 60,
          secure: config.cookie.secure,
        },
      ),
    );
  }

  async function dispatch(req: Request, res: Response, result: PaymentResult): Promise<void> {
    noteOutcome(result);
    logger.info(
      {
        outcome: result.outcome,
        ...(result.reason === undefined ? {} : { reason: result.reason }),
        ...(result.payment === undefined
          ? {}
          : { payment: ctx.fingerprint(result.payment.payment_id) }),
        firstVisit: result.firstVisit,
      },
      'govuk-pay-express: showing the outcome',
    );
    // Outcome pages describe one citizen's payment: never cache them, never leak the URL onward.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'same-origin');
    // Each handler takes the results of its own outcome; `result.outcome` picks it.
    const handler = handlers[result.outcome] as unknown as OutcomeHandler;
    await handler(req, res, result);
  }

  function refuseCrossSite(req: Request, res: Response): boolean {
    if (!isCrossSiteRequest(req.headers, config.publicOrigin)) return false;
    const production = process.env.NODE_ENV === 'production';
    const refusal = describeCrossSiteRefusal(req.headers, config.publicOrigin, production);
    logger.warn({ path: req.path, ...refusal.fields }, refusal.message);
    sendPage(res, forbiddenPage(pageLanguage(req.headers), refusal.developerNote));
    return true;
  }

  async function runStart(
    req: Request,
    res: Response,
    overrides: Partial<PaymentDetails> | undefined,
    mountPath: string,
  ): Promise<void> {
    if (refuseCrossSite(req, res)) return;
    const details = async (): Promise<PaymentDetails> => {
      const given = normalisePaymentDetails(
        await Promise.resolve()
          .then(() => config.createPayment(req))
          .catch((err: unknown) => {
            logger.error({ err: errorForLog(err) }, 'govuk-pay-express: createPayment threw');
            throw err;
          }),
      );
      return overrides === undefined ? given : normalisePaymentDetails({ ...given, ...overrides });
    };
    const cookie = readPaymentCookie(req, mountPath);
    const existing = 'record' in cookie ? cookie.record : undefined;

    let plan: Awaited<ReturnType<typeof planStart>>;
    try {
      plan = await planStart(ctx, req, details, existing, mountPath);
    } catch (err) {
      if (!(err instanceof SettlementStoreError)) throw err;
      // The store could not settle the earlier payment: creating another could charge twice.
      logger.error(
        { error: 'SettlementStoreError' },
        'govuk-pay-express: the payment store is unavailable; not starting a payment',
      );
      plan = { kind: 'outcome', result: startFailedResult() };
    }
    if (plan.kind === 'outcome') {
      await dispatch(req, res, plan.result);
      return;
    }
    setPaymentCookie(res, plan.record, mountPath);
    noteRedirect();
    res.setHeader('Cache-Control', 'no-store');
    // Set directly: res.redirect would echo the single-use next_url into an HTML body.
    res.status(303).setHeader('Location', plan.location);
    res.end();
  }

  async function runReturn(
    req: Request,
    res: Response,
    found: CookieRead | { reason: 'unknown_return_id' },
    returnId?: string,
  ): Promise<void> {
    if ('reason' in found) {
      await dispatch(req, res, missingResult(found.reason));
      return;
    }
    const client = ctx.clients.forRecord(found.record, req);
    const result = await observePayment(ctx, client, found.record, 'return');
    if (returnId !== undefined && result.firstVisit && isFinished(result)) {
      // Shown once: the id now works only for a refresh, then stops being a way in. A store too
      // busy to shorten it leaves it working for its full week, which is no reason to fail.
      await Promise.resolve(
        ctx.store.saveReturnId(returnId, found.record, RETURN_ID_AFTER_SHOWN_MS),
      ).catch(() => undefined);
    }
    await dispatch(req, res, result);
  }

  async function cancel(req: Request, mountPath: string): Promise<PaymentResult> {
    if (isCrossSiteRequest(req.headers, config.publicOrigin)) throw new CrossSiteRequestError();
    const found = readPaymentCookie(req, mountPath);
    if ('reason' in found) return missingResult(found.reason);
    const client = ctx.clients.forRecord(found.record, req);
    return withStoreDownAsUnconfirmed(ctx, 'cancel', () =>
      cancelJourneyPayment(ctx, client, found.record),
    );
  }

  const router = Router();

  // Before the body limit below: the receiver reads its raw body itself, with its own limit, and
  // skips the cross-site checks, since the signature is its authentication.
  const { webhooks } = ctx;
  if (webhooks !== undefined) router.post('/webhooks', (req, res) => webhooks.handle(req, res));

  // The journey never reads a POST body (the payment comes from createPayment, the cookie from
  // the header), so a large one is only an attack or a mistake: refuse it before any work,
  // whether its size is announced or it comes chunked.
  router.post(['/start', '/cancel'], (req, res, next) => {
    readWithinLimit(req, MAX_POST_BODY_BYTES).then(
      (within) => {
        if (within) {
          next();
          return;
        }
        logger.warn({ path: req.path }, 'govuk-pay-express: refused an oversized request body');
        // Closing stops Node reading the rest of the body just to keep the connection alive.
        res.setHeader('Connection', 'close');
        sendPage(res, tooLargePage(pageLanguage(req.headers)));
      },
      (err: unknown) => next(err),
    );
  });

  router.post(
    '/start',
    route(async (req, res) => runStart(req, res, undefined, routerMountPath(req))),
  );

  // Express would run a GET route for HEAD too. A HEAD (a link checker, a prefetch) must not
  // read GOV.UK Pay, settle, or use up the citizen's first visit, so it gets an empty answer.
  router.head(config.match === 'cookie' ? '/return' : '/return/:returnId', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(204).end();
  });

  if (config.match === 'cookie') {
    router.get(
      '/return',
      route(async (req, res) => runReturn(req, res, readPaymentCookie(req, routerMountPath(req)))),
    );
  } else {
    router.get(
      '/return/:returnId',
      route(async (req, res) => {
        const returnId = req.params.returnId;
        let record: PaymentRecord | undefined;
        try {
          record =
            typeof returnId === 'string' && RETURN_ID_FORMAT.test(returnId)
              ? await ctx.store.getReturnId(returnId)
              : undefined;
        } catch (err) {
          // The store cannot say which payment this is: the citizen may have paid.
          logger.error(
            { error: err instanceof Error ? err.name : typeof err },
            'govuk-pay-express: the payment store is unavailable; showing unconfirmed',
          );
          await dispatch(req, res, unconfirmedResult('return'));
          return;
        }
        await runReturn(
          req,
          res,
          record === undefined ? { reason: 'unknown_return_id' } : { record },
          typeof returnId === 'string' ? returnId : undefined,
        );
      }),
    );
  }

  router.post(
    '/cancel',
    route(async (req, res) => {
      if (refuseCrossSite(req, res)) return;
      await dispatch(req, res, await cancel(req, routerMountPath(req)));
    }),
  );

  return {
    router,
    start: async (req, res, overrides) =>
      observeJourneyRequest(
        req,
        config.mountPath,
        () => runStart(req, res, overrides, serviceRouteMountPath()),
        '/start',
      ),
    cancel: async (req) =>
      observeJourneyRequest(
        req,
        config.mountPath,
        () => cancel(req, serviceRouteMountPath()),
        '/cancel',
      ),
  };
}

function isFinished(result: PaymentResult): boolean {
  return (
    result.outcome === 'success' ||
    result.outcome === 'failed' ||
    result.outcome === 'cancelled' ||
    (result.outcome === 'error' && result.reason === 'provider_error')
  );
}

/**
 * Wraps an async route so that every failure, including a service handler's or `onSettled`'s,
 * reaches Express's error handler: Express 4 would otherwise leave the rejection unhandled.
 */
function route(
  handler: (req: Request, res: Response) => Promise<void>,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    observeJourneyRequest(req, undefined, () => handler(req, res)).catch((err: unknown) => {
      // next(undefined) would carry on to the next route as if nothing had failed.
      next(err ?? new Error('govuk-pay-express: a handler failed with no error value'));
    });
  };
}
