import { WEBHOOK_RETRY_DELAYS_MS } from '../../../src/simulator';
import type { WebhookDelivery } from '../../../src/simulator';
import type { Harness } from '../../helpers/simulator-harness';
import { startSimulator } from '../../helpers/simulator-harness';
import type { Receiver } from '../../helpers/webhook-receiver';
import { closedPort, startReceiver } from '../../helpers/webhook-receiver';

const SECRET = 'webhook_test_retries000000000000000000000';
const CARD = '4444333322221111';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let receiver: Receiver;
let harness: Harness | undefined;

beforeEach(async () => {
  receiver = await startReceiver([SECRET]);
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await receiver.close();
});

async function simulatorSendingTo(url: string, timeoutMs?: number): Promise<Harness> {
  harness = await startSimulator({
    rateLimit: false,
    webhooks: [
      {
        url,
        secret: SECRET,
        events: ['card_payment_captured'],
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      },
    ],
  });
  return harness;
}

/** Pays a payment, so that one card_payment_captured message is made. */
async function payOne(h: Harness): Promise<void> {
  const payment = await h.createPayment();
  h.sim.completePayment(payment.payment_id, { card: CARD });
}

/**
 * Walks the whole schedule: before each retry falls due nothing is sent; at its time it is.
 * Returns every attempt of the message.
 */
async function walkSchedule(h: Harness): Promise<WebhookDelivery[]> {
  await h.sim.webhooks.idle();
  for (const delay of WEBHOOK_RETRY_DELAYS_MS) {
    const before = h.sim.webhooks.deliveries();
    const last = before[before.length - 1] as WebhookDelivery;
    expect(last.result).toBe('failed');
    expect(Date.parse(last.nextAttemptAt as string) - h.sim.clock.now()).toBeGreaterThan(
      delay - 30 * SECOND,
    );
    // 30 s short of the retry: still nothing. (Real time also moves the simulator clock, so
    // the margin keeps a slow machine from reaching the retry early.)
    h.sim.clock.advance(
      Math.max(0, Date.parse(last.nextAttemptAt as string) - h.sim.clock.now() - 30 * SECOND),
    );
    await h.sim.webhooks.idle();
    expect(h.sim.webhooks.deliveries()).toHaveLength(before.length);
    h.sim.clock.advance(30 * SECOND);
    await h.sim.webhooks.idle();
    expect(h.sim.webhooks.deliveries()).toHaveLength(before.length + 1);
  }
  // After the sixth attempt it stops, whatever the clock does.
  h.sim.clock.advance(30 * DAY);
  await h.sim.webhooks.idle();
  return h.sim.webhooks.deliveries();
}

function expectScheduleGaps(deliveries: readonly WebhookDelivery[]): void {
  expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  const expected = [MINUTE, 5 * MINUTE, HOUR, DAY, 2 * DAY];
  expect(WEBHOOK_RETRY_DELAYS_MS).toEqual(expected);
  deliveries.slice(1).forEach((delivery, i) => {
    const previous = deliveries[i] as WebhookDelivery;
    // Each retry is due exactly its delay after the failure before it.
    expect(Date.parse(previous.nextAttemptAt as string)).toBeGreaterThanOrEqual(
      Date.parse(previous.at) + (expected[i] as number),
    );
    expect(Date.parse(delivery.at)).toBeGreaterThanOrEqual(
      Date.parse(previous.nextAttemptAt as string),
    );
  });
  expect(deliveries[5]).not.toHaveProperty('nextAttemptAt');
}

describe('simulator webhooks: retry schedule on the simulator clock', () => {
  it('a receiver answering 500 gets 6 attempts, after 60 s, 5 min, 1 h, 1 day and 2 days', async () => {
    receiver.answer = () => 500;
    const h = await simulatorSendingTo(receiver.url);
    await payOne(h);
    const deliveries = await walkSchedule(h);
    expect(receiver.received).toHaveLength(6);
    expect(deliveries.every((d) => d.status === 500 && d.result === 'failed')).toBe(true);
    expectScheduleGaps(deliveries);
    // Every retry is the same message, byte for byte.
    const bodies = new Set(receiver.received.map((r) => r.rawBody.toString()));
    expect(bodies.size).toBe(1);
    expect(h.sim.webhooks.messages()).toMatchObject([{ state: 'failed', attempts: 6 }]);
  });

  it('a refused connection is retried on the same schedule', async () => {
    const h = await simulatorSendingTo(`http://127.0.0.1:${await closedPort()}/webhooks`);
    await payOne(h);
    const deliveries = await walkSchedule(h);
    expect(deliveries.every((d) => d.error === 'refused' && d.status === undefined)).toBe(true);
    expectScheduleGaps(deliveries);
  });

  it('a receiver that never answers times out and is retried on the same schedule', async () => {
    receiver.answer = () => 'hang';
    const h = await simulatorSendingTo(receiver.url, 200);
    await payOne(h);
    const deliveries = await walkSchedule(h);
    expect(receiver.received).toHaveLength(6);
    expect(deliveries.every((d) => d.error === 'timeout')).toBe(true);
    expectScheduleGaps(deliveries);
  });

  it('the default timeout is GOV.UK Pay’s 3 seconds', async () => {
    receiver.answer = () => 'hang';
    const h = await simulatorSendingTo(receiver.url);
    const started = Date.now();
    await payOne(h);
    await receiver.waitFor(1);
    await h.sim.webhooks.idle();
    const elapsed = Date.now() - started;
    expect(h.sim.webhooks.deliveries()).toMatchObject([{ result: 'failed', error: 'timeout' }]);
    expect(elapsed).toBeGreaterThanOrEqual(2900);
  });

  it('only 2xx counts: a redirect is a failure, a 204 is delivered, and delivery ends retries', async () => {
    const answers = [302, 404, 204];
    receiver.answer = () => answers.shift() ?? 200;
    const h = await simulatorSendingTo(receiver.url);
    await payOne(h);
    await h.sim.webhooks.idle();
    h.sim.clock.advance(MINUTE);
    await h.sim.webhooks.idle();
    h.sim.clock.advance(5 * MINUTE);
    await h.sim.webhooks.idle();
    h.sim.clock.advance(3 * DAY);
    await h.sim.webhooks.idle();
    expect(h.sim.webhooks.deliveries().map((d) => [d.attempt, d.status, d.result])).toEqual([
      [1, 302, 'failed'],
      [2, 404, 'failed'],
      [3, 204, 'delivered'],
    ]);
    expect(h.sim.webhooks.messages()).toMatchObject([{ state: 'delivered', attempts: 3 }]);
  });

  it('retries also fall due with real time, without advancing the clock', async () => {
    receiver.answer = () => 500;
    harness = await startSimulator({
      rateLimit: false,
      webhooks: [{ url: receiver.url, secret: SECRET, events: ['card_payment_captured'] }],
    });
    await payOne(harness);
    await harness.sim.webhooks.idle();
    // Half a second short of the retry: real time alone brings it due.
    harness.sim.clock.advance(MINUTE - 500);
    await receiver.waitFor(2, 20_000);
    expect(harness.sim.webhooks.deliveries().map((d) => d.attempt)).toEqual([1, 2]);
  });
});
