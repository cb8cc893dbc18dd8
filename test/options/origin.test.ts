import {
  apiKeyOption,
  checkApiKeyTransport,
  isLoopbackHost,
  originOption,
} from '../../src/options';
import { thrownConfigError } from '../helpers/config-error';

const rule = { example: "'https://apply.example.gov.uk'", httpsBecause: 'it carries the API key' };

describe('isLoopbackHost: the one rule for plain http', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '127.255.255.255', '[::1]'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    '10.0.0.5',
    '192.168.1.1',
    '0.0.0.0',
    '128.0.0.1',
    '127.0.0.256',
    'app.localhost',
    'localhost.example.com',
    '127.0.0.1.nip.io',
    '[::ffff:127.0.0.1]',
    'simulator',
  ])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('agrees with how URL writes hosts', () => {
    expect(isLoopbackHost(new URL('http://[::1]:9090').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://127.0.0.1:9090').hostname)).toBe(true);
  });
});

describe('originOption', () => {
  it('reads an https origin, dropping a trailing slash', () => {
    expect(originOption('https://apply.example.gov.uk/', 'publicUrl', rule)?.origin).toBe(
      'https://apply.example.gov.uk',
    );
    expect(originOption(undefined, 'publicUrl', rule)).toBeUndefined();
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:9090', 'http://[::1]:8080'])(
    'allows http on loopback: %s',
    (value) => {
      expect(originOption(value, 'apiBaseUrl', rule)?.protocol).toBe('http:');
    },
  );

  it('refuses http anywhere else, saying why and where http is allowed', () => {
    const error = thrownConfigError(() =>
      originOption('http://pay.internal:9090', 'apiBaseUrl', rule),
    );
    expect(error.code).toBe('ERR_PAY_INVALID_OPTION');
    expect(error.message).toBe(
      'govuk-pay-express: apiBaseUrl must use https (it carries the API key); http is allowed only for localhost, 127.0.0.1 and [::1]',
    );
  });

  it.each([
    'apply.example.gov.uk',
    'ftp://apply.example.gov.uk',
    'https://apply.example.gov.uk/pay',
    'https://apply.example.gov.uk?x=1',
    'https://apply.example.gov.uk?',
    'https://apply.example.gov.uk#top',
    'https://user:pw@apply.example.gov.uk',
    42,
  ])('refuses %p as not an origin, with the option code given', (value) => {
    const error = thrownConfigError(() =>
      originOption(value, 'publicUrl', { ...rule, code: 'ERR_PAY_PUBLIC_URL' }),
    );
    expect(error.code).toBe('ERR_PAY_PUBLIC_URL');
    expect(error.message).toBe(
      "govuk-pay-express: publicUrl must be an origin with no path, query or fragment, e.g. 'https://apply.example.gov.uk'",
    );
  });
});

describe('apiKeyOption', () => {
  const key = `api_test_${'1'.repeat(26)}${'a'.repeat(32)}`;

  it('reads a well-formed key', () => {
    expect(apiKeyOption(key, 'apiKey')).toBe(key);
    expect(apiKeyOption(undefined, 'apiKey')).toBeUndefined();
  });

  it.each([
    ['a Bearer prefix', `Bearer ${key}`, /without "Bearer "/],
    ['a trailing newline', `${key}\n`, /leading or trailing whitespace/],
    [
      'a placeholder',
      'api_test_...',
      /does not look like a GOV\.UK Pay API key: api_test_ or api_live_/,
    ],
    ['a number', 42, /must be a GOV\.UK Pay API key string/],
  ])('refuses %s with ERR_PAY_API_KEY, never echoing it', (_label, value, message) => {
    const error = thrownConfigError(() => apiKeyOption(value, 'reconcile.apiKeys[0]'));
    expect(error.code).toBe('ERR_PAY_API_KEY');
    expect(error.message).toMatch(/^govuk-pay-express: reconcile\.apiKeys\[0\] /);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('1'.repeat(26));
  });

  it('lets only a test key go to an http origin', () => {
    const http = new URL('http://127.0.0.1:9090');
    expect(() => checkApiKeyTransport(key, http, 'apiKey', 'apiBaseUrl')).not.toThrow();
    const live = key.replace('api_test_', 'api_live_');
    const old = key.slice('api_test_'.length);
    for (const notTest of [live, old]) {
      expect(() =>
        checkApiKeyTransport(notTest, new URL('https://x.gov.uk'), 'apiKey', 'apiBaseUrl'),
      ).not.toThrow();
      const error = thrownConfigError(() =>
        checkApiKeyTransport(notTest, http, 'apiKey', 'apiBaseUrl'),
      );
      expect(error.code).toBe('ERR_PAY_API_KEY');
      expect(error.message).toMatch(/^govuk-pay-express: apiKey is not a test key/);
    }
  });
});
