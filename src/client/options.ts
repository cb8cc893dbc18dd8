import { DEFAULT_API_BASE_URL } from '../govuk-pay/index.js';
import type { Logger } from '../logger.js';
import {
  apiKeyOption,
  checkApiKeyTransport,
  functionOption,
  invalidOption,
  loggerOption,
  methodsOption,
  numberOption,
  optionPath,
  optionsObject,
  originOption,
  rejectUnknownKeys,
  requireOption,
} from '../options/index.js';
import type { NumberRule } from '../options/index.js';
import { proxyOption, proxyRouteFor } from './proxy.js';
import type { ProxyRoute } from './proxy.js';
import type { PayTransport } from './transport.js';

export { DEFAULT_API_BASE_URL };
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 2;

/**
 * The one range for a GOV.UK Pay call's timeout, for the client, each call and the journey. No
 * lower bound beyond 1 ms: a short timeout is the caller's choice (a health check, a test). At
 * most two minutes: GOV.UK Pay answers in well under a second, and a citizen's request held
 * longer than that has been given up on, by them or by a proxy in front of the service.
 */
export const TIMEOUT_MS_RULE: NumberRule = {
  min: 1,
  max: 120_000,
  integer: true,
  unit: 'milliseconds',
};

/** Each retry of a GET can wait up to 8 s; ten already hold a request for over a minute. */
export const MAX_RETRIES_RULE: NumberRule = { min: 0, max: 10, integer: true, unit: 'retries' };

/** Options of `new PayClient(...)`. */
export interface PayClientOptions {
  /**
   * The GOV.UK Pay API key (`api_test_…` or `api_live_…`), sent as `Authorization: Bearer`.
   * Checked against the format GOV.UK Pay issues. Never logged, never put in an error. Required.
   */
  apiKey: string;
  /**
   * The origin of the GOV.UK Pay public API, or of the simulator in development. No path. It
   * must be https, except on loopback (`localhost`, `127.0.0.0/8`, `[::1]`), and only a test key
   * may be sent over http. Links in responses are followed only when they are on this origin.
   * @default 'https://publicapi.payments.service.gov.uk'
   */
  apiBaseUrl?: string;
  /**
   * How long one attempt may take, in milliseconds (1 to 120000), from sending to the last byte
   * of the body. Each call can override it with `{ timeoutMs }`.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * How many times a failed call is retried (0 to 10). GETs retry on connection errors, 5xx and
   * 429; POSTs only when GOV.UK Pay cannot have processed them (connection refused, 429 P0900).
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
  /**
   * Sends one HTTP attempt: an object with `send(request)` and optionally `close()`. Inject one
   * to route calls through your own HTTP stack, or a scripted one in tests.
   * @default an axios transport with keep-alive agents that never follows redirects
   */
  transport?: PayTransport;
  /**
   * The egress proxy calls go through, as an HTTP `CONNECT` tunnel: an `http://` URL (with
   * `user:password@` for `Proxy-Authorization`), or `false` to connect directly whatever the
   * environment says. Read once, at construction; not with `transport`, which has its own.
   * @default the environment: `HTTPS_PROXY` (`HTTP_PROXY` for an http `apiBaseUrl`), unless
   * `NO_PROXY` names the API host
   */
  proxy?: string | false;
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's `timeoutMs` for this call, in milliseconds (1 to 120000). */
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

/** Everything but the key: what a factory serving several keys (the journey) resolves once. */
export interface ResolvedPayConnection {
  apiBaseUrl: string;
  apiOrigin: string;
  timeoutMs: number;
  maxRetries: number;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Undefined: the client makes, and closes, its own axios transport. */
  transport: PayTransport | undefined;
  /** The `proxy` option as given and checked, for a factory to pass on to the clients it makes. */
  proxy: string | false | undefined;
  /**
   * The proxy the built-in transport tunnels through, from `proxy` or the environment; undefined
   * for a direct connection, or when `transport` is given.
   */
  proxyRoute: ProxyRoute | undefined;
}

/** The options once checked, with every default filled in. */
export interface ResolvedPayClientConfig extends ResolvedPayConnection {
  apiKey: string;
}

export const PAY_CLIENT_OPTION_NAMES = [
  'apiKey',
  'apiBaseUrl',
  'timeoutMs',
  'maxRetries',
  'logger',
  'sleep',
  'random',
  'transport',
  'proxy',
] as const satisfies readonly (keyof PayClientOptions)[];

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Resolves the options shared by every key: the API origin, timeout, retries, logger, clock and
 * transport. `where` prefixes each option in messages: `PayClient`, or `''` for a factory whose
 * own options these are (`payJourney({ timeoutMs })`).
 */
export function resolvePayConnection(
  options: Readonly<Record<string, unknown>>,
  where: string,
): ResolvedPayConnection {
  const origin = originOption(options.apiBaseUrl, optionPath(where, 'apiBaseUrl'), {
    example: `'${DEFAULT_API_BASE_URL}' (the default) or the simulator's 'http://127.0.0.1:9090'`,
    httpsBecause: 'the API key must never cross a network in clear',
  });
  const apiOrigin = origin?.origin ?? DEFAULT_API_BASE_URL;
  const transport = methodsOption<PayTransport>(options.transport, optionPath(where, 'transport'), {
    required: ['send'],
    optional: ['close'],
    describe: 'a transport with send(request) (and optionally close())',
    hint: 'leave it out to use the built-in axios transport',
  });
  const proxyPath = optionPath(where, 'proxy');
  const proxy = proxyOption(options.proxy, proxyPath);
  if (transport !== undefined && proxy !== undefined) {
    invalidOption(
      proxyPath,
      'applies to the built-in transport only; route your own transport through the proxy, or leave transport out',
    );
  }
  return {
    apiBaseUrl: apiOrigin,
    apiOrigin,
    timeoutMs: numberOption(
      options.timeoutMs,
      optionPath(where, 'timeoutMs'),
      TIMEOUT_MS_RULE,
      DEFAULT_TIMEOUT_MS,
    ),
    maxRetries: numberOption(
      options.maxRetries,
      optionPath(where, 'maxRetries'),
      MAX_RETRIES_RULE,
      DEFAULT_MAX_RETRIES,
    ),
    logger: loggerOption(options.logger, optionPath(where, 'logger')),
    sleep: functionOption(
      options.sleep,
      optionPath(where, 'sleep'),
      'a (ms) => Promise that waits; leave it out to use timers',
      realSleep,
    ),
    random: functionOption(
      options.random,
      optionPath(where, 'random'),
      'a () => number in [0, 1); leave it out to use Math.random',
      Math.random,
    ),
    transport,
    proxy,
    // Read once, here: a bad HTTPS_PROXY fails at start-up, not on the first payment.
    proxyRoute:
      transport === undefined
        ? proxyRouteFor(new URL(apiOrigin), proxy, process.env, proxyPath)
        : undefined,
  };
}

/**
 * Checks one API key for use against `apiOrigin`: its format, and that only a test key goes to
 * an http origin. For factories that take several keys (`reconcile.apiKeys[2]`).
 */
export function resolvePayApiKey(value: unknown, path: string, apiOrigin: string): string {
  const key = apiKeyOption(
    requireOption(
      value,
      path,
      'pass the API key from the GOV.UK Pay admin tool, read from an environment variable (never commit it)',
      'ERR_PAY_API_KEY',
    ),
    path,
  ) as string;
  checkApiKeyTransport(key, new URL(apiOrigin), path, 'apiBaseUrl');
  return key;
}

/** Checks every option once, at construction; mistakes throw `PayConfigError` saying how to fix them. */
export function resolvePayClientOptions(
  options: unknown,
  where = 'PayClient',
): ResolvedPayClientConfig {
  const record = optionsObject(
    options,
    where,
    'new PayClient({ apiKey: process.env.GOVUK_PAY_API_KEY })',
  );
  rejectUnknownKeys(record, PAY_CLIENT_OPTION_NAMES, where);
  const connection = resolvePayConnection(record, where);
  const apiKey = resolvePayApiKey(record.apiKey, optionPath(where, 'apiKey'), connection.apiOrigin);
  return { apiKey, ...connection };
}
