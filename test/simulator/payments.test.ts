import { TEST_CARDS, generateTestApiKey } from '../../src/simulator';
import type { Harness, Loose } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  openCardPage,
  recorded,
  startSimulator,
} from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

describe('GET /v1/payments/{id}', () => {
  it('returns the payment with no-cache headers and a fresh next_url on every GET', async () => {
    const created = await h.createPayment();
    const first = await h.get(`/v1/payments/${created.payment_id}`);
    const second = await h.get(`/v1/payments/${created.payment_id}`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers.pragma).toBe('no-cache');
    const tokens = [created, first.body, second.body].map(
      (p) => p._links.next_url_post.params.chargeTokenId,
    );
    expect(new Set(tokens).size).toBe(3);
    for (const p of [first.body, second.body]) {
      expect(p._links.next_url.href).toBe(
        `${h.pagesUrl}/secure/${p._links.next_url_post.params.chargeTokenId}`,
      );
    }
    const { _links: _a, ...restCreated } = created;
    const { _links: _b, ...restFirst } = first.body;
    expect(restFirst).toEqual(restCreated);
  });

  it('answers 404 P0200 for an unknown id and for another account’s payment', async () => {
    const p = await h.createPayment();
    const unknown = await h.get('/v1/payments/0000000000000000000000000a');
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { code: 'P0200', description: 'Not found' },
    ]);
    const other = await h.get(`/v1/payments/${p.payment_id}`, { key: generateTestApiKey() });
    expect([other.status, other.body]).toEqual([404, { code: 'P0200', description: 'Not found' }]);
  });

  it('drops next_url and cancel once finished, and shows card details with all keys', async () => {
    const p = await h.createPayment();
    h.sim.completePayment(p.payment_id, { card: '4000056655665556' });
    const res = await h.get(`/v1/payments/${p.payment_id}`);
    expect(res.body.state).toEqual({ status: 'success', finished: true });
    expect(Object.keys(res.body._links).sort()).toEqual(['events', 'refunds', 'self']);
    expect(res.body.card_details).toEqual({
      last_digits_card_number: '5556',
      first_digits_card_number: '400005',
      cardholder_name: 'Sandbox Tester',
      expiry_date: expect.stringMatching(/^12\/\d{2}$/),
      billing_address: null,
      card_brand: 'Visa',
      card_type: 'debit',
    });
    expect(res.body.card_brand).toBe('Visa');
    expect(res.body.provider_id).toEqual(expect.any(String));
    expect(res.body.refund_summary).toEqual({
      status: 'available',
      amount_available: 1250,
      amount_submitted: 0,
    });
    expect(res.body.settlement_summary).toEqual({
      capture_submit_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      captured_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('copies a prefilled billing address into card_details', async () => {
    const p = await h.createPayment({
      prefilled_cardholder_details: {
        cardholder_name: 'Jo Bloggs',
        billing_address: { line1: '1 High St', postcode: 'AB1 2CD', country: 'GB' },
      },
    });
    const done = h.sim.completePayment(p.payment_id, { card: TEST_CARDS.authorised[0] as string });
    expect(done.card_details?.cardholder_name).toBe('Jo Bloggs');
    expect(done.card_details?.billing_address).toEqual({
      line1: '1 High St',
      postcode: 'AB1 2CD',
      country: 'GB',
    });
  });
});

describe('events', () => {
  it('lists every state change with its time', async () => {
    const p = await h.createPayment();
    h.sim.completePayment(p.payment_id, { card: '4242424242424242' });
    const res = await h.get(`/v1/payments/${p.payment_id}/events`);
    expect(res.status).toBe(200);
    const self = `${h.url}/v1/payments/${p.payment_id}`;
    expect(res.body._links).toEqual({ self: { href: `${self}/events`, method: 'GET' } });
    expect(res.body.payment_id).toBe(p.payment_id);
    expect(res.body.events.map((e: Loose) => e.state.status)).toEqual([
      'created',
      'started',
      'submitted',
      'success',
    ]);
    for (const e of res.body.events) {
      expect(e.payment_id).toBe(p.payment_id);
      expect(e.updated).toMatch(/\.\d{3}Z$/);
      expect(e._links).toEqual({ payment_url: { href: self, method: 'GET' } });
    }
  });

  it('answers 404 P0300 for an unknown payment', async () => {
    const res = await h.get('/v1/payments/nope/events');
    expect([res.status, res.body]).toEqual([404, { code: 'P0300', description: 'Not found' }]);
  });
});

describe('POST …/cancel', () => {
  it('cancels an unfinished payment: 204, then cancelled P0040', async () => {
    const p = await h.createPayment();
    const res = await h.post(`/v1/payments/${p.payment_id}/cancel`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = await h.get(`/v1/payments/${p.payment_id}`);
    expect(after.body.state).toEqual({
      status: 'cancelled',
      finished: true,
      message: 'Payment was cancelled by the service',
      code: 'P0040',
    });
    expect(after.body.refund_summary.status).toBe('unavailable');
    expect(after.body._links.cancel).toBeUndefined();
  });

  it('answers 400 P0501 for a finished payment and 404 P0500 for an unknown one', async () => {
    const p = await h.createPayment();
    h.sim.completePayment(p.payment_id, { cancel: true });
    const res = await h.post(`/v1/payments/${p.payment_id}/cancel`);
    expect([res.status, res.body]).toEqual([
      400,
      { code: 'P0501', description: 'Cancellation of payment failed' },
    ]);
    const unknown = await h.post('/v1/payments/0000000000000000000000000a/cancel');
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { code: 'P0500', description: 'Not found' },
    ]);
  });

  it('can cancel a capturable payment', async () => {
    const p = await h.createPayment({ delayed_capture: true });
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    expect((await h.post(`/v1/payments/${p.payment_id}/cancel`)).status).toBe(204);
    expect((await h.get(`/v1/payments/${p.payment_id}`)).body.state.code).toBe('P0040');
  });
});

describe('POST …/capture', () => {
  it('captures a delayed-capture payment: capturable → success', async () => {
    const p = await h.createPayment({ delayed_capture: true });
    const capturable = h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    expect(capturable.state).toEqual({ status: 'capturable', finished: false });
    const get = await h.get(`/v1/payments/${p.payment_id}`);
    // Capturable: cancel and capture links, but no next_url any more.
    expect(Object.keys(get.body._links).sort()).toEqual([
      'cancel',
      'capture',
      'events',
      'refunds',
      'self',
    ]);
    expect(get.body._links.capture).toEqual({
      href: `${h.url}/v1/payments/${p.payment_id}/capture`,
      method: 'POST',
    });
    expect(get.body.refund_summary.status).toBe('pending');
    expect(get.body.settlement_summary).toEqual({});
    const res = await h.post(`/v1/payments/${p.payment_id}/capture`);
    expect([res.status, res.text]).toEqual([204, '']);
    const after = await h.get(`/v1/payments/${p.payment_id}`);
    expect(after.body.state).toEqual({ status: 'success', finished: true });
    expect(after.body.settlement_summary.captured_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('answers 409 P1003 when not capturable and 404 P1000 when unknown', async () => {
    const p = await h.createPayment();
    const res = await h.post(`/v1/payments/${p.payment_id}/capture`);
    expect([res.status, res.body]).toEqual([
      409,
      { code: 'P1003', description: 'Payment cannot be captured' },
    ]);
    const unknown = await h.post('/v1/payments/0000000000000000000000000a/capture');
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { code: 'P1000', description: 'Not found' },
    ]);
  });
});

describe('expiry by the simulator clock', () => {
  let sim: Harness;
  beforeEach(async () => {
    sim = await startSimulator({ rateLimit: false, startTime: Date.parse('2030-01-01T00:00:00Z') });
  });
  afterEach(() => sim.close());

  it('fails created, started and submitted payments with P0020 90 minutes after creation', async () => {
    const created = await sim.createPayment();
    const started = await sim.createPayment();
    const submitted = await sim.createPayment();
    await openCardPage(new Browser(sim.url), started);
    const browser = new Browser(sim.url);
    const { pageUrl } = await openCardPage(browser, submitted);
    expect((await browser.post(pageUrl, { ...VALID_CARD_FORM })).location).toMatch(/\/confirm$/);

    sim.sim.clock.advance(89 * MINUTE);
    const states = async (): Promise<string[]> =>
      Promise.all(
        [created, started, submitted].map(
          async (p) => (await sim.get(`/v1/payments/${p.payment_id}`)).body.state.status,
        ),
      );
    expect(await states()).toEqual(['created', 'started', 'submitted']);
    sim.sim.clock.advance(MINUTE);
    expect(await states()).toEqual(['failed', 'failed', 'failed']);
    for (const p of [created, started, submitted]) {
      const res = await sim.get(`/v1/payments/${p.payment_id}`);
      expect(res.body.state).toEqual({
        status: 'failed',
        finished: true,
        message: 'Payment expired',
        code: 'P0020',
      });
      expect(res.body._links.next_url).toBeUndefined();
      expect(res.body._links.cancel).toBeUndefined();
    }
    const events = await sim.get(`/v1/payments/${created.payment_id}/events`);
    expect(events.body.events.at(-1)).toMatchObject({
      state: { status: 'failed', code: 'P0020' },
      updated: new Date(Date.parse(created.created_date) + 90 * MINUTE).toISOString(),
    });
    // The pages show an expired payment's citizen GOV.UK Pay's expired page, then Continue.
    const expired = await browser.follow(await browser.get(pageUrl));
    expect(expired.text).toContain('Your payment session has expired');
    const form = /<form method="get" action="([^"]+)"/.exec(expired.text)?.[1];
    expect(await browser.leavesTo(await browser.get(form as string))).toBe(RETURN_URL);
  });

  it('applies expiry in search too', async () => {
    const p = await sim.createPayment();
    sim.sim.clock.advance(2 * HOUR);
    const res = await sim.get('/v1/payments?state=failed');
    expect(res.body.results.map((r: Loose) => r.payment_id)).toEqual([p.payment_id]);
  });

  it('expires capturable payments after 120 hours, and not before', async () => {
    const p = await sim.createPayment({ delayed_capture: true });
    sim.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    sim.sim.clock.advance(119 * HOUR);
    expect((await sim.get(`/v1/payments/${p.payment_id}`)).body.state.status).toBe('capturable');
    sim.sim.clock.advance(HOUR);
    const res = await sim.get(`/v1/payments/${p.payment_id}`);
    expect(res.body.state).toMatchObject({ status: 'failed', code: 'P0020' });
    expect((await sim.post(`/v1/payments/${p.payment_id}/capture`)).status).toBe(409);
  });

  it('never expires a finished payment', async () => {
    const p = await sim.createPayment();
    sim.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    sim.sim.clock.advance(1000 * HOUR);
    expect((await sim.get(`/v1/payments/${p.payment_id}`)).body.state.status).toBe('success');
  });

  it('rejects a negative or non-finite advance', () => {
    expect(() => sim.sim.clock.advance(-1)).toThrow(RangeError);
    expect(() => sim.sim.clock.advance(Number.NaN)).toThrow(RangeError);
  });

  it('runs from startTime with real time', () => {
    const now = sim.sim.clock.now();
    expect(now).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    expect(now).toBeLessThan(Date.parse('2030-01-01T00:01:00Z'));
  });
});

describe('the JS API', () => {
  it('completePayment plays each card class and cancel through the same transitions', async () => {
    const outcomes: Array<[string, object]> = [
      [TEST_CARDS.authorised[0] as string, { status: 'success', finished: true }],
      [
        TEST_CARDS.declined[0] as string,
        { status: 'failed', finished: true, message: 'Payment method rejected', code: 'P0010' },
      ],
      [TEST_CARDS.declined[1] as string, { status: 'failed', code: 'P0010' }],
      [TEST_CARDS.declined[2] as string, { status: 'failed', code: 'P0010' }],
      [
        TEST_CARDS.error[0] as string,
        {
          status: 'error',
          finished: true,
          message: 'Payment provider returned an error',
          code: 'P0050',
        },
      ],
    ];
    for (const [card, state] of outcomes) {
      const p = await h.createPayment();
      expect(h.sim.completePayment(p.payment_id, { card }).state).toMatchObject(state);
      expect((await h.get(`/v1/payments/${p.payment_id}`)).body.state).toMatchObject(state);
    }
    const p = await h.createPayment();
    expect(h.sim.completePayment(p.payment_id, { cancel: true }).state).toEqual({
      status: 'failed',
      finished: true,
      message: 'Payment was cancelled by the user',
      code: 'P0030',
    });
  });

  it('completePayment accepts spaces in card numbers and refuses other numbers or finished payments', async () => {
    const p = await h.createPayment();
    expect(() => h.sim.completePayment(p.payment_id, { card: '4111 1111 1111 1112' })).toThrow(
      /not a sandbox test card/,
    );
    expect(h.sim.completePayment(p.payment_id, { card: '4444 3333 2222 1111' }).state.status).toBe(
      'success',
    );
    expect(() => h.sim.completePayment(p.payment_id, { cancel: true })).toThrow(
      /cannot be cancelled/,
    );
    expect(() => h.sim.completePayment('unknown', { cancel: true })).toThrow(/no payment/);
    expect(() => h.sim.completePayment(p.payment_id, {} as never)).toThrow(TypeError);
  });

  it('cancelByService and failWithProviderError finish unfinished payments only', async () => {
    const a = await h.createPayment();
    h.sim.cancelByService(a.payment_id);
    expect((await h.get(`/v1/payments/${a.payment_id}`)).body.state).toMatchObject({
      status: 'cancelled',
      code: 'P0040',
    });
    const b = await h.createPayment();
    h.sim.failWithProviderError(b.payment_id);
    expect((await h.get(`/v1/payments/${b.payment_id}`)).body.state).toMatchObject({
      status: 'error',
      code: 'P0050',
    });
    expect(() => h.sim.cancelByService(b.payment_id)).toThrow(/cannot be cancelled/);
    expect(() => h.sim.failWithProviderError(a.payment_id)).toThrow(/cannot fail/);
    expect(() => h.sim.cancelByService('unknown')).toThrow(/no payment/);
  });

  it('payments.get mints a next_url like the API; list is newest first without next_url; size counts', async () => {
    const sim = await startSimulator({ rateLimit: false });
    try {
      const a = await sim.createPayment({ reference: 'first' });
      const b = await sim.createPayment({ reference: 'second' });
      expect(sim.sim.payments.size).toBe(2);
      const got = sim.sim.payments.get(a.payment_id);
      expect(got?._links.next_url?.href).toMatch(new RegExp(`^${sim.pagesUrl}/secure/`));
      expect(got?._links.next_url?.href).not.toBe(a._links.next_url?.href);
      expect(sim.sim.payments.get('missing')).toBeUndefined();
      const list = sim.sim.payments.list();
      expect(list.map((p) => p.reference)).toEqual(['second', 'first']);
      expect(list[0]?._links.next_url).toBeUndefined();
      expect(list[0]?.payment_id).toBe(b.payment_id);
      sim.sim.reset();
      expect(sim.sim.payments.size).toBe(0);
      expect((await sim.get(`/v1/payments/${a.payment_id}`)).status).toBe(404);
    } finally {
      await sim.close();
    }
  });
});
