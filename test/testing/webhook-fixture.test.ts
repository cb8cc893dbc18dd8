import { MemoryStore } from '../../src/store';
import { signWebhookBody, storeConformanceChecks, webhookFixture } from '../../src/testing';
import { parseWebhookMessage } from '../../src/webhooks/events';
import { verifyWebhookSignature } from '../../src/webhooks/signature';
import type { Harness } from '../helpers/simulator-harness';
import { startSimulator } from '../helpers/simulator-harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startSimulator({ rateLimit: false });
});
afterAll(() => harness.close());

describe('webhookFixture', () => {
  it('builds a captured message from a real payment, as GOV.UK Pay sends it', async () => {
    const created = await harness.createPayment({ metadata: { ledger_code: 'AB100' } });
    const paid = harness.sim.completePayment(created.payment_id, { card: '4444333322221111' });
    const message = webhookFixture('card_payment_captured', paid, {
      webhookMessageId: 'msg-1',
      createdDate: '2026-12-01T10:00:00.000Z',
    });
    expect(message).toMatchObject({
      webhook_message_id: 'msg-1',
      api_version: 1,
      created_date: '2026-12-01T10:00:00.000Z',
      resource_id: paid.payment_id,
      resource_type: 'PAYMENT',
      event_type: 'card_payment_captured',
      resource: {
        payment_id: paid.payment_id,
        amount: paid.amount,
        reference: paid.reference,
        state: { status: 'success', finished: true },
        metadata: { ledger_code: 'AB100' },
        card_details: { last_digits_card_number: '1111' },
      },
    });
    // The ledger representation has neither links nor the provider's id (FACTS §14).
    expect(message.resource).not.toHaveProperty('_links');
    expect(message.resource).not.toHaveProperty('provider_id');
    expect(paid).toHaveProperty('provider_id');
    expect(parseWebhookMessage(JSON.parse(JSON.stringify(message)))).toMatchObject({
      ok: true,
      kind: 'event',
    });
  });

  it('uses status version 2 names: a declined payment is declined, not failed', async () => {
    const created = await harness.createPayment();
    const declined = harness.sim.completePayment(created.payment_id, { card: '4000000000000002' });
    expect(declined.state).toMatchObject({ status: 'failed', code: 'P0010' });
    const message = webhookFixture('card_payment_failed', declined);
    expect(message.resource.state).toEqual({
      status: 'declined',
      finished: true,
      code: 'P0010',
      message: 'Payment method rejected',
    });
  });

  it('a user cancel is cancelled, and an expired payment is timedout', async () => {
    const cancelled = harness.sim.completePayment((await harness.createPayment()).payment_id, {
      cancel: true,
    });
    expect(webhookFixture('card_payment_failed', cancelled).resource.state.status).toBe(
      'cancelled',
    );
    const expired = {
      ...cancelled,
      state: { status: 'failed' as const, finished: true, code: 'P0020' },
    };
    expect(webhookFixture('card_payment_expired', expired).resource.state.status).toBe('timedout');
  });

  it('a refund event carries the parent payment as its resource', async () => {
    const created = await harness.createPayment();
    harness.sim.completePayment(created.payment_id, { card: '4444333322221111' });
    const refund = await harness.post(`/v1/payments/${created.payment_id}/refunds`, {
      amount: 250,
      refund_amount_available: created.amount,
    });
    expect(refund.status).toBe(202);
    const parent = harness.sim.payments.get(created.payment_id);
    if (parent === undefined) throw new Error('payment not found');
    const message = webhookFixture('card_payment_refunded', parent);
    expect(message.resource_id).toBe(created.payment_id);
    expect(message.resource.payment_id).toBe(created.payment_id);
    expect(message.resource.refund_summary).toMatchObject({ amount_submitted: 250 });
  });

  it('gives each message a fresh id by default', async () => {
    const payment = await harness.createPayment();
    const a = webhookFixture('card_payment_succeeded', payment);
    const b = webhookFixture('card_payment_succeeded', payment);
    expect(a.webhook_message_id).toMatch(/^[0-9a-v]{26}$/);
    expect(a.webhook_message_id).not.toBe(b.webhook_message_id);
    expect(Date.parse(a.created_date)).not.toBeNaN();
    expect(a.created_date).toMatch(/\.\d{3}Z$/);
  });

  it('rejects an unknown event type, a non-payment and unknown options', async () => {
    const payment = await harness.createPayment();
    expect(() => webhookFixture('card_payment_settled' as never, payment)).toThrow(
      /eventType must be one of/,
    );
    expect(() => webhookFixture('card_payment_captured', {} as never)).toThrow(/payment_id/);
    expect(() => webhookFixture('card_payment_captured', payment, { id: 'x' } as never)).toThrow(
      /webhookFixture\.id is not an option\. The options are: webhookFixture\.webhookMessageId, webhookFixture\.createdDate/,
    );
    expect(() => webhookFixture('card_payment_captured', payment, { createdDate: 'soon' })).toThrow(
      /createdDate/,
    );
  });
});

describe('signWebhookBody from govuk-pay-express/testing', () => {
  it('signs a fixture so that the receiver-side check accepts it', async () => {
    const payment = await harness.createPayment();
    const body = JSON.stringify(webhookFixture('card_payment_succeeded', payment));
    const secret = 'webhook_test_abcdefghijklmnopqrstuv0123456789';
    const signature = signWebhookBody(body, secret);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(Buffer.from(body), signature, [secret])).toBe(true);
  });
});

describe('storeConformanceChecks from govuk-pay-express/testing', () => {
  it('is the store conformance suite, runnable over a MemoryStore', () => {
    const checks = storeConformanceChecks(() => new MemoryStore());
    expect(checks.length).toBeGreaterThan(0);
    expect(checks[0]).toHaveProperty('name');
  });
});
