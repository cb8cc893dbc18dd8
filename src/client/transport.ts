import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { PayConnectionError, PayResponseError } from './errors.js';
import type { PayConnectionReason } from './errors.js';
import { HttpTunnelAgent, HttpsTunnelAgent } from './proxy-agent.js';
import type { ProxyRoute } from './proxy.js';

/** What one attempt got back: any HTTP status, the body as text. */
export interface TransportResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** One HTTP attempt, fully described: the transport adds nothing but the connection. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  /** The API origin, e.g. `https://publicapi.payments.service.gov.uk`. */
  origin: string;
  /** The real path and query, e.g. `/v1/payments/abc`. Never logged, never put in an error. */
  url: string;
  /** The path template for messages, e.g. `/v1/payments/{paymentId}`. */
  pathTemplate: string;
  /** Authorization included: a transport must never put a header in an error or a log. */
  headers: Record<string, string>;
  body?: string;
  /** From sending to the last byte of the body, in milliseconds. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Sends one attempt and resolves with whatever status came back; retries, errors for statuses
 * and parsing are the client's. It rejects only when there is no response, preferably with a
 * `PayConnectionError` saying why: any other rejection is replaced by a generic one, so a
 * transport's own error, which may hold the request headers, never reaches a caller.
 */
export interface PayTransport {
  send(request: TransportRequest): Promise<TransportResponse>;
  /** Closes kept-alive connections. */
  close?(): void;
}

/** A search page of 500 full payments is well under this; anything bigger is not GOV.UK Pay. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface AxiosTransportOptions {
  /** Tunnels every call through this egress proxy (HTTP `CONNECT`). Undefined: direct. */
  proxy?: ProxyRoute | undefined;
  /** Certificates to trust besides Node's own, PEM, through the proxy. For tests. */
  ca?: string | Buffer;
}

/**
 * One HTTP attempt over a keep-alive agent. It never throws an axios error: axios errors carry
 * the request config, headers included, so the Authorization header. Every failure becomes a
 * fresh `PayConnectionError` or `PayResponseError` built from the error code alone.
 */
export class AxiosTransport implements PayTransport {
  readonly #http: AxiosInstance;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  /** `host:port` of the proxy, for messages; undefined when connecting directly. */
  readonly #proxyLabel: string | undefined;

  constructor(options: AxiosTransportOptions = {}) {
    const { proxy } = options;
    this.#proxyLabel = proxy?.label;
    this.#httpAgent =
      proxy === undefined ? new http.Agent({ keepAlive: true }) : new HttpTunnelAgent(proxy);
    this.#httpsAgent =
      proxy === undefined
        ? new https.Agent({ keepAlive: true })
        : new HttpsTunnelAgent(proxy, options.ca === undefined ? {} : { ca: options.ca });
    this.#http = axios.create({
      httpAgent: this.#httpAgent,
      httpsAgent: this.#httpsAgent,
      // The proxy, if any, is our agents' business: axios's own sends https to a proxy without a
      // CONNECT tunnel, and would read HTTPS_PROXY behind the client's back.
      proxy: false,
      // Following a redirect would resend the API key to wherever it points.
      maxRedirects: 0,
      // Every status is a response to classify, not an axios error.
      validateStatus: () => true,
      responseType: 'text',
      // Keep the raw text: malformed JSON must be seen as such, not silently left a string.
      transformResponse: [(data: unknown) => data],
      maxContentLength: MAX_RESPONSE_BYTES,
      decompress: true,
    });
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      if (request.signal?.aborted === true) controller.abort();
      const response = await this.#http.request<string>({
        method: request.method,
        baseURL: request.origin,
        url: request.url,
        headers: request.headers,
        ...(request.body === undefined ? {} : { data: request.body }),
        signal: controller.signal,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
        else if (Array.isArray(value)) headers[name.toLowerCase()] = value.join(', ');
      }
      return {
        status: response.status,
        headers,
        body: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      throw toSafeError(error, request, {
        timedOut,
        callerAborted: request.signal?.aborted === true && !timedOut,
        proxyLabel: this.#proxyLabel,
      });
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Closes the keep-alive sockets, idle or in use. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  return 'UNKNOWN';
}

function errorMessage(error: unknown): string {
  return typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
    ? (error as { message: string }).message
    : '';
}

/** `ERR_PROXY_TUNNEL_407`: the proxy answered the CONNECT with that status. */
const TUNNEL_REFUSED = /^ERR_PROXY_TUNNEL_(\d{1,3})$/;

function reasonFor(code: string): PayConnectionReason {
  // Nothing reached GOV.UK Pay, so a create is as safe to retry as after a refused connection.
  if (TUNNEL_REFUSED.test(code)) return 'refused';
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_BAD_RESPONSE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'HPE_INVALID_CONSTANT':
      return 'reset';
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'ESOCKETTIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

function toSafeError(
  error: unknown,
  request: TransportRequest,
  state: { timedOut: boolean; callerAborted: boolean; proxyLabel: string | undefined },
): Error {
  const where = { method: request.method, path: request.pathTemplate };
  const label = `${request.method} ${request.pathTemplate}`;
  if (state.timedOut) {
    return new PayConnectionError(
      `GOV.UK Pay did not answer ${label} within ${request.timeoutMs} ms`,
      'timeout',
      { ...where, cause: new Error('ETIMEDOUT') },
    );
  }
  if (state.callerAborted) {
    return new PayConnectionError(`${label} was aborted by the caller's signal`, 'other', {
      ...where,
      cause: new Error('ABORTED'),
    });
  }
  const code = errorCode(error);
  if (errorMessage(error).startsWith('maxContentLength')) {
    return new PayResponseError(
      `GOV.UK Pay's answer to ${label} was larger than ${MAX_RESPONSE_BYTES} bytes`,
      where,
    );
  }
  const reason = reasonFor(code);
  const tunnelStatus = TUNNEL_REFUSED.exec(code)?.[1];
  const proxy = state.proxyLabel === undefined ? '' : ` through the proxy at ${state.proxyLabel}`;
  const what =
    tunnelStatus !== undefined
      ? `the proxy refused to open a tunnel (HTTP ${tunnelStatus}${tunnelAdvice(tunnelStatus)})`
      : reason === 'refused'
        ? state.proxyLabel === undefined
          ? 'the connection was refused'
          : 'the proxy refused the connection'
        : reason === 'reset'
          ? 'the connection broke before the whole answer arrived'
          : reason === 'timeout'
            ? 'the connection timed out'
            : `the request failed (${code})`;
  // The cause is rebuilt from the code alone: the original error holds the request headers.
  return new PayConnectionError(`${label} to GOV.UK Pay${proxy} failed: ${what}`, reason, {
    ...where,
    cause: new Error(code),
  });
}

function tunnelAdvice(status: string): string {
  switch (status) {
    case '407':
      return ": check the credentials in the proxy's URL";
    case '403':
      return ': allow CONNECT to the GOV.UK Pay host on port 443 in the proxy';
    default:
      return '';
  }
}
