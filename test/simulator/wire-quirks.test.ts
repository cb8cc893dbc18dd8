import { generateTestApiKey } from '../../src/simulator';
import { loadSpec, sharedAvailable } from '../helpers/shared';
import type { Harness } from '../helpers/simulator-harness';
import { RETURN_URL, paymentRequest, startSimulator } from '../helpers/simulator-harness';
import type { Receiver } from '../helpers/webhook-receiver';
import { startReceiver } from '../helpers/webhook-receiver';

/**
 * FACTS.md §16, "Spec-vs-wire discrepancies", as a table: each row of that list is a test named
 * after it, proving through HTTP that the simulator follows the wire, not the spec.
 */

const SECRET = 'webhook_test_0123456789abcdefghijklmnop';
const key = generateTestApiKey();
let h: Harness;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver([SECRET]);
  h = await startSimulator({
    rateLimit: false,
    accounts: [{ keys: [key] }],
    webhooks: [{ url: receiver.url, secret: SECRET }],
  });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

const post = (path: string, body?: unknown, headers?: Record<string, string>) =>
  h.post(path, body, headers === undefined ? { key } : { key, headers });
const get = (path: string) => h.get(path, { key });
const paid = async (overrides: Record<string, unknown> = {}) => {
  const p = await h.createPayment(overrides, key);
  h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
  return p;
};

/** Where the spec says something else, the test first shows that it does. */
const spec = (): Record<string, unknown> => (sharedAvailable ? loadSpec() : {});

describe('FACTS.md §16: the simulator follows the wire', () => {
  it('§16.1 refund create answers 202 with a body (the spec also lists 200)', async () => {
    const p = await paid();
    const res = await post(`/v1/payments/${p.payment_id}/refunds`, { amount: 100 });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ amount: 100, status: 'success' });
  });

  it('§16.2 the amount minimum is 1 in effect, though the spec says 0', async () => {
    const res = await post('/v1/payments', paymentRequest({ amount: 0 }));
    expect([res.status, res.body.code, res.body.field]).toEqual([422, 'P0102', 'amount']);
    expect(res.body.description).toMatch(
      /^Invalid attribute value: amount. Must be greater than or equal to 1/,
    );
    expect((await post('/v1/payments', paymentRequest({ amount: 1 }))).status).toBe(201);
  });

  it('§16.3 state codes have four digits (P0010), not the spec example’s P010', async () => {
    const p = await h.createPayment({}, key);
    h.sim.completePayment(p.payment_id, { card: '4000000000000002' });
    expect((await get(`/v1/payments/${p.payment_id}`)).body.state.code).toBe('P0010');
  });

  it('§16.4 authorisation_mode on responses is web, moto_api or agreement, never the spec’s external', async () => {
    const web = await h.createPayment({}, key);
    expect(web.authorisation_mode).toBe('web');
    const agreement = await post('/v1/agreements', { reference: 'Q4', description: 'd' });
    const first = await post('/v1/payments', {
      ...paymentRequest(),
      set_up_agreement: agreement.body.agreement_id,
    });
    h.sim.completePayment(first.body.payment_id, { card: '4444333322221111' });
    const recurring = await post('/v1/payments', {
      amount: 100,
      reference: 'R',
      description: 'D',
      authorisation_mode: 'agreement',
      agreement_id: agreement.body.agreement_id,
    });
    expect(recurring.body.authorisation_mode).toBe('agreement');
  });

  it('§16.5 the agreement’s payment_instrument carries card_details, not the spec’s CardDetails', async () => {
    const agreement = await post('/v1/agreements', { reference: 'Q5', description: 'd' });
    const first = await post('/v1/payments', {
      ...paymentRequest(),
      set_up_agreement: agreement.body.agreement_id,
    });
    h.sim.completePayment(first.body.payment_id, { card: '4444333322221111' });
    const got = (await get(`/v1/agreements/${agreement.body.agreement_id}`)).body;
    expect(Object.keys(got.payment_instrument).sort()).toEqual([
      'card_details',
      'created_date',
      'type',
    ]);
    if (sharedAvailable) {
      const schemas = (spec().components as { schemas: Record<string, { properties: object }> })
        .schemas;
      expect(Object.keys(schemas.PaymentInstrument?.properties ?? {})).toContain('CardDetails');
    }
  });

  it('§16.6 disputes search pages with top-level links, not _links', async () => {
    const p = await paid();
    h.sim.raiseDispute(p.payment_id);
    const res = await get('/v1/disputes');
    expect(res.body).toHaveProperty('links.self.href');
    expect(res.body).not.toHaveProperty('_links');
  });

  it('§16.7 searching state=capturable is refused with 422 P0401, though the docs list it', async () => {
    const res = await get('/v1/payments?state=capturable');
    expect([res.status, res.body.code]).toEqual([422, 'P0401']);
  });

  it('§16.8 metadata is a flat key → value object, not nested under metadata', async () => {
    const p = await h.createPayment({ metadata: { ledger: 'AB1', n: 2, ok: true } }, key);
    expect((await get(`/v1/payments/${p.payment_id}`)).body.metadata).toEqual({
      ledger: 'AB1',
      n: 2,
      ok: true,
    });
  });

  it('§16.9 403 answers exist (P0941 here, injected) although the spec lists none', async () => {
    h.sim.faults.inject({
      route: 'createPayment',
      times: 1,
      fault: {
        kind: 'status',
        status: 403,
        code: 'P0941',
        description:
          'GOV.UK Pay has disabled payment and refund creation on this account. Contact support with your error code - https://www.payments.service.gov.uk/support/ .',
      },
    });
    const res = await post('/v1/payments', paymentRequest());
    expect([res.status, res.body.code]).toEqual([403, 'P0941']);
    if (sharedAvailable) {
      const paths = spec().paths as Record<string, { post?: { responses: object } }>;
      expect(Object.keys(paths['/v1/payments']?.post?.responses ?? {})).not.toContain('403');
    }
  });

  it('§16.10 metadata {} is accepted; keys differing only in case are refused with 422', async () => {
    expect((await post('/v1/payments', paymentRequest({ metadata: {} }))).status).toBe(201);
    const res = await post('/v1/payments', paymentRequest({ metadata: { Ref: 'a', ref: 'b' } }));
    expect([res.status, res.body.code, res.body.field]).toEqual([422, 'P0102', 'metadata']);
  });

  it('§16.11 refund_amount_available is optional, though documented as required', async () => {
    const p = await paid();
    expect((await post(`/v1/payments/${p.payment_id}/refunds`, { amount: 10 })).status).toBe(202);
  });

  it('§16.12 Idempotency-Key is accepted on every create but honoured only for agreement payments', async () => {
    const a = await post('/v1/payments', paymentRequest(), { 'idempotency-key': 'k-16-12' });
    const b = await post('/v1/payments', paymentRequest(), { 'idempotency-key': 'k-16-12' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.payment_id).not.toBe(b.body.payment_id);
  });

  it('§16.13 webhooks carry resource_type PAYMENT and the v2 status declined', async () => {
    const p = await h.createPayment({ reference: 'WH-16-13' }, key);
    h.sim.completePayment(p.payment_id, { card: '4000000000000002' });
    await h.sim.webhooks.idle();
    const failed = receiver.received.find(
      (r) => r.json.resource_id === p.payment_id && r.json.event_type === 'card_payment_failed',
    );
    expect(failed?.json.resource_type).toBe('PAYMENT');
    expect((failed?.json.resource as { state: { status: string } }).state.status).toBe('declined');
  });

  it('§16.14 webhooks carry webhook_message_id (not id) and never card_payment_settled', async () => {
    const p = await paid({ reference: 'WH-16-14' });
    await h.sim.webhooks.idle();
    const mine = receiver.received.filter((r) => r.json.resource_id === p.payment_id);
    expect(mine.length).toBeGreaterThan(0);
    for (const message of mine) {
      expect(message.json.webhook_message_id).toEqual(expect.any(String));
      expect(message.json).not.toHaveProperty('id');
    }
    expect(receiver.received.map((r) => r.json.event_type)).not.toContain('card_payment_settled');
  });

  it('§16.15 next_url_post.params.chargeTokenId is a string, not an object', async () => {
    const res = await post('/v1/payments', paymentRequest({ return_url: RETURN_URL }));
    expect(typeof res.body._links.next_url_post.params.chargeTokenId).toBe('string');
  });
});
