import { generateTestApiKey } from '../../src/simulator';
import { expectRecordedBodiesMatchSpec } from './spec';
import type { Harness, Loose } from '../helpers/simulator-harness';
import {
  Browser,
  VALID_CARD_FORM,
  openCardPage,
  paymentRequest,
  recorded,
  startSimulator,
} from '../helpers/simulator-harness';

/** MOTO (FACTS.md §9): `moto: true` through next_url, and `moto_api` with `POST /v1/auth`. */

const motoKey = generateTestApiKey();
const plainKey = generateTestApiKey();
let h: Harness;
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    accounts: [{ keys: [motoKey], moto: true, motoApi: true }, { keys: [plainKey] }],
  });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

const motoApiPayment = async (overrides: Record<string, unknown> = {}): Promise<Loose> => {
  const res = await h.post(
    '/v1/payments',
    paymentRequest({ authorisation_mode: 'moto_api', return_url: undefined, ...overrides }),
    { key: motoKey },
  );
  expect(res.status).toBe(201);
  return res.body;
};

const cardDetails = (token: string, overrides: Record<string, unknown> = {}) => ({
  one_time_token: token,
  card_number: '4444333322221111',
  cvc: '123',
  expiry_date: '12/35',
  cardholder_name: 'Sam Jones',
  ...overrides,
});

/** POST /v1/auth as a client would: JSON, and no API key. */
const auth = (body: unknown) => h.post('/v1/auth', body, { key: null });

describe('moto: true, an account setting', () => {
  it('is refused with 422 P0196 where MOTO is off, and taken through next_url where it is on', async () => {
    const off = await h.post('/v1/payments', paymentRequest({ moto: true }), { key: plainKey });
    expect([off.status, off.body.code]).toEqual([422, 'P0196']);
    const on = await h.post('/v1/payments', paymentRequest({ moto: true }), { key: motoKey });
    expect([on.status, on.body.moto]).toEqual([201, true]);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, on.body);
    const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM });
    await browser.leavesTo(await browser.post(submitted.location as string));
    const got = (await h.get(`/v1/payments/${on.body.payment_id}`, { key: motoKey })).body;
    expect([got.state.status, got.moto]).toEqual(['success', true]);
  });
});

describe('authorisation_mode moto_api and POST /v1/auth', () => {
  it('is refused with 422 P0195 where the card details API is off', async () => {
    const res = await h.post(
      '/v1/payments',
      paymentRequest({ authorisation_mode: 'moto_api', return_url: undefined }),
      { key: plainKey },
    );
    expect([res.status, res.body.code]).toEqual([422, 'P0195']);
  });

  it('gives auth_url_post instead of next_url, with a UUID one_time_token', async () => {
    const p = await motoApiPayment();
    expect(p.authorisation_mode).toBe('moto_api');
    expect(p._links.next_url).toBeUndefined();
    expect(p._links.auth_url_post).toEqual({
      type: 'application/json',
      params: { one_time_token: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      href: `${h.url}/v1/auth`,
      method: 'POST',
    });
    expect(p._links.cancel).toBeDefined();
    expect(p).not.toHaveProperty('return_url');
  });

  it('204: an authorised card, without an API key; the payment succeeds', async () => {
    const p = await motoApiPayment();
    const res = await auth(cardDetails(p._links.auth_url_post.params.one_time_token));
    expect([res.status, res.text]).toEqual([204, '']);
    const got = (await h.get(`/v1/payments/${p.payment_id}`, { key: motoKey })).body;
    expect(got.state).toEqual({ status: 'success', finished: true });
    expect(got.card_details.last_digits_card_number).toBe('1111');
    expect(got._links.auth_url_post).toBeUndefined();
  });

  it('402 P0010: a declined card; the payment fails P0010', async () => {
    const p = await motoApiPayment();
    const res = await auth(
      cardDetails(p._links.auth_url_post.params.one_time_token, {
        card_number: '4000000000000002',
      }),
    );
    expect([res.status, res.body]).toEqual([
      402,
      { code: 'P0010', description: 'The payment was rejected' },
    ]);
    expect((await h.get(`/v1/payments/${p.payment_id}`, { key: motoKey })).body.state.code).toBe(
      'P0010',
    );
  });

  it('500 P0050: the error card, and a number the sandbox does not know', async () => {
    for (const card of ['4000000000000119', '4012888888881881']) {
      const p = await motoApiPayment();
      const res = await auth(
        cardDetails(p._links.auth_url_post.params.one_time_token, { card_number: card }),
      );
      expect([res.status, res.body]).toEqual([
        500,
        { code: 'P0050', description: 'There was an error authorising the payment' },
      ]);
      expect(
        (await h.get(`/v1/payments/${p.payment_id}`, { key: motoKey })).body.state.status,
      ).toBe('error');
    }
  });

  it('400 P1212 for a token already used; 400 P1211 for an unknown one', async () => {
    const p = await motoApiPayment();
    const token = p._links.auth_url_post.params.one_time_token;
    expect((await auth(cardDetails(token))).status).toBe(204);
    const used = await auth(cardDetails(token));
    expect([used.status, used.body.code]).toEqual([400, 'P1212']);
    const unknown = await auth(cardDetails('00000000-0000-4000-8000-000000000000'));
    expect([unknown.status, unknown.body.code]).toEqual([400, 'P1211']);
  });

  it('422 P0101 for a missing field and 422 P0102 for a bad one', async () => {
    const p = await motoApiPayment();
    const token = p._links.auth_url_post.params.one_time_token;
    const missing = await auth(cardDetails(token, { cvc: undefined }));
    expect([missing.status, missing.body]).toEqual([
      422,
      { field: 'cvc', code: 'P0101', description: 'Missing mandatory attribute: cvc' },
    ]);
    for (const [field, value] of [
      ['card_number', '1234'],
      ['cvc', '12'],
      ['expiry_date', '13/30'],
      ['cardholder_name', 'x'.repeat(256)],
    ] as const) {
      const res = await auth(cardDetails(token, { [field]: value }));
      expect([res.status, res.body.code, res.body.field]).toEqual([422, 'P0102', field]);
    }
    // None of them spent the token.
    expect((await auth(cardDetails(token))).status).toBe(204);
  });

  it('needs a JSON body, like every POST', async () => {
    const res = await h.post('/v1/auth', undefined, {
      key: null,
      raw: 'one_time_token=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([res.status, res.body.code]).toEqual([400, 'P0920']);
  });

  it('a payment cancelled by the service can no longer be authorised', async () => {
    const p = await motoApiPayment();
    expect(
      (await h.post(`/v1/payments/${p.payment_id}/cancel`, undefined, { key: motoKey })).status,
    ).toBe(204);
    const res = await auth(cardDetails(p._links.auth_url_post.params.one_time_token));
    expect([res.status, res.body.code]).toEqual([400, 'P1212']);
  });
});
