import type { Request } from 'express';
import { PayConfigError } from '../config-error.js';
import { silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { resolveReconcileOptions } from '../reconcile/options.js';
import type { ReconcileRunOptions } from '../reconcile/options.js';
import type { PaymentStore } from '../store/types.js';
import { resolveWebhooksOptions } from '../webhooks/options.js';
import type { ResolvedWebhooksConfig, WebhookHandler } from '../webhooks/options.js';
import { DEFAULT_NEXT_URL_HOSTS, compileNextUrlHosts, isLoopbackHost } from './next-url.js';
import { DEFAULT_LEASE_MS } from '../settlement/index.js';
import type { NextUrlCheck } from './next-url.js';
import {
  isPlainObject,
  optionalFunction,
  optionalNumber,
  rejectUnknownKeys,
  requiredFunction,
} from './option-checks.js';
import type { JourneyReconcileOptions, OutcomeHandlers, PayJourneyOptions } from './options.js';

export const DEFAULT_API_BASE_URL = 'https://publicapi.payments.service.gov.uk';
export const DEFAULT_COOKIE_NAME = 'govuk_pay';
export const DEFAULT_COOKIE_MAX_AGE_MINUTES = 120;
/** GOV.UK Pay expires an unfinished payment after 90 minutes; the cookie must outlive it. */
export const MIN_COOKIE_MAX_AGE_MINUTES = 90;
const MAX_COOKIE_MAX_AGE_MINUTES = 7 * 24 * 60;

/** An API key as GOV.UK Pay issues it: a type prefix, then base32 random id and checksum. */
const API_KEY_FORMAT = /^api_(test|live)_[0-9a-z]{32,128}$/;
const COOKIE_NAME_FORMAT = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
// Characters a URL path may carry unencoded, minus ';' and ',' which would end a cookie attribute.
const MOUNT_PATH_FORMAT = /^(?:\/[A-Za-z0-9\-._~!$&'()*+=:@%]+)*\/?$/;

const OPTION_NAMES = [
  'apiKey',
  'apiBaseUrl',
  'publicUrl',
  'cookie',
  'match',
  'store',
  'nextUrlHosts',
  'createPayment',
  'outcomes',
  'onSettled',
  'logger',
  'reconcile',
  'webhooks',
  'onWebhook',
  'startUrl',
  'mountPath',
  'leaseSeconds',
  'timeoutMs',
  'maxRetries',
  'now',
  'sleep',
] as const satisfies readonly (keyof PayJourneyOptions)[];
const COOKIE_OPTION_NAMES = ['secrets', 'name', 'secure', 'maxAgeMinutes'] as const;
const OUTCOME_NAMES = [
  'success',
  'failed',
  'cancelled',
  'error',
  'pending',
  'unconfirmed',
  'missing',
] as const satisfies readonly (keyof OutcomeHandlers)[];
const RECONCILE_OPTION_NAMES = [
  'olderThanMinutes',
  'everyMinutes',
  'ratePerSecond',
  'concurrency',
  'staleAfterMinutes',
  'onStale',
  'apiKeys',
] as const satisfies readonly (keyof JourneyReconcileOptions)[];
const STORE_METHODS = [
  'savePending',
  'deletePending',
  'listPending',
  'saveReturnId',
  'getReturnId',
  'claim',
  'release',
  'beginSettlement',
  'renewSettlement',
  'commitSettlement',
  'releaseSettlement',
  'getPending',
  'markDue',
  'listDue',
] as const satisfies readonly (keyof PaymentStore)[];

export type ApiKeySource =
  { kind: 'static'; key: string } | { kind: 'per-request'; select: (req: Request) => string };

/** The options after validation, with every default applied. Used inside the journey only. */
export interface ResolvedJourneyConfig {
  apiKey: ApiKeySource;
  apiBaseUrl: string;
  /** `publicUrl`'s origin, e.g. `https://apply.example.gov.uk`: the only base of return URLs. */
  publicOrigin: string;
  /** True when publicUrl is http (local development only). */
  publicIsHttp: boolean;
  cookie: {
    secrets: readonly string[];
    name: string;
    secure: boolean;
    maxAgeMinutes: number;
  };
  match: 'cookie' | 'return-id';
  /** Undefined when the journey must make, and later close, its own MemoryStore. */
  store: PaymentStore | undefined;
  isAllowedNextUrl: NextUrlCheck;
  createPayment: PayJourneyOptions['createPayment'];
  outcomes: {
    [K in keyof OutcomeHandlers]-?: OutcomeHandlers[K] | undefined;
  } & Pick<OutcomeHandlers, 'success' | 'failed'>;
  onSettled: PayJourneyOptions['onSettled'];
  logger: Logger;
  reconcile: {
    apiKeys: readonly string[];
    /** Checked by `resolveReconcileOptions`; passed to every run. */
    runOptions: ReconcileRunOptions;
    everyMinutes?: number;
    onStale?: NonNullable<JourneyReconcileOptions['onStale']>;
  };
  /** Undefined when there is no webhook route. */
  webhooks: ResolvedWebhooksConfig | undefined;
  onWebhook: WebhookHandler | undefined;
  startUrl: string;
  /**
   * Normalised with no trailing slash; '' for the root. Undefined when not given: routes then use
   * the mount of each request, and `journey.start()` refuses to guess.
   */
  mountPath: string | undefined;
  /** How long a settlement lease lasts before another feed may take it over. */
  leaseMs: number;
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  now: () => number;
  sleep: ((ms: number) => Promise<void>) | undefined;
}

/**
 * Catches `app.use(payJourney)`: Express then calls the factory itself with (req, res, next),
 * which would otherwise fail confusingly on the first request.
 */
export function assertCalledWithOptions(args: readonly unknown[]): void {
  const [first, , third] = args;
  const looksLikeRequest =
    isObjectLike(first) && 'headers' in first && 'method' in first && 'url' in first;
  if (looksLikeRequest || typeof third === 'function') {
    throw new PayConfigError(
      'ERR_PAY_NOT_CALLED',
      "payJourney was used as middleware without being called; write app.use('/payment', payJourney({ ...options })), not app.use(payJourney)",
    );
  }
}

/** Validates every option once, at construction, and applies the defaults. */
export function resolveJourneyOptions(options: unknown): ResolvedJourneyConfig {
  if (!isPlainObject(options)) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'payJourney needs an options object: payJourney({ apiKey, publicUrl, cookie: { secrets }, createPayment, outcomes: { success, failed } })',
    );
  }
  rejectUnknownKeys(options, OPTION_NAMES, '');

  const publicUrl = resolvePublicUrl(options.publicUrl);
  const apiBaseUrl = resolveApiBaseUrl(options.apiBaseUrl);
  const apiKey = resolveApiKey(options.apiKey, publicUrl, apiBaseUrl);
  const cookie = resolveCookie(options.cookie, publicUrl.protocol === 'http:');
  const reconcile = resolveReconcile(options.reconcile, apiKey, publicUrl, apiBaseUrl);

  const match = options.match ?? 'cookie';
  if (match !== 'cookie' && match !== 'return-id') {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      "match must be 'cookie' (the default) or 'return-id'",
    );
  }

  return {
    apiKey,
    apiBaseUrl: apiBaseUrl.origin,
    publicOrigin: publicUrl.origin,
    publicIsHttp: publicUrl.protocol === 'http:',
    cookie,
    match,
    store: resolveStore(options.store),
    isAllowedNextUrl: compileNextUrlHosts(options.nextUrlHosts ?? DEFAULT_NEXT_URL_HOSTS),
    createPayment: requiredFunction<PayJourneyOptions['createPayment']>(
      options.createPayment,
      'createPayment',
      'give an async (req) => ({ amount, reference, description }) that reads the payment from your own state',
    ),
    outcomes: resolveOutcomes(options.outcomes),
    onSettled: optionalFunction<NonNullable<PayJourneyOptions['onSettled']>>(
      options.onSettled,
      'onSettled',
      'give an async (result) => { ... } that fulfils the order',
    ),
    logger: resolveLogger(options.logger),
    reconcile,
    ...resolveWebhooks(options.webhooks, options.onWebhook),
    startUrl: resolveStartUrl(options.startUrl, publicUrl.origin),
    mountPath: resolveMountPath(options.mountPath),
    leaseMs:
      (optionalNumber(options.leaseSeconds, 'leaseSeconds', {
        min: 1,
        max: 3600,
        integer: true,
        unit: 'seconds',
      }) ?? DEFAULT_LEASE_MS / 1000) * 1000,
    timeoutMs: optionalNumber(options.timeoutMs, 'timeoutMs', {
      min: 100,
      max: 120_000,
      integer: true,
      unit: 'milliseconds',
    }),
    maxRetries: optionalNumber(options.maxRetries, 'maxRetries', {
      min: 0,
      max: 10,
      integer: true,
      unit: 'retries',
    }),
    now:
      optionalFunction<() => number>(
        options.now,
        'now',
        'a clock returning epoch milliseconds; leave it out to use Date.now',
      ) ?? Date.now,
    sleep: optionalFunction<(ms: number) => Promise<void>>(
      options.sleep,
      'sleep',
      'a (ms) => Promise that waits; leave it out to use timers',
    ),
  };
}

function resolvePublicUrl(value: unknown): URL {
  if (value === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      "publicUrl is required: this service's external origin, e.g. 'https://apply.example.gov.uk'; return URLs are built from it, never from the Host header",
    );
  }
  const url = parseUrl(value);
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    (typeof value === 'string' && /[?#]/.test(value))
  ) {
    throw new PayConfigError(
      'ERR_PAY_PUBLIC_URL',
      "publicUrl must be an absolute origin with no path, query or fragment, e.g. 'https://apply.example.gov.uk'",
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new PayConfigError(
      'ERR_PAY_PUBLIC_URL',
      `publicUrl must use https; http is allowed only for localhost and 127.0.0.1 in development`,
    );
  }
  return url;
}

function resolveApiBaseUrl(value: unknown): URL {
  if (value === undefined) return new URL(DEFAULT_API_BASE_URL);
  const url = parseUrl(value);
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `apiBaseUrl must be an origin with no path, e.g. '${DEFAULT_API_BASE_URL}' (the default) or the simulator's 'http://127.0.0.1:9090'`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'apiBaseUrl must use https, so the API key never crosses a network in clear; http is allowed only for localhost and 127.0.0.1 (the simulator)',
    );
  }
  return url;
}

/** Checks a key's shape without ever putting the key in a message. */
export function checkApiKeyFormat(key: unknown, name: string): asserts key is string {
  if (typeof key !== 'string') {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      `${name} must be a GOV.UK Pay API key string (api_test_… or api_live_…), or a (req) => key function`,
    );
  }
  if (key.trim() !== key) {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      `${name} has leading or trailing whitespace; trim the value you read from the environment`,
    );
  }
  if (!API_KEY_FORMAT.test(key)) {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      `${name} does not look like a GOV.UK Pay API key; it should start api_test_ or api_live_ followed by letters and digits, as shown once when the key was created in the GOV.UK Pay admin tool`,
    );
  }
}

export function isLiveKey(key: string): boolean {
  return key.startsWith('api_live_');
}

/** A live key must only travel to https, and pay into a service reached over https. */
export function checkLiveKeyTransport(key: string, publicUrl: URL, apiBaseUrl: URL): void {
  if (!isLiveKey(key)) return;
  if (publicUrl.protocol !== 'https:') {
    throw new PayConfigError(
      'ERR_PAY_PUBLIC_URL',
      'a live API key (api_live_…) needs an https publicUrl; GOV.UK Pay refuses http return URLs for live accounts. Use a test key for local development',
    );
  }
  if (apiBaseUrl.protocol !== 'https:') {
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      'a live API key (api_live_…) must not be sent to an http apiBaseUrl; use a test key with the simulator',
    );
  }
}

function resolveApiKey(value: unknown, publicUrl: URL, apiBaseUrl: URL): ApiKeySource {
  if (value === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'apiKey is required: the GOV.UK Pay API key, e.g. apiKey: process.env.GOVUK_PAY_API_KEY',
    );
  }
  if (typeof value === 'function') {
    return { kind: 'per-request', select: value as (req: Request) => string };
  }
  checkApiKeyFormat(value, 'apiKey');
  checkLiveKeyTransport(value, publicUrl, apiBaseUrl);
  return { kind: 'static', key: value };
}

function resolveCookie(value: unknown, publicIsHttp: boolean): ResolvedJourneyConfig['cookie'] {
  if (value === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'cookie is required: cookie: { secrets: [process.env.PAY_COOKIE_SECRET] }, each secret at least 32 characters; generate one with `openssl rand -base64 48`',
    );
  }
  if (!isPlainObject(value)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'cookie must be an object: { secrets: [current, ...previous], name?, secure?, maxAgeMinutes? }',
    );
  }
  rejectUnknownKeys(value, COOKIE_OPTION_NAMES, 'cookie.');
  const { secrets } = value;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new PayConfigError(
      'ERR_PAY_COOKIE_SECRET',
      'cookie.secrets must be a non-empty array of secrets, newest first, each at least 32 characters; generate one with `openssl rand -base64 48`',
    );
  }

  const name = value.name ?? DEFAULT_COOKIE_NAME;
  if (typeof name !== 'string' || !COOKIE_NAME_FORMAT.test(name)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `cookie.name must be 1 to 64 letters, digits or !#$%&'*+-.^_\`|~, such as '${DEFAULT_COOKIE_NAME}'`,
    );
  }
  if (name.toLowerCase().startsWith('__host-')) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      "cookie.name cannot start with '__Host-': browsers then require Path=/, but the payment cookie's Path is the mount path; use '__Secure-' or no prefix",
    );
  }

  const secure = value.secure ?? true;
  if (typeof secure !== 'boolean') {
    throw new PayConfigError('ERR_PAY_INVALID_OPTION', 'cookie.secure must be true or false');
  }
  if (!secure && !publicIsHttp) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'cookie.secure may be false only when publicUrl is http (local development); remove it for an https publicUrl',
    );
  }
  if (!secure && name.toLowerCase().startsWith('__secure-')) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      "cookie.name starts with '__Secure-', which browsers accept only with cookie.secure: true",
    );
  }

  const maxAgeMinutes =
    optionalNumber(value.maxAgeMinutes, 'cookie.maxAgeMinutes', {
      min: MIN_COOKIE_MAX_AGE_MINUTES,
      max: MAX_COOKIE_MAX_AGE_MINUTES,
      integer: true,
      unit: 'minutes (GOV.UK Pay payments live 90 minutes, so the cookie must too)',
    }) ?? DEFAULT_COOKIE_MAX_AGE_MINUTES;

  return { secrets: [...(secrets as unknown[])] as string[], name, secure, maxAgeMinutes };
}

function resolveStore(value: unknown): PaymentStore | undefined {
  if (value === undefined) return undefined;
  const missing = isObjectLike(value)
    ? STORE_METHODS.filter((method) => typeof value[method] !== 'function')
    : STORE_METHODS;
  if (missing.length > 0) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `store must implement PaymentStore; it lacks ${missing.join(', ')}. Leave store out to use a MemoryStore`,
    );
  }
  return value as unknown as PaymentStore;
}

function resolveOutcomes(value: unknown): ResolvedJourneyConfig['outcomes'] {
  if (value === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'outcomes is required: outcomes: { success: (req, res, result) => ..., failed: (req, res, result) => ... }',
    );
  }
  if (!isPlainObject(value)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'outcomes must be an object of (req, res, result) handlers: { success, failed, cancelled?, error?, pending?, unconfirmed?, missing? }',
    );
  }
  rejectUnknownKeys(value, OUTCOME_NAMES, 'outcomes.');
  const hint = 'a (req, res, result) => void handler that renders the page';
  return {
    success: requiredFunction<OutcomeHandlers['success']>(value.success, 'outcomes.success', hint),
    failed: requiredFunction<OutcomeHandlers['failed']>(value.failed, 'outcomes.failed', hint),
    cancelled: optionalFunction<NonNullable<OutcomeHandlers['cancelled']>>(
      value.cancelled,
      'outcomes.cancelled',
      hint,
    ),
    error: optionalFunction<NonNullable<OutcomeHandlers['error']>>(
      value.error,
      'outcomes.error',
      hint,
    ),
    pending: optionalFunction<NonNullable<OutcomeHandlers['pending']>>(
      value.pending,
      'outcomes.pending',
      hint,
    ),
    unconfirmed: optionalFunction<NonNullable<OutcomeHandlers['unconfirmed']>>(
      value.unconfirmed,
      'outcomes.unconfirmed',
      hint,
    ),
    missing: optionalFunction<NonNullable<OutcomeHandlers['missing']>>(
      value.missing,
      'outcomes.missing',
      hint,
    ),
  };
}

function resolveLogger(value: unknown): Logger {
  if (value === undefined) return silentLogger;
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  if (!isObjectLike(value) || levels.some((level) => typeof value[level] !== 'function')) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'logger must be pino-compatible, with debug, info, warn and error methods; leave it out for silence',
    );
  }
  return value as unknown as Logger;
}

function resolveReconcile(
  value: unknown,
  apiKey: ApiKeySource,
  publicUrl: URL,
  apiBaseUrl: URL,
): ResolvedJourneyConfig['reconcile'] {
  const given = value ?? {};
  if (!isPlainObject(given)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      'reconcile must be an object such as { olderThanMinutes: 60, everyMinutes: 30 }',
    );
  }
  rejectUnknownKeys(given, RECONCILE_OPTION_NAMES, 'reconcile.');
  const runOptions = {
    ...(given.olderThanMinutes === undefined ? {} : { olderThanMinutes: given.olderThanMinutes }),
    ...(given.ratePerSecond === undefined ? {} : { ratePerSecond: given.ratePerSecond }),
    ...(given.concurrency === undefined ? {} : { concurrency: given.concurrency }),
    ...(given.staleAfterMinutes === undefined
      ? {}
      : { staleAfterMinutes: given.staleAfterMinutes }),
  } as ReconcileRunOptions;
  // The run options are checked by reconciliation's own rules, once, here.
  resolveReconcileOptions(runOptions, 'reconcile');
  const everyMinutes = optionalNumber(given.everyMinutes, 'reconcile.everyMinutes', {
    min: 1,
    max: 24 * 60,
    unit: 'minutes',
  });
  const onStale = optionalFunction<NonNullable<JourneyReconcileOptions['onStale']>>(
    given.onStale,
    'reconcile.onStale',
    'a (record, info) => void that raises an alert',
  );

  let apiKeys: readonly string[];
  if (given.apiKeys === undefined) {
    apiKeys = apiKey.kind === 'static' ? [apiKey.key] : [];
    if (apiKey.kind === 'per-request' && everyMinutes !== undefined) {
      throw new PayConfigError(
        'ERR_PAY_MISSING_OPTION',
        'reconcile.apiKeys is required when apiKey is a function: list every key that may have created a payment, so reconciliation can read each one',
      );
    }
  } else {
    if (!Array.isArray(given.apiKeys) || given.apiKeys.length === 0) {
      throw new PayConfigError(
        'ERR_PAY_API_KEY',
        'reconcile.apiKeys must be a non-empty array of GOV.UK Pay API keys',
      );
    }
    apiKeys = given.apiKeys.map((key: unknown, index) => {
      checkApiKeyFormat(key, `reconcile.apiKeys[${index}]`);
      checkLiveKeyTransport(key, publicUrl, apiBaseUrl);
      return key;
    });
  }

  return {
    apiKeys,
    runOptions,
    ...(everyMinutes === undefined ? {} : { everyMinutes }),
    ...(onStale === undefined ? {} : { onStale }),
  };
}

function resolveWebhooks(
  webhooks: unknown,
  onWebhook: unknown,
): Pick<ResolvedJourneyConfig, 'webhooks' | 'onWebhook'> {
  const resolved = resolveWebhooksOptions(webhooks);
  const handler = optionalFunction<WebhookHandler>(
    onWebhook,
    'onWebhook',
    'an async (event) => { ... } that handles refunds and events of payments this journey did not create',
  );
  if (handler !== undefined && resolved === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      'onWebhook needs webhooks: { secrets: [process.env.PAY_WEBHOOK_SECRET] }, the signing secret of the webhook set up in the GOV.UK Pay admin tool',
    );
  }
  return { webhooks: resolved, onWebhook: handler };
}

function resolveStartUrl(value: unknown, publicOrigin: string): string {
  if (value === undefined) return '/';
  if (typeof value === 'string') {
    if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) {
      const url = parseUrl(value, publicOrigin);
      if (url !== undefined && url.origin === publicOrigin) return value;
    }
    const url = parseUrl(value);
    if (url !== undefined && url.origin === publicOrigin) return url.href;
  }
  throw new PayConfigError(
    'ERR_PAY_INVALID_OPTION',
    "startUrl must be a path on this service such as '/apply/pay', or an absolute URL on publicUrl's origin",
  );
}

/** True for a path that can be a cookie's Path attribute as it is, with nothing to escape. */
export function isSafeMountPath(value: string): boolean {
  return value.startsWith('/') && value.length <= 1024 && MOUNT_PATH_FORMAT.test(value);
}

function resolveMountPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isSafeMountPath(value)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      "mountPath must be the path the journey is mounted at, such as '/payment'",
    );
  }
  return value.replace(/\/+$/, '');
}

function parseUrl(value: unknown, base?: string): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
