import { PayConnectionError, PayError, PayResponseError, createPayError } from './errors.js';
import { ShapeError } from './guards.js';
import { trustedApiPath } from './links.js';
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelayMs } from './retry.js';
import type { RequestKind } from './retry.js';
import type { PayTransport, TransportResponse } from './transport.js';
import type { SearchResults } from './types.js';
import type { Logger } from '../logger.js';
import { traceRequestAttempt } from '../observability/index.js';

const USER_AGENT = `govuk-pay-express (node ${process.version})`;

/** One request, ready to send: every id already checked and put in the path. */
export interface PreparedRequest<T> {
  method: 'GET' | 'POST';
  /** Real path and query. */
  url: string;
  /** What logs and errors show instead of `url`, e.g. `/v1/payments/{paymentId}`. */
  pathTemplate: string;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** The success statuses this call expects; any other 2xx is a `PayResponseError`. */
  expect: readonly number[];
  /** Checks and types the body; absent for 204 answers. */
  parse?: (body: unknown) => T;
}

/** The per-call settings, already checked. */
export interface CallSettings {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How to follow a search's `next_page` links. */
export interface PageRoute<T> {
  /** The path every next_page link must have, e.g. `/^\/v1\/payments$/`. */
  pathPattern: RegExp;
  pathTemplate: string;
  parse: (body: unknown) => SearchResults<T>;
}

export interface PipelineConfig {
  apiKey: string;
  apiOrigin: string;
  maxRetries: number;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  transport: PayTransport;
}

/** A GET is safe to repeat; a POST creates or changes something at GOV.UK Pay. */
function kindOf(method: 'GET' | 'POST'): RequestKind {
  return method === 'GET' ? 'read' : 'write';
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
 * Everything between a declared operation and the transport: headers, retries with backoff and
 * `Retry-After`, turning responses into values or typed errors, pagination, and one log entry
 * per attempt. It holds the API key and puts it only in the `Authorization` header.
 */
export class RequestPipeline {
  readonly #config: PipelineConfig;

  constructor(config: PipelineConfig) {
    this.#config = config;
  }

  async send<T>(request: PreparedRequest<T>, call: CallSettings): Promise<T> {
    const { maxRetries, sleep, random, transport, apiOrigin } = this.#config;
    const { method, pathTemplate } = request;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#config.apiKey}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      ...request.headers,
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let attempt = 1; ; attempt++) {
      if (isAborted(call.signal)) {
        throw new PayConnectionError(
          `${method} ${pathTemplate} was aborted by the caller's signal`,
          'other',
          { method, path: pathTemplate },
        );
      }
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      let status: number | undefined;
      const trace = traceRequestAttempt({ method, pathTemplate, attempt });
      try {
        const response = await transport.send({
          method,
          origin: apiOrigin,
          url: request.url,
          pathTemplate,
          headers,
          ...(body === undefined ? {} : { body }),
          timeoutMs: call.timeoutMs,
          ...(call.signal === undefined ? {} : { signal: call.signal }),
        });
        status = response.status;
        const result = this.#handle(request, response);
        trace?.succeeded(status);
        this.#log(
          'debug',
          { method, path: pathTemplate, status, attempt, durationMs: elapsed() },
          'GOV.UK Pay request',
        );
        return result;
      } catch (caught) {
        // Anything but our own error (a custom transport's, say) may hold the request headers.
        const error =
          caught instanceof PayError
            ? caught
            : new PayResponseError(
                `govuk-pay-express: unexpected failure in ${method} ${pathTemplate}`,
                { method, path: pathTemplate },
              );
        trace?.failed(error, status);
        const retry =
          attempt - 1 < maxRetries && isRetryable(error, kindOf(method)) && !isAborted(call.signal);
        const delayMs = retry
          ? retryDelayMs(error, attempt, random, DEFAULT_RETRY_POLICY)
          : undefined;
        this.#log(
          'warn',
          {
            method,
            path: pathTemplate,
            ...(status === undefined ? {} : { status }),
            attempt,
            durationMs: elapsed(),
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

  /**
   * Every result of a search, page by page: the next page is fetched only once the previous one
   * has been iterated, following `_links.next_page` after checking its origin and path.
   */
  async *paginate<T>(
    firstPage: () => Promise<SearchResults<T>>,
    route: PageRoute<T>,
    call: () => CallSettings,
  ): AsyncGenerator<T, void, undefined> {
    const settings = call();
    const { pathTemplate } = route;
    let page = await firstPage();
    const followed = new Set<string>();
    for (;;) {
      yield* page.results;
      const next = page._links.next_page?.href;
      if (next === undefined) return;
      const link = trustedApiPath(next, this.#config.apiOrigin, 'next_page', route.pathPattern);
      const url = `${link.path}${link.query}`;
      // A next_page that leads back to a page already read would loop for ever.
      if (followed.has(url)) {
        throw new PayResponseError(
          `govuk-pay-express: GOV.UK Pay's next_page link for GET ${pathTemplate} repeats an earlier page`,
          { method: 'GET', path: pathTemplate },
        );
      }
      followed.add(url);
      page = await this.send(
        { method: 'GET', url, pathTemplate, expect: [200], parse: route.parse },
        settings,
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

  #handle<T>(request: PreparedRequest<T>, response: TransportResponse): T {
    const where = { method: request.method, path: request.pathTemplate };
    const label = `${request.method} ${request.pathTemplate}`;
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
    if (!request.expect.includes(status)) {
      throw new PayResponseError(
        `GOV.UK Pay answered ${status} to ${label}; expected ${request.expect.join(' or ')}`,
        { ...where, status },
      );
    }
    if (request.parse === undefined) return undefined as T;
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
      return request.parse(parsed);
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
