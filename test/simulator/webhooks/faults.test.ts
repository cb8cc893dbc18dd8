import { PayConfigError } from '../../../src/config-error';
import type { Harness } from '../../helpers/simulator-harness';
import { startSimulator } from '../../helpers/simulator-harness';
import type { Receiver } from '../../helpers/webhook-receiver';
import { startReceiver } from '../../helpers/webhook-receiver';

const SECRET = 'webhook_test_faults0000000000000000000000';
const CARD = '4444333322221111';

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

async function pay(): Promise<string> {
  const payment = await harness.createPayment();
  harness.sim.completePayment(payment.payment_id, { card: CARD });
  return payment.payment_id;
}

describe('simulator webhook faults', () => {
  it('duplicate: the same message 100 times at once, identical bytes and signature', async () => {
    harness.sim.webhooks.faults.inject({
      events: ['card_payment_captured'],
      times: 1,
      fault: { kind: 'duplicate', copies: 99 },
    });
    await pay();
    await receiver.waitFor(101);
    await harness.sim.webhooks.idle();
    const captured = receiver.received.filter((r) => r.json.event_type === 'card_payment_captured');
    expect(captured).toHaveLength(100);
    expect(new Set(captured.map((r) => r.json.webhook_message_id)).size).toBe(1);
    expect(new Set(captured.map((r) => r.rawBody.toString())).size).toBe(1);
    expect(new Set(captured.map((r) => r.headers['pay-signature'])).size).toBe(1);
    expect(captured.every((r) => r.signatureValid)).toBe(true);
    const kinds = harness.sim.webhooks
      .deliveries()
      .filter((d) => d.eventType === 'card_payment_captured')
      .map((d) => d.kind);
    expect(kinds.filter((k) => k === 'scheduled')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'duplicate')).toHaveLength(99);
    // `times: 1`: the next payment is not duplicated.
    await pay();
    await receiver.waitFor(103);
    await harness.sim.webhooks.idle();
    expect(receiver.received).toHaveLength(103);
  });

  it('reorder: a held message arrives after the next one has been answered', async () => {
    harness.sim.webhooks.faults.inject({
      events: ['card_payment_succeeded'],
      times: 1,
      fault: { kind: 'reorder' },
    });
    await pay();
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => r.json.event_type)).toEqual([
      'card_payment_captured',
      'card_payment_succeeded',
    ]);
  });

  it('reorder with nothing behind it is sent after maxHoldMs on the simulator clock', async () => {
    harness.sim.webhooks.faults.inject({
      events: ['card_payment_failed'],
      fault: { kind: 'reorder', maxHoldMs: 10_000 },
    });
    const payment = await harness.createPayment();
    harness.sim.completePayment(payment.payment_id, { cancel: true });
    await harness.sim.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(harness.sim.webhooks.messages()).toMatchObject([{ state: 'held', attempts: 0 }]);
    harness.sim.clock.advance(10_000);
    await harness.sim.webhooks.idle();
    expect(receiver.received.map((r) => r.json.event_type)).toEqual(['card_payment_failed']);
  });

  it('delay: the first attempt waits on the simulator clock', async () => {
    harness.sim.webhooks.faults.inject({ fault: { kind: 'delay', ms: 30_000 } });
    await pay();
    await harness.sim.webhooks.idle();
    expect(receiver.received).toHaveLength(0);
    harness.sim.clock.advance(30_000);
    await harness.sim.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
  });

  it('probability 0 never applies; clear and the remover take rules away', async () => {
    harness.sim.webhooks.faults.inject({ probability: 0, fault: { kind: 'delay', ms: 60_000 } });
    const remove = harness.sim.webhooks.faults.inject({ fault: { kind: 'delay', ms: 60_000 } });
    remove();
    await pay();
    await receiver.waitFor(2);
    harness.sim.webhooks.faults.inject({ fault: { kind: 'delay', ms: 60_000 } });
    harness.sim.webhooks.faults.clear();
    await pay();
    await receiver.waitFor(4);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown kind', { fault: { kind: 'drop' } }, /duplicate, delay or reorder/],
    ['a negative delay', { fault: { kind: 'delay', ms: -1 } }, /ms/],
    ['too many copies', { fault: { kind: 'duplicate', copies: 5000 } }, /copies/],
    [
      'an unknown event',
      { events: ['card_payment_settled'], fault: { kind: 'reorder' } },
      /events/,
    ],
    ['times 0', { times: 0, fault: { kind: 'reorder' } }, /times/],
  ])('rejects %s with a PayConfigError', (_name, rule, message) => {
    let error: unknown;
    try {
      harness.sim.webhooks.faults.inject(rule as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PayConfigError);
    expect((error as PayConfigError).code).toBe('ERR_PAY_INVALID_OPTION');
    expect((error as Error).message).toMatch(message);
  });
});

describe('sim.webhooks.redeliver', () => {
  it('replays a delivered message with the same id, body and signature', async () => {
    await pay();
    await receiver.waitFor(2);
    await harness.sim.webhooks.idle();
    const [message] = harness.sim.webhooks.messages();
    if (message === undefined) throw new Error('no message');
    const delivery = await harness.sim.webhooks.redeliver(message.messageId);
    expect(delivery).toMatchObject({
      messageId: message.messageId,
      kind: 'redelivery',
      result: 'delivered',
      status: 200,
    });
    const copies = receiver.received.filter((r) => r.json.webhook_message_id === message.messageId);
    expect(copies).toHaveLength(2);
    expect(copies[1]?.rawBody.equals(copies[0]?.rawBody as Buffer)).toBe(true);
    expect(copies[1]?.signatureValid).toBe(true);
  });

  it('a successful redelivery ends the retries of a failing message', async () => {
    let failing = true;
    receiver.answer = () => (failing ? 503 : 200);
    await pay();
    await receiver.waitFor(2);
    await harness.sim.webhooks.idle();
    const [message] = harness.sim.webhooks.messages();
    if (message === undefined) throw new Error('no message');
    expect(message.state).toBe('pending');
    failing = false;
    await harness.sim.webhooks.redeliver(message.messageId);
    expect(
      harness.sim.webhooks.messages().find((m) => m.messageId === message.messageId)?.state,
    ).toBe('delivered');
    harness.sim.clock.advance(60_000);
    await harness.sim.webhooks.idle();
    const attempts = harness.sim.webhooks
      .deliveries()
      .filter((d) => d.messageId === message.messageId);
    expect(attempts.map((d) => d.kind)).toEqual(['scheduled', 'redelivery']);
  });

  it('an unknown message id is an UnknownWebhookMessageError', async () => {
    await expect(harness.sim.webhooks.redeliver('nosuchmessage')).rejects.toMatchObject({
      name: 'UnknownWebhookMessageError',
    });
  });
});
