import { createSimulator } from '../../../src/simulator';
import { parseWebhookMessage } from '../../../src/webhooks/events';
import type { Harness } from '../../helpers/simulator-harness';
import { startSimulator } from '../../helpers/simulator-harness';
import type { Receiver } from '../../helpers/webhook-receiver';
import { startReceiver } from '../../helpers/webhook-receiver';

const SECRET = 'webhook_test_0123456789abcdefghijklmnop';
const CARD = '4444333322221111';
const DECLINED = '4000000000000002';

let receiver: Receiver;
let harness: Harness;

beforeEach(async () => {
  receiver = await startReceiver([SECRET]);
  harness = await startSimulator({
    rateLimit: false,
    webhooks: [{ url: receiver.url, secret: SECRET }],
  });
});
afterEach(async () => {
  await harness.close();
  await receiver.close();
});

const eventTypes = (): string[] => receiver.received.map((r) => r.json.event_type as string);

describe('simulator webhooks: what is sent', () => {
  it('a paid payment sends succeeded then captured, signed, in GOV.UK Pay’s shape', async () => {
    const payment = await harness.createPayment({ reference: 'PERMIT-7' });
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    const [first, second] = await receiver.waitFor(2);
    await harness.sim.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
    expect(new Set(eventTypes())).toEqual(
      new Set(['card_payment_succeeded', 'card_payment_captured']),
    );
    for (const request of [first, second]) {
      if (request === undefined) throw new Error('missing request');
      expect(request.signatureValid).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['pay-signature']).toMatch(/^[0-9a-f]{64}$/);
      const parsed = parseWebhookMessage(request.json);
      expect(parsed).toMatchObject({ ok: true, kind: 'event' });
      expect(request.json).toMatchObject({
        api_version: 1,
        resource_id: payment.payment_id,
        resource_type: 'PAYMENT',
        resource: {
          payment_id: payment.payment_id,
          reference: 'PERMIT-7',
          amount: payment.amount,
          state: { status: 'success', finished: true },
          card_details: { last_digits_card_number: '1111' },
        },
      });
      expect(request.json.created_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(request.json.resource).not.toHaveProperty('_links');
      expect(request.json.resource).not.toHaveProperty('provider_id');
    }
    expect(first?.json.webhook_message_id).not.toBe(second?.json.webhook_message_id);
    const deliveries = harness.sim.webhooks.deliveries();
    expect(deliveries).toHaveLength(2);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({
        url: receiver.url,
        attempt: 1,
        kind: 'scheduled',
        result: 'delivered',
        status: 200,
      });
      expect(delivery).not.toHaveProperty('nextAttemptAt');
    }
    expect(harness.sim.webhooks.messages().map((m) => m.state)).toEqual(['delivered', 'delivered']);
  });

  it('the body is signed byte for byte: re-serialising is not needed to verify', async () => {
    const payment = await harness.createPayment({ description: 'Café £5 – 🅿️ permit' });
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    const [request] = await receiver.waitFor(1);
    expect(request?.signatureValid).toBe(true);
    expect(request?.json.resource.description).toBe('Café £5 – 🅿️ permit');
  });

  it('failures use status version 2 names: declined, cancelled (user and service), error', async () => {
    const declined = await harness.createPayment();
    harness.sim.completePayment(declined.payment_id, { card: DECLINED });
    const userCancelled = await harness.createPayment();
    harness.sim.completePayment(userCancelled.payment_id, { cancel: true });
    const serviceCancelled = await harness.createPayment();
    harness.sim.cancelByService(serviceCancelled.payment_id);
    const errored = await harness.createPayment();
    harness.sim.failWithProviderError(errored.payment_id);
    await receiver.waitFor(4);
    await harness.sim.webhooks.idle();
    const byPayment = new Map(receiver.received.map((r) => [r.json.resource_id, r.json]));
    expect(eventTypes()).toEqual(Array(4).fill('card_payment_failed'));
    expect(byPayment.get(declined.payment_id)?.resource.state).toMatchObject({
      status: 'declined',
      code: 'P0010',
    });
    expect(byPayment.get(userCancelled.payment_id)?.resource.state).toMatchObject({
      status: 'cancelled',
      code: 'P0030',
    });
    expect(byPayment.get(serviceCancelled.payment_id)?.resource.state).toMatchObject({
      status: 'cancelled',
      code: 'P0040',
    });
    expect(byPayment.get(errored.payment_id)?.resource.state).toMatchObject({
      status: 'error',
      code: 'P0050',
    });
  });

  it('expiry sends card_payment_expired without anyone reading the payment', async () => {
    const payment = await harness.createPayment();
    const createdAt = Date.parse(payment.created_date);
    harness.sim.clock.advance(91 * 60 * 1000);
    const [request] = await receiver.waitFor(1);
    expect(request?.json).toMatchObject({
      event_type: 'card_payment_expired',
      resource_id: payment.payment_id,
      resource: { state: { status: 'timedout', finished: true, code: 'P0020' } },
    });
    // created_date is when the event happened: 90 minutes after creation.
    expect(Date.parse(request?.json.created_date)).toBe(createdAt + 90 * 60 * 1000);
  });

  it('a refund sends card_payment_refunded carrying the parent payment', async () => {
    const payment = await harness.createPayment({ amount: 2000 });
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    await receiver.waitFor(2);
    const refund = await harness.post(`/v1/payments/${payment.payment_id}/refunds`, {
      amount: 500,
      refund_amount_available: 2000,
    });
    expect(refund.status).toBe(202);
    const requests = await receiver.waitFor(3);
    const refunded = requests[2]?.json;
    expect(refunded).toMatchObject({
      event_type: 'card_payment_refunded',
      resource_id: payment.payment_id,
      resource_type: 'PAYMENT',
      resource: {
        payment_id: payment.payment_id,
        refund_summary: { amount_submitted: 500, amount_available: 1500 },
      },
    });
  });

  it('delayed capture: succeeded when capturable, then succeeded and captured on capture', async () => {
    const payment = await harness.createPayment({ delayed_capture: true });
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    const [approved] = await receiver.waitFor(1);
    expect(approved?.json).toMatchObject({
      event_type: 'card_payment_succeeded',
      resource: { state: { status: 'capturable', finished: false } },
    });
    const capture = await harness.post(`/v1/payments/${payment.payment_id}/capture`);
    expect(capture.status).toBe(204);
    await receiver.waitFor(3);
    await harness.sim.webhooks.idle();
    expect(eventTypes().slice(1).sort()).toEqual([
      'card_payment_captured',
      'card_payment_succeeded',
    ]);
    expect(receiver.received[2]?.json.resource.state.status).toBe('success');
  });

  it('trigger sends an event for a payment as it is now', async () => {
    const payment = await harness.createPayment();
    const ids = harness.sim.webhooks.trigger('card_payment_captured', payment.payment_id);
    expect(ids).toHaveLength(1);
    const [request] = await receiver.waitFor(1);
    expect(request?.json).toMatchObject({
      webhook_message_id: ids[0],
      event_type: 'card_payment_captured',
      resource: { state: { status: 'created' } },
    });
    expect(() => harness.sim.webhooks.trigger('card_payment_captured', 'nosuchpayment')).toThrow(
      /no payment/,
    );
    expect(() =>
      harness.sim.webhooks.trigger('card_payment_settled' as never, payment.payment_id),
    ).toThrow(/event type must be one of/);
  });

  it('reset forgets messages and deliveries', async () => {
    const payment = await harness.createPayment();
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    await receiver.waitFor(2);
    await harness.sim.webhooks.idle();
    harness.sim.reset();
    expect(harness.sim.webhooks.deliveries()).toEqual([]);
    expect(harness.sim.webhooks.messages()).toEqual([]);
  });
});

describe('simulator webhooks: subscriptions', () => {
  it('each endpoint gets only its event types, its own message ids and its own signature', async () => {
    const otherSecret = 'webhook_test_othersecret0000000000000000';
    const capturedOnly = await startReceiver([otherSecret]);
    const sim = createSimulator({
      rateLimit: false,
      webhooks: [
        { url: receiver.url, secret: SECRET },
        { url: capturedOnly.url, secret: otherSecret, events: ['card_payment_captured'] },
      ],
    });
    const server = await sim.listen();
    try {
      const own = await startSimulatorPayment(server.url);
      sim.completePayment(own, { card: CARD });
      const [captured] = await capturedOnly.waitFor(1);
      await receiver.waitFor(2);
      await sim.webhooks.idle();
      expect(capturedOnly.received).toHaveLength(1);
      expect(captured?.json.event_type).toBe('card_payment_captured');
      expect(captured?.signatureValid).toBe(true);
      const mainIds = receiver.received.map((r) => r.json.webhook_message_id);
      expect(mainIds).not.toContain(captured?.json.webhook_message_id);
    } finally {
      await server.close();
      await capturedOnly.close();
    }
  });

  it('a simulator sends webhooks for its own payments only', async () => {
    const quiet = createSimulator({ rateLimit: false });
    const server = await quiet.listen();
    try {
      const id = await startSimulatorPayment(server.url);
      quiet.completePayment(id, { card: CARD });
      await harness.sim.webhooks.idle();
      expect(quiet.webhooks.deliveries()).toEqual([]);
      expect(harness.sim.webhooks.deliveries()).toEqual([]);
      expect(receiver.received).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

async function startSimulatorPayment(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${harness.key}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      amount: 100,
      reference: 'R',
      description: 'D',
      return_url: 'https://service.example.gov.uk/return',
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { payment_id: string }).payment_id;
}
