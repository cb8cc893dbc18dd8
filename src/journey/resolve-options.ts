import type { Request } from 'express';
import { resolvePayApiKey, resolvePayConnection } from '../client/index.js';
import { PayConfigError } from '../config-error.js';
import { COOKIE_NAME_RULE, cookieSecretsOption } from '../cookie/index.js';
import { PAYMENT_EXPIRY_MINUTES, isTestApiKey } from '../govuk-pay/index.js';
import type { Logger } from '../logger.js';
import {
  booleanOption,
  enumOption,
  functionOption,
  invalidOption,
  listOption,
  methodsOption,
  numberOption,
  optionsObject,
  originOption,
  rejectUnknownKeys,
  requireOption,
  stringOption,
} from '../options/index.js';
import { EVERY_MINUTES_RULE, resolveReconcileOptions } from '../reconcile/index.js';
import type { ResolvedReconcileOptions } from '../reconcile/index.js';
import { DEFAULT_LEASE_MS } from '../settlement/index.js';
import type { PaymentStore } from '../store/index.js';
import { resolveWebhooksOptions } from '../webhooks/index.js';
import type { ResolvedWebhooksConfig, WebhookHandler } from '../webhooks/index.js';
import { DEFAULT_NEXT_URL_HOSTS, compileNextUrlHosts } from './next-url.js';
import type { NextUrlCheck } from './next-url.js';
import type {
  JourneyClock,
  JourneyReconcileOptions,
  OutcomeHandlers,
  PayJourneyOptions,
} from './options.js';

export const DEFAULT_COOKIE_NAME = 'govuk_pay';
export const DEFAULT_COOKIE_MAX_AGE_MINUTES = 120;
/** GOV.UK Pay expires an unfinished payment after 90 minutes; the cookie must outlive it. */
export const MIN_COOKIE_MAX_AGE_MINUTES = PAYMENT_EXPIRY_MINUTES;
const MAX_COOKIE_MAX_AGE_MINUTES = 7 * 24 * 60;

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
  'proxy',
  'now',
  'clock',
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
  /** The GOV.UK Pay origin, resolved by the client's own rules (`resolvePayConnection`). */
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
    /** Resolved once, here; every run without options of its own uses them as they are. */
    options: ResolvedReconcileOptions;
    /** Undefined: no timer; `journey.reconcile()` is called by the service's own scheduler. */
    everyMinutes: number | undefined;
    onStale: NonNullable<JourneyReconcileOptions['onStale']> | undefined;
    /**
     * Waits between reconciliation reads: the given `sleep`, else an `unref()`'d timer, so a
     * run on the journey's timer never keeps the process alive.
     */
    sleep: (ms: number) => Promise<void>;
    /**
     * The `clock` option's `now`, which the timer counts its interval on; undefined for real
     * time (a given `now` alone leaves the timer on real time).
     */
    timerNow: (() => number) | undefined;
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
  timeoutMs: number;
  maxRetries: number;
  /**
   * Where each client's proxy comes from: the `proxy` option as given, or the environment
   * (both checked by the client's rules).
   */
  proxy: { from: 'environment' } | { from: 'option'; value: string | false };
  now: () => number;
  /** Waits between the client's retries: the given `sleep`, else the client's default. */
  sleep: (ms: number) => Promise<void>;
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

const unrefSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Validates every option once, at construction, and applies the defaults. */
export function resolveJourneyOptions(options: unknown): ResolvedJourneyConfig {
  const record = optionsObject(
    options,
    'payJourney',
    'payJourney({ apiKey, publicUrl, cookie: { secrets }, createPayment, outcomes: { success, failed } })',
  );
  rejectUnknownKeys(record, OPTION_NAMES, '');

  const publicUrl = resolvePublicUrl(record.publicUrl);
  // The client's own rules for the origin, timeout, retries, logger and clock: one set of rules.
  const connection = resolvePayConnection(record, '');
  const keyRules: JourneyKeyRules = { apiOrigin: connection.apiOrigin, publicUrl };
  const apiKey = resolveApiKey(record.apiKey, keyRules);
  const publicIsHttp = publicUrl.protocol === 'http:';
  const clock = resolveClock(record.clock, record.now);

  return {
    apiKey,
    apiBaseUrl: connection.apiBaseUrl,
    publicOrigin: publicUrl.origin,
    publicIsHttp,
    cookie: resolveCookie(record.cookie, publicIsHttp),
    match: enumOption(record.match, 'match', ['cookie', 'return-id'], 'cookie'),
    store: methodsOption<PaymentStore>(record.store, 'store', {
      required: STORE_METHODS,
      describe: 'a PaymentStore',
      hint: 'leave store out to use a MemoryStore',
    }),
    isAllowedNextUrl: compileNextUrlHosts(record.nextUrlHosts ?? DEFAULT_NEXT_URL_HOSTS),
    createPayment: requiredFunction<PayJourneyOptions['createPayment']>(
      record.createPayment,
      'createPayment',
      'give an async (req) => ({ amount, reference, description }) that reads the payment from your own state',
    ),
    outcomes: resolveOutcomes(record.outcomes),
    onSettled: functionOption<NonNullable<PayJourneyOptions['onSettled']>>(
      record.onSettled,
      'onSettled',
      'give an async (result) => { ... } that fulfils the order',
    ),
    logger: connection.logger,
    reconcile: {
      ...resolveReconcile(record.reconcile, apiKey, keyRules, record.sleep, connection.sleep),
      timerNow: clock.timerNow,
    },
    ...resolveWebhooks(record.webhooks, record.onWebhook),
    startUrl: resolveStartUrl(record.startUrl, publicUrl.origin),
    mountPath: resolveMountPath(record.mountPath),
    leaseMs:
      numberOption(
        record.leaseSeconds,
        'leaseSeconds',
        { min: 1, max: 3600, integer: true, unit: 'seconds' },
        DEFAULT_LEASE_MS / 1000,
      ) * 1000,
    timeoutMs: connection.timeoutMs,
    maxRetries: connection.maxRetries,
    proxy:
      connection.proxy === undefined
        ? { from: 'environment' }
        : { from: 'option', value: connection.proxy },
    now: clock.now,
    sleep: connection.sleep,
  };
}

function requiredFunction<T extends (...args: never[]) => unknown>(
  value: unknown,
  path: string,
  hint: string,
): T {
  return functionOption<T>(requireOption(value, path, hint), path, hint) as T;
}

function resolvePublicUrl(value: unknown): URL {
  const given = requireOption(
    value,
    'publicUrl',
    "this service's external origin, e.g. 'https://apply.example.gov.uk'; return URLs are built from it, never from the Host header",
  );
  return originOption(given, 'publicUrl', {
    example: "'https://apply.example.gov.uk'",
    httpsBecause: 'GOV.UK Pay sends the citizen back to it',
    code: 'ERR_PAY_PUBLIC_URL',
  }) as URL;
}

/** What a key is checked against besides the client's rules. */
export interface JourneyKeyRules {
  apiOrigin: string;
  publicUrl: URL;
}

/**
 * One API key for the journey: the client's rules (format, and only a test key over http), and
 * the journey's own: a key that may be live pays into a service reached over https only, since
 * GOV.UK Pay refuses http return URLs for live accounts.
 */
export function checkJourneyApiKey(value: unknown, path: string, rules: JourneyKeyRules): string {
  const key = resolvePayApiKey(value, path, rules.apiOrigin);
  if (rules.publicUrl.protocol !== 'https:' && !isTestApiKey(key)) {
    throw new PayConfigError(
      'ERR_PAY_PUBLIC_URL',
      `${path} is not a test key (api_test_...), so publicUrl must be https: GOV.UK Pay refuses http return URLs for live accounts. Use a test key for local development`,
    );
  }
  return key;
}

function resolveApiKey(value: unknown, rules: JourneyKeyRules): ApiKeySource {
  const given = requireOption(
    value,
    'apiKey',
    'the GOV.UK Pay API key, e.g. apiKey: process.env.GOVUK_PAY_API_KEY, or a (req) => key function',
  );
  if (typeof given === 'function') {
    return { kind: 'per-request', select: given as (req: Request) => string };
  }
  return { kind: 'static', key: checkJourneyApiKey(given, 'apiKey', rules) };
}

function resolveCookie(value: unknown, publicIsHttp: boolean): ResolvedJourneyConfig['cookie'] {
  const record = optionsObject(
    value,
    'cookie',
    '{ secrets: [process.env.PAY_COOKIE_SECRET], name?, secure?, maxAgeMinutes? }, each secret at least 32 characters; generate one with `openssl rand -base64 48`',
  );
  rejectUnknownKeys(record, COOKIE_OPTION_NAMES, 'cookie');
  const secrets = cookieSecretsOption(record.secrets, 'cookie.secrets');
  const name = stringOption(record.name, 'cookie.name', COOKIE_NAME_RULE, DEFAULT_COOKIE_NAME);
  if (name.toLowerCase().startsWith('__host-')) {
    invalidOption(
      'cookie.name',
      "cannot start with '__Host-': browsers then require Path=/, but the payment cookie's Path is the mount path; use '__Secure-' or no prefix",
    );
  }
  const secure = booleanOption(record.secure, 'cookie.secure', true);
  if (!secure && !publicIsHttp) {
    invalidOption(
      'cookie.secure',
      'may be false only when publicUrl is http (local development); remove it for an https publicUrl',
    );
  }
  if (!secure && name.toLowerCase().startsWith('__secure-')) {
    invalidOption(
      'cookie.name',
      "starts with '__Secure-', which browsers accept only with cookie.secure: true",
    );
  }
  const maxAgeMinutes = numberOption(
    record.maxAgeMinutes,
    'cookie.maxAgeMinutes',
    {
      min: MIN_COOKIE_MAX_AGE_MINUTES,
      max: MAX_COOKIE_MAX_AGE_MINUTES,
      integer: true,
      unit: 'minutes',
      why: 'GOV.UK Pay payments live 90 minutes, so the cookie must too',
    },
    DEFAULT_COOKIE_MAX_AGE_MINUTES,
  );
  return { secrets, name, secure, maxAgeMinutes };
}

function resolveOutcomes(value: unknown): ResolvedJourneyConfig['outcomes'] {
  const record = optionsObject(
    value,
    'outcomes',
    '{ success: (req, res, result) => ..., failed: (req, res, result) => ... }',
  );
  rejectUnknownKeys(record, OUTCOME_NAMES, 'outcomes');
  const hint = 'a (req, res, result) => void handler that renders the page';
  const optional = <K extends keyof OutcomeHandlers>(name: K) =>
    functionOption<NonNullable<OutcomeHandlers[K]>>(record[name], `outcomes.${name}`, hint);
  return {
    success: requiredFunction<OutcomeHandlers['success']>(record.success, 'outcomes.success', hint),
    failed: requiredFunction<OutcomeHandlers['failed']>(record.failed, 'outcomes.failed', hint),
    cancelled: optional('cancelled'),
    error: optional('error'),
    pending: optional('pending'),
    unconfirmed: optional('unconfirmed'),
    missing: optional('missing'),
  };
}

function resolveReconcile(
  value: unknown,
  apiKey: ApiKeySource,
  keyRules: JourneyKeyRules,
  givenSleep: unknown,
  clientSleep: (ms: number) => Promise<void>,
): Omit<ResolvedJourneyConfig['reconcile'], 'timerNow'> {
  const record = optionsObject(
    value ?? {},
    'reconcile',
    '{ olderThanMinutes: 60, everyMinutes: 30 }',
  );
  rejectUnknownKeys(record, RECONCILE_OPTION_NAMES, 'reconcile');
  const { everyMinutes: every, onStale: stale, apiKeys: keys, ...runOptions } = record;
  const everyMinutes = numberOption(every, 'reconcile.everyMinutes', EVERY_MINUTES_RULE);
  const onStale = functionOption<NonNullable<JourneyReconcileOptions['onStale']>>(
    stale,
    'reconcile.onStale',
    'a (record, info) => void that raises an alert',
  );

  let apiKeys: readonly string[];
  if (keys === undefined) {
    apiKeys = apiKey.kind === 'static' ? [apiKey.key] : [];
    if (apiKey.kind === 'per-request' && everyMinutes !== undefined) {
      throw new PayConfigError(
        'ERR_PAY_MISSING_OPTION',
        'reconcile.apiKeys is required when apiKey is a function: list every key that may have created a payment, so reconciliation can read each one',
      );
    }
  } else {
    apiKeys = listOption(
      keys,
      'reconcile.apiKeys',
      { describe: 'GOV.UK Pay API keys', code: 'ERR_PAY_API_KEY' },
      (key, path) => checkJourneyApiKey(key, path, keyRules),
    ) as string[];
  }

  return {
    apiKeys,
    options: resolveReconcileOptions(runOptions, 'reconcile'),
    everyMinutes,
    onStale,
    // A given sleep serves both; without one, reconciliation's waits must not hold the process.
    sleep: givenSleep === undefined ? unrefSleep : clientSleep,
  };
}

function resolveClock(
  clock: unknown,
  now: unknown,
): { now: () => number; timerNow: (() => number) | undefined } {
  const given = methodsOption<JourneyClock>(clock, 'clock', {
    required: ['now'],
    describe: 'a clock with now() in epoch milliseconds',
    hint: "such as the simulator's: clock: sim.clock",
  });
  if (given === undefined) {
    return {
      now: functionOption<() => number>(
        now,
        'now',
        'a clock returning epoch milliseconds; leave it out to use Date.now',
        Date.now,
      ),
      timerNow: undefined,
    };
  }
  if (now !== undefined) {
    invalidOption('now', 'cannot be given with clock, which sets the time already; remove now');
  }
  const clockNow = (): number => given.now();
  return { now: clockNow, timerNow: clockNow };
}

function resolveWebhooks(
  webhooks: unknown,
  onWebhook: unknown,
): Pick<ResolvedJourneyConfig, 'webhooks' | 'onWebhook'> {
  const resolved = resolveWebhooksOptions(webhooks);
  const handler = functionOption<WebhookHandler>(
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
  return invalidOption(
    'startUrl',
    "must be a path on this service such as '/apply/pay', or an absolute URL on publicUrl's origin",
  );
}

/** True for a path that can be a cookie's Path attribute as it is, with nothing to escape. */
export function isSafeMountPath(value: string): boolean {
  return value.startsWith('/') && value.length <= 1024 && MOUNT_PATH_FORMAT.test(value);
}

function resolveMountPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isSafeMountPath(value)) {
    invalidOption('mountPath', "must be the path the journey is mounted at, such as '/payment'");
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
