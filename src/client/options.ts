import { PayConfigError } from '../config-error.js';
import { silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';

export const DEFAULT_API_BASE_URL = 'https://publicapi.payments.service.gov.uk';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 2;
const MAX_TIMEOUT_MS = 600_000;
const MAX_RETRIES_LIMIT = 10;

/** Options of `new PayClient(...)`. */
export interface PayClientOptions {
  /**
   * The GOV.UK Pay API key (`api_test_…` or `api_live_…`), sent as `Authorization: Bearer`.
   * Never logged, never put in an error. Required.
   */
  apiKey: string;
  /**
   * The origin of the GOV.UK Pay public API, or of the simulator in development. No path.
   * Links in responses are followed only when they are on this origin.
   * @default 'https://publicapi.payments.service.gov.uk'
   */
  apiBaseUrl?: string;
  /**
   * How long one attempt may take, in milliseconds, from sending to the last byte of the body.
   * Each call can override it with `{ timeoutMs }`.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * How many times a failed call is retried. GETs retry on connection errors, 5xx and 429; POSTs
   * only when GOV.UK Pay cannot have processed them (connection refused, 429 P0900).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Receives one entry per attempt: method, path template, status, attempt and duration. Never
   * the API key, a payment id or a query.
   * @default a silent logger
   */
  logger?: Logger;
  /**
   * Waits between retries, in milliseconds. Inject a fake in tests so no test waits for real.
   * @default a setTimeout-based sleep
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * A random number in [0, 1) for backoff jitter. Inject a fixed one in tests.
   * @default Math.random
   */
  random?: () => number;
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's `timeoutMs` for this call, in milliseconds. */
  timeoutMs?: number;
  /** Aborts the call (and any retry still to come); it then fails with a `PayConnectionError`. */
  signal?: AbortSignal;
}

/** Per-call options of `createPayment`. */
export interface CreatePaymentCallOptions extends CallOptions {
  /**
   * Sent as the `Idempotency-Key` header: 1 to 255 letters, digits or hyphens. GOV.UK Pay honours
   * it only for agreement (recurring) payments; for web payments it is checked and ignored.
   */
  idempotencyKey?: string;
}

/** The options once checked, with every default filled in. */
export interface ResolvedPayClientConfig {
  apiKey: string;
  apiBaseUrl: string;
  apiOrigin: string;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const KNOWN_OPTIONS = new Set<string>([
  'apiKey',
  'apiBaseUrl',
  'timeoutMs',
  'maxRetries',
  'logger',
  'sleep',
  'random',
] satisfies (keyof PayClientOptions)[]);

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', message);
}

function resolveApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      'PayClient: apiKey is required; pass the API key from the GOV.UK Pay admin tool ' +
        '(read it from an environment variable, never commit it)',
    );
  }
  if (/^bearer\s/i.test(apiKey)) {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      'PayClient: apiKey must be the key alone, without "Bearer "; the client adds it',
    );
  }
  // Whitespace or control characters would corrupt (or inject into) the Authorization header.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      'PayClient: apiKey contains spaces, line breaks or non-ASCII characters; ' +
        'check for a stray newline from the file or environment variable it came from',
    );
  }
  return apiKey;
}

function resolveBaseUrl(value: unknown, apiKey: string): { apiBaseUrl: string; apiOrigin: string } {
  if (value === undefined) {
    return { apiBaseUrl: DEFAULT_API_BASE_URL, apiOrigin: DEFAULT_API_BASE_URL };
  }
  if (typeof value !== 'string') invalid('PayClient: apiBaseUrl must be a string URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(`PayClient: apiBaseUrl must be an absolute URL such as ${DEFAULT_API_BASE_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    invalid('PayClient: apiBaseUrl must start with https:// (or http:// for a local simulator)');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    invalid('PayClient: apiBaseUrl must not contain credentials, a query or a fragment');
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    invalid(
      `PayClient: apiBaseUrl must be an origin without a path (the client adds /v1/...); ` +
        `use ${url.origin}`,
    );
  }
  // A live key must never cross the network in clear text.
  if (url.protocol === 'http:' && apiKey.startsWith('api_live_')) {
    invalid('PayClient: a live API key (api_live_...) can only be sent over https://');
  }
  return { apiBaseUrl: url.origin, apiOrigin: url.origin };
}

function resolveInteger(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`PayClient: ${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function resolveLogger(value: unknown): Logger {
  if (value === undefined) return silentLogger;
  const candidate = value as Partial<Record<keyof Logger, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    (['debug', 'info', 'warn', 'error'] as const).some((m) => typeof candidate[m] !== 'function')
  ) {
    invalid('PayClient: logger must have debug, info, warn and error methods (pino works as is)');
  }
  return value as Logger;
}

function resolveFunction<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') invalid(`PayClient: ${name} must be a function`);
  return value as T;
}

/** Checks every option once, at construction; mistakes throw `PayConfigError` saying how to fix them. */
export function resolvePayClientOptions(options: unknown): ResolvedPayClientConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'PayClient: pass an options object, e.g. new PayClient({ apiKey: process.env.GOVUK_PAY_API_KEY })',
    );
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new PayConfigError(
        'ERR_PAY_UNKNOWN_OPTION',
        `PayClient: unknown option "${key}"; known options are ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const apiKey = resolveApiKey(record.apiKey);
  return {
    apiKey,
    ...resolveBaseUrl(record.apiBaseUrl, apiKey),
    timeoutMs: resolveInteger('timeoutMs', record.timeoutMs, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS),
    maxRetries: resolveInteger(
      'maxRetries',
      record.maxRetries,
      DEFAULT_MAX_RETRIES,
      0,
      MAX_RETRIES_LIMIT,
    ),
    logger: resolveLogger(record.logger),
    sleep: resolveFunction('sleep', record.sleep, realSleep),
    random: resolveFunction('random', record.random, Math.random),
  };
}
