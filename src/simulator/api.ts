import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Account } from './auth.js';
import type { SimulatorEngine } from './engine.js';
import type { ApiError } from './errors.js';
import { DOWNSTREAM_ERROR, TOO_MANY_REQUESTS, apiError, isApiError } from './errors.js';
import type { Fault, FaultRegistry, SimulatorRoute } from './faults.js';
import { newExternalId } from './ids.js';
import type { SimRefund } from './model.js';
import { isFinished } from './model.js';
import type { PostBucket, RateLimiter } from './rate-limit.js';
import {
  paymentUrl,
  refundSummary,
  renderCreatedRefund,
  renderEvents,
  renderPaymentRefunds,
  renderRefund,
  renderSearchPayment,
  renderSearchRefund,
} from './render.js';
import type { ApiResponse } from './respond.js';
import { sendApiResponse } from './respond.js';
import { searchDisputes, searchPayments, searchRefunds } from './search.js';
import type { Timers } from './timers.js';
import { cancelByService, capturePayment } from './transitions.js';
import {
  firewallRefusal,
  parseJsonObject,
  validateCreatePayment,
  validateCreateRefund,
  validateIdempotencyKey,
} from './validate.js';

export interface ApiDependencies {
  readonly engine: SimulatorEngine;
  readonly faults: FaultRegistry;
  readonly rateLimiter: RateLimiter;
  readonly timers: Timers;
  readonly authenticate: (authorization: string | undefined) => Account | undefined;
}

type Handler = (req: Request, account: Account, origin: string) => ApiResponse;

/** Create and get carry these (PaymentsResource), so no cache keeps a payment's state. */
const NO_CACHE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Per operation: the code of its 404 and of its 5xx ("Downstream system error"). */
const ROUTE_CODES: Readonly<
  Record<SimulatorRoute, readonly [notFound: string, downstream: string]>
> = {
  createPayment: ['P0200', 'P0198'],
  getPayment: ['P0200', 'P0298'],
  getEvents: ['P0300', 'P0398'],
  cancelPayment: ['P0500', 'P0598'],
  capturePayment: ['P1000', 'P1098'],
  searchPayments: ['P0402', 'P0498'],
  createRefund: ['P0600', 'P0698'],
  getRefund: ['P0700', 'P0798'],
  listRefunds: ['P0800', 'P0898'],
  searchRefunds: ['P1100', 'P1898'],
};

const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse =>
  headers === undefined ? { status, body } : { status, body, headers };
const fromError = (error: ApiError): ApiResponse => ({ status: error.status, body: error.body });
const notFound = (code: string): ApiResponse => fromError(apiError(404, code, 'Not found'));

function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

/** The origin for links: configured, or what the client used to reach us. */
export function requestOrigin(req: Request, baseUrl: string | undefined): string {
  return baseUrl ?? `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`;
}

export function statusFaultResponse(
  route: SimulatorRoute,
  fault: Extract<Fault, { kind: 'status' }>,
): ApiResponse {
  const [notFoundCode, downstreamCode] = ROUTE_CODES[route];
  const [code, description] =
    fault.status === 429
      ? ['P0900', 'Too many requests']
      : fault.status === 404
        ? [notFoundCode, 'Not found']
        : fault.status >= 500
          ? [downstreamCode, DOWNSTREAM_ERROR]
          : ['P0999', 'GOV.UK Pay is temporarily down'];
  return {
    status: fault.status,
    body: { code: fault.code ?? code, description: fault.description ?? description },
    ...(fault.retryAfterSeconds === undefined
      ? {}
      : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
  };
}

/** True when the POST carries a JSON body, as GOV.UK Pay's firewall requires. */
function hasJsonBody(req: Request): boolean {
  const type = req.headers['content-type'];
  return (
    typeof type === 'string' &&
    /^application\/json\s*(;|$)/i.test(type) &&
    typeof req.body === 'string' &&
    req.body.length > 0
  );
}

export function createApiRouter(deps: ApiDependencies): Router {
  const { engine, faults, rateLimiter, timers, authenticate } = deps;
  const { baseUrl } = engine.config;
  const router = express.Router();
  const readText = express.text({ type: () => true, limit: '1mb' });

  function sendUnauthorised(res: Response): void {
    // GOV.UK Pay answers from a servlet filter, not with a JSON RequestError (FACTS.md §1).
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer',
    });
    res.end('Unauthorized');
  }

  /** Fault draw, authentication, rate limit, then the handler: the order of GOV.UK Pay's filters. */
  function route(
    name: SimulatorRoute | undefined,
    bucket: PostBucket | undefined,
    handler: Handler,
  ) {
    return (req: Request, res: Response, next: NextFunction): void => {
      const fault = name === undefined ? undefined : faults.take(name);
      const run = (): void => {
        if (fault?.kind === 'status' && name !== undefined) {
          sendApiResponse(res, statusFaultResponse(name, fault), undefined, timers);
          return;
        }
        const account = authenticate(req.headers.authorization);
        if (account === undefined) {
          sendUnauthorised(res);
          return;
        }
        if (bucket !== undefined && !rateLimiter.allow(account.id, bucket)) {
          sendApiResponse(res, fromError(TOO_MANY_REQUESTS), fault, timers);
          return;
        }
        let response: ApiResponse;
        try {
          response = handler(req, account, requestOrigin(req, baseUrl));
        } catch (error) {
          next(error);
          return;
        }
        sendApiResponse(res, response, fault, timers);
      };
      if (fault?.kind === 'latency') timers.set(run, fault.ms);
      else run();
    };
  }

  const createPayment: Handler = (req, account, origin) => {
    if (!hasJsonBody(req)) return fromError(firewallRefusal);
    const parsed = parseJsonObject(req.body as string, 'P0197');
    if (!parsed.ok) return fromError(parsed.error);
    const header = req.headers['idempotency-key'];
    const headerError = validateIdempotencyKey(Array.isArray(header) ? header[0] : header);
    if (headerError !== undefined) return fromError(headerError);
    const valid = validateCreatePayment(parsed.value, account.live);
    if (!valid.ok) return fromError(valid.error);
    const payment = engine.createPayment(account, valid.value);
    return json(201, engine.view(payment, origin), {
      ...NO_CACHE,
      location: paymentUrl(origin, payment.id),
    });
  };

  const getPayment: Handler = (req, account, origin) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    if (payment === undefined) return notFound('P0200');
    return json(200, engine.view(payment, origin), NO_CACHE);
  };

  const getEvents: Handler = (req, account, origin) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    if (payment === undefined) return notFound('P0300');
    return json(200, renderEvents(payment, origin));
  };

  const cancelPayment: Handler = (req, account) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    if (payment === undefined) return notFound('P0500');
    if (isFinished(payment.status)) {
      return fromError(apiError(400, 'P0501', 'Cancellation of payment failed'));
    }
    cancelByService(payment, engine.clock.now());
    return { status: 204 };
  };

  const capture: Handler = (req, account) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    if (payment === undefined) return notFound('P1000');
    if (payment.status !== 'capturable') {
      return fromError(apiError(409, 'P1003', 'Payment cannot be captured'));
    }
    capturePayment(payment, engine.clock.now());
    return { status: 204 };
  };

  const search: Handler = (req, account, origin) => {
    const { paymentProvider } = engine.config;
    const result = searchPayments(engine.paymentsOf(account), req.query, origin, (payment) =>
      renderSearchPayment(payment, origin, paymentProvider),
    );
    return isApiError(result) ? fromError(result) : json(200, result);
  };

  const createRefund: Handler = (req, account, origin) => {
    if (!hasJsonBody(req)) return fromError(firewallRefusal);
    const parsed = parseJsonObject(req.body as string, 'P0697');
    if (!parsed.ok) return fromError(parsed.error);
    const valid = validateCreateRefund(parsed.value);
    if (!valid.ok) return fromError(valid.error);
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    if (payment === undefined) return notFound('P0600');
    const summary = refundSummary(payment);
    const notAvailable = (reason: string): ApiResponse =>
      fromError(
        apiError(
          400,
          'P0603',
          `The payment is not available for refund. Payment refund status: ${reason}`,
        ),
      );
    if (summary.status !== 'available') return notAvailable(summary.status);
    const { amount, refundAmountAvailable } = valid.value;
    if (refundAmountAvailable !== undefined && refundAmountAvailable !== summary.amount_available) {
      return fromError(apiError(412, 'P0604', 'Refund amount available mismatch.'));
    }
    if (amount > summary.amount_available) return notAvailable('amount_not_available');
    // Sandbox refunds skip `submitted` (FACTS.md §7).
    const refund: SimRefund = {
      id: newExternalId(),
      paymentId: payment.id,
      account: account.id,
      amount,
      createdAt: engine.clock.now(),
      status: 'success',
    };
    engine.store.addRefund(payment, refund);
    return json(202, renderCreatedRefund(refund, origin));
  };

  const getRefund: Handler = (req, account, origin) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    const refundId = param(req, 'refundId');
    const refund = payment?.refunds?.find((r) => r.id === refundId);
    return refund === undefined ? notFound('P0700') : json(200, renderRefund(refund, origin));
  };

  const listRefunds: Handler = (req, account, origin) => {
    const payment = engine.getPaymentFor(account, param(req, 'paymentId'));
    return payment === undefined
      ? notFound('P0800')
      : json(200, renderPaymentRefunds(payment, origin));
  };

  const refundSearch: Handler = (req, account, origin) => {
    const result = searchRefunds(engine.store.refundsOf(account.id), req.query, origin, (refund) =>
      renderSearchRefund(refund, origin),
    );
    return isApiError(result) ? fromError(result) : json(200, result);
  };

  const disputeSearch: Handler = (req, _account, origin) => {
    const result = searchDisputes(req.query, origin);
    return isApiError(result) ? fromError(result) : json(200, result);
  };

  router.post('/v1/payments', readText, route('createPayment', 'create_payment', createPayment));
  router.get('/v1/payments', route('searchPayments', undefined, search));
  router.get('/v1/payments/:paymentId', route('getPayment', undefined, getPayment));
  router.get('/v1/payments/:paymentId/events', route('getEvents', undefined, getEvents));
  router.post('/v1/payments/:paymentId/cancel', route('cancelPayment', 'other', cancelPayment));
  router.post(
    '/v1/payments/:paymentId/capture',
    route('capturePayment', 'capture_payment', capture),
  );
  router.post(
    '/v1/payments/:paymentId/refunds',
    readText,
    route('createRefund', 'other', createRefund),
  );
  router.get('/v1/payments/:paymentId/refunds', route('listRefunds', undefined, listRefunds));
  router.get('/v1/payments/:paymentId/refunds/:refundId', route('getRefund', undefined, getRefund));
  router.get('/v1/refunds', route('searchRefunds', undefined, refundSearch));
  router.get('/v1/disputes', route(undefined, undefined, disputeSearch));
  // Authentication comes first in GOV.UK Pay, so an unknown path needs a key to be a 404.
  router.use(
    '/v1',
    route(undefined, undefined, () => ({
      status: 404,
      body: { code: 404, message: 'HTTP 404 Not Found' },
    })),
  );
  router.use('/v1', (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = (error as { status?: unknown }).status;
    // A body over the limit or in a broken encoding: the firewall's answer.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendApiResponse(res, fromError({ ...firewallRefusal, status }), undefined, timers);
      return;
    }
    sendApiResponse(res, fromError(apiError(500, 'P0198', DOWNSTREAM_ERROR)), undefined, timers);
  });
  return router;
}
