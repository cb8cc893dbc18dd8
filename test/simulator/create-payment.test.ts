import { generateTestApiKey } from '../../src/simulator';
import type { Harness } from '../helpers/simulator-harness';
import { RETURN_URL, paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

describe('POST /v1/payments: success', () => {
  it('answers 201 with Location, no-cache headers and the payment per FACTS.md §3.2', async () => {
    const res = await h.post(
      '/v1/payments',
      paymentRequest({ metadata: { ledger: 'AB1', n: 2, ok: true } }),
    );
    expect(res.status).toBe(201);
    const p = res.body;
    expect(res.headers.location).toBe(`${h.url}/v1/payments/${p.payment_id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(p.payment_id).toMatch(/^[0-9a-v]{26}$/);
    expect(p.created_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(p).toMatchObject({
      amount: 1250,
      reference: 'REF-1',
      description: 'Parking permit',
      language: 'en',
      state: { status: 'created', finished: false },
      payment_provider: 'sandbox',
      refund_summary: { status: 'pending', amount_available: 1250, amount_submitted: 0 },
      settlement_summary: {},
      delayed_capture: false,
      moto: false,
      return_url: RETURN_URL,
      metadata: { ledger: 'AB1', n: 2, ok: true },
    });
    // NON_NULL: absent values are omitted, never null; no card yet; test keys never get fees.
    for (const absent of [
      'email',
      'card_details',
      'provider_id',
      'fee',
      'net_amount',
      'card_brand',
    ]) {
      expect(p).not.toHaveProperty(absent);
    }
    expect(Object.values(p).includes(null)).toBe(false);
    const self = `${h.url}/v1/payments/${p.payment_id}`;
    const token = p._links.next_url_post.params.chargeTokenId;
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p._links).toEqual({
      self: { href: self, method: 'GET' },
      // On the pages' host, as GOV.UK Pay's www. host differs from publicapi.'s (FACTS.md §4).
      next_url: { href: `${h.pagesUrl}/secure/${token}`, method: 'GET' },
      next_url_post: {
        type: 'application/x-www-form-urlencoded',
        params: { chargeTokenId: token },
        href: `${h.pagesUrl}/secure`,
        method: 'POST',
      },
      events: { href: `${self}/events`, method: 'GET' },
      refunds: { href: `${self}/refunds`, method: 'GET' },
      cancel: { href: `${self}/cancel`, method: 'POST' },
    });
  });

  it('keeps optional fields: language cy, email, delayed capture, prefilled details', async () => {
    const p = await h.createPayment({
      language: 'cy',
      email: 'citizen@example.com',
      delayed_capture: true,
      prefilled_cardholder_details: {
        cardholder_name: 'Sam',
        billing_address: { postcode: 'CF10 1AA' },
      },
    });
    expect(p).toMatchObject({
      language: 'cy',
      email: 'citizen@example.com',
      delayed_capture: true,
    });
  });

  it('accepts http and localhost return URLs for test keys, and an empty metadata object', async () => {
    const p = await h.createPayment({ return_url: 'http://localhost:3000/return', metadata: {} });
    expect(p.return_url).toBe('http://localhost:3000/return');
    expect(p).not.toHaveProperty('metadata');
  });

  it('ignores unknown top-level fields', async () => {
    const res = await h.post('/v1/payments', paymentRequest({ colour: 'blue' }));
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('colour');
  });

  it('mints distinct 26-character ids', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await h.createPayment()).payment_id);
    expect(ids.size).toBe(20);
  });

  it('validates the Idempotency-Key format but does not de-duplicate web payments', async () => {
    const headers = { 'Idempotency-Key': 'abc-123' };
    const a = await h.post('/v1/payments', paymentRequest(), { headers });
    const b = await h.post('/v1/payments', paymentRequest(), { headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.payment_id).not.toBe(b.body.payment_id);
    const bad = await h.post('/v1/payments', paymentRequest(), {
      headers: { 'Idempotency-Key': 'a_b' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      header: 'Idempotency-Key',
      code: 'P0102',
      description: 'Header [Idempotency-Key] can only contain alphanumeric characters and hyphens',
    });
    const long = await h.post('/v1/payments', paymentRequest(), {
      headers: { 'Idempotency-Key': 'a'.repeat(256) },
    });
    expect(long.body.description).toBe(
      'Header [Idempotency-Key] can have a size between 1 and 255',
    );
  });
});

describe('POST /v1/payments: validation with the real status, code and field', () => {
  const cases: Array<
    [string, Record<string, unknown>, number, string, string | undefined, string]
  > = [
    // name, overrides, status, code, field, description
    [
      'missing amount',
      { amount: undefined },
      400,
      'P0101',
      'amount',
      'Missing mandatory attribute: amount',
    ],
    [
      'null amount',
      { amount: null },
      400,
      'P0101',
      'amount',
      'Missing mandatory attribute: amount',
    ],
    [
      'float amount',
      { amount: 27.55 },
      400,
      'P0102',
      'amount',
      'Invalid attribute value: amount. Must be a valid numeric format',
    ],
    [
      'string amount',
      { amount: '100' },
      400,
      'P0102',
      'amount',
      'Invalid attribute value: amount. Must be a valid numeric format',
    ],
    [
      'amount over max',
      { amount: 10_000_001 },
      422,
      'P0102',
      'amount',
      'Invalid attribute value: amount. Must be less than or equal to 10000000',
    ],
    [
      'negative amount',
      { amount: -1 },
      422,
      'P0102',
      'amount',
      'Invalid attribute value: amount. Must be greater than or equal to 1',
    ],
    [
      'zero amount',
      { amount: 0 },
      422,
      'P0102',
      'amount',
      'Invalid attribute value: amount. Must be greater than or equal to 1. Refer to https://docs.payments.service.gov.uk/making_payments/#amount',
    ],
    [
      'missing reference',
      { reference: undefined },
      400,
      'P0101',
      'reference',
      'Missing mandatory attribute: reference',
    ],
    [
      'blank reference',
      { reference: '   ' },
      400,
      'P0101',
      'reference',
      'Missing mandatory attribute: reference',
    ],
    [
      'numeric reference',
      { reference: 12 },
      400,
      'P0102',
      'reference',
      'Invalid attribute value: reference. Must be a valid string format',
    ],
    [
      'reference with <',
      { reference: 'a<b' },
      400,
      'P0102',
      'reference',
      'Invalid attribute value: reference. Must be a valid string format',
    ],
    [
      'reference with |',
      { reference: 'a|b' },
      400,
      'P0102',
      'reference',
      'Invalid attribute value: reference. Must be a valid string format',
    ],
    [
      'reference too long',
      { reference: 'r'.repeat(256) },
      422,
      'P0102',
      'reference',
      'Invalid attribute value: reference. Must be less than or equal to 255 characters length',
    ],
    [
      'empty description',
      { description: '' },
      400,
      'P0101',
      'description',
      'Missing mandatory attribute: description',
    ],
    [
      'description with >',
      { description: 'x>y' },
      400,
      'P0102',
      'description',
      'Invalid attribute value: description. Must be a valid string format',
    ],
    [
      'description too long',
      { description: 'd'.repeat(256) },
      422,
      'P0102',
      'description',
      'Invalid attribute value: description. Must be less than or equal to 255 characters length',
    ],
    [
      'missing return_url',
      { return_url: undefined },
      400,
      'P0101',
      'return_url',
      'Missing mandatory attribute: return_url',
    ],
    [
      'object return_url',
      { return_url: {} },
      400,
      'P0102',
      'return_url',
      'Invalid attribute value: return_url. Must be a valid string format',
    ],
    [
      'invalid return_url',
      { return_url: 'not a url' },
      422,
      'P0102',
      'return_url',
      'Invalid attribute value: return_url. Must be a valid URL format',
    ],
    [
      'ftp return_url',
      { return_url: 'ftp://example.com/x' },
      422,
      'P0102',
      'return_url',
      'Invalid attribute value: return_url. Must be a valid URL format',
    ],
    [
      'return_url too long',
      { return_url: `https://example.com/${'a'.repeat(2000)}` },
      422,
      'P0102',
      'return_url',
      'Invalid attribute value: return_url. Must be less than or equal to 2000 characters length',
    ],
    [
      'language fr',
      { language: 'fr' },
      422,
      'P0102',
      'language',
      'Invalid attribute value: language. Must be "en" or "cy"',
    ],
    [
      'language blank',
      { language: ' ' },
      400,
      'P0102',
      'language',
      'Invalid attribute value: language. Must be "en" or "cy"',
    ],
    [
      'language null',
      { language: null },
      400,
      'P0102',
      'language',
      'Invalid attribute value: language. Must be "en" or "cy"',
    ],
    [
      'language number',
      { language: 1 },
      400,
      'P0102',
      'language',
      'Invalid attribute value: language. Must be "en" or "cy"',
    ],
    [
      'email number',
      { email: 5 },
      400,
      'P0102',
      'email',
      'Invalid attribute value: email. Must be a valid string format',
    ],
    [
      'email too long',
      { email: `${'e'.repeat(250)}@x.uk` },
      422,
      'P0102',
      'email',
      'Invalid attribute value: email. Must be less than or equal to 254 characters length',
    ],
    [
      'delayed_capture string',
      { delayed_capture: 'yes' },
      400,
      'P0102',
      'delayed_capture',
      'Invalid attribute value: delayed_capture. Must be true or false',
    ],
    [
      'delayed_capture null',
      { delayed_capture: null },
      400,
      'P0102',
      'delayed_capture',
      'Invalid attribute value: delayed_capture. Must be true or false',
    ],
    [
      'moto string',
      { moto: 'no' },
      400,
      'P0102',
      'moto',
      'Invalid attribute value: moto. Must be true or false',
    ],
    [
      'postcode too long',
      { prefilled_cardholder_details: { billing_address: { postcode: 'p'.repeat(26) } } },
      422,
      'P0102',
      'postcode',
      'Invalid attribute value: postcode. Must be less than or equal to 25 characters length',
    ],
    [
      'cardholder name too long',
      { prefilled_cardholder_details: { cardholder_name: 'n'.repeat(256) } },
      422,
      'P0102',
      'cardholder_name',
      'Invalid attribute value: cardholder_name. Must be less than or equal to 255 characters length',
    ],
    [
      'cardholder name number',
      { prefilled_cardholder_details: { cardholder_name: 7 } },
      400,
      'P0102',
      'cardholder_name',
      'Invalid attribute value: cardholder_name. Must be a valid string format',
    ],
    [
      'metadata array',
      { metadata: [1] },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Must be an object of JSON key-value pairs',
    ],
    [
      'metadata 16 keys',
      { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])) },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Cannot have more than 15 key-value pairs',
    ],
    [
      'metadata long key',
      { metadata: { ['k'.repeat(31)]: 1 } },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Keys must be between 1 and 30 characters long',
    ],
    [
      'metadata nested value',
      { metadata: { a: { b: 1 } } },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Values must be of type String, Boolean or Number',
    ],
    [
      'metadata null value',
      { metadata: { a: null } },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Must not have null values',
    ],
    [
      'metadata long value',
      { metadata: { a: 'v'.repeat(101) } },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Values must be no greater than 100 characters long',
    ],
    [
      'metadata keys differing in case',
      { metadata: { Key: 1, key: 2 } },
      422,
      'P0102',
      'metadata',
      'Invalid attribute value: metadata. Keys must be unique, ignoring case',
    ],
    [
      'bad authorisation_mode',
      { authorisation_mode: 'phone' },
      422,
      'P0102',
      'authorisation_mode',
      'Invalid attribute value: authorisation_mode. Must be one of web, moto_api, agreement',
    ],
    [
      'moto_api not enabled',
      { authorisation_mode: 'moto_api', return_url: undefined },
      422,
      'P0195',
      undefined,
      'Using authorisation_mode of moto_api is not allowed for this account',
    ],
    [
      'return_url in moto_api mode',
      { authorisation_mode: 'moto_api' },
      400,
      'P0104',
      'return_url',
      'Unexpected attribute: return_url',
    ],
    [
      'agreement_id outside agreement mode',
      { agreement_id: 'a'.repeat(26) },
      400,
      'P0104',
      'agreement_id',
      'Unexpected attribute: agreement_id',
    ],
    [
      'unknown agreement',
      { authorisation_mode: 'agreement', return_url: undefined, agreement_id: 'a'.repeat(26) },
      400,
      'P0102',
      'agreement_id',
      'Invalid attribute value: agreement_id. Agreement does not exist',
    ],
    [
      'unknown set_up_agreement',
      { set_up_agreement: 'a'.repeat(26) },
      400,
      'P0103',
      'set_up_agreement',
      'Invalid attribute value: set_up_agreement. Agreement ID does not exist',
    ],
  ];

  it.each(cases)('%s', async (_name, overrides, status, code, field, description) => {
    const res = await h.post('/v1/payments', paymentRequest(overrides));
    expect(res.status).toBe(status);
    expect(res.body).toEqual(
      field === undefined ? { code, description } : { field, code, description },
    );
  });

  it('reports a 400 type error before a 422 value error', async () => {
    const res = await h.post('/v1/payments', paymentRequest({ amount: 99_999_999, reference: 5 }));
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('reference');
  });

  it('lists every metadata violation at once', async () => {
    const res = await h.post(
      '/v1/payments',
      paymentRequest({ metadata: { ['k'.repeat(31)]: 'v'.repeat(101) } }),
    );
    expect(res.body.description).toBe(
      'Invalid attribute value: metadata. Keys must be between 1 and 30 characters long. Values must be no greater than 100 characters long',
    );
  });

  it('answers invalid JSON with 400 P0197', async () => {
    const res = await h.post('/v1/payments', undefined, {
      raw: '{"amount": 1',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'P0197', description: 'Unable to parse JSON' });
    const array = await h.post('/v1/payments', [1, 2]);
    expect(array.body.code).toBe('P0197');
  });

  it('refuses a body that is not JSON, or none, as GOV.UK Pay’s firewall does (400 P0920)', async () => {
    const firewall = {
      code: 'P0920',
      description:
        'Request blocked by security rules. Please consult API documentation for more information.',
    };
    const form = await h.post('/v1/payments', undefined, {
      raw: 'amount=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([form.status, form.body]).toEqual([400, firewall]);
    const empty = await h.post('/v1/payments', undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect([empty.status, empty.body]).toEqual([400, firewall]);
  });

  it('refuses an http return_url for a live key with 422 P0920 and accepts https', async () => {
    const live = generateTestApiKey('live');
    const res = await h.post(
      '/v1/payments',
      paymentRequest({ return_url: 'http://service.example.gov.uk/return' }),
      { key: live },
    );
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      field: 'return_url',
      code: 'P0920',
      description:
        'Invalid attribute value: return_url. Must begin with https:// for a live gateway account',
    });
    const ok = await h.post('/v1/payments', paymentRequest(), { key: live });
    expect(ok.status).toBe(201);
    expect(ok.body).not.toHaveProperty('fee');
  });
});
