import { PayResponseError } from '../../src/client/errors';
import { isTrustedApiLink, trustedApiPath } from '../../src/client/links';

const ORIGIN = 'https://publicapi.payments.service.gov.uk';

describe('isTrustedApiLink', () => {
  it.each([
    [`${ORIGIN}/v1/payments/abc`, true],
    ['https://publicapi.payments.service.gov.uk:443/v1/payments/abc', true],
    ['HTTPS://PUBLICAPI.payments.service.gov.uk/v1/payments/abc', true],
    ['http://publicapi.payments.service.gov.uk/v1/payments/abc', false],
    ['https://publicapi.payments.service.gov.uk.evil.example/v1/payments/abc', false],
    ['https://evil.example/https://publicapi.payments.service.gov.uk/', false],
    ['https://user@publicapi.payments.service.gov.uk/v1/payments/abc', false],
    ['//publicapi.payments.service.gov.uk/v1/payments/abc', false],
    ['https://www.payments.service.gov.uk/secure/abc', false],
    ['', false],
    [42, false],
    [undefined, false],
  ])('%p -> %p', (href, trusted) => {
    expect(isTrustedApiLink(href, ORIGIN)).toBe(trusted);
  });
});

describe('trustedApiPath', () => {
  it('returns path, query and the path match', () => {
    const result = trustedApiPath(
      `${ORIGIN}/v1/payments?page=2&display_size=10`,
      ORIGIN,
      'next_page',
      /^\/v1\/payments$/,
    );
    expect(result.path).toBe('/v1/payments');
    expect(result.query).toBe('?page=2&display_size=10');
  });

  it('normalises dot segments before matching, so ../ cannot escape the pattern', () => {
    expect(() =>
      trustedApiPath(
        `${ORIGIN}/v1/payments/../agreements`,
        ORIGIN,
        'next_page',
        /^\/v1\/payments$/,
      ),
    ).toThrow(PayResponseError);
    expect(() =>
      trustedApiPath(
        `${ORIGIN}/v1/payments/%2e%2e/agreements`,
        ORIGIN,
        'next_page',
        /^\/v1\/payments$/,
      ),
    ).toThrow(PayResponseError);
  });

  it('names the link, never its value', () => {
    try {
      trustedApiPath(
        'https://evil.example/v1/payments/secretid',
        ORIGIN,
        'self',
        /^\/v1\/payments\/\w+$/,
      );
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(PayResponseError);
      expect((error as Error).message).toMatch(/the self link points outside/);
      expect((error as Error).message).not.toContain('secretid');
      expect((error as Error).message).not.toContain('evil.example');
    }
  });
});
