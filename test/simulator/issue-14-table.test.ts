import { AGREEMENT_AUTHORISATION_MS, generateTestApiKey } from '../../src/simulator';
import type { Harness } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  h1,
  openCardPage,
  paymentRequest,
  startSimulator,
} from '../helpers/simulator-harness';

/**
 * Issue 14's table, row by row: what the three recorded GOV.UK Pay clients hit, now answered
 * as GOV.UK Pay answers it. The detail of each row is tested in its own file (named below).
 */

const key = generateTestApiKey();
const otherKeyOfAccount = generateTestApiKey();
const motoKey = generateTestApiKey();
let h: Harness;
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    accounts: [{ keys: [key, otherKeyOfAccount] }, { keys: [motoKey], moto: true, motoApi: true }],
  });
});
afterAll(() => h.close());

describe('issue 14: what the peers hit', () => {
  it('agreements: create, set up, charge with authorisation_mode agreement (agreements.test.ts)', async () => {
    const agreement = await h.post('/v1/agreements', { reference: 'T1', description: 'D' });
    expect([agreement.status, agreement.body.status]).toEqual([201, 'created']);
    const setUp = await h.post('/v1/payments', {
      ...paymentRequest(),
      set_up_agreement: agreement.body.agreement_id,
    });
    expect(setUp.status).toBe(201);
    h.sim.completePayment(setUp.body.payment_id, { card: '4444333322221111' });
    expect((await h.get(`/v1/agreements/${agreement.body.agreement_id}`)).body.status).toBe(
      'active',
    );
    const charge = await h.post('/v1/payments', {
      amount: 100,
      reference: 'R',
      description: 'D',
      authorisation_mode: 'agreement',
      agreement_id: agreement.body.agreement_id,
    });
    h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
    expect((await h.get(`/v1/payments/${charge.body.payment_id}`)).body.state.status).toBe(
      'success',
    );
  });

  it('moto: true and moto_api with POST /v1/auth, as account settings (moto.test.ts)', async () => {
    const moto = await h.post('/v1/payments', paymentRequest({ moto: true }), { key: motoKey });
    expect([moto.status, moto.body.moto]).toEqual([201, true]);
    const api = await h.post(
      '/v1/payments',
      paymentRequest({ authorisation_mode: 'moto_api', return_url: undefined }),
      { key: motoKey },
    );
    const auth = await h.post(
      '/v1/auth',
      {
        one_time_token: api.body._links.auth_url_post.params.one_time_token,
        card_number: '4444333322221111',
        cvc: '123',
        expiry_date: '12/35',
        cardholder_name: 'A',
      },
      { key: null },
    );
    expect(auth.status).toBe(204);
  });

  it('GET /healthcheck: 200 JSON, no key (request-checks.test.ts)', async () => {
    const res = await h.get('/healthcheck', { key: null });
    expect([res.status, res.headers['content-type']]).toEqual([200, expect.stringMatching(/json/)]);
  });

  it('several API keys of one account share payments and the rate budget (accounts.test.ts)', async () => {
    const p = await h.createPayment({}, key);
    expect((await h.get(`/v1/payments/${p.payment_id}`, { key: otherKeyOfAccount })).status).toBe(
      200,
    );
  });

  it.each([
    'https://example.com/a"b',
    'https://example.com/a\\b',
    'https://example.com/{a}',
    'https://example.com/a<b',
    'https://example.com/a|b',
    'https://example.com/a^b',
    'https://service.test/r',
    'https://my_host.gov.uk/r',
  ])('return_url %s: 422 P0102 (request-checks.test.ts)', async (url) => {
    const res = await h.post('/v1/payments', paymentRequest({ return_url: url }));
    expect([res.status, res.body.code]).toEqual([422, 'P0102']);
  });

  it.each(['100.0', '1e3'])('amount %s: 400 P0102 (request-checks.test.ts)', async (amount) => {
    const res = await h.post('/v1/payments', undefined, {
      raw: `{"amount":${amount},"reference":"R","description":"D","return_url":"${RETURN_URL}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect([res.status, res.body.code]).toEqual([400, 'P0102']);
  });

  it('a path outside /v1: a JSON error (request-checks.test.ts)', async () => {
    const res = await h.get('/v1payments');
    expect([res.status, res.headers['content-type'], res.body]).toEqual([
      404,
      expect.stringMatching(/^application\/json/),
      { code: 404, message: 'HTTP 404 Not Found' },
    ]);
  });

  it('a declined citizen sees GOV.UK Pay’s page with Continue (end-pages.test.ts)', async () => {
    const p = await h.createPayment({}, key);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    const page = await browser.follow(
      await browser.post(pageUrl, { ...VALID_CARD_FORM, cardNo: '4000000000000002' }),
    );
    expect(h1(page.text)).toBe('Your payment has been declined');
    expect(page.text).toContain('>Continue</button>');
  });

  it('service and simulator both on 127.0.0.1: next_url is on another site (pages-origin.test.ts)', async () => {
    // A browser's "site" of a loopback URL is its host name; localhost and 127.0.0.1 differ, so
    // the return from the pages to a service on 127.0.0.1 is a cross-site navigation.
    const p = await h.createPayment({}, key);
    const serviceSite = new URL(h.url).hostname;
    const pagesSite = new URL(p._links.next_url?.href as string).hostname;
    expect([serviceSite, pagesSite]).toEqual(['127.0.0.1', 'localhost']);
  });
});
