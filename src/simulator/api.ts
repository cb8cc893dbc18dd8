import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import {
  AGREEMENT_CANCEL_FAILED,
  agreementUrl,
  renderAgreement,
  validateCreateAgreement,
} from './agreements.js';
import type { Account } from './auth.js';
import type { SimulatorEngine } from './engine.js';
import type { ApiError } from './errors.js';
import { DOWNSTREAM_ERROR, TOO_MANY_REQUESTS, apiError, isApiError } from './errors.js';
import type { Fault, FaultRegistry, SimulatorRoute } from './faults.js';
import { newExternalId } from './ids.js';
import type { SimRefund } from './model.js';
import { isFinished } from './model.js';
import { authoriseWithCardDetails, validateAuthorisation } from './moto.js';
import { topLevelNumberTokens } from './raw-json.js';
import type { PostBucket, RateLimiter } from './rate-limit.js';
import {
  paymentUrl,
  refundSummary,
  renderCreatedRefund,
  renderDispute,
  renderEvents,
  renderPaymentRefunds,
  renderRefund,
  renderSearchPayment,
  renderSearchRefund,
} from './render.js';
import type { ApiResponse } from './respond.js';
import { sendApiResponse } from './respond.js';
import { searchAgreements, searchDisputes, searchPayments, searchRefunds } from './search.js';
import type { Timers } from './timers.js';
import { cancelByService, capturePayment } from './transitions.js';
import {
  RECURRING_DISABLED,
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

/** One API request on its way through GOV.UK Pay's filters to its handler. */
interface ApiCall {
  /** The route, for fault rules; undefined for an unknown path. */
  name: SimulatorRoute | undefined;
  /** The rate-limit bucket of a POST; undefined for reads. */
  bucket: PostBucket | undefined;
  req: IncomingMessage;
  res: ServerResponse;
  /** `http` or `https`, for the links in the answer. */
  protocol: string;
  handle: (account: Account, origin: string) => ApiResponse;
  /** Where a handler's throw goes: Express's next, or the hot path's 500. */
  fail: (error: unknown) => void;
}

/** The API's routes, and the one read that is answered without Express (see `serveHotPath`). */
export interface SimulatorApi {
  readonly router: Router;
  /**
   * Answers `GET /v1/payments/{id}` in its plain form straight from Node's request and returns
   * true, or returns false, leaving the request untouched for Express. The answer is the one
   * the router gives: the same function makes it.
   */
  serveHotPath(req: IncomingMessage, res: ServerResponse): boolean;
}

const PAYMENT_PATH_PREFIX = '/v1/payments/';
/**
 * An id as the simulator mints them. Anything else (a query, a %-escape, a trailing slash, a
 * sub-path) goes through Express, whose decoding and matching it would otherwise have to copy.
 */
const PLAIN_PAYMENT_ID = /^[0-9A-Za-z]{1,64}$/;

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
  searchDisputes: ['P0402', 'P0498'],
  createAgreement: ['P2200', 'P2198'],
  getAgreement: ['P2200', 'P2298'],
  searchAgreements: ['P2402', 'P2498'],
  cancelAgreement: ['P2500', 'P2598'],
};

/**
 * The body of `GET /healthcheck`. Dropwizard reports each check by name; which checks
 * publicapi registers is UNCONFIRMED, so clients should read only the 200.
 */
const HEALTHY = {
  ping: { healthy: true, message: 'Healthy' },
  deadlocks: { healthy: true, message: 'Healthy' },
} as const;

/** Jersey's answer to a path it has no resource for. */
export const NOT_FOUND_BODY = { code: 404, message: 'HTTP 404 Not Found' } as const;
/** Jersey's answer to a known path with a method it does not take. */
const METHOD_NOT_ALLOWED_BODY = { code: 405, message: 'HTTP 405 Method Not Allowed' } as const;
/** The API's paths, whatever the method; the routes below answer the right methods first. */
const KNOWN_PATHS: readonly RegExp[] = [
  /^\/v1\/payments\/?$/,
  /^\/v1\/payments\/[^/]+\/?$/,
  /^\/v1\/payments\/[^/]+\/(events|cancel|capture|refunds)\/?$/,
  /^\/v1\/payments\/[^/]+\/refunds\/[^/]+\/?$/,
  /^\/v1\/(refunds|disputes|agreements|auth)\/?$/,
  /^\/v1\/agreements\/[^/]+(\/cancel)?\/?$/,
];

/** The body with its keys sorted, so two requests with the same fields compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : inner,
  );
}

const json = (status: number, body: unknown, headers?: Record<string, string>): ApiResponse =>
  headers === undefined ? { status, body } : { status, body, headers };
const fromError = (error: ApiError): ApiResponse => ({ status: error.status, body: error.body });
const notFound = (code: string): ApiResponse => fromError(apiError(404, code, 'Not found'));

function param(req: Request, name: string): string {
  return String(req.params[name] ?? '');
}

/** The origin for links: configured, or what the client used to reach us. */
function requestOrigin(
  protocol: string,
  req: IncomingMessage,
  baseUrl: string | undefined,
): string {
  return baseUrl ?? `${protocol}://${req.headers.host ?? '127.0.0.1'}`;
}

/** Express's `req.protocol` while 'trust proxy' is off, which the hot path requires. */
function socketProtocol(req: IncomingMessage): string {
  return (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
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

// GOV.UK Pay's firewall refuses "an Accept header other than application/json" (FACTS.md §1).
// Read literally that would refuse the any-type range that curl and most HTTP clients send; the
// exact rule is not published, so a list that admits JSON (application/json, application/any,
// any/any) passes and one that names only other types is refused.
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined) return true;
  // A client sends the same header on every request: remember the answer for a few.
  let answer = ACCEPT_ANSWERS.get(accept);
  if (answer === undefined) {
    answer =
      accept.trim() === '' ||
      accept.split(',').some((range) => {
        const type = (range.split(';')[0] ?? '').trim().toLowerCase();
        return type === 'application/json' || type === 'application/*' || type === '*/*';
      });
    if (ACCEPT_ANSWERS.size >= 64) ACCEPT_ANSWERS.clear();
    ACCEPT_ANSWERS.set(accept, answer);
  }
  return answer;
}

const ACCEPT_ANSWERS = new Map<string, boolean>();

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

export function createApi(deps: ApiDependencies): SimulatorApi {
  const { engine, faults, rateLimiter, timers, authenticate } = deps;
  const { baseUrl } = engine.config;
  const router = express.Router();
  const readText = express.text({ type: () => true, limit: '1mb' });

  function sendUnauthorised(res: ServerResponse): void {
    // GOV.UK Pay answers from a servlet filter, not with a JSON RequestError (FACTS.md §1).
    res.writeHead(401, {
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer',
    });
    res.end('Unauthorized');
  }

  /** A handler that threw: GOV.UK Pay's 500, or the firewall's 4xx for a body it refused. */
  function sendRouteError(res: ServerResponse, error: unknown): void {
    const status = (error as { status?: unknown }).status;
    // A body over the limit or in a broken encoding: the firewall's answer.
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendApiResponse(res, fromError({ ...firewallRefusal, status }), undefined, timers);
      return;
    }
    sendApiResponse(res, fromError(apiError(500, 'P0198', DOWNSTREAM_ERROR)), undefined, timers);
  }

  /**
   * Fault draw, authentication, rate limit, then the handler: the order of GOV.UK Pay's filters.
   * Takes Node's request, so the Express routes and the hot path share it.
   */
  function answer(call: ApiCall): void {
    const fault = call.name === undefined ? undefined : faults.take(call.name);
    if (fault?.kind === 'latency') {
      timers.set(() => respond(call, fault), fault.ms);
    } else {
      respond(call, fault);
    }
  }

  function respond(call: ApiCall, fault: Fault | undefined): void {
    const { name, bucket, req, res } = call;
    if (fault?.kind === 'status' && name !== undefined) {
      sendApiResponse(res, statusFaultResponse(name, fault), undefined, timers);
      return;
    }
    // The firewall answers before the API checks the key.
    if (!acceptsJson(req.headers.accept)) {
      sendApiResponse(res, fromError(firewallRefusal), undefined, timers);
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
      response = call.handle(account, requestOrigin(call.protocol, req, baseUrl));
    } catch (error) {
      call.fail(error);
      return;
    }
    sendApiResponse(res, response, fault, timers);
  }

  function route(
    name: SimulatorRoute | undefined,
    bucket: PostBucket | undefined,
    handler: Handler,
  ) {
    return (req: Request, res: Response, next: NextFunction): void => {
      answer({
        name,
        bucket,
        req,
        res,
        protocol: req.protocol,
        handle: (account, origin) => handler(req, account, origin),
        fail: next,
      });
    };
  }

  const createPayment: Handler = (req, account, origin) => {
    if (!hasJsonBody(req)) return fromError(firewallRefusal);
    const raw = req.body as string;
    const parsed = parseJsonObject(raw, 'P0197');
    if (!parsed.ok) return fromError(parsed.error);
    const header = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(header) ? header[0] : header;
    const headerError = validateIdempotencyKey(idempotencyKey);
    if (headerError !== undefined) return fromError(headerError);
    const valid = validateCreatePayment(parsed.value, {
      account,
      numberTokens: topLevelNumberTokens(raw),
    });
    if (!valid.ok) return fromError(valid.error);
    const outcome = engine.createPayment(
      account,
      valid.value,
      idempotencyKey === undefined
        ? undefined
        : { key: idempotencyKey, body: canonicalJson(parsed.value) },
    );
    if (outcome.kind === 'error') return fromError(outcome.error);
    const { payment } = outcome;
    // A replayed Idempotency-Key answers 200 with the payment it made (FACTS.md §8).
    if (outcome.kind === 'replayed') return json(200, engine.view(payment, origin), NO_CACHE);
    return json(201, engine.view(payment, origin), {
      ...NO_CACHE,
      location: paymentUrl(origin, payment.id),
    });
  };

  function getPaymentById(account: Account, paymentId: string, origin: string): ApiResponse {
    const payment = engine.getPaymentFor(account, paymentId);
    if (payment === undefined) return notFound('P0200');
    return json(200, engine.view(payment, origin), NO_CACHE);
  }

  const getPayment: Handler = (req, account, origin) =>
    getPaymentById(account, param(req, 'paymentId'), origin);

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
    const raw = req.body as string;
    const parsed = parseJsonObject(raw, 'P0697');
    if (!parsed.ok) return fromError(parsed.error);
    const valid = validateCreateRefund(parsed.value, topLevelNumberTokens(raw));
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
    if (payment.disputes?.some((d) => d.status !== 'won') === true) {
      return fromError(apiError(400, 'P0603', 'The payment is disputed and cannot be refunded'));
    }
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

  const disputeSearch: Handler = (req, account, origin) => {
    const result = searchDisputes(engine.store.disputesOf(account.id), req.query, origin, (d) =>
      renderDispute(d, origin),
    );
    return isApiError(result) ? fromError(result) : json(200, result);
  };

  const createAgreement: Handler = (req, account, origin) => {
    if (!hasJsonBody(req)) return fromError(firewallRefusal);
    const parsed = parseJsonObject(req.body as string, 'P2197');
    if (!parsed.ok) return fromError(parsed.error);
    const valid = validateCreateAgreement(parsed.value);
    if (!valid.ok) return fromError(valid.error);
    if (!account.recurring) return fromError(RECURRING_DISABLED);
    const agreement = engine.createAgreement(account, valid.value);
    return json(201, renderAgreement(agreement), {
      location: agreementUrl(origin, agreement.id),
    });
  };

  const getAgreement: Handler = (req, account) => {
    const agreement = engine.getAgreementFor(account, param(req, 'agreementId'));
    return agreement === undefined ? notFound('P2200') : json(200, renderAgreement(agreement));
  };

  const agreementSearch: Handler = (req, account, origin) => {
    const result = searchAgreements(
      engine.store.agreementsOf(account.id),
      req.query,
      origin,
      renderAgreement,
    );
    return isApiError(result) ? fromError(result) : json(200, result);
  };

  const cancelAgreement: Handler = (req, account) => {
    const agreement = engine.getAgreementFor(account, param(req, 'agreementId'));
    if (agreement === undefined) return notFound('P2500');
    if (agreement.status !== 'active') return fromError(AGREEMENT_CANCEL_FAILED);
    agreement.status = 'cancelled';
    agreement.endedAt = engine.clock.now();
    return { status: 204 };
  };

  /** `POST /v1/auth`: the one endpoint without an API key; its one_time_token secures it. */
  function motoAuth(req: Request, res: Response): void {
    if (!acceptsJson(req.headers.accept) || !hasJsonBody(req)) {
      sendApiResponse(res, fromError(firewallRefusal), undefined, timers);
      return;
    }
    const parsed = parseJsonObject(req.body as string, 'P0197');
    const valid = parsed.ok ? validateAuthorisation(parsed.value) : parsed;
    const response = valid.ok
      ? authoriseWithCardDetails(engine, valid.value)
      : fromError(valid.error);
    sendApiResponse(res, response, undefined, timers);
  }

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
  router.get('/v1/disputes', route('searchDisputes', undefined, disputeSearch));
  router.post('/v1/agreements', readText, route('createAgreement', 'other', createAgreement));
  router.get('/v1/agreements', route('searchAgreements', undefined, agreementSearch));
  router.get('/v1/agreements/:agreementId', route('getAgreement', undefined, getAgreement));
  router.post(
    '/v1/agreements/:agreementId/cancel',
    route('cancelAgreement', 'other', cancelAgreement),
  );
  router.post('/v1/auth', readText, motoAuth);
  // GOV.UK Pay's recurring-payment clients probe it before a run; it needs no key.
  router.get('/healthcheck', (_req, res) => {
    sendApiResponse(res, json(200, HEALTHY), undefined, timers);
  });
  // Authentication comes first in GOV.UK Pay, so an unknown path needs a key to be a 404.
  router.use(
    '/v1',
    route(undefined, undefined, (req) =>
      KNOWN_PATHS.some((path) => path.test(req.originalUrl.split('?')[0] ?? ''))
        ? { status: 405, body: METHOD_NOT_ALLOWED_BODY }
        : { status: 404, body: NOT_FOUND_BODY },
    ),
  );
  router.use('/v1', (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) next(error);
    else sendRouteError(res, error);
  });

  function serveHotPath(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(PAYMENT_PATH_PREFIX)) {
      return false;
    }
    const paymentId = url.slice(PAYMENT_PATH_PREFIX.length);
    if (!PLAIN_PAYMENT_ID.test(paymentId)) return false;
    answer({
      name: 'getPayment',
      bucket: undefined,
      req,
      res,
      protocol: socketProtocol(req),
      handle: (account, origin) => getPaymentById(account, paymentId, origin),
      fail: (error) => sendRouteError(res, error),
    });
    return true;
  }

  return { router, serveHotPath };
}
