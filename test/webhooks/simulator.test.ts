import type { WebhookEvent } from '../../src/webhooks/options';
import { startForwarder } from '../helpers/forwarder';
import { MOUNT } from '../helpers/journey-harness';
import type { HarnessOptions } from '../helpers/journey-harness';
import { WEBHOOK_SECRET, eventually, startWebhookHarness } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

describe('webhooks sent by the simulator, received by the journey', () => {
  let h: WebhookHarness;
  let forwarder: Awaited<ReturnType<typeof startForwarder>>;

  async function start(options: HarnessOptions = {}): Promise<void> {
    forwarder = await startForwarder();
    h = await startWebhookHarness({
      ...options,
      simulator: {
        webhooks: [{ url: `${forwarder.url}${MOUNT}/webhooks`, secret: WEBHOOK_SECRET }],
      },
    });
    forwarder.forwardTo(h.appUrl);
  }

  afterEach(async () => {
    await h.close();
    await forwarder.close();
  });

  it('settles a payment whose citizen never came back, from the simulator’s own signed message', async () => {
    await start();
    const payment = await h.paidButNotReturned();
    await eventually(() => h.settled.length === 1, 'the settlement by webhook');
    await h.simulator.webhooks.idle();
    const [settled] = h.settled;
    expect(settled?.source).toBe('webhook');
    expect(settled?.outcome).toBe('success');
    expect(settled?.payment.payment_id).toBe(payment.payment_id);
    const deliveries = h.simulator.webhooks.deliveries();
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.result === 'delivered' && d.status === 200)).toBe(true);
    // Nothing is left for reconciliation.
    const summary = await h.journey.reconcile({ olderThanMinutes: 0 });
    expect(summary.checked).toBe(0);
  });

  it('settles a cancelled payment as failed, and once under duplicate delivery', async () => {
    await start();
    h.simulator.webhooks.faults.inject({ fault: { kind: 'duplicate', copies: 5 } });
    h.payment = { ...h.payment, reference: 'CANCEL-1' };
    const browser = h.browser();
    const started = await h.start(browser);
    const [paymentId] = h.paymentIds();
    if (paymentId === undefined || started.status !== 303) throw new Error('no payment');
    h.simulator.completePayment(paymentId, { cancel: true });
    await eventually(() => h.settled.length === 1, 'the settlement by webhook');
    await h.simulator.webhooks.idle();
    await h.redeploy({}); // waits for anything still settling
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]).toMatchObject({ outcome: 'failed', reason: 'cancelled_by_user' });
    expect(h.simulator.webhooks.deliveries().filter((d) => d.kind === 'duplicate').length).toBe(5);
  });

  it('gets a message again after onWebhook threw, and delivers it', async () => {
    const succeeded: WebhookEvent[] = [];
    let failures = 1;
    await start({
      journey: {
        onWebhook: (event) => {
          if (event.event_type !== 'card_payment_succeeded') return;
          if (failures > 0) {
            failures -= 1;
            throw new Error('fulfilment is down');
          }
          succeeded.push(event);
        },
      },
    });
    await h.paidElsewhere();
    await eventually(
      () => h.simulator.webhooks.deliveries().some((d) => d.status === 500),
      'the failed attempt',
    );
    await h.simulator.webhooks.idle();
    expect(succeeded).toHaveLength(0);
    // GOV.UK Pay's first retry comes 60 s later, on the simulator's clock.
    h.advance(60_000);
    await eventually(() => succeeded.length === 1, 'the retried message');
    await h.simulator.webhooks.idle();
    const [failed, ...others] = h.simulator.webhooks.deliveries().filter((d) => d.status === 500);
    expect(others).toEqual([]);
    expect(failed?.eventType).toBe('card_payment_succeeded');
    const retried = h.simulator.webhooks
      .deliveries()
      .filter((d) => d.messageId === failed?.messageId && d.result === 'delivered');
    expect(retried).toHaveLength(1);
    expect(retried[0]?.attempt).toBe(2);
  });
});
