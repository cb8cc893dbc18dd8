import axios from 'axios';
import type { AxiosRequestConfig } from 'axios';
import type { Payment } from '../../src/client/types';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { Simulator, SimulatorOptions } from '../../src/simulator';

/**
 * Test harness: a simulator on a free 127.0.0.1 port, an API caller that keeps the raw text of
 * every answer (so malformed bodies are seen as they are) and records every JSON body for the
 * spec check, and a cookie-jar browser for the hosted pages.
 */

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

/** Every JSON body the simulator sent in this test file (jest gives each file its own module). */
export const recorded: Recorded[] = [];

/** Bodies are read loosely in tests: each assertion states the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Loose = any;

export interface ApiResult<T = Loose> {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  body: T;
}

export interface CallOptions {
  /** `null` sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
  /** A raw body, sent as given. */
  raw?: string;
}

export interface Harness {
  readonly sim: Simulator;
  readonly url: string;
  /** Where the hosted pages are: the API's port on the other loopback name (cross-site). */
  readonly pagesUrl: string;
  readonly key: string;
  get<T = Loose>(path: string, options?: CallOptions): Promise<ApiResult<T>>;
  post<T = Loose>(path: string, body?: unknown, options?: CallOptions): Promise<ApiResult<T>>;
  createPayment(overrides?: Record<string, unknown>, key?: string): Promise<Payment>;
  close(): Promise<void>;
}

export const RETURN_URL = 'https://service.example.gov.uk/payment/return';

export function paymentRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 1250,
    reference: 'REF-1',
    description: 'Parking permit',
    return_url: RETURN_URL,
    ...overrides,
  };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = createSimulator(options);
  const server = await sim.listen();
  // The harness calls with the first configured key, else with a fresh one.
  const key = options.accounts?.[0]?.keys[0] ?? options.apiKeys?.[0] ?? generateTestApiKey();
  const http = axios.create({
    baseURL: server.url,
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    timeout: 10_000,
  });

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    options: CallOptions = {},
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const useKey = options.key === undefined ? key : options.key;
    if (useKey !== null) headers.authorization = `Bearer ${useKey}`;
    let data: string | undefined = options.raw;
    if (data === undefined && body !== undefined) {
      data = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const config: AxiosRequestConfig = { method, url: path, headers };
    if (data !== undefined) config.data = data;
    const response = await http.request<string>(config);
    const text = typeof response.data === 'string' ? response.data : '';
    const contentType = String(response.headers['content-type'] ?? '');
    let parsed: unknown;
    if (contentType.startsWith('application/json') && text !== '') {
      parsed = JSON.parse(text);
      recorded.push({
        method,
        path: new URL(path, server.url).pathname,
        status: response.status,
        body: parsed,
      });
    }
    const headerMap = flatHeaders(response.headers);
    return { status: response.status, headers: headerMap, text, body: parsed as T };
  }

  return {
    sim,
    url: server.url,
    pagesUrl: server.pagesUrl,
    key,
    get: (path, options) => call('GET', path, undefined, options),
    post: (path, body, options) => call('POST', path, body, options),
    async createPayment(overrides = {}, withKey) {
      const res = await call<Payment>(
        'POST',
        '/v1/payments',
        paymentRequest(overrides),
        withKey === undefined ? {} : { key: withKey },
      );
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
      return res.body;
    },
    close: () => server.close(),
  };
}

export interface PageResult {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
  /** The Location header, for a redirect. */
  location: string | undefined;
}

/** The simulator's default pages origin for an API origin: 127.0.0.1 and localhost swapped. */
export function crossSite(origin: string): string {
  const url = new URL(origin);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
}

/**
 * A browser for the hosted pages: its own cookie jar, manual redirects, plain form posts. The
 * simulator's API and pages answer on both loopback names of its port, so both count as the
 * simulator; one jar serves both, which a real browser would keep apart.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];
  private readonly simulatorOrigins: ReadonlySet<string>;

  constructor(private readonly origin: string) {
    this.simulatorOrigins = new Set([new URL(origin).origin, crossSite(origin)]);
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string>,
  ): Promise<PageResult> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    }
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await axios.request<string>({
      method,
      url: new URL(url, this.origin).toString(),
      headers,
      data: form === undefined ? undefined : new URLSearchParams(form).toString(),
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
    });
    const setCookie = response.headers['set-cookie'];
    for (const header of setCookie ?? []) {
      this.setCookieHeaders.push(header);
      const [pair] = header.split(';');
      const eq = (pair ?? '').indexOf('=');
      this.cookies.set((pair ?? '').slice(0, eq).trim(), (pair ?? '').slice(eq + 1).trim());
    }
    const headerMap = flatHeaders(response.headers);
    return {
      status: response.status,
      headers: headerMap,
      text: typeof response.data === 'string' ? response.data : '',
      location: headerMap.location,
    };
  }

  get(url: string): Promise<PageResult> {
    return this.send('GET', url);
  }

  post(url: string, form: Record<string, string> = {}): Promise<PageResult> {
    return this.send('POST', url, form);
  }

  /** Follows the simulator's 302s and 303s until a page or a redirect off the simulator. */
  async follow(first: PageResult): Promise<PageResult> {
    let current = first;
    for (
      let hops = 0;
      hops < 10 &&
      (current.status === 303 || current.status === 302) &&
      current.location !== undefined;
      hops++
    ) {
      const target = new URL(current.location, this.origin);
      if (!this.simulatorOrigins.has(target.origin)) return current;
      current = await this.get(target.toString());
    }
    return current;
  }

  /** Where the simulator finally sends the citizen, following its own redirects. */
  async leavesTo(first: PageResult): Promise<string | undefined> {
    const last = await this.follow(first);
    return last.status === 302 || last.status === 303 ? last.location : undefined;
  }
}

export const VALID_CARD_FORM = {
  cardNo: '4444 3333 2222 1111',
  expiryMonth: '12',
  expiryYear: '2035',
  cardholderName: 'Sam Jones',
  cvc: '123',
  email: 'sam@example.com',
} as const;

/** Opens next_url in `browser` and returns the card details page it lands on. */
export async function openCardPage(
  browser: Browser,
  payment: Payment,
): Promise<{ pageUrl: string; page: PageResult }> {
  const nextUrl = payment._links.next_url?.href;
  if (nextUrl === undefined) throw new Error('payment has no next_url');
  const opened = await browser.get(nextUrl);
  if (opened.status !== 303 || opened.location === undefined) {
    throw new Error(`next_url answered ${opened.status}`);
  }
  const pageUrl = new URL(opened.location, nextUrl).toString();
  return { pageUrl, page: await browser.get(pageUrl) };
}

/** The text content of the page's h1. */
export function h1(html: string): string | undefined {
  return /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1]?.trim();
}

/** Response headers by lower-case name, repeated ones joined as one line. */
function flatHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value)
      ? value.join(', ')
      : value == null
        ? undefined
        : String(value);
  }
  return flat;
}
