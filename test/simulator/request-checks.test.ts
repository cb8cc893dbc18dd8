import { request } from 'node:http';
import { expectRecordedBodiesMatchSpec } from './spec';
import type { Harness } from '../helpers/simulator-harness';
import { paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';

/**
 * Request checks as strict as GOV.UK Pay's: return_url by Apache Commons UrlValidator rules
 * (FACTS.md §10), JSON integers only (§3.1), the firewall's Accept and Content-Type rules (§1),
 * JSON for every unknown path, and the healthcheck.
 */

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  // Paths the spec does not have (the unknown ones, the healthcheck) are checked by each test.
  expectRecordedBodiesMatchSpec(
    recorded.filter(
      (r) =>
        r.path !== '/healthcheck' &&
        (r.body as { code?: unknown }).code !== 404 &&
        (r.body as { code?: unknown }).code !== 405,
    ),
  );
});

/** A GET with the path sent exactly as given, which URL-based clients would normalise. */
function rawGet(path: string): Promise<{ status: number; type: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(h.url);
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // left as text, for the assertion to show
        }
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const INVALID_URL = {
  field: 'return_url',
  code: 'P0102',
  description: 'Invalid attribute value: return_url. Must be a valid URL format',
};

describe('return_url, as Apache Commons UrlValidator with local URLs and 2 slashes', () => {
  const accepted: Array<[string, string]> = [
    ['a GOV.UK service', 'https://service.example.gov.uk/payment/return'],
    ['http on a test account', 'http://service.example.gov.uk/r'],
    ['localhost with a port', 'http://localhost:3000/payment/return'],
    ['a single-label intranet host', 'http://intranet/return'],
    ['the extra local TLD .local', 'https://pay.council.local/return'],
    ['the extra local TLD .internal', 'https://pay.council.internal/return'],
    ['the local TLD .localhost', 'http://app.localhost:8080/return'],
    ['an IPv4 address', 'http://127.0.0.1:8080/return'],
    ['an IPv6 address', 'http://[::1]:3000/return'],
    ['no path at all', 'https://example.com'],
    ['a query and a fragment', 'https://example.com/r?a=1&b=%20x#done'],
    ['two slashes in the path', 'https://example.com/a//b'],
    ['user info', 'https://user:secret@example.com/r'],
    ['upper-case scheme and host', 'HTTPS://EXAMPLE.COM/R'],
    ['a trailing dot on the host', 'https://example.com./r'],
    ['an internationalised domain', 'https://bücher.de/r'],
    [
      'path punctuation UrlValidator allows',
      "https://example.com/a-b_c:d@e&f=g+h,i.j!k~l*m'n%20o$p;q(r)",
    ],
  ];
  it.each(accepted)('accepts %s: %s', async (_name, url) => {
    const res = await h.post('/v1/payments', paymentRequest({ return_url: url }));
    expect([res.status, res.body.return_url]).toEqual([201, url]);
  });

  const refused: Array<[string, string]> = [
    ['a double quote in the path', 'https://example.com/a"b'],
    ['a backslash in the path', 'https://example.com/a\\b'],
    ['an opening brace in the path', 'https://example.com/{id}'],
    ['a closing brace in the path', 'https://example.com/id}'],
    ['a less-than sign in the path', 'https://example.com/a<b'],
    ['a pipe in the path', 'https://example.com/a|b'],
    ['a caret in the path', 'https://example.com/a^b'],
    ['a backtick in the path', 'https://example.com/a`b'],
    ['square brackets in the path', 'https://example.com/a[0]'],
    ['a space', 'https://example.com/a b'],
    ['a bad percent escape', 'https://example.com/100%'],
    ['the reserved TLD .test', 'https://service.test/return'],
    ['the reserved TLD .example', 'https://service.example/return'],
    ['an underscore in the host', 'https://my_service.gov.uk/return'],
    ['an ftp URL', 'ftp://example.com/return'],
    ['no scheme', 'example.com/return'],
    ['a single slash after the scheme', 'https:/example.com/return'],
    ['an empty host', 'https:///return'],
    ['a port above 65535', 'https://example.com:65536/return'],
    ['an IPv4-like host out of range', 'http://256.1.1.1/return'],
    ['a path climbing above the root', 'https://example.com/../return'],
    ['a second fragment mark', 'https://example.com/r#a#b'],
    ['a javascript URL', 'javascript:alert(1)'],
  ];
  it.each(refused)('refuses %s with 422 P0102: %s', async (_name, url) => {
    const res = await h.post('/v1/payments', paymentRequest({ return_url: url }));
    expect([res.status, res.body]).toEqual([422, INVALID_URL]);
  });
});

describe('integers only: the raw JSON decides, as Jackson reads it', () => {
  const NUMERIC = {
    field: 'amount',
    code: 'P0102',
    description: 'Invalid attribute value: amount. Must be a valid numeric format',
  };
  const body = (amount: string): string =>
    `{"amount":${amount},"reference":"R","description":"D","return_url":"https://example.com/r"}`;
  const json = { 'content-type': 'application/json' };

  it.each(['100.0', '1e3', '1E3', '100.50', '1.0e2'])(
    'refuses amount %s with 400 P0102',
    async (amount) => {
      const res = await h.post('/v1/payments', undefined, { raw: body(amount), headers: json });
      expect([res.status, res.body]).toEqual([400, NUMERIC]);
    },
  );

  it('accepts a plain integer, also after other numbers and nested objects', async () => {
    const raw =
      '{"metadata":{"amount":1.5},"prefilled_cardholder_details":{"billing_address":{"line1":"}1,"}},"amount" : 100 ,"reference":"R\\"{","description":"D","return_url":"https://example.com/r"}';
    const res = await h.post('/v1/payments', undefined, { raw, headers: json });
    expect([res.status, res.body.amount]).toEqual([201, 100]);
  });

  it('reads the last of repeated keys, as the parsed value does', async () => {
    const raw =
      '{"amount":1.5,"amount":100,"reference":"R","description":"D","return_url":"https://example.com/r"}';
    expect((await h.post('/v1/payments', undefined, { raw, headers: json })).status).toBe(201);
  });

  it('refuses a fractional refund amount with 400 P0602', async () => {
    const p = await h.createPayment();
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    const res = await h.post(`/v1/payments/${p.payment_id}/refunds`, undefined, {
      raw: '{"amount":100.0}',
      headers: json,
    });
    expect([res.status, res.body.code, res.body.field]).toEqual([400, 'P0602', 'amount']);
    const available = await h.post(`/v1/payments/${p.payment_id}/refunds`, undefined, {
      raw: '{"amount":100,"refund_amount_available":1.25e3}',
      headers: json,
    });
    expect([available.status, available.body.field]).toEqual([400, 'refund_amount_available']);
  });
});

describe('the firewall: Accept and Content-Type (FACTS.md §1)', () => {
  const BLOCKED = {
    code: 'P0920',
    description:
      'Request blocked by security rules. Please consult API documentation for more information.',
  };

  it.each(['text/html', 'application/xml', 'text/html, application/xhtml+xml'])(
    'refuses Accept: %s with 400 P0920, before the key is checked',
    async (accept) => {
      const created = await h.post('/v1/payments', paymentRequest(), { headers: { accept } });
      expect([created.status, created.body]).toEqual([400, BLOCKED]);
      const read = await h.get('/v1/payments', { headers: { accept }, key: null });
      expect([read.status, read.body]).toEqual([400, BLOCKED]);
    },
  );

  it.each(['application/json', '*/*', 'application/*', 'text/html, application/json;q=0.9', ''])(
    'lets Accept: "%s" through',
    async (accept) => {
      const res = await h.post('/v1/payments', paymentRequest(), { headers: { accept } });
      expect(res.status).toBe(201);
    },
  );

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])(
    'refuses a body sent as %s with 400 P0920',
    async (type) => {
      const res = await h.post('/v1/payments', undefined, {
        raw: JSON.stringify(paymentRequest()),
        headers: { 'content-type': type },
      });
      expect([res.status, res.body]).toEqual([400, BLOCKED]);
    },
  );

  it('accepts application/json with a charset', async () => {
    const res = await h.post('/v1/payments', undefined, {
      raw: JSON.stringify(paymentRequest()),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });
});

describe('every unknown path answers JSON, never an HTML page', () => {
  const NOT_FOUND = { code: 404, message: 'HTTP 404 Not Found' };

  it.each(['//v1/payments', '/payments', '/v2/payments', '/favicon.ico', '/pay/x/y/z'])(
    'GET %s → 404 JSON',
    async (path) => {
      const res = await rawGet(path);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.body).toEqual(NOT_FOUND);
    },
  );

  it('a typo under /v1 needs a key first, then is a JSON 404', async () => {
    expect((await h.get('/v1/paymnets', { key: null })).status).toBe(401);
    const res = await h.get('/v1/paymnets');
    expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
    const post = await h.post('/v1/payment', paymentRequest());
    expect([post.status, post.body]).toEqual([404, NOT_FOUND]);
  });
});

describe('a known path with a method it does not take', () => {
  it.each([
    ['GET', '/v1/payments/0000000000000000000000000a/cancel'],
    ['GET', '/v1/payments/0000000000000000000000000a/capture'],
    ['POST', '/v1/payments/0000000000000000000000000a'],
    ['POST', '/v1/refunds'],
    ['GET', '/v1/agreements/0000000000000000000000000a/cancel'],
  ] as const)('%s %s → 405 JSON, as Jersey answers', async (method, path) => {
    const res = method === 'GET' ? await h.get(path) : await h.post(path, {});
    expect([res.status, res.body]).toEqual([
      405,
      { code: 405, message: 'HTTP 405 Method Not Allowed' },
    ]);
  });
});

describe('GET /healthcheck', () => {
  it('answers 200 JSON without an API key', async () => {
    const res = await h.get('/healthcheck', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.ping).toEqual({ healthy: true, message: 'Healthy' });
  });
});
