import { PayConfigError } from '../../src/config-error';
import type { PayConfigErrorCode } from '../../src/config-error';
import { DEFAULT_API_BASE_URL } from '../../src/govuk-pay';
import { assertCalledWithOptions, resolveJourneyOptions } from '../../src/journey/resolve-options';

const TEST_KEY = `api_test_${'a'.repeat(26)}${'b'.repeat(32)}`;
const LIVE_KEY = `api_live_${'c'.repeat(26)}${'d'.repeat(32)}`;
const SECRET = 's'.repeat(32);

function valid(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiKey: TEST_KEY,
    publicUrl: 'https://apply.example.gov.uk',
    cookie: { secrets: [SECRET] },
    createPayment: () => ({ amount: 100, reference: 'R1', description: 'A licence' }),
    outcomes: { success: () => undefined, failed: () => undefined },
    ...extra,
  };
}

function codeOf(fn: () => unknown): PayConfigErrorCode | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayConfigError) {
      expect(err.message).toMatch(/^govuk-pay-express: /);
      return err.code;
    }
    throw err;
  }
  return undefined;
}

describe('resolveJourneyOptions', () => {
  it('applies the defaults', () => {
    const config = resolveJourneyOptions(valid());
    expect(config).toMatchObject({
      apiBaseUrl: DEFAULT_API_BASE_URL,
      publicOrigin: 'https://apply.example.gov.uk',
      cookie: { secrets: [SECRET], name: 'govuk_pay', secure: true, maxAgeMinutes: 120 },
      match: 'cookie',
      store: undefined,
      startUrl: '/',
      mountPath: undefined,
      apiKey: { kind: 'static', key: TEST_KEY },
      timeoutMs: 10_000,
      maxRetries: 2,
      leaseMs: 120_000,
      reconcile: {
        apiKeys: [TEST_KEY],
        options: {
          olderThanMs: 60 * 60_000,
          ratePerSecond: 10,
          concurrency: 4,
          staleAfterMs: 360 * 60_000,
          signal: undefined,
        },
        everyMinutes: undefined,
        onStale: undefined,
      },
    });
    // Resolved means resolved: no default is left for a later file to fill in.
    expect(config.now).toBe(Date.now);
    expect(typeof config.sleep).toBe('function');
    expect(typeof config.reconcile.sleep).toBe('function');
    for (const [name, value] of Object.entries(config)) {
      if (['store', 'mountPath', 'onSettled', 'webhooks', 'onWebhook'].includes(name)) continue;
      expect([name, value]).not.toEqual([name, undefined]);
    }
    expect(config.isAllowedNextUrl('https://www.payments.service.gov.uk/secure/x')).toBe(true);
    expect(config.isAllowedNextUrl('https://evil.example/secure/x')).toBe(false);
    expect(config.outcomes.cancelled).toBeUndefined();
  });

  it('accepts the simulator setup on loopback over http', () => {
    const config = resolveJourneyOptions(
      valid({
        apiBaseUrl: 'http://127.0.0.1:9090',
        publicUrl: 'http://localhost:3000',
        cookie: { secrets: [SECRET], secure: false, name: 'pay', maxAgeMinutes: 90 },
        nextUrlHosts: ['127.0.0.1:9090'],
        match: 'return-id',
        mountPath: '/payment/',
        startUrl: '/apply',
      }),
    );
    expect(config.apiBaseUrl).toBe('http://127.0.0.1:9090');
    expect(config.publicIsHttp).toBe(true);
    expect(config.cookie).toEqual({
      secrets: [SECRET],
      name: 'pay',
      secure: false,
      maxAgeMinutes: 90,
    });
    expect(config.mountPath).toBe('/payment');
    expect(config.isAllowedNextUrl('http://127.0.0.1:9090/secure/x')).toBe(true);
  });

  it.each<[string, Record<string, unknown>, PayConfigErrorCode]>([
    ['an unknown option', { apikey: TEST_KEY }, 'ERR_PAY_UNKNOWN_OPTION'],
    [
      'an unknown cookie option',
      { cookie: { secrets: [SECRET], maxAge: 5 } },
      'ERR_PAY_UNKNOWN_OPTION',
    ],
    [
      'an unknown outcome',
      { outcomes: { success: () => 1, failed: () => 1, paid: () => 1 } },
      'ERR_PAY_UNKNOWN_OPTION',
    ],
    ['an unknown reconcile option', { reconcile: { every: 5 } }, 'ERR_PAY_UNKNOWN_OPTION'],
    ['no apiKey', { apiKey: undefined }, 'ERR_PAY_MISSING_OPTION'],
    ['a malformed apiKey', { apiKey: 'secret' }, 'ERR_PAY_API_KEY'],
    ['an apiKey with whitespace', { apiKey: `${TEST_KEY}\n` }, 'ERR_PAY_API_KEY'],
    ['a Bearer-prefixed apiKey', { apiKey: `Bearer ${TEST_KEY}` }, 'ERR_PAY_API_KEY'],
    ['a numeric apiKey', { apiKey: 42 }, 'ERR_PAY_API_KEY'],
    [
      'a live key with an http publicUrl',
      {
        apiKey: LIVE_KEY,
        publicUrl: 'http://localhost:3000',
        cookie: { secrets: [SECRET], secure: false },
      },
      'ERR_PAY_PUBLIC_URL',
    ],
    [
      'a live key with an http apiBaseUrl',
      { apiKey: LIVE_KEY, apiBaseUrl: 'http://127.0.0.1:9090' },
      'ERR_PAY_API_KEY',
    ],
    [
      'an apiBaseUrl with a path',
      { apiBaseUrl: 'https://publicapi.payments.service.gov.uk/v1' },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'an http apiBaseUrl off loopback',
      { apiBaseUrl: 'http://publicapi.payments.service.gov.uk' },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['a non-URL apiBaseUrl', { apiBaseUrl: 'publicapi' }, 'ERR_PAY_INVALID_OPTION'],
    ['no publicUrl', { publicUrl: undefined }, 'ERR_PAY_MISSING_OPTION'],
    [
      'a publicUrl with a path',
      { publicUrl: 'https://apply.example.gov.uk/app' },
      'ERR_PAY_PUBLIC_URL',
    ],
    [
      'a publicUrl with a query',
      { publicUrl: 'https://apply.example.gov.uk?x=1' },
      'ERR_PAY_PUBLIC_URL',
    ],
    [
      'a publicUrl with an empty query',
      { publicUrl: 'https://apply.example.gov.uk/?' },
      'ERR_PAY_PUBLIC_URL',
    ],
    ['a relative publicUrl', { publicUrl: '/payment' }, 'ERR_PAY_PUBLIC_URL'],
    [
      'an http publicUrl off loopback',
      { publicUrl: 'http://apply.example.gov.uk' },
      'ERR_PAY_PUBLIC_URL',
    ],
    [
      'a publicUrl with credentials',
      { publicUrl: 'https://a:b@apply.example.gov.uk' },
      'ERR_PAY_PUBLIC_URL',
    ],
    ['no cookie', { cookie: undefined }, 'ERR_PAY_MISSING_OPTION'],
    ['a cookie that is not an object', { cookie: SECRET }, 'ERR_PAY_INVALID_OPTION'],
    ['no secrets', { cookie: {} }, 'ERR_PAY_COOKIE_SECRET'],
    ['empty secrets', { cookie: { secrets: [] } }, 'ERR_PAY_COOKIE_SECRET'],
    [
      'a __Host- cookie name',
      { cookie: { secrets: [SECRET], name: '__Host-pay' } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a cookie name with a space',
      { cookie: { secrets: [SECRET], name: 'gov pay' } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'an insecure cookie with https',
      { cookie: { secrets: [SECRET], secure: false } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a non-boolean secure',
      { cookie: { secrets: [SECRET], secure: 'no' } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a __Secure- name on an insecure cookie',
      {
        publicUrl: 'http://localhost',
        cookie: { secrets: [SECRET], secure: false, name: '__Secure-pay' },
      },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a cookie shorter than a payment',
      { cookie: { secrets: [SECRET], maxAgeMinutes: 60 } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a fractional maxAgeMinutes',
      { cookie: { secrets: [SECRET], maxAgeMinutes: 100.5 } },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['an unknown match', { match: 'session' }, 'ERR_PAY_INVALID_OPTION'],
    ['a store lacking methods', { store: { claim: () => true } }, 'ERR_PAY_INVALID_OPTION'],
    ['bad nextUrlHosts', { nextUrlHosts: ['https://x.example'] }, 'ERR_PAY_NEXT_URL_HOSTS'],
    ['no createPayment', { createPayment: undefined }, 'ERR_PAY_MISSING_OPTION'],
    ['a non-function createPayment', { createPayment: { amount: 1 } }, 'ERR_PAY_INVALID_OPTION'],
    ['no outcomes', { outcomes: undefined }, 'ERR_PAY_MISSING_OPTION'],
    ['no success handler', { outcomes: { failed: () => 1 } }, 'ERR_PAY_MISSING_OPTION'],
    ['no failed handler', { outcomes: { success: () => 1 } }, 'ERR_PAY_MISSING_OPTION'],
    [
      'a non-function handler',
      { outcomes: { success: () => 1, failed: () => 1, missing: 'page' } },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['a non-function onSettled', { onSettled: true }, 'ERR_PAY_INVALID_OPTION'],
    ['a logger without levels', { logger: { log: () => 1 } }, 'ERR_PAY_INVALID_OPTION'],
    ['a zero reconcile rate', { reconcile: { ratePerSecond: 0 } }, 'ERR_PAY_INVALID_OPTION'],
    [
      'a reconcile staleness under 90 minutes',
      { reconcile: { staleAfterMinutes: 30 } },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'a reconcile interval under a minute',
      { reconcile: { everyMinutes: 0.5 } },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['a non-function onStale', { reconcile: { onStale: 1 } }, 'ERR_PAY_INVALID_OPTION'],
    ['malformed reconcile.apiKeys', { reconcile: { apiKeys: ['nope'] } }, 'ERR_PAY_API_KEY'],
    [
      'a reconcile timer with a function apiKey and no apiKeys',
      { apiKey: () => TEST_KEY, reconcile: { everyMinutes: 30 } },
      'ERR_PAY_MISSING_OPTION',
    ],
    [
      'a startUrl on another origin',
      { startUrl: 'https://evil.example/' },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['a protocol-relative startUrl', { startUrl: '//evil.example/' }, 'ERR_PAY_INVALID_OPTION'],
    ['a mountPath without a slash', { mountPath: 'payment' }, 'ERR_PAY_INVALID_OPTION'],
    ['a mountPath with a semicolon', { mountPath: '/pay;x' }, 'ERR_PAY_INVALID_OPTION'],
    ['a zero timeoutMs', { timeoutMs: 0 }, 'ERR_PAY_INVALID_OPTION'],
    ['a negative maxRetries', { maxRetries: -1 }, 'ERR_PAY_INVALID_OPTION'],
    ['a non-function now', { now: 5 }, 'ERR_PAY_INVALID_OPTION'],
  ])('refuses %s', (_name, change, code) => {
    expect(codeOf(() => resolveJourneyOptions(valid(change)))).toBe(code);
  });

  it('refuses a missing options object', () => {
    expect(codeOf(() => resolveJourneyOptions(undefined))).toBe('ERR_PAY_MISSING_OPTION');
  });

  it('suggests the option meant by a typo', () => {
    expect(() => resolveJourneyOptions(valid({ publicURL: 'x' }))).toThrow(
      /publicURL is not an option\. Did you mean publicUrl\?/,
    );
  });

  it('never puts the API key in a message', () => {
    const almost = `${TEST_KEY}!`;
    let message = '';
    try {
      resolveJourneyOptions(valid({ apiKey: almost }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/apiKey/);
    expect(message).not.toContain(TEST_KEY.slice(9, 30));
  });

  it('takes a function apiKey, and keys for reconciliation', () => {
    const config = resolveJourneyOptions(
      valid({
        apiKey: () => TEST_KEY,
        reconcile: { apiKeys: [TEST_KEY, LIVE_KEY], everyMinutes: 30 },
      }),
    );
    expect(config.apiKey.kind).toBe('per-request');
    expect(config.reconcile).toMatchObject({ apiKeys: [TEST_KEY, LIVE_KEY], everyMinutes: 30 });
  });
});

describe('assertCalledWithOptions', () => {
  it('catches app.use(payJourney) without the call', () => {
    const req = { headers: {}, method: 'GET', url: '/' };
    expect(codeOf(() => assertCalledWithOptions([req, {}, () => undefined]))).toBe(
      'ERR_PAY_NOT_CALLED',
    );
  });

  it('lets an options object through', () => {
    expect(codeOf(() => assertCalledWithOptions([valid()]))).toBeUndefined();
  });
});
