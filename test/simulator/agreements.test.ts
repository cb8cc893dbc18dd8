import {
  AGREEMENT_AUTHORISATION_MS,
  RECURRING_DECLINE_CARD,
  generateTestApiKey,
} from '../../src/simulator';
import { expectRecordedBodiesMatchSpec } from './spec';
import type { Harness, Loose } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  openCardPage,
  recorded,
  startSimulator,
} from '../helpers/simulator-harness';

/** Agreements and recurring payments (FACTS.md §9), with the Idempotency-Key rules of §8. */

const key = generateTestApiKey();
const noRecurringKey = generateTestApiKey();
let h: Harness;
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    accounts: [{ keys: [key] }, { keys: [noRecurringKey], recurring: false }],
  });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

const post = (path: string, body?: unknown, headers?: Record<string, string>) =>
  h.post(path, body, headers === undefined ? { key } : { key, headers });
const get = (path: string) => h.get(path, { key });

const charge = (agreementId: string, overrides: Record<string, unknown> = {}) => ({
  amount: 2000,
  reference: 'MONTHLY-1',
  description: 'Monthly subscription',
  authorisation_mode: 'agreement',
  agreement_id: agreementId,
  ...overrides,
});

async function createAgreement(reference = 'AGR-1'): Promise<Loose> {
  const res = await post('/v1/agreements', {
    reference,
    description: 'Council tax by card',
    user_identifier: 'user-123',
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** The citizen's first payment, through the hosted pages, which sets the agreement up. */
async function setUp(agreementId: string, card = '4444333322221111'): Promise<Loose> {
  const created = await post('/v1/payments', {
    amount: 100,
    reference: 'SETUP-1',
    description: 'Set up your payments',
    return_url: RETURN_URL,
    set_up_agreement: agreementId,
    agreement_payment_type: 'recurring',
  });
  expect(created.status).toBe(201);
  const browser = new Browser(h.url);
  const { pageUrl, page } = await openCardPage(browser, created.body);
  // The citizen is told that the card will be kept, and for what.
  expect(page.text).toContain('Your card details will be saved');
  expect(page.text).toContain('Council tax by card');
  const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM, cardNo: card });
  expect(await browser.leavesTo(await browser.post(submitted.location as string))).toBe(RETURN_URL);
  return created.body;
}

describe('an agreement’s whole life', () => {
  it('set up through the hosted pages, charged without the citizen, declined, cancelled, refused', async () => {
    // Created.
    const agreement = await createAgreement();
    expect(agreement).toEqual({
      agreement_id: expect.stringMatching(/^[0-9a-v]{26}$/),
      reference: 'AGR-1',
      description: 'Council tax by card',
      status: 'created',
      user_identifier: 'user-123',
      created_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const id: string = agreement.agreement_id;
    // A payment cannot use it before it is active.
    const early = await post('/v1/payments', charge(id));
    expect([early.status, early.body]).toEqual([
      400,
      {
        field: 'agreement_id',
        code: 'P0102',
        description: 'Invalid attribute value: agreement_id. Agreement must be active',
      },
    ]);

    // 1. Set up with a first payment through the hosted pages.
    const first = await setUp(id);
    expect(first.agreement_id).toBe(id);
    expect(first.agreement_payment_type).toBe('recurring');
    const active = (await get(`/v1/agreements/${id}`)).body;
    expect(active.status).toBe('active');
    expect(active.payment_instrument).toEqual({
      type: 'card',
      created_date: expect.any(String),
      card_details: {
        last_digits_card_number: '1111',
        first_digits_card_number: '444433',
        cardholder_name: 'Sam Jones',
        expiry_date: '12/35',
        billing_address: null,
        card_brand: 'Visa',
        card_type: 'credit',
      },
    });

    // 2. Charge it while the citizen is away: submitted for a while, then success.
    const created = await post('/v1/payments', charge(id), { 'idempotency-key': 'charge-1' });
    expect(created.status).toBe(201);
    const payment = created.body;
    expect(payment.authorisation_mode).toBe('agreement');
    expect(payment.agreement_id).toBe(id);
    expect(payment).not.toHaveProperty('return_url');
    expect(Object.keys(payment._links).sort()).toEqual(['events', 'refunds', 'self']);
    // The simulator clock also runs with real time: on a badly stalled machine the provider may
    // already have answered, so only a read that certainly came in time must see `submitted`.
    const dueAt = Date.parse(payment.created_date) + AGREEMENT_AUTHORISATION_MS;
    const waiting = (await get(`/v1/payments/${payment.payment_id}`)).body.state;
    if (h.sim.clock.now() < dueAt)
      expect(waiting).toEqual({ status: 'submitted', finished: false });
    else expect(['submitted', 'success']).toContain(waiting.status);
    h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
    expect((await get(`/v1/payments/${payment.payment_id}`)).body.state).toEqual({
      status: 'success',
      finished: true,
    });
    // The same Idempotency-Key and body: 200 with the same payment; another body: 409 P0191.
    const replay = await post('/v1/payments', charge(id), { 'idempotency-key': 'charge-1' });
    expect([replay.status, replay.body.payment_id]).toEqual([200, payment.payment_id]);
    const clash = await post('/v1/payments', charge(id, { amount: 2001 }), {
      'idempotency-key': 'charge-1',
    });
    expect([clash.status, clash.body.code]).toEqual([409, 'P0191']);
    expect(clash.body.description).toBe(
      'The `Idempotency-Key` you sent in the request header has already been used to create a payment.',
    );

    // 3. A decline with can_retry.
    h.sim.declineNextAgreementPayment(id, { canRetry: true });
    const declined = (await post('/v1/payments', charge(id))).body;
    h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
    expect((await get(`/v1/payments/${declined.payment_id}`)).body.state).toEqual({
      status: 'failed',
      finished: true,
      message: 'Payment method rejected',
      code: 'P0010',
      can_retry: true,
    });
    h.sim.declineNextAgreementPayment(id, { canRetry: false });
    const hard = (await post('/v1/payments', charge(id))).body;
    h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
    expect((await get(`/v1/payments/${hard.payment_id}`)).body.state.can_retry).toBe(false);
    // The payments of an agreement can be found by it.
    const found = await get(`/v1/payments?agreement_id=${id}`);
    expect(found.body.total).toBe(4);

    // 4. Cancel the agreement.
    expect((await post(`/v1/agreements/${id}/cancel`)).status).toBe(204);
    const cancelled = (await get(`/v1/agreements/${id}`)).body;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_date).toMatch(/Z$/);
    const again = await post(`/v1/agreements/${id}/cancel`);
    expect([again.status, again.body]).toEqual([
      400,
      { code: 'P2501', description: 'Cancellation of agreement failed' },
    ]);

    // 5. Refuse a payment on a cancelled agreement.
    const refused = await post('/v1/payments', charge(id));
    expect([refused.status, refused.body.code, refused.body.description]).toEqual([
      400,
      'P0102',
      'Invalid attribute value: agreement_id. Agreement must be active',
    ]);
  });

  it('the sandbox card that declines recurring charges sets up, then every charge fails with can_retry', async () => {
    const { agreement_id: id } = await createAgreement('AGR-DECLINES');
    await setUp(id, RECURRING_DECLINE_CARD);
    expect((await get(`/v1/agreements/${id}`)).body.status).toBe('active');
    const p = (await post('/v1/payments', charge(id))).body;
    h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
    expect((await get(`/v1/payments/${p.payment_id}`)).body.state).toMatchObject({
      status: 'failed',
      code: 'P0010',
      can_retry: true,
    });
  });

  it('a set-up payment that is declined leaves the agreement created', async () => {
    const { agreement_id: id } = await createAgreement('AGR-FAILED-SETUP');
    const created = await post('/v1/payments', {
      amount: 100,
      reference: 'SETUP-2',
      description: 'Set up',
      return_url: RETURN_URL,
      set_up_agreement: id,
    });
    h.sim.completePayment(created.body.payment_id, { card: '4000000000000002' });
    expect((await get(`/v1/agreements/${id}`)).body.status).toBe('created');
  });

  it('an inactive agreement cannot be charged or cancelled', async () => {
    const { agreement_id: id } = await createAgreement('AGR-INACTIVE');
    await setUp(id);
    h.sim.deactivateAgreement(id);
    expect((await get(`/v1/agreements/${id}`)).body.status).toBe('inactive');
    expect((await post('/v1/payments', charge(id))).body.description).toMatch(/must be active/);
    expect((await post(`/v1/agreements/${id}/cancel`)).body.code).toBe('P2501');
  });
});

describe('Idempotency-Key outside agreement mode', () => {
  it('is checked for format but ignored: a retried web create makes a second payment', async () => {
    const body = {
      amount: 100,
      reference: 'WEB-1',
      description: 'One-off',
      return_url: RETURN_URL,
    };
    const a = await post('/v1/payments', body, { 'idempotency-key': 'same-key' });
    const b = await post('/v1/payments', body, { 'idempotency-key': 'same-key' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.payment_id).not.toBe(b.body.payment_id);
    const bad = await post('/v1/payments', body, { 'idempotency-key': 'no spaces' });
    expect([bad.status, bad.body.header]).toEqual([422, 'Idempotency-Key']);
  });
});

describe('agreement requests that GOV.UK Pay refuses', () => {
  const refusals: Array<[string, unknown, number, Record<string, unknown>]> = [
    [
      'a missing reference',
      { description: 'd' },
      400,
      { field: 'reference', code: 'P2101', description: 'Missing mandatory attribute: reference' },
    ],
    [
      'an empty description',
      { reference: 'r', description: '' },
      400,
      {
        field: 'description',
        code: 'P2101',
        description: 'Missing mandatory attribute: description',
      },
    ],
    [
      'a numeric reference',
      { reference: 5, description: 'd' },
      400,
      {
        field: 'reference',
        code: 'P2102',
        description: 'Invalid attribute value: reference. Must be a valid string format',
      },
    ],
    [
      'a description over 255 characters',
      { reference: 'r', description: 'd'.repeat(256) },
      422,
      {
        field: 'description',
        code: 'P0102',
        description:
          'Invalid attribute value: description. Must be less than or equal to 255 characters length',
      },
    ],
  ];
  it.each(refusals)('%s', async (_name, body, status, error) => {
    const res = await post('/v1/agreements', body);
    expect([res.status, res.body]).toEqual([status, error]);
  });

  it('an empty user_identifier is a 422 P0102; unparseable JSON is 400 P2197', async () => {
    const empty = await post('/v1/agreements', {
      reference: 'r',
      description: 'd',
      user_identifier: '',
    });
    expect([empty.status, empty.body.code, empty.body.field]).toEqual([
      422,
      'P0102',
      'user_identifier',
    ]);
    const broken = await h.post('/v1/agreements', undefined, {
      key,
      raw: '{"reference":',
      headers: { 'content-type': 'application/json' },
    });
    expect([broken.status, broken.body]).toEqual([
      400,
      { code: 'P2197', description: 'Unable to parse JSON' },
    ]);
  });

  it('an unknown agreement: 404 P2200 and P2500; set_up_agreement 400 P0103', async () => {
    const x = '0000000000000000000000000a';
    expect((await get(`/v1/agreements/${x}`)).body).toEqual({
      code: 'P2200',
      description: 'Not found',
    });
    expect((await post(`/v1/agreements/${x}/cancel`)).body).toEqual({
      code: 'P2500',
      description: 'Not found',
    });
    const setUpUnknown = await post('/v1/payments', {
      amount: 1,
      reference: 'r',
      description: 'd',
      return_url: RETURN_URL,
      set_up_agreement: x,
    });
    expect([setUpUnknown.status, setUpUnknown.body.code]).toEqual([400, 'P0103']);
  });

  it('agreement mode refuses return_url, email and prefilled details with 400 P0104', async () => {
    const { agreement_id: id } = await createAgreement('AGR-P0104');
    for (const extra of [
      { return_url: RETURN_URL },
      { email: 'a@example.com' },
      { prefilled_cardholder_details: { cardholder_name: 'A' } },
    ]) {
      const res = await post('/v1/payments', charge(id, extra));
      expect([res.status, res.body.code, res.body.field]).toEqual([
        400,
        'P0104',
        Object.keys(extra)[0],
      ]);
    }
  });

  it('with recurring payments off: 422 P0942 for agreements, set-ups and agreement payments', async () => {
    const P0942 = {
      code: 'P0942',
      description:
        'Recurring card payments are currently disabled for this service. Contact support with your error code - https://www.payments.service.gov.uk/support/',
    };
    const opts = { key: noRecurringKey };
    const agreementRes = await h.post('/v1/agreements', { reference: 'r', description: 'd' }, opts);
    expect([agreementRes.status, agreementRes.body]).toEqual([422, P0942]);
    const setUpRes = await h.post(
      '/v1/payments',
      {
        amount: 1,
        reference: 'r',
        description: 'd',
        return_url: RETURN_URL,
        set_up_agreement: 'a'.repeat(26),
      },
      opts,
    );
    expect([setUpRes.status, setUpRes.body]).toEqual([422, P0942]);
    const chargeRes = await h.post('/v1/payments', charge('a'.repeat(26)), opts);
    expect([chargeRes.status, chargeRes.body]).toEqual([422, P0942]);
  });
});

describe('GET /v1/agreements', () => {
  it('filters by reference and status, pages, and refuses what it does not know', async () => {
    const a = await createAgreement('SEARCH-ME');
    await createAgreement('SEARCH-OTHER');
    const byReference = await get('/v1/agreements?reference=SEARCH-ME');
    expect(byReference.status).toBe(200);
    expect(byReference.body.results.map((r: Loose) => r.agreement_id)).toEqual([a.agreement_id]);
    expect(byReference.body._links.self.href).toMatch(/\/v1\/agreements\?reference=SEARCH-ME/);
    const created = await get('/v1/agreements?status=created&display_size=1');
    expect(created.body.count).toBe(1);
    expect(created.body.results[0].status).toBe('created');
    const unknown = await get('/v1/agreements?colour=red');
    expect([unknown.status, unknown.body.code]).toEqual([400, 'P2401']);
    const bad = await get('/v1/agreements?status=paused');
    expect([bad.status, bad.body.code]).toEqual([422, 'P2401']);
    const past = await get('/v1/agreements?page=999');
    expect([past.status, past.body.code]).toEqual([404, 'P2402']);
  });
});

describe('faults on the agreement and dispute routes', () => {
  it('answer with each route’s own codes', async () => {
    h.sim.faults.inject({
      route: 'getAgreement',
      times: 1,
      fault: { kind: 'status', status: 500 },
    });
    h.sim.faults.inject({
      route: 'cancelAgreement',
      times: 1,
      fault: { kind: 'status', status: 404 },
    });
    h.sim.faults.inject({
      route: 'searchDisputes',
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    h.sim.faults.inject({
      route: 'searchAgreements',
      times: 1,
      fault: { kind: 'status', status: 429 },
    });
    h.sim.faults.inject({ route: 'createAgreement', times: 1, fault: { kind: 'latency', ms: 20 } });
    const x = '0000000000000000000000000a';
    expect((await get(`/v1/agreements/${x}`)).body).toEqual({
      code: 'P2298',
      description: 'Downstream system error',
    });
    expect((await post(`/v1/agreements/${x}/cancel`)).body.code).toBe('P2500');
    expect((await get('/v1/disputes')).body).toEqual({
      code: 'P0498',
      description: 'Downstream system error',
    });
    expect((await get('/v1/agreements')).body.code).toBe('P0900');
    expect((await post('/v1/agreements', { reference: 'slow', description: 'd' })).status).toBe(
      201,
    );
  });
});
