import {
  PayConnectionError,
  PayError,
  PayResponseError,
  PayValidationError,
  createPayError,
} from './errors.js';
import { ShapeError, guards } from './guards.js';
import { trustedApiPath } from './links.js';
import { resolvePayClientOptions } from './options.js';
import type {
  CallOptions,
  CreatePaymentCallOptions,
  PayClientOptions,
  ResolvedPayClientConfig,
} from './options.js';
import {
  AGREEMENT_SEARCH_PARAMS,
  DISPUTE_SEARCH_PARAMS,
  PAYMENT_SEARCH_PARAMS,
  REFUND_SEARCH_PARAMS,
  buildSearchQuery,
} from './query.js';
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelayMs } from './retry.js';
import type { RequestKind } from './retry.js';
import { Transport } from './transport.js';
import type { RawResponse } from './transport.js';
import type {
  Agreement,
  CreateAgreementRequest,
  CreatePaymentRequest,
  CreateRefundRequest,
  DisputeSearchResults,
  Payment,
  PaymentEvents,
  PaymentRefunds,
  PaymentSearchResult,
  Refund,
  RefundSearchResult,
  SearchAgreementsQuery,
  SearchDisputesQuery,
  SearchPaymentsQuery,
  SearchRefundsQuery,
  SearchResults,
} from './types.js';
import {
  isPlainObject,
  validateCreateAgreementRequest,
  validateCreatePaymentRequest,
  validateIdempotencyKey,
  validateRefundRequest,
  validateResourceId,
  validateTimeoutMs,
} from './validate.js';

const USER_AGENT = `govuk-pay-express (node ${process.version})`;
const ID = '([A-Za-z0-9_-]{1,64})';
const SELF_LINK_PATH = new RegExp(`^/v1/payments/${ID}$`);
const PAYMENT_SEARCH_PATH = /^\/v1\/payments$/;
const REFUND_SEARCH_PATH = /^\/v1\/refunds$/;

interface Operation<T> {
  /** Decides the retry rule: see `isRetryable`. */
  kind: RequestKind;
  method: 'GET' | 'POST';
  /** Real path and query. */
  url: string;
  /** What logs and errors show instead of `url`. */
  pathTemplate: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The success statuses this call expects; any other 2xx is a `PayResponseError`. */
  expect: readonly number[];
  /** Checks and types the body; absent for 204 answers. */
  parse?: (body: unknown) => T;
}

/** A function, so TypeScript does not narrow `aborted` across awaits: it can change at any time. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const media = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))
  );
}

/**
 * A typed client for the GOV.UK Pay public API. One instance per API key; it keeps HTTP
 * connections alive, so share it. The API key is held in a private field: it is never logged,
 * never put in an error, and `util.inspect(client)` does not show it.
 */
export class PayClient {
  /** The API origin every request goes to and every followed link must be on, e.g. `http://127.0.0.1:4567`. */
  readonly apiOrigin: string;
  readonly #config: ResolvedPayClientConfig;
  readonly #transport: Transport;

  constructor(options: PayClientOptions) {
    this.#config = resolvePayClientOptions(options);
    this.apiOrigin = this.#config.apiOrigin;
    this.#transport = new Transport(this.#config.apiBaseUrl);
  }

  /**
   * Creates a payment (`POST /v1/payments`, 201). The request is checked locally first; a problem
   * throws `PayValidationError` naming the field and nothing is sent. Not retried unless GOV.UK Pay
   * cannot have processed it (connection refused, 429 P0900).
   */
  async createPayment(
    req: CreatePaymentRequest,
    opts?: CreatePaymentCallOptions,
  ): Promise<Payment> {
    validateCreatePaymentRequest(req);
    const call = this.#callOptions('createPayment', opts, ['idempotencyKey']);
    const idempotencyKey = (opts as CreatePaymentCallOptions | undefined)?.idempotencyKey;
    if (idempotencyKey !== undefined) validateIdempotencyKey(idempotencyKey);
    return this.#request(
      {
        kind: 'write',
        method: 'POST',
        url: '/v1/payments',
        pathTemplate: '/v1/payments',
        body: req,
        ...(idempotencyKey === undefined ? {} : { headers: { 'Idempotency-Key': idempotencyKey } }),
        // 200 is GOV.UK Pay's answer to a replayed Idempotency-Key (agreement payments).
        expect: [201, 200],
        parse: guards.payment,
      },
      call,
    );
  }

  /** Reads a payment (`GET /v1/payments/{paymentId}`): the authoritative status. */
  async getPayment(paymentId: string, opts?: CallOptions): Promise<Payment> {
    validateResourceId('getPayment', 'paymentId', paymentId);
    const payment = await this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/payments/${paymentId}`,
        pathTemplate: '/v1/payments/{paymentId}',
        expect: [200],
        parse: guards.payment,
      },
      this.#callOptions('getPayment', opts),
    );
    this.#expectSameId(payment.payment_id, paymentId, 'payment_id', 'GET /v1/payments/{paymentId}');
    return payment;
  }

  /**
   * Reads a payment from its `_links.self.href`. The link must be on `apiOrigin` and have the
   * path of a payment, otherwise this throws `PayResponseError` and sends nothing: a tampered
   * or foreign link never receives the API key.
   */
  async getPaymentBySelfLink(href: string, opts?: CallOptions): Promise<Payment> {
    const { query, match } = trustedApiPath(href, this.apiOrigin, 'self', SELF_LINK_PATH);
    const paymentId = match[1];
    if (query !== '' || paymentId === undefined) {
      throw new PayResponseError(
        'govuk-pay-express: the self link has an unexpected query; refusing to follow it',
      );
    }
    return this.getPayment(paymentId, opts);
  }

  /** The state changes of a payment (`GET /v1/payments/{paymentId}/events`). */
  async getPaymentEvents(paymentId: string, opts?: CallOptions): Promise<PaymentEvents> {
    validateResourceId('getPaymentEvents', 'paymentId', paymentId);
    const template = '/v1/payments/{paymentId}/events';
    const events = await this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/payments/${paymentId}/events`,
        pathTemplate: template,
        expect: [200],
        parse: guards.paymentEvents,
      },
      this.#callOptions('getPaymentEvents', opts),
    );
    this.#expectSameId(events.payment_id, paymentId, 'payment_id', `GET ${template}`);
    return events;
  }

  /** Cancels an unfinished payment (`POST …/cancel`, 204); it becomes `cancelled` P0040. */
  async cancelPayment(paymentId: string, opts?: CallOptions): Promise<void> {
    validateResourceId('cancelPayment', 'paymentId', paymentId);
    await this.#request<void>(
      {
        kind: 'write',
        method: 'POST',
        url: `/v1/payments/${paymentId}/cancel`,
        pathTemplate: '/v1/payments/{paymentId}/cancel',
        expect: [204],
      },
      this.#callOptions('cancelPayment', opts),
    );
  }

  /** Captures a delayed-capture payment (`POST …/capture`, 204); `capturable` → `success`. */
  async capturePayment(paymentId: string, opts?: CallOptions): Promise<void> {
    validateResourceId('capturePayment', 'paymentId', paymentId);
    await this.#request<void>(
      {
        kind: 'write',
        method: 'POST',
        url: `/v1/payments/${paymentId}/capture`,
        pathTemplate: '/v1/payments/{paymentId}/capture',
        expect: [204],
      },
      this.#callOptions('capturePayment', opts),
    );
  }

  /** One page of `GET /v1/payments`. Eventually consistent: not for checking a returning user. */
  async searchPayments(
    query: SearchPaymentsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<PaymentSearchResult>> {
    const qs = buildSearchQuery('searchPayments', query, PAYMENT_SEARCH_PARAMS);
    return this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/payments${qs}`,
        pathTemplate: '/v1/payments',
        expect: [200],
        parse: guards.paymentSearchResults,
      },
      this.#callOptions('searchPayments', opts),
    );
  }

  /**
   * Every payment matching `query`, page by page: the next page is fetched only once the
   * previous one has been iterated, following `_links.next_page` after checking its origin.
   */
  allPayments(
    query: SearchPaymentsQuery = {},
    opts?: CallOptions,
  ): AsyncIterableIterator<PaymentSearchResult> {
    return this.#paginate(
      () => this.searchPayments(query, opts),
      PAYMENT_SEARCH_PATH,
      '/v1/payments',
      guards.paymentSearchResults,
      opts,
    );
  }

  /**
   * Refunds all or part of a payment (`POST …/refunds`, 202). Pass `refund_amount_available`
   * (see `refundable(payment)`) so a concurrent refund fails with `PayConflictError` (412 P0604)
   * rather than refunding twice.
   */
  async refundPayment(
    paymentId: string,
    req: CreateRefundRequest,
    opts?: CallOptions,
  ): Promise<Refund> {
    validateResourceId('refundPayment', 'paymentId', paymentId);
    validateRefundRequest(req);
    return this.#request(
      {
        kind: 'write',
        method: 'POST',
        url: `/v1/payments/${paymentId}/refunds`,
        pathTemplate: '/v1/payments/{paymentId}/refunds',
        body: {
          amount: req.amount,
          ...(req.refund_amount_available === undefined
            ? {}
            : { refund_amount_available: req.refund_amount_available }),
        },
        // The wire says 202; the spec also lists 200.
        expect: [202, 200],
        parse: guards.refund,
      },
      this.#callOptions('refundPayment', opts),
    );
  }

  /** One refund of a payment (`GET …/refunds/{refundId}`). */
  async getRefund(paymentId: string, refundId: string, opts?: CallOptions): Promise<Refund> {
    validateResourceId('getRefund', 'paymentId', paymentId);
    validateResourceId('getRefund', 'refundId', refundId);
    const template = '/v1/payments/{paymentId}/refunds/{refundId}';
    const refund = await this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/payments/${paymentId}/refunds/${refundId}`,
        pathTemplate: template,
        expect: [200],
        parse: guards.refund,
      },
      this.#callOptions('getRefund', opts),
    );
    this.#expectSameId(refund.refund_id, refundId, 'refund_id', `GET ${template}`);
    return refund;
  }

  /** Every refund of a payment (`GET …/refunds`). Eventually consistent. */
  async getRefunds(paymentId: string, opts?: CallOptions): Promise<PaymentRefunds> {
    validateResourceId('getRefunds', 'paymentId', paymentId);
    const template = '/v1/payments/{paymentId}/refunds';
    const refunds = await this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/payments/${paymentId}/refunds`,
        pathTemplate: template,
        expect: [200],
        parse: guards.paymentRefunds,
      },
      this.#callOptions('getRefunds', opts),
    );
    this.#expectSameId(refunds.payment_id, paymentId, 'payment_id', `GET ${template}`);
    return refunds;
  }

  /** One page of `GET /v1/refunds`. */
  async searchRefunds(
    query: SearchRefundsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<RefundSearchResult>> {
    const qs = buildSearchQuery('searchRefunds', query, REFUND_SEARCH_PARAMS);
    return this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/refunds${qs}`,
        pathTemplate: '/v1/refunds',
        expect: [200],
        parse: guards.refundSearchResults,
      },
      this.#callOptions('searchRefunds', opts),
    );
  }

  /** Every refund matching `query`, fetched lazily page by page. */
  allRefunds(
    query: SearchRefundsQuery = {},
    opts?: CallOptions,
  ): AsyncIterableIterator<RefundSearchResult> {
    return this.#paginate(
      () => this.searchRefunds(query, opts),
      REFUND_SEARCH_PATH,
      '/v1/refunds',
      guards.refundSearchResults,
      opts,
    );
  }

  /** Creates a recurring-payments agreement (`POST /v1/agreements`, 201). */
  async createAgreement(req: CreateAgreementRequest, opts?: CallOptions): Promise<Agreement> {
    validateCreateAgreementRequest(req);
    return this.#request(
      {
        kind: 'write',
        method: 'POST',
        url: '/v1/agreements',
        pathTemplate: '/v1/agreements',
        body: req,
        expect: [201],
        parse: guards.agreement,
      },
      this.#callOptions('createAgreement', opts),
    );
  }

  /** Reads an agreement (`GET /v1/agreements/{agreementId}`). */
  async getAgreement(agreementId: string, opts?: CallOptions): Promise<Agreement> {
    validateResourceId('getAgreement', 'agreementId', agreementId);
    const template = '/v1/agreements/{agreementId}';
    const agreement = await this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/agreements/${agreementId}`,
        pathTemplate: template,
        expect: [200],
        parse: guards.agreement,
      },
      this.#callOptions('getAgreement', opts),
    );
    this.#expectSameId(agreement.agreement_id, agreementId, 'agreement_id', `GET ${template}`);
    return agreement;
  }

  /** One page of `GET /v1/agreements`. */
  async searchAgreements(
    query: SearchAgreementsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<Agreement>> {
    const qs = buildSearchQuery('searchAgreements', query, AGREEMENT_SEARCH_PARAMS);
    return this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/agreements${qs}`,
        pathTemplate: '/v1/agreements',
        expect: [200],
        parse: guards.agreementSearchResults,
      },
      this.#callOptions('searchAgreements', opts),
    );
  }

  /** Cancels an active agreement (`POST …/cancel`, 204). */
  async cancelAgreement(agreementId: string, opts?: CallOptions): Promise<void> {
    validateResourceId('cancelAgreement', 'agreementId', agreementId);
    await this.#request<void>(
      {
        kind: 'write',
        method: 'POST',
        url: `/v1/agreements/${agreementId}/cancel`,
        pathTemplate: '/v1/agreements/{agreementId}/cancel',
        expect: [204],
      },
      this.#callOptions('cancelAgreement', opts),
    );
  }

  /** One page of `GET /v1/disputes`. Its paging links are under `links`, not `_links`. */
  async searchDisputes(
    query: SearchDisputesQuery,
    opts?: CallOptions,
  ): Promise<DisputeSearchResults> {
    const qs = buildSearchQuery('searchDisputes', query, DISPUTE_SEARCH_PARAMS);
    return this.#request(
      {
        kind: 'read',
        method: 'GET',
        url: `/v1/disputes${qs}`,
        pathTemplate: '/v1/disputes',
        expect: [200],
        parse: guards.disputeSearchResults,
      },
      this.#callOptions('searchDisputes', opts),
    );
  }

  /**
   * Closes the client's keep-alive connections, idle or in use: call it at shutdown, once no
   * call is in flight. A later call still works; it opens a new connection.
   */
  close(): void {
    this.#transport.close();
  }

  async *#paginate<T>(
    first: () => Promise<SearchResults<T>>,
    pathPattern: RegExp,
    pathTemplate: string,
    parse: (body: unknown) => SearchResults<T>,
    opts: CallOptions | undefined,
  ): AsyncGenerator<T, void, undefined> {
    const call = this.#callOptions('search', opts);
    let page = await first();
    const followed = new Set<string>();
    for (;;) {
      yield* page.results;
      const next = page._links.next_page?.href;
      if (next === undefined) return;
      const { path, query } = trustedApiPath(next, this.apiOrigin, 'next_page', pathPattern);
      const url = `${path}${query}`;
      // A next_page that leads back to a page already read would loop for ever.
      if (followed.has(url)) {
        throw new PayResponseError(
          `govuk-pay-express: GOV.UK Pay's next_page link for GET ${pathTemplate} repeats an earlier page`,
          { method: 'GET', path: pathTemplate },
        );
      }
      followed.add(url);
      page = await this.#request(
        { kind: 'read', method: 'GET', url, pathTemplate, expect: [200], parse },
        call,
      );
    }
  }

  #callOptions(
    operation: string,
    opts: unknown,
    extraKeys: readonly string[] = [],
  ): { timeoutMs: number; signal?: AbortSignal } {
    if (opts === undefined) return { timeoutMs: this.#config.timeoutMs };
    if (!isPlainObject(opts)) {
      throw new PayValidationError(`govuk-pay-express: ${operation}: options must be an object`, {
        field: 'opts',
      });
    }
    for (const key of Object.keys(opts)) {
      if (key !== 'timeoutMs' && key !== 'signal' && !extraKeys.includes(key)) {
        throw new PayValidationError(
          `govuk-pay-express: ${operation}: unknown call option "${key}"; use timeoutMs or signal`,
          { field: key },
        );
      }
    }
    let timeoutMs = this.#config.timeoutMs;
    if (opts.timeoutMs !== undefined) {
      validateTimeoutMs(operation, opts.timeoutMs);
      timeoutMs = opts.timeoutMs;
    }
    const signal = opts.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new PayValidationError(
        `govuk-pay-express: ${operation}: signal must be an AbortSignal`,
        { field: 'signal' },
      );
    }
    return signal === undefined ? { timeoutMs } : { timeoutMs, signal };
  }

  #expectSameId(actual: string, expected: string, field: string, where: string): void {
    if (actual !== expected) {
      throw new PayResponseError(
        `govuk-pay-express: GOV.UK Pay answered ${where} with a different ${field} than asked for`,
        { field },
      );
    }
  }

  #log(level: 'debug' | 'warn', entry: Record<string, unknown>, message: string): void {
    try {
      this.#config.logger[level](entry, message);
    } catch {
      // A broken logger must not break a payment.
    }
  }

  async #request<T>(
    op: Operation<T>,
    call: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<T> {
    const { maxRetries, sleep, random } = this.#config;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#config.apiKey}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...op.headers,
    };
    const body = op.body === undefined ? undefined : JSON.stringify(op.body);
    for (let attempt = 1; ; attempt++) {
      if (isAborted(call.signal)) {
        throw new PayConnectionError(
          `${op.method} ${op.pathTemplate} was aborted by the caller's signal`,
          'other',
          { method: op.method, path: op.pathTemplate },
        );
      }
      const started = performance.now();
      let status: number | undefined;
      try {
        const response = await this.#transport.send({
          method: op.method,
          url: op.url,
          pathTemplate: op.pathTemplate,
          headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs: call.timeoutMs,
          ...(call.signal === undefined ? {} : { signal: call.signal }),
        });
        status = response.status;
        const result = this.#handle(op, response);
        this.#log(
          'debug',
          {
            method: op.method,
            path: op.pathTemplate,
            status,
            attempt,
            durationMs: Math.round(performance.now() - started),
          },
          'GOV.UK Pay request',
        );
        return result;
      } catch (caught) {
        const error =
          caught instanceof PayError
            ? caught
            : new PayResponseError(
                `govuk-pay-express: unexpected failure in ${op.method} ${op.pathTemplate}`,
              );
        const retry =
          attempt - 1 < maxRetries && isRetryable(error, op.kind) && !isAborted(call.signal);
        const delayMs = retry
          ? retryDelayMs(error, attempt, random, DEFAULT_RETRY_POLICY)
          : undefined;
        this.#log(
          'warn',
          {
            method: op.method,
            path: op.pathTemplate,
            ...(status === undefined ? {} : { status }),
            attempt,
            durationMs: Math.round(performance.now() - started),
            error: error.name,
            ...(error.code === undefined ? {} : { code: error.code }),
            ...(error instanceof PayConnectionError ? { reason: error.reason } : {}),
            ...(delayMs === undefined ? {} : { retryInMs: delayMs }),
          },
          delayMs === undefined
            ? 'GOV.UK Pay request failed'
            : 'GOV.UK Pay request failed; retrying',
        );
        if (delayMs === undefined) throw error;
        await sleep(delayMs);
      }
    }
  }

  #handle<T>(op: Operation<T>, response: RawResponse): T {
    const where = { method: op.method, path: op.pathTemplate };
    const label = `${op.method} ${op.pathTemplate}`;
    const { status } = response;
    if (status < 200 || status > 299) {
      const retryAfterMs =
        status === 429 ? parseRetryAfter(response.headers['retry-after'], Date.now()) : undefined;
      throw createPayError(status, response.body, {
        ...where,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        secret: this.#config.apiKey,
      });
    }
    if (!op.expect.includes(status)) {
      throw new PayResponseError(
        `GOV.UK Pay answered ${status} to ${label}; expected ${op.expect.join(' or ')}`,
        { ...where, status },
      );
    }
    if (op.parse === undefined) return undefined as T;
    if (!isJsonContentType(response.headers['content-type'])) {
      throw new PayResponseError(
        `GOV.UK Pay answered ${status} to ${label} with content that is not JSON`,
        { ...where, status },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body) as unknown;
    } catch {
      throw new PayResponseError(
        `GOV.UK Pay answered ${status} to ${label} with malformed or truncated JSON`,
        { ...where, status },
      );
    }
    try {
      return op.parse(parsed);
    } catch (error) {
      if (error instanceof ShapeError) {
        throw new PayResponseError(
          `GOV.UK Pay answered ${status} to ${label} with fields missing: ${error.path || '(body)'} is missing or mistyped`,
          { ...where, status, ...(error.path === '' ? {} : { field: error.path }) },
        );
      }
      throw error;
    }
  }
}
