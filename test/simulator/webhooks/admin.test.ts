import { PayConfigError } from '../../../src/config-error';
import { createSimulator } from '../../../src/simulator';
import type { Harness } from '../../helpers/simulator-harness';
import { startSimulator } from '../../helpers/simulator-harness';
import type { Receiver } from '../../helpers/webhook-receiver';
import { startReceiver } from '../../helpers/webhook-receiver';

const SECRET = 'webhook_test_admin00000000000000000000000';
const CARD = '4444333322221111';

let receiver: Receiver;
let harness: Harness;

beforeEach(async () => {
  receiver = await startReceiver([SECRET]);
  harness = await startSimulator({
    rateLimit: false,
    admin: true,
    webhooks: [{ url: receiver.url, secret: SECRET }],
  });
});
afterEach(async () => {
  await harness.close();
  await receiver.close();
});

async function admin(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${harness.url}/__simulator/webhooks${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

describe('webhook admin routes under /__simulator/webhooks', () => {
  it('trigger, idle, deliveries, messages and redeliver drive sim.webhooks over HTTP', async () => {
    const payment = await harness.createPayment();
    const triggered = await admin('POST', '/trigger', {
      event_type: 'card_payment_captured',
      payment_id: payment.payment_id,
    });
    expect(triggered.status).toBe(201);
    const [messageId] = (triggered.json as { message_ids: string[] }).message_ids;
    expect(typeof messageId).toBe('string');
    expect((await admin('POST', '/idle')).status).toBe(204);
    expect(receiver.received.map((r) => r.json.webhook_message_id)).toEqual([messageId]);

    const deliveries = await admin('GET', '/deliveries');
    expect(deliveries.json).toMatchObject({
      deliveries: [{ messageId, attempt: 1, result: 'delivered', status: 200 }],
    });
    const message = await admin('GET', `/messages/${messageId}`);
    expect(message.json).toMatchObject({
      messageId,
      state: 'delivered',
      message: { resource_id: payment.payment_id },
    });
    expect((await admin('GET', '/messages')).json).toMatchObject({ messages: [{ messageId }] });

    const replayed = await admin('POST', `/messages/${messageId}/redeliver`);
    expect(replayed).toMatchObject({
      status: 200,
      json: { messageId, kind: 'redelivery', result: 'delivered', status: 200 },
    });
    expect(receiver.received).toHaveLength(2);
  });

  it('faults are added and removed like the API faults', async () => {
    const added = await admin('POST', '/faults', { fault: { kind: 'delay', ms: 60_000 } });
    expect(added.status).toBe(201);
    const { id } = added.json as { id: number };
    expect((await admin('DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await admin('DELETE', `/faults/${id}`)).status).toBe(404);
    await admin('POST', '/faults', { fault: { kind: 'delay', ms: 60_000 } });
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    const payment = await harness.createPayment();
    harness.sim.completePayment(payment.payment_id, { card: CARD });
    await admin('POST', '/idle');
    expect(receiver.received).toHaveLength(2);
    const bad = await admin('POST', '/faults', { fault: { kind: 'explode' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: expect.stringContaining('duplicate, delay or reorder'),
    });
  });

  it('answers 404 for unknown payments and messages, 400 for a malformed trigger', async () => {
    expect(
      await admin('POST', '/trigger', {
        event_type: 'card_payment_captured',
        payment_id: 'nosuchpayment',
      }),
    ).toMatchObject({ status: 404 });
    expect(await admin('POST', '/messages/nosuchmessage/redeliver')).toMatchObject({ status: 404 });
    expect(await admin('GET', '/messages/nosuchmessage')).toMatchObject({ status: 404 });
    expect(await admin('POST', '/trigger', { event_type: 'card_payment_captured' })).toMatchObject({
      status: 400,
    });
    const payment = await harness.createPayment();
    expect(
      await admin('POST', '/trigger', { event_type: 'nope', payment_id: payment.payment_id }),
    ).toMatchObject({ status: 400 });
  });

  it('the routes exist only with admin: true', async () => {
    const sim = createSimulator({ webhooks: [{ url: receiver.url, secret: SECRET }] });
    const server = await sim.listen();
    try {
      const response = await fetch(`${server.url}/__simulator/webhooks/deliveries`);
      expect(response.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('createSimulator({ webhooks }) options', () => {
  it.each<[string, unknown, string, RegExp]>([
    [
      'not an array',
      { url: 'http://x', secret: 's' },
      'ERR_PAY_INVALID_OPTION',
      /must be an array/,
    ],
    [
      'a relative url',
      [{ url: '/webhooks', secret: 's' }],
      'ERR_PAY_INVALID_OPTION',
      /url must be an http\(s\) URL/,
    ],
    ['an ftp url', [{ url: 'ftp://x/y', secret: 's' }], 'ERR_PAY_INVALID_OPTION', /url must be/],
    [
      'an empty secret',
      [{ url: 'http://x', secret: '' }],
      'ERR_PAY_INVALID_OPTION',
      /secret must be/,
    ],
    [
      'unknown events',
      [{ url: 'http://x', secret: 's', events: ['card_payment_settled'] }],
      'ERR_PAY_INVALID_OPTION',
      /events must be/,
    ],
    [
      'no events',
      [{ url: 'http://x', secret: 's', events: [] }],
      'ERR_PAY_INVALID_OPTION',
      /events must be/,
    ],
    [
      'a zero timeout',
      [{ url: 'http://x', secret: 's', timeoutMs: 0 }],
      'ERR_PAY_INVALID_OPTION',
      /timeoutMs/,
    ],
  ])('rejects %s', (_name, webhooks, code, message) => {
    let error: unknown;
    try {
      createSimulator({ webhooks: webhooks as never });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PayConfigError);
    expect((error as PayConfigError).code).toBe(code);
    expect((error as Error).message).toMatch(/^govuk-pay-express: simulator webhooks/);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts no webhooks, and sends nothing', () => {
    expect(createSimulator({ webhooks: [] }).webhooks.deliveries()).toEqual([]);
  });
});
