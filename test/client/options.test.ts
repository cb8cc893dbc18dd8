import {
  DEFAULT_TIMEOUT_MS,
  TIMEOUT_MS_RULE,
  resolvePayApiKey,
  resolvePayClientOptions,
  resolvePayConnection,
} from '../../src/client/options';
import { API_KEY } from './bodies';
import { thrownConfigError } from '../helpers/config-error';

/*
 * The client's option rules are the rules: payJourney resolves its GOV.UK Pay options through
 * resolvePayConnection and resolvePayApiKey, with its own paths in the messages.
 */

describe('resolvePayConnection', () => {
  it('fills every default, so nothing is left undefined but an absent transport', () => {
    const resolved = resolvePayConnection({}, '');
    expect(resolved).toMatchObject({
      apiBaseUrl: 'https://publicapi.payments.service.gov.uk',
      apiOrigin: 'https://publicapi.payments.service.gov.uk',
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxRetries: 2,
      random: Math.random,
    });
    expect(typeof resolved.sleep).toBe('function');
    expect(typeof resolved.logger.warn).toBe('function');
    expect(resolved.transport).toBeUndefined();
  });

  it("names a factory's own options without a prefix, and the client's with PayClient.", () => {
    expect(thrownConfigError(() => resolvePayConnection({ timeoutMs: 0 }, '')).message).toBe(
      'govuk-pay-express: timeoutMs must be a whole number of milliseconds from 1 to 120000',
    );
    expect(
      thrownConfigError(() => resolvePayClientOptions({ apiKey: API_KEY, maxRetries: 11 })).message,
    ).toBe(
      'govuk-pay-express: PayClient.maxRetries must be a whole number of retries from 0 to 10',
    );
  });

  it('one timeout range, 1 ms to two minutes', () => {
    expect(TIMEOUT_MS_RULE).toMatchObject({ min: 1, max: 120_000 });
    expect(resolvePayConnection({ timeoutMs: 1 }, '').timeoutMs).toBe(1);
    expect(resolvePayConnection({ timeoutMs: 120_000 }, '').timeoutMs).toBe(120_000);
    expect(thrownConfigError(() => resolvePayConnection({ timeoutMs: 120_001 }, '')).code).toBe(
      'ERR_PAY_INVALID_OPTION',
    );
  });

  it('http only on loopback', () => {
    expect(resolvePayConnection({ apiBaseUrl: 'http://[::1]:9090/' }, '').apiOrigin).toBe(
      'http://[::1]:9090',
    );
    expect(
      thrownConfigError(() => resolvePayConnection({ apiBaseUrl: 'http://10.0.0.5:9090' }, ''))
        .message,
    ).toMatch(/^govuk-pay-express: apiBaseUrl must use https/);
  });
});

describe('resolvePayApiKey', () => {
  it("names the key by the factory's path and checks it against the origin", () => {
    expect(resolvePayApiKey(API_KEY, 'apiKey', 'http://127.0.0.1:9090')).toBe(API_KEY);
    const live = API_KEY.replace('api_test_', 'api_live_');
    expect(resolvePayApiKey(live, 'apiKey', 'https://publicapi.payments.service.gov.uk')).toBe(
      live,
    );
    const error = thrownConfigError(() =>
      resolvePayApiKey(live, 'reconcile.apiKeys[1]', 'http://127.0.0.1:9090'),
    );
    expect(error.code).toBe('ERR_PAY_API_KEY');
    expect(error.message).toMatch(/^govuk-pay-express: reconcile\.apiKeys\[1\] is not a test key/);
    expect(error.message).not.toContain(live.slice(9));
  });

  it('a missing key is ERR_PAY_API_KEY saying where to find one', () => {
    const error = thrownConfigError(() =>
      resolvePayApiKey(undefined, 'apiKey', 'https://x.gov.uk'),
    );
    expect(error.code).toBe('ERR_PAY_API_KEY');
    expect(error.message).toMatch(/^govuk-pay-express: apiKey is required: pass the API key/);
  });
});

describe('resolvePayClientOptions', () => {
  it('suggests the option a typo meant', () => {
    expect(
      thrownConfigError(() => resolvePayClientOptions({ apiKey: API_KEY, maxRetires: 1 })).message,
    ).toMatch(
      /^govuk-pay-express: PayClient\.maxRetires is not an option\. Did you mean PayClient\.maxRetries\?/,
    );
  });

  it('takes a transport with send, and refuses one without', () => {
    const transport = { send: () => Promise.reject(new Error('unused')) };
    expect(resolvePayClientOptions({ apiKey: API_KEY, transport }).transport).toBe(transport);
    expect(
      thrownConfigError(() =>
        resolvePayClientOptions({ apiKey: API_KEY, transport: { close() {} } }),
      ).message,
    ).toMatch(/^govuk-pay-express: PayClient\.transport must be a transport with send\(request\)/);
  });
});
