import { PayResponseError } from './errors.js';
import { guards } from './guards.js';
import { trustedApiPath } from './links.js';
import { checkSameId, prepare, resolveCallOptions } from './operation.js';
import type { OperationSpec } from './operation.js';
import { resolvePayClientOptions } from './options.js';
import type { CallOptions, CreatePaymentCallOptions, PayClientOptions } from './options.js';
import { RequestPipeline } from './pipeline.js';
import type { CallSettings, PageRoute } from './pipeline.js';
import {
  AGREEMENT_SEARCH_PARAMS,
  DISPUTE_SEARCH_PARAMS,
  PAYMENT_PAGES,
  PAYMENT_SEARCH_PARAMS,
  REFUND_PAGES,
  REFUND_SEARCH_PARAMS,
  buildSearchQuery,
} from './query.js';
import { AxiosTransport } from './transport.js';
import type { PayTransport } from './transport.js';
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
  validateCreateAgreementRequest,
  validateCreatePaymentRequest,
  validateIdempotencyKey,
  validateRefundRequest,
} from './validate.js';

const SELF_LINK_PATH = /^\/v1\/payments\/([A-Za-z0-9_-]{1,64})$/;

/**
 * A typed client for the GOV.UK Pay public API. One instance per API key; it keeps HTTP
 * connections alive, so share it. The API key is held in a private field: it is never logged,
 * never put in an error, and `util.inspect(client)` does not show it.
 *
 * Each method declares its operation (method, path template, ids, a local guard, how to read
 * the answer); `RequestPipeline` does the sending, retrying and checking.
 */
export class PayClient {
  /** The API origin every request goes to and every followed link must be on, e.g. `http://127.0.0.1:4567`. */
  readonly apiOrigin: string;
  readonly #timeoutMs: number;
  readonly #pipeline: RequestPipeline;
  /** The transport this client made, and so closes; an injected one belongs to its owner. */
  readonly #ownTransport: AxiosTransport | undefined;

  constructor(options: PayClientOptions) {
    const config = resolvePayClientOptions(options);
    this.apiOrigin = config.apiOrigin;
    this.#timeoutMs = config.timeoutMs;
    this.#ownTransport =
      config.transport === undefined ? new AxiosTransport({ proxy: config.proxyRoute }) : undefined;
    const transport: PayTransport = config.transport ?? (this.#ownTransport as AxiosTransport);
    this.#pipeline = new RequestPipeline({ ...config, transport });
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
    const idempotencyKey = (opts as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
    return this.#run(
      {
        name: 'createPayment',
        method: 'POST',
        path: '/v1/payments',
        body: req,
        guard: () => {
          validateCreatePaymentRequest(req);
          if (idempotencyKey !== undefined) validateIdempotencyKey(idempotencyKey);
        },
        ...(typeof idempotencyKey === 'string'
          ? { headers: { 'Idempotency-Key': idempotencyKey } }
          : {}),
        // 200 is GOV.UK Pay's answer to a replayed Idempotency-Key (agreement payments).
        expect: [201, 200],
        parse: guards.payment,
      },
      opts,
      ['idempotencyKey'],
    );
  }

  /** Reads a payment (`GET /v1/payments/{paymentId}`): the authoritative status. */
  async getPayment(paymentId: string, opts?: CallOptions): Promise<Payment> {
    return this.#run(
      {
        name: 'getPayment',
        method: 'GET',
        path: '/v1/payments/{paymentId}',
        params: { paymentId },
        parse: guards.payment,
        sameId: ['payment_id', 'paymentId'],
      },
      opts,
    );
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
    return this.#run(
      {
        name: 'getPaymentEvents',
        method: 'GET',
        path: '/v1/payments/{paymentId}/events',
        params: { paymentId },
        parse: guards.paymentEvents,
        sameId: ['payment_id', 'paymentId'],
      },
      opts,
    );
  }

  /** Cancels an unfinished payment (`POST …/cancel`, 204); it becomes `cancelled` P0040. */
  async cancelPayment(paymentId: string, opts?: CallOptions): Promise<void> {
    const path = '/v1/payments/{paymentId}/cancel';
    await this.#run({ name: 'cancelPayment', method: 'POST', path, params: { paymentId } }, opts);
  }

  /** Captures a delayed-capture payment (`POST …/capture`, 204); `capturable` → `success`. */
  async capturePayment(paymentId: string, opts?: CallOptions): Promise<void> {
    const path = '/v1/payments/{paymentId}/capture';
    await this.#run({ name: 'capturePayment', method: 'POST', path, params: { paymentId } }, opts);
  }

  /** One page of `GET /v1/payments`. Eventually consistent: not for checking a returning user. */
  async searchPayments(
    query: SearchPaymentsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<PaymentSearchResult>> {
    return this.#search('searchPayments', PAYMENT_PAGES, query, PAYMENT_SEARCH_PARAMS, opts);
  }

  /**
   * Every payment matching `query`, page by page: the next page is fetched only once the
   * previous one has been iterated, following `_links.next_page` after checking its origin.
   */
  allPayments(
    query: SearchPaymentsQuery = {},
    opts?: CallOptions,
  ): AsyncIterableIterator<PaymentSearchResult> {
    const first = (): Promise<SearchResults<PaymentSearchResult>> =>
      this.searchPayments(query, opts);
    return this.#pipeline.paginate(first, PAYMENT_PAGES, () => this.#call('search', opts));
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
    return this.#run(
      {
        name: 'refundPayment',
        method: 'POST',
        path: '/v1/payments/{paymentId}/refunds',
        params: { paymentId },
        guard: () => validateRefundRequest(req),
        body: { amount: req.amount, refund_amount_available: req.refund_amount_available },
        // The wire says 202; the spec also lists 200.
        expect: [202, 200],
        parse: guards.refund,
      },
      opts,
    );
  }

  /** One refund of a payment (`GET …/refunds/{refundId}`). */
  async getRefund(paymentId: string, refundId: string, opts?: CallOptions): Promise<Refund> {
    return this.#run(
      {
        name: 'getRefund',
        method: 'GET',
        path: '/v1/payments/{paymentId}/refunds/{refundId}',
        params: { paymentId, refundId },
        parse: guards.refund,
        sameId: ['refund_id', 'refundId'],
      },
      opts,
    );
  }

  /** Every refund of a payment (`GET …/refunds`). Eventually consistent. */
  async getRefunds(paymentId: string, opts?: CallOptions): Promise<PaymentRefunds> {
    return this.#run(
      {
        name: 'getRefunds',
        method: 'GET',
        path: '/v1/payments/{paymentId}/refunds',
        params: { paymentId },
        parse: guards.paymentRefunds,
        sameId: ['payment_id', 'paymentId'],
      },
      opts,
    );
  }

  /** One page of `GET /v1/refunds`. */
  async searchRefunds(
    query: SearchRefundsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<RefundSearchResult>> {
    return this.#search('searchRefunds', REFUND_PAGES, query, REFUND_SEARCH_PARAMS, opts);
  }

  /** Every refund matching `query`, fetched lazily page by page. */
  allRefunds(
    query: SearchRefundsQuery = {},
    opts?: CallOptions,
  ): AsyncIterableIterator<RefundSearchResult> {
    const first = (): Promise<SearchResults<RefundSearchResult>> => this.searchRefunds(query, opts);
    return this.#pipeline.paginate(first, REFUND_PAGES, () => this.#call('search', opts));
  }

  /** Creates a recurring-payments agreement (`POST /v1/agreements`, 201). */
  async createAgreement(req: CreateAgreementRequest, opts?: CallOptions): Promise<Agreement> {
    return this.#run(
      {
        name: 'createAgreement',
        method: 'POST',
        path: '/v1/agreements',
        guard: () => validateCreateAgreementRequest(req),
        body: req,
        expect: [201],
        parse: guards.agreement,
      },
      opts,
    );
  }

  /** Reads an agreement (`GET /v1/agreements/{agreementId}`). */
  async getAgreement(agreementId: string, opts?: CallOptions): Promise<Agreement> {
    return this.#run(
      {
        name: 'getAgreement',
        method: 'GET',
        path: '/v1/agreements/{agreementId}',
        params: { agreementId },
        parse: guards.agreement,
        sameId: ['agreement_id', 'agreementId'],
      },
      opts,
    );
  }

  /** One page of `GET /v1/agreements`. */
  async searchAgreements(
    query: SearchAgreementsQuery,
    opts?: CallOptions,
  ): Promise<SearchResults<Agreement>> {
    const route = { pathTemplate: '/v1/agreements', parse: guards.agreementSearchResults };
    return this.#search('searchAgreements', route, query, AGREEMENT_SEARCH_PARAMS, opts);
  }

  /** Cancels an active agreement (`POST …/cancel`, 204). */
  async cancelAgreement(agreementId: string, opts?: CallOptions): Promise<void> {
    const path = '/v1/agreements/{agreementId}/cancel';
    await this.#run(
      { name: 'cancelAgreement', method: 'POST', path, params: { agreementId } },
      opts,
    );
  }

  /** One page of `GET /v1/disputes`. Its paging links are under `links`, not `_links`. */
  async searchDisputes(
    query: SearchDisputesQuery,
    opts?: CallOptions,
  ): Promise<DisputeSearchResults> {
    const route = { pathTemplate: '/v1/disputes', parse: guards.disputeSearchResults };
    return this.#search('searchDisputes', route, query, DISPUTE_SEARCH_PARAMS, opts);
  }

  /**
   * Closes the client's keep-alive connections, idle or in use: call it at shutdown, once no
   * call is in flight. A later call still works; it opens a new connection. An injected
   * `transport` is left open: its owner closes it.
   */
  close(): void {
    this.#ownTransport?.close();
  }

  async #run<T>(spec: OperationSpec<T>, opts: unknown, extraKeys?: readonly string[]): Promise<T> {
    const request = prepare(spec);
    spec.guard?.();
    const answer = await this.#pipeline.send(request, this.#call(spec.name, opts, extraKeys));
    return checkSameId(spec, answer);
  }

  #search<T>(
    name: string,
    route: Pick<PageRoute<unknown>, 'pathTemplate'> & { parse: (body: unknown) => T },
    query: unknown,
    allowed: readonly string[],
    opts: unknown,
  ): Promise<T> {
    const qs = buildSearchQuery(name, query, allowed);
    return this.#run(
      { name, method: 'GET', path: route.pathTemplate, query: qs, parse: route.parse },
      opts,
    );
  }

  #call(operation: string, opts: unknown, extraKeys?: readonly string[]): CallSettings {
    return resolveCallOptions(operation, opts, this.#timeoutMs, extraKeys);
  }
}
