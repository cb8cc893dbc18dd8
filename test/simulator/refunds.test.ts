import type { Payment } from '../../src/client/types';
import type { Harness, Loose } from '../helpers/simulator-harness';
import { recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

async function paidPayment(amount = 5000): Promise<Payment> {
  const p = await h.createPayment({ amount });
  h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
  return p;
}

const refund = (id: string, body: unknown) => h.post(`/v1/payments/${id}/refunds`, body);

describe('POST /v1/payments/{id}/refunds', () => {
  it('answers 202 with the refund, which sandbox makes a success at once', async () => {
    const p = await paidPayment();
    const res = await refund(p.payment_id, { amount: 1000, refund_amount_available: 5000 });
    expect(res.status).toBe(202);
    const self = `${h.url}/v1/payments/${p.payment_id}`;
    expect(res.body).toEqual({
      refund_id: expect.stringMatching(/^[0-9a-v]{26}$/),
      created_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      amount: 1000,
      status: 'success',
      _links: {
        self: { href: `${self}/refunds/${res.body.refund_id}`, method: 'GET' },
        payment: { href: self, method: 'GET' },
      },
    });
    const after = await h.get(`/v1/payments/${p.payment_id}`);
    expect(after.body.refund_summary).toEqual({
      status: 'available',
      amount_available: 4000,
      amount_submitted: 1000,
    });
  });

  it('refunds in parts down to full, then refuses more with P0603 full', async () => {
    const p = await paidPayment(3000);
    expect((await refund(p.payment_id, { amount: 1000 })).status).toBe(202);
    expect(
      (await refund(p.payment_id, { amount: 2000, refund_amount_available: 2000 })).status,
    ).toBe(202);
    const after = await h.get(`/v1/payments/${p.payment_id}`);
    expect(after.body.refund_summary).toEqual({
      status: 'full',
      amount_available: 0,
      amount_submitted: 3000,
    });
    const more = await refund(p.payment_id, { amount: 1 });
    expect([more.status, more.body]).toEqual([
      400,
      {
        code: 'P0603',
        description: 'The payment is not available for refund. Payment refund status: full',
      },
    ]);
  });

  it('answers 412 P0604 when refund_amount_available does not match', async () => {
    const p = await paidPayment();
    const res = await refund(p.payment_id, { amount: 100, refund_amount_available: 4999 });
    expect([res.status, res.body]).toEqual([
      412,
      { code: 'P0604', description: 'Refund amount available mismatch.' },
    ]);
    expect((await h.get(`/v1/payments/${p.payment_id}`)).body.refund_summary.amount_submitted).toBe(
      0,
    );
  });

  it('refuses an amount over what is left', async () => {
    const p = await paidPayment(500);
    const res = await refund(p.payment_id, { amount: 501 });
    expect([res.status, res.body]).toEqual([
      400,
      {
        code: 'P0603',
        description:
          'The payment is not available for refund. Payment refund status: amount_not_available',
      },
    ]);
  });

  it('refuses refunds of unfinished (pending) and failed (unavailable) payments', async () => {
    const pending = await h.createPayment();
    const res = await refund(pending.payment_id, { amount: 1 });
    expect(res.body).toEqual({
      code: 'P0603',
      description: 'The payment is not available for refund. Payment refund status: pending',
    });
    const failed = await h.createPayment();
    h.sim.completePayment(failed.payment_id, { card: '4000000000000002' });
    expect((await refund(failed.payment_id, { amount: 1 })).body.description).toMatch(
      /status: unavailable$/,
    );
  });

  it.each([
    ['missing amount', {}, 400, 'P0601', 'amount', 'Missing mandatory attribute: amount'],
    [
      'null amount',
      { amount: null },
      400,
      'P0601',
      'amount',
      'Missing mandatory attribute: amount',
    ],
    [
      'string amount',
      { amount: '5' },
      400,
      'P0602',
      'amount',
      'Invalid attribute value: amount. Must be a valid numeric format',
    ],
    [
      'zero amount',
      { amount: 0 },
      422,
      'P0602',
      'amount',
      'Invalid attribute value: amount. Must be greater than or equal to 1',
    ],
    [
      'amount over max',
      { amount: 10_000_001 },
      422,
      'P0602',
      'amount',
      'Invalid attribute value: amount. Must be less than or equal to 10000000',
    ],
    [
      'float refund_amount_available',
      { amount: 1, refund_amount_available: 1.5 },
      400,
      'P0602',
      'refund_amount_available',
      'Invalid attribute value: refund_amount_available. Must be a valid numeric format',
    ],
  ])('validates: %s', async (_name, body, status, code, field, description) => {
    const p = await paidPayment();
    const res = await refund(p.payment_id, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ field, code, description });
  });

  it('answers invalid JSON with 400 P0697 and an unknown payment with 404 P0600', async () => {
    const p = await paidPayment();
    const bad = await h.post(`/v1/payments/${p.payment_id}/refunds`, undefined, {
      raw: '{"amount":',
      headers: { 'content-type': 'application/json' },
    });
    expect([bad.status, bad.body]).toEqual([
      400,
      { code: 'P0697', description: 'Unable to parse JSON' },
    ]);
    const unknown = await refund('0000000000000000000000000a', { amount: 1 });
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { code: 'P0600', description: 'Not found' },
    ]);
  });
});

describe('reading refunds', () => {
  it('GET one refund, with settlement_summary; 404 P0700 otherwise', async () => {
    const p = await paidPayment();
    const created = (await refund(p.payment_id, { amount: 700 })).body;
    const res = await h.get(`/v1/payments/${p.payment_id}/refunds/${created.refund_id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, settlement_summary: {} });
    const missing = await h.get(`/v1/payments/${p.payment_id}/refunds/0000000000000000000000000a`);
    expect([missing.status, missing.body]).toEqual([
      404,
      { code: 'P0700', description: 'Not found' },
    ]);
    const wrongPayment = await h.get(
      `/v1/payments/0000000000000000000000000a/refunds/${created.refund_id}`,
    );
    expect(wrongPayment.status).toBe(404);
  });

  it('GET the list of a payment’s refunds; 404 P0800 for an unknown payment', async () => {
    const p = await paidPayment();
    const a = (await refund(p.payment_id, { amount: 100 })).body;
    const b = (await refund(p.payment_id, { amount: 200 })).body;
    const res = await h.get(`/v1/payments/${p.payment_id}/refunds`);
    const self = `${h.url}/v1/payments/${p.payment_id}`;
    expect(res.body).toEqual({
      payment_id: p.payment_id,
      _links: {
        self: { href: `${self}/refunds`, method: 'GET' },
        payment: { href: self, method: 'GET' },
      },
      _embedded: {
        refunds: [
          { ...a, settlement_summary: {} },
          { ...b, settlement_summary: {} },
        ],
      },
    });
    const empty = await paidPayment();
    expect(
      (await h.get(`/v1/payments/${empty.payment_id}/refunds`)).body._embedded.refunds,
    ).toEqual([]);
    const unknown = await h.get('/v1/payments/0000000000000000000000000a/refunds');
    expect([unknown.status, unknown.body]).toEqual([
      404,
      { code: 'P0800', description: 'Not found' },
    ]);
  });
});

describe('GET /v1/refunds (search)', () => {
  it('lists the account’s refunds newest first with payment_id, paginated with links', async () => {
    const h2 = await startSimulator({ rateLimit: false });
    try {
      const p = await h2.createPayment({ amount: 10_000 });
      h2.sim.completePayment(p.payment_id, { card: '4444333322221111' });
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        ids.push(
          (await h2.post(`/v1/payments/${p.payment_id}/refunds`, { amount: i })).body.refund_id,
        );
      }
      const res = await h2.get('/v1/refunds?display_size=2&page=2');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 5, count: 2, page: 2 });
      expect(res.body.results.map((r: Loose) => r.refund_id)).toEqual([ids[2], ids[1]]);
      expect(res.body.results[0]).toMatchObject({
        payment_id: p.payment_id,
        settlement_summary: {},
        status: 'success',
      });
      const link = (page: number) => ({
        href: `${h2.url}/v1/refunds?page=${page}&display_size=2`,
        method: 'GET',
      });
      expect(res.body._links).toEqual({
        self: link(2),
        first_page: link(1),
        last_page: link(3),
        prev_page: link(1),
        next_page: link(3),
      });
      const future = await h2.get('/v1/refunds?from_date=2099-01-01T00:00:00Z');
      expect(future.body).toMatchObject({ total: 0, count: 0, results: [] });
      const bad = await h2.get('/v1/refunds?from_date=yesterday&display_size=501');
      expect([bad.status, bad.body]).toEqual([
        422,
        {
          code: 'P1101',
          description:
            'Invalid parameters: from_date, display_size. See Public API documentation for the correct data formats',
        },
      ]);
      const past = await h2.get('/v1/refunds?page=4&display_size=2');
      expect([past.status, past.body]).toEqual([
        404,
        { code: 'P1100', description: 'Page not found' },
      ]);
      // Another account sees none of them.
      const { generateTestApiKey } = await import('../../src/simulator');
      expect((await h2.get('/v1/refunds', { key: generateTestApiKey() })).body.total).toBe(0);
    } finally {
      await h2.close();
    }
  });
});
