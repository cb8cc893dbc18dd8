import { PayConfigError } from '../config-error.js';
import { optionsObject, rejectUnknownKeys } from '../options/index.js';
import type { Account } from './auth.js';
import { IMPLICIT_ACCOUNT_SETTINGS, hashApiKey } from './auth.js';
import type { SimulatorAccount } from './accounts.js';
import { resolveAccounts } from './accounts.js';
import { SIMULATOR_API_KEY_HINT, isSimulatorApiKey } from './ids.js';
import type { ResolvedWebhookEndpoint, SimulatorWebhookEndpoint } from './webhooks/options.js';
import { resolveWebhookEndpoints } from './webhooks/options.js';

/** Options of `createSimulator`. Every field is optional. */
export interface SimulatorOptions {
  /**
   * The only API keys accepted; each must look like a GOV.UK Pay key (`api_test_`/`api_live_`
   * and base32). Each key is its own account: it sees only the payments it created. Use
   * `accounts` for several keys of one account.
   * @default any well-formed `api_test_` or `api_live_` key
   */
  apiKeys?: readonly string[];
  /**
   * GOV.UK Pay accounts with their keys and features. Every key of an account sees the
   * account's payments and agreements and shares its rate budget, so a team can rehearse key
   * rotation. Only these keys are accepted. Not together with `apiKeys`.
   * @default none: each well-formed key is its own account, recurring payments on, MOTO off
   */
  accounts?: readonly SimulatorAccount[];
  /**
   * GOV.UK Pay's limit on POST requests per account per second (counted apart for creates,
   * captures and other POSTs), answered with 429 P0900. `false` switches it off.
   * @default { postsPerSecond: 15 }
   */
  rateLimit?: false | { postsPerSecond: number };
  /**
   * The origin used in `_links` and `next_url`, e.g. `http://localhost:4567`, when the simulator
   * sits behind a proxy.
   * @default the origin of each request (its Host header)
   */
  baseUrl?: string;
  /**
   * The origin of the hosted payment pages, which `next_url` points at. By default they are
   * served cross-site to the service, as GOV.UK Pay's are: reached at `127.0.0.1` the simulator
   * hands out `next_url`s on `localhost` (and the other way round), on the same port, so a
   * `SameSite=Strict` cookie of a service on 127.0.0.1 is lost on the return, as it would be.
   * `false` keeps the pages on the API's origin.
   * @default the API's origin with 127.0.0.1 and localhost swapped
   */
  pagesBaseUrl?: string | false;
  /**
   * Where the simulator clock starts, in epoch milliseconds. The clock then runs with real time
   * and `clock.advance(ms)` moves it forward.
   * @default Date.now()
   */
  startTime?: number;
  /**
   * Serve the admin routes under `/__simulator` (faults, clock, service cancel, provider error).
   * Never enable it where untrusted clients can reach the simulator.
   * @default false
   */
  admin?: boolean;
  /**
   * The `payment_provider` reported on payments.
   * @default 'sandbox'
   */
  paymentProvider?: string;
  /**
   * Source of randomness for faults with a `probability`, a function returning [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /**
   * Webhook subscriptions: every payment event GOV.UK Pay reports is POSTed, signed, to each
   * `url` that takes its event type, with GOV.UK Pay's timeout and retry schedule on the
   * simulator clock. See `sim.webhooks`.
   * @default []
   */
  webhooks?: readonly SimulatorWebhookEndpoint[];
}

/** Options after validation, with defaults applied. */
export interface ResolvedSimulatorConfig {
  /** Undefined: any well-formed key is its own account. */
  readonly accountsByKeyHash: ReadonlyMap<string, Account> | undefined;
  readonly postsPerSecond: number | undefined;
  readonly baseUrl: string | undefined;
  /** An origin, `false` for the API's, or undefined for the cross-site default. */
  readonly pagesBaseUrl: string | false | undefined;
  readonly startTime: number;
  readonly admin: boolean;
  readonly paymentProvider: string;
  readonly random: () => number;
  readonly webhooks: readonly ResolvedWebhookEndpoint[];
}

const KNOWN_OPTIONS = [
  'apiKeys',
  'accounts',
  'rateLimit',
  'baseUrl',
  'pagesBaseUrl',
  'startTime',
  'admin',
  'paymentProvider',
  'random',
  'webhooks',
] as const;

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', message);
}

function implicitAccount(id: string, live: boolean): Account {
  return { id, live, ...IMPLICIT_ACCOUNT_SETTINGS };
}

function parseOrigin(value: unknown, name: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    invalid(`simulator ${name} must be an http(s) origin with no path, e.g. http://localhost:4567`);
  }
  return url.origin;
}

export function resolveSimulatorOptions(options: unknown): ResolvedSimulatorConfig {
  const o = optionsObject(
    options ?? {},
    'createSimulator',
    "createSimulator({ apiKeys: ['api_test_...'] })",
  );
  rejectUnknownKeys(o, KNOWN_OPTIONS, 'createSimulator');

  let accountsByKeyHash: Map<string, Account> | undefined;
  if (o.apiKeys !== undefined && o.accounts !== undefined) {
    invalid(
      'simulator apiKeys and accounts cannot both be given: list every key under accounts[].keys',
    );
  }
  if (o.apiKeys !== undefined) {
    if (!Array.isArray(o.apiKeys) || o.apiKeys.length === 0) {
      invalid('simulator apiKeys must be a non-empty array of API keys, or left out to accept any');
    }
    accountsByKeyHash = new Map();
    o.apiKeys.forEach((key: unknown, i) => {
      if (typeof key !== 'string' || !isSimulatorApiKey(key)) {
        throw new PayConfigError(
          'ERR_PAY_API_KEY',
          `simulator apiKeys[${i}] is not a well-formed key: ${SIMULATOR_API_KEY_HINT}`,
        );
      }
      const hash = hashApiKey(key);
      accountsByKeyHash?.set(hash, implicitAccount(hash, key.startsWith('api_live_')));
    });
  }
  if (o.accounts !== undefined) accountsByKeyHash = resolveAccounts(o.accounts);

  let postsPerSecond: number | undefined = 15;
  if (o.rateLimit === false) {
    postsPerSecond = undefined;
  } else if (o.rateLimit !== undefined) {
    const limit = o.rateLimit as { postsPerSecond?: unknown } | null;
    const pps = limit?.postsPerSecond;
    if (
      typeof limit !== 'object' ||
      limit === null ||
      Object.keys(limit).some((k) => k !== 'postsPerSecond') ||
      !Number.isInteger(pps) ||
      (pps as number) < 1
    ) {
      invalid(
        'simulator rateLimit must be false or { postsPerSecond: n } with n a whole number >= 1',
      );
    }
    postsPerSecond = pps as number;
  }

  const baseUrl = o.baseUrl === undefined ? undefined : parseOrigin(o.baseUrl, 'baseUrl');
  let pagesBaseUrl: string | false | undefined;
  if (o.pagesBaseUrl === false) pagesBaseUrl = false;
  else if (o.pagesBaseUrl !== undefined) pagesBaseUrl = parseOrigin(o.pagesBaseUrl, 'pagesBaseUrl');

  if (
    o.startTime !== undefined &&
    !(typeof o.startTime === 'number' && Number.isFinite(o.startTime))
  ) {
    invalid(
      'simulator startTime must be epoch milliseconds, e.g. Date.parse("2030-01-01T00:00:00Z")',
    );
  }
  if (o.admin !== undefined && typeof o.admin !== 'boolean')
    invalid('simulator admin must be true or false');
  if (
    o.paymentProvider !== undefined &&
    (typeof o.paymentProvider !== 'string' || o.paymentProvider === '')
  ) {
    invalid('simulator paymentProvider must be a non-empty string such as "sandbox"');
  }
  if (o.random !== undefined && typeof o.random !== 'function') {
    invalid('simulator random must be a function returning a number from 0 (inclusive) to 1');
  }

  return {
    accountsByKeyHash,
    postsPerSecond,
    baseUrl,
    pagesBaseUrl,
    startTime: (o.startTime as number | undefined) ?? Date.now(),
    admin: o.admin === true,
    paymentProvider: (o.paymentProvider as string | undefined) ?? 'sandbox',
    random: (o.random as (() => number) | undefined) ?? Math.random,
    webhooks: resolveWebhookEndpoints(o.webhooks),
  };
}
