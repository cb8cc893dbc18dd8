import { PayConfigError } from '../../src/config-error';
import { noProxyMatches, proxyRouteFor } from '../../src/client/proxy';
import type { ProxyEnvironment } from '../../src/client/proxy';

/** Which proxy a call takes, decided from the option and the environment: a table, no HTTP. */

const GOVUK = new URL('https://publicapi.payments.service.gov.uk');
const SIMULATOR = new URL('http://127.0.0.1:9090');

function routeLabel(origin: URL, option: string | false | undefined, env: ProxyEnvironment) {
  return proxyRouteFor(origin, option, env, 'PayClient.proxy')?.label;
}

describe('noProxyMatches', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'https://publicapi.payments.service.gov.uk', true],
    ['publicapi.payments.service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['.service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['*.service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['ice.gov.uk', 'https://publicapi.payments.service.gov.uk', false],
    ['SERVICE.GOV.UK', 'https://publicapi.payments.service.gov.uk', true],
    ['example.com,  service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['example.com service.gov.uk', 'https://publicapi.payments.service.gov.uk', true],
    ['service.gov.uk:443', 'https://publicapi.payments.service.gov.uk', true],
    ['service.gov.uk:8443', 'https://publicapi.payments.service.gov.uk', false],
    ['127.0.0.1', 'http://127.0.0.1:9090', true],
    ['127.0.0.1:9090', 'http://127.0.0.1:9090', true],
    ['127.0.0.1:9091', 'http://127.0.0.1:9090', false],
    ['0.0.1', 'http://127.0.0.1:9090', false],
    ['::1', 'http://[::1]:9090', true],
    ['[::1]:9090', 'http://[::1]:9090', true],
    ['[::1]:80', 'http://[::1]:9090', false],
    ['localhost', 'http://127.0.0.1:9090', false],
    ['', 'https://publicapi.payments.service.gov.uk', false],
    [' , ', 'https://publicapi.payments.service.gov.uk', false],
  ];
  it.each(cases)('NO_PROXY=%j for %s: %s', (noProxy, origin, bypass) => {
    expect(noProxyMatches(noProxy, new URL(origin))).toBe(bypass);
  });
});

describe('proxyRouteFor', () => {
  it('takes the https variables for an https origin and the http ones for http', () => {
    const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:8080' };
    expect(routeLabel(GOVUK, undefined, env)).toBe('secure-proxy:3128');
    expect(routeLabel(SIMULATOR, undefined, env)).toBe('plain-proxy:8080');
  });

  it('reads a bare host:port as http, and port 80 when none is given', () => {
    expect(routeLabel(GOVUK, undefined, { https_proxy: 'proxy.internal:3128' })).toBe(
      'proxy.internal:3128',
    );
    expect(routeLabel(GOVUK, undefined, { https_proxy: 'http://proxy.internal' })).toBe(
      'proxy.internal:80',
    );
  });

  it('treats an empty variable as unset, so the next one counts', () => {
    expect(routeLabel(GOVUK, undefined, { https_proxy: ' ', HTTPS_PROXY: 'http://b:1' })).toBe(
      'b:1',
    );
    expect(routeLabel(GOVUK, undefined, { https_proxy: '' })).toBeUndefined();
  });

  it('applies NO_PROXY to the environment’s proxy only', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'service.gov.uk' };
    expect(routeLabel(GOVUK, undefined, env)).toBeUndefined();
    expect(routeLabel(GOVUK, 'http://explicit:3128', env)).toBe('explicit:3128');
    expect(routeLabel(GOVUK, undefined, { ...env, no_proxy: 'other.example' })).toBe('proxy:3128');
  });

  it('false connects directly whatever the environment says', () => {
    expect(routeLabel(GOVUK, false, { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined();
  });

  it('sends Proxy-Authorization only when the URL has credentials', () => {
    const plain = proxyRouteFor(GOVUK, 'http://proxy:3128', {}, 'proxy');
    expect(plain?.connectHeaders('h:443')).toEqual({ host: 'h:443' });
    const withAuth = proxyRouteFor(GOVUK, 'http://a%3Ab:c%20d@proxy:3128', {}, 'proxy');
    expect(withAuth?.connectHeaders('h:443')).toEqual({
      host: 'h:443',
      'proxy-authorization': `Basic ${Buffer.from('a:b:c d').toString('base64')}`,
    });
    expect(withAuth?.label).toBe('proxy:3128');
  });

  it('refuses a variable naming another kind of proxy, with the variable’s name', () => {
    expect(() => proxyRouteFor(GOVUK, undefined, { https_proxy: 'socks://p:1' }, 'proxy')).toThrow(
      PayConfigError,
    );
    expect(() => proxyRouteFor(GOVUK, undefined, { https_proxy: 'socks://p:1' }, 'proxy')).toThrow(
      /^govuk-pay-express: the https_proxy environment variable must be an http:\/\/ proxy URL/,
    );
  });
});
