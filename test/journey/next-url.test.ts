import { PayConfigError } from '../../src/config-error';
import { DEFAULT_NEXT_URL_HOSTS, compileNextUrlHosts } from '../../src/journey/next-url';

describe('compileNextUrlHosts', () => {
  const defaults = compileNextUrlHosts(DEFAULT_NEXT_URL_HOSTS);

  it.each([
    'https://www.payments.service.gov.uk/secure/0b1ab5b0-4d8e-4b4a-9f3a-000000000000',
    'https://card.payments.service.gov.uk/secure/x',
    'https://www.payments.service.gov.uk:443/secure/x',
  ])('allows GOV.UK Pay by default: %s', (url) => {
    expect(defaults(url)).toBe(true);
  });

  it.each([
    ['http, even to GOV.UK Pay', 'http://www.payments.service.gov.uk/secure/x'],
    ['the bare domain (the wildcard needs a subdomain)', 'https://payments.service.gov.uk/x'],
    ['a look-alike suffix', 'https://www.evilpayments.service.gov.uk/x'],
    ['a host that merely contains the domain', 'https://payments.service.gov.uk.evil.example/x'],
    ['another port', 'https://www.payments.service.gov.uk:8443/secure/x'],
    ['credentials', 'https://user:pw@www.payments.service.gov.uk/secure/x'],
    ['javascript:', 'javascript:alert(1)'],
    ['a relative URL', '/secure/x'],
    ['a protocol-relative URL', '//www.payments.service.gov.uk/secure/x'],
    ['garbage', 'not a url'],
    ['a non-string', 42],
    ['undefined', undefined],
  ])('refuses %s', (_name, url) => {
    expect(defaults(url)).toBe(false);
  });

  it('matches an exact host and port, and allows http only for loopback', () => {
    const check = compileNextUrlHosts(['127.0.0.1:9090', 'localhost:9091', 'pay.example.gov.uk']);
    expect(check('http://127.0.0.1:9090/secure/x')).toBe(true);
    expect(check('https://127.0.0.1:9090/secure/x')).toBe(true);
    expect(check('http://127.0.0.1:9091/secure/x')).toBe(false);
    expect(check('http://localhost:9091/secure/x')).toBe(true);
    expect(check('https://pay.example.gov.uk/x')).toBe(true);
    expect(check('http://pay.example.gov.uk/x')).toBe(false);
    expect(check('https://other.pay.example.gov.uk/x')).toBe(false);
  });

  it('treats a host entry without a port as the default port of the scheme', () => {
    const check = compileNextUrlHosts(['localhost']);
    expect(check('http://localhost/x')).toBe(true);
    expect(check('https://localhost/x')).toBe(true);
    expect(check('http://localhost:80/x')).toBe(true);
    expect(check('http://localhost:3000/x')).toBe(false);
  });

  it('compares host names case-insensitively', () => {
    const check = compileNextUrlHosts(['Pay.Example.GOV.UK']);
    expect(check('https://PAY.example.gov.uk/x')).toBe(true);
  });

  it.each([
    [[]],
    ['*.payments.service.gov.uk'],
    [['https://www.payments.service.gov.uk']],
    [['www.payments.service.gov.uk/secure']],
    [['*']],
    [['*.uk']],
    [['a.*.example.gov.uk']],
    [['localhost:99999']],
    [['localhost:0']],
    [[42]],
    [['']],
  ])('refuses the entry list %j with ERR_PAY_NEXT_URL_HOSTS', (entries) => {
    expect(() => compileNextUrlHosts(entries)).toThrow(PayConfigError);
    try {
      compileNextUrlHosts(entries);
    } catch (err) {
      expect((err as PayConfigError).code).toBe('ERR_PAY_NEXT_URL_HOSTS');
      expect((err as PayConfigError).message).toMatch(/^govuk-pay-express: nextUrlHosts/);
    }
  });
});
