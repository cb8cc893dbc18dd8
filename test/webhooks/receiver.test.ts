import express from 'express';
import type { PayJourneyOptions } from '../../src/journey/options';
import { MemoryStore } from '../../src/store';
import type { PaymentStore } from '../../src/store';
import { signWebhookBody } from '../../src/webhooks/signature';
import type { WebhookEvent } from '../../src/webhooks/options';
import { renderedOutcome } from '../helpers/journey-harness';
import {
  OLD_WEBHOOK_SECRET,
  WEBHOOK_SECRET,
  eventually,
  instrumentedStore,
  postChunked,
  postRaw,
  signedDelivery,
  startWebhookHarness,
} from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

/** Put in bodies to prove that no log line quotes a body. */
const MARKER = 'BODY-MARKER-7f3a';

describe('POST {mount}/webhooks: what reaches the receiver', () => {
  let h: WebhookHarness;
  afterEach(async () => h.close());

  it('checks the FACTS §14 test vector on the raw bytes before parsing', async () => {
    const secret = 'This is my secret key! 🔑';
    const body = 'We captured a £10 payment! 💷';
    const vector = 'a678c8326237dc08acabed4ec3948ee82f94c4b35cdc44b68f26fa8ef595efff';
    h = await startWebhookHarness({ webhooks: { secrets: [secret] } });
    // The signature passes, so the answer is about the body, which is not JSON: 400, not 401.
    expect((await postRaw(h.webhookUrl, body, { 'pay-signature': vector })).status).toBe(400);
    const oneDigitOff = `${vector.slice(0, -1)}e`;
    expect((await postRaw(h.webhookUrl, body, { 'pay-signature': oneDigitOff })).status).toBe(401);
    // The same text in another encoding is other bytes, so it fails.
    const latin1 = Buffer.from(body, 'latin1');
    expect((await postRaw(h.webhookUrl, latin1, { 'pay-signature': vector })).status).toBe(401);
  });

  it('accepts an old secret while it is listed, and refuses it once removed', async () => {
    h = await startWebhookHarness({ webhooks: { secrets: [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET] } });
    const payment = await h.paidElsewhere();
    const first = h.message('card_payment_succeeded', payment.payment_id);
    const second = h.message('card_payment_captured', payment.payment_id);
    expect((await h.deliver(first, OLD_WEBHOOK_SECRET)).status).toBe(200);
    expect((await h.deliver(second, WEBHOOK_SECRET)).status).toBe(200);

    await h.redeploy({ webhooks: { secrets: [WEBHOOK_SECRET] } });
    const third = h.message('card_payment_succeeded', payment.payment_id);
    expect((await h.deliver(third, OLD_WEBHOOK_SECRET)).status).toBe(401);
    expect((await h.deliver(third, WEBHOOK_SECRET)).status).toBe(200);
  });

  it('refuses a wrong or missing signature with 401, logging no body and touching no store', async () => {
    h = await startWebhookHarness();
    const counted = instrumentedStore(h.store);
    await h.redeploy({ store: counted.store });
    const payment = await h.paidButNotReturned();
    const message = {
      ...h.message('card_payment_succeeded', payment.payment_id),
      note: MARKER,
    };
    const body = JSON.stringify(message);
    const reads = h.paymentReads();
    counted.calls.length = 0;

    const answers = await Promise.all([
      postRaw(h.webhookUrl, body),
      postRaw(h.webhookUrl, body, { 'pay-signature': signWebhookBody(body, OLD_WEBHOOK_SECRET) }),
      postRaw(h.webhookUrl, body, { 'pay-signature': '0'.repeat(64) }),
      postRaw(h.webhookUrl, body, {
        'pay-signature': `sha256=${signWebhookBody(body, WEBHOOK_SECRET)}`,
      }),
      postRaw(h.webhookUrl, `${body} `, { 'pay-signature': signWebhookBody(body, WEBHOOK_SECRET) }),
      postRaw(h.webhookUrl, body, {
        'pay-signature': signWebhookBody(body, WEBHOOK_SECRET).slice(2),
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(counted.calls).toEqual([]);
    expect(h.paymentReads()).toBe(reads);
    expect(h.settled).toHaveLength(0);
    expect(h.logger.text()).not.toContain(MARKER);
    expect(h.logger.text()).not.toContain(payment.payment_id);
    expect(h.logger.messages('warn').filter((m) => m.includes('Pay-Signature'))).toHaveLength(6);
  });

  it('answers 413 to a body over maxBodyBytes, announced or chunked, and closes the connection', async () => {
    h = await startWebhookHarness({ webhooks: { secrets: [WEBHOOK_SECRET], maxBodyBytes: 4096 } });
    const big = JSON.stringify({ padding: 'x'.repeat(5000) });
    const announced = await postRaw(h.webhookUrl, big, {
      'pay-signature': signWebhookBody(big, WEBHOOK_SECRET),
    });
    expect(announced.status).toBe(413);
    expect(announced.headers.connection).toBe('close');

    // 1 KiB at a time, with no Content-Length: refused once past 4 KiB, long before 1 MiB.
    const chunked = await postChunked(h.webhookUrl, Buffer.alloc(1024, 0x61), 1024, {
      'pay-signature': '0'.repeat(64),
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers.connection).toBe('close');
    expect(chunked.chunksSent).toBeLessThan(1024);

    // A chunked body within the limit is read whole and checked.
    const payment = await h.paidElsewhere();
    const { body, headers } = signedDelivery(
      h.message('card_payment_succeeded', payment.payment_id),
    );
    const small = await postChunked(h.webhookUrl, Buffer.from(body), 1, headers);
    expect(small.status).toBe(200);
  });

  it('answers 400 to a signed body that is not JSON or not a webhook message, logging no body', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const good = h.message('card_payment_succeeded', payment.payment_id);
    const post = (body: string): Promise<number> =>
      postRaw(h.webhookUrl, body, { 'pay-signature': signWebhookBody(body, WEBHOOK_SECRET) }).then(
        (a) => a.status,
      );
    expect(await post(`{"webhook_message_id": "${MARKER}", `)).toBe(400);
    expect(await post(`["${MARKER}"]`)).toBe(400);
    expect(
      await post(JSON.stringify({ ...good, webhook_message_id: undefined, note: MARKER })),
    ).toBe(400);
    expect(await post(JSON.stringify({ ...good, resource_type: 'REFUND', note: MARKER }))).toBe(
      400,
    );
    expect(
      await post(JSON.stringify({ ...good, resource: { ...good.resource, payment_id: 'other' } })),
    ).toBe(400);
    expect(h.settled).toHaveLength(0);
    expect(h.logger.text()).not.toContain(MARKER);
    expect(h.logger.text()).not.toContain(payment.payment_id);
    expect(h.logger.messages('warn').filter((m) => m.includes('signed webhook'))).toHaveLength(5);
  });

  it('compares resource_type without case', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const message = {
      ...h.message('card_payment_succeeded', payment.payment_id),
      resource_type: 'payment',
    };
    expect((await h.deliver(message)).status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
    expect(h.settled[0]?.source).toBe('webhook');
  });

  it('acknowledges an unknown event type, and still takes it as a reason to read a payment of its own', async () => {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({ journey: { onWebhook: (event) => void events.push(event) } });
    const elsewhere = await h.paidElsewhere();
    const unknownElsewhere = {
      ...h.message('card_payment_succeeded', elsewhere.payment_id),
      event_type: 'card_payment_disputed',
    };
    expect((await h.deliver(unknownElsewhere)).status).toBe(200);
    expect(events).toHaveLength(0);

    const mine = await h.paidButNotReturned();
    const unknownMine = {
      ...h.message('card_payment_succeeded', mine.payment_id),
      event_type: 'card_payment_disputed',
    };
    expect((await h.deliver(unknownMine)).status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
    expect(h.settled[0]?.payment.payment_id).toBe(mine.payment_id);
    expect(events).toHaveLength(0);
  });

  it('answers 500 with advice when a body parser has read the body first', async () => {
    h = await startWebhookHarness({ beforeJourney: (app) => app.use(express.json()) });
    const payment = await h.paidButNotReturned();
    const answer = await h.deliver(h.message('card_payment_succeeded', payment.payment_id));
    expect(answer.status).toBe(500);
    const advice = h.logger.messages('error').find((m) => m.includes('body parser'));
    expect(advice).toContain("app.use('/payment', journey) first");
    expect(advice).toContain('express.json()');
    expect(h.settled).toHaveLength(0);
  });

  it('still reads the body when an earlier parser left it alone (another content type)', async () => {
    h = await startWebhookHarness({
      beforeJourney: (app) => app.use(express.urlencoded({ extended: false })),
    });
    const payment = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    await eventually(() => h.settled.length === 1, 'the settlement');
  });

  it('needs no same-origin headers, and a cross-site one does not stop it', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const { body, headers } = signedDelivery(
      h.message('card_payment_succeeded', payment.payment_id),
    );
    const answer = await postRaw(h.webhookUrl, body, {
      ...headers,
      origin: 'https://attacker.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(answer.status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
  });

  it('has no route when webhooks is not configured', async () => {
    h = await startWebhookHarness({
      journey: { webhooks: undefined } as unknown as Partial<PayJourneyOptions>,
    });
    const answer = await h.deliver({});
    expect(answer.status).toBe(404);
  });
});

describe('POST {mount}/webhooks: settling a payment this journey created', () => {
  let h: WebhookHarness;
  afterEach(async () => h.close());

  it('marks it due and answers 200 before reading GOV.UK Pay, then settles it off the request', async () => {
    let releaseGet: () => void = () => undefined;
    const getHeld = new Promise<void>((resolve) => {
      releaseGet = resolve;
    });
    let holding = false;
    h = await startWebhookHarness({
      // GOV.UK Pay is held for as long as the test likes; the client must not give up first.
      journey: { timeoutMs: 30_000 },
      onSimulatorRequest: (req, res) => {
        if (!holding || req.method !== 'GET' || !req.url?.startsWith('/v1/payments/')) return;
        // Hold GOV.UK Pay's answer until the test lets it go.
        const end = res.end.bind(res) as (...args: unknown[]) => unknown;
        res.end = ((...args: unknown[]) => {
          void getHeld.then(() => end(...args));
          return res;
        }) as typeof res.end;
      },
    });
    const payment = await h.paidButNotReturned();
    holding = true;
    const answer = await h.deliver(h.message('card_payment_succeeded', payment.payment_id));
    expect(answer.status).toBe(200);
    expect(h.settled).toHaveLength(0);
    expect([...h.store.listDue()].map((r) => r.paymentId)).toEqual([payment.payment_id]);

    releaseGet();
    await eventually(() => h.settled.length === 1, 'the settlement');
    const [settled] = h.settled;
    expect(settled?.source).toBe('webhook');
    expect(settled?.outcome).toBe('success');
    expect(settled?.payment.payment_id).toBe(payment.payment_id);
    expect(h.store.getPending(payment.payment_id)).toBeUndefined();
    expect([...h.store.listDue()]).toEqual([]);
    expect(h.logger.text()).not.toContain(payment.payment_id);
  });

  it('reads at most webhooks.concurrency payments at once; the rest wait their turn', async () => {
    const held: (() => void)[] = [];
    let holding = false;
    h = await startWebhookHarness({
      webhooks: { secrets: [WEBHOOK_SECRET], concurrency: 2 },
      journey: { timeoutMs: 30_000 },
      onSimulatorRequest: (req, res) => {
        if (!holding || req.method !== 'GET' || !req.url?.startsWith('/v1/payments/')) return;
        const end = res.end.bind(res) as (...args: unknown[]) => unknown;
        res.end = ((...args: unknown[]) => {
          held.push(() => end(...args));
          return res;
        }) as typeof res.end;
      },
    });
    const payments = [];
    for (let i = 0; i < 6; i += 1) payments.push(await h.paidButNotReturned());
    holding = true;
    const answers = await Promise.all(
      payments.map((p) => h.deliver(h.message('card_payment_succeeded', p.payment_id))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await eventually(() => held.length === 2, 'two reads');
    // More round trips through the receiver give a third read every chance to start.
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await h.deliver(h.message('card_payment_captured', payments[0]!.payment_id))).status,
      ).toBe(200);
    }
    expect(held).toHaveLength(2);
    expect(h.settled).toHaveLength(0);
    holding = false;
    for (const release of held.splice(0)) release();
    await eventually(() => h.settled.length === 6, 'every settlement');
    expect(new Set(h.settled.map((s) => s.payment.payment_id)).size).toBe(6);
  });

  it('settles once for 100 parallel copies of one message, and reads GOV.UK Pay once', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const { body, headers } = signedDelivery(
      h.message('card_payment_succeeded', payment.payment_id),
    );
    const reads = h.paymentReads();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => postRaw(h.webhookUrl, body, headers)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await eventually(() => h.settled.length === 1, 'the settlement');
    await h.redeploy({}); // closing waits for anything still in flight
    expect(h.settled).toHaveLength(1);
    expect(h.paymentReads() - reads).toBe(1);
  });

  it('settles once when a webhook races the citizen’s return and a reconcile run; the others see it settled', async () => {
    h = await startWebhookHarness();
    for (let round = 0; round < 8; round += 1) {
      h.payment = { ...h.payment, reference: `RACE-${round}` };
      const browser = h.browser();
      const started = await h.start(browser);
      const [paymentId] = h.paymentIds();
      if (paymentId === undefined || started.location === undefined) throw new Error('no payment');
      h.simulator.completePayment(paymentId, { card: '4444333322221111' });
      const settledBefore = h.settled.length;

      const [webhook, returned, summary] = await Promise.all([
        h.deliver(h.message('card_payment_succeeded', paymentId)),
        browser.navigate('GET', `${h.appUrl}/payment/return`),
        h.journey.reconcile({ olderThanMinutes: 0 }),
      ]);
      await eventually(() => h.settled.length > settledBefore, 'the settlement');
      expect(webhook.status).toBe(200);
      expect(renderedOutcome(returned).outcome).toBe('success');
      // Reconciliation settled it, or found it settled, in progress, or already gone.
      const { settled: byOutcome } = summary;
      const reconcileSettled =
        byOutcome.success + byOutcome.failed + byOutcome.cancelled + byOutcome.error;
      expect(reconcileSettled).toBeLessThanOrEqual(1);
      // Nothing settles it a second time, by any path.
      const again = await h.journey.reconcile({ olderThanMinutes: 0 });
      expect(again.checked).toBe(0);
      const refresh = renderedOutcome(await browser.navigate('GET', `${h.appUrl}/payment/return`));
      expect(refresh).toMatchObject({ outcome: 'success', firstVisit: false });
      expect((await h.deliver(h.message('card_payment_captured', paymentId))).status).toBe(200);
      await h.redeploy({});
      expect(h.settled.filter((s) => s.payment.payment_id === paymentId)).toHaveLength(1);
    }
  });

  it('never unsettles on a failed that comes after a succeeded: the truth is the GET', async () => {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({ journey: { onWebhook: (event) => void events.push(event) } });
    const payment = await h.paidButNotReturned();
    const succeeded = h.message('card_payment_succeeded', payment.payment_id);
    const failed = h.message('card_payment_failed', payment.payment_id);
    const lying = {
      ...failed,
      resource: {
        ...failed.resource,
        state: { status: 'declined', finished: true, code: 'P0010' },
      },
    };
    expect((await h.deliver(succeeded)).status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
    expect((await h.deliver(lying)).status).toBe(200);
    await h.redeploy({});
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]?.outcome).toBe('success');
    // A payment this journey settled is acknowledged, not handed to onWebhook.
    expect(events).toHaveLength(0);
  });

  it('settles from the GET when a lying failed arrives first', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const failed = h.message('card_payment_failed', payment.payment_id);
    const lying = {
      ...failed,
      resource: {
        ...failed.resource,
        state: { status: 'declined', finished: true, code: 'P0010' },
      },
    };
    expect((await h.deliver(lying)).status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
    expect(h.settled[0]?.outcome).toBe('success');
  });

  it('leaves a due mark that the next reconciliation settles, whatever its age, when settling after the 200 fails', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    const removeFault = h.simulator.faults.inject({
      route: 'getPayment',
      fault: { kind: 'status', status: 500 },
    });
    const answer = await h.deliver(h.message('card_payment_succeeded', payment.payment_id));
    expect(answer.status).toBe(200);
    await eventually(
      () => h.logger.messages('warn').some((m) => m.includes('could not read the payment status')),
      'the failed read',
    );
    expect(h.settled).toHaveLength(0);
    removeFault();

    // A few minutes old, far below olderThanMinutes: only the due mark brings it in.
    const summary = await h.journey.reconcile({ olderThanMinutes: 60 });
    expect(summary.due).toBe(1);
    expect(summary.settled.success).toBe(1);
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]?.source).toBe('reconcile');
  });

  it('leaves a due mark when the journey is replaced before the payment could be read', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidButNotReturned();
    h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'drop' } });
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    // A deploy right after the 200: close waits for the off-request attempt, which fails.
    await h.redeploy({});
    expect(h.settled).toHaveLength(0);
    h.simulator.faults.clear();
    const summary = await h.journey.reconcile();
    expect(summary.due).toBe(1);
    expect(h.settled.map((s) => s.source)).toEqual(['reconcile']);
  });

  it('answers 500 when the store fails, so GOV.UK Pay retries, and processes the retry', async () => {
    h = await startWebhookHarness();
    const broken = instrumentedStore(h.store);
    await h.redeploy({ store: broken.store });
    const payment = await h.paidButNotReturned();
    const message = h.message('card_payment_succeeded', payment.payment_id);

    broken.failing.add('claim');
    expect((await h.deliver(message)).status).toBe(500);
    broken.failing.clear();

    broken.failing.add('markDue');
    expect((await h.deliver(message)).status).toBe(500);
    broken.failing.clear();
    expect(h.settled).toHaveLength(0);

    // The failed attempt released its claim: the retry is processed, not taken as a duplicate.
    expect((await h.deliver(message)).status).toBe(200);
    await eventually(() => h.settled.length === 1, 'the settlement');
    expect(h.logger.messages('error').some((m) => m.includes('answered 500'))).toBe(true);
  });

  it('refuses new messages with 503 once closed, and close waits for settling in flight', async () => {
    let releaseSettled: () => void = () => undefined;
    const settledHeld = new Promise<void>((resolve) => {
      releaseSettled = resolve;
    });
    h = await startWebhookHarness({
      journey: {
        onSettled: async (result) => {
          await settledHeld;
          h.settled.push(result);
        },
      },
    });
    const payment = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    let closed = false;
    const closing = h.journey.close().then(() => {
      closed = true;
    });
    const other = await h.paidElsewhere();
    expect((await h.deliver(h.message('card_payment_succeeded', other.payment_id))).status).toBe(
      503,
    );
    expect(closed).toBe(false);
    releaseSettled();
    await closing;
    expect(h.settled).toHaveLength(1);
    await h.redeploy({});
  });
});

describe('POST {mount}/webhooks: everything else goes to onWebhook', () => {
  let h: WebhookHarness;
  afterEach(async () => h.close());

  it('hands over a payment made elsewhere, typed by event_type; settles nothing', async () => {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({
      journey: {
        onWebhook: (event) => {
          switch (event.event_type) {
            case 'card_payment_succeeded':
            case 'card_payment_captured':
            case 'card_payment_refunded':
            case 'card_payment_failed':
            case 'card_payment_expired':
              events.push(event);
              return;
            default: {
              const unknown: never = event;
              throw new Error(String(unknown));
            }
          }
        },
      },
    });
    const payment = await h.paidElsewhere();
    const reads = h.paymentReads();
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    expect(events.map((e) => [e.event_type, e.resource_id])).toEqual([
      ['card_payment_succeeded', payment.payment_id],
    ]);
    expect(h.settled).toHaveLength(0);
    expect(h.paymentReads()).toBe(reads);
  });

  it('hands over a refund of a payment this journey settled, with the parent payment id', async () => {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({ journey: { onWebhook: (event) => void events.push(event) } });
    const payment = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    await eventually(() => h.settled.length === 1, 'the settlement');
    const refunded = h.message('card_payment_refunded', payment.payment_id);
    expect((await h.deliver(refunded)).status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event_type: 'card_payment_refunded',
      resource_id: payment.payment_id,
      webhook_message_id: refunded.webhook_message_id,
    });
    expect(h.settled).toHaveLength(1);
  });

  it('answers 500 when onWebhook throws, and delivers the retry; a later copy is a duplicate', async () => {
    const seen: string[] = [];
    let failNext = true;
    h = await startWebhookHarness({
      journey: {
        onWebhook: async (event) => {
          seen.push(event.webhook_message_id);
          if (failNext) {
            failNext = false;
            throw new Error(`fulfilment down for ${event.resource_id}`);
          }
        },
      },
    });
    const payment = await h.paidElsewhere();
    const message = h.message('card_payment_succeeded', payment.payment_id);
    expect((await h.deliver(message)).status).toBe(500);
    expect((await h.deliver(message)).status).toBe(200);
    expect((await h.deliver(message)).status).toBe(200);
    expect(seen).toEqual([message.webhook_message_id, message.webhook_message_id]);
    expect(h.logger.messages('error').some((m) => m.includes('onWebhook threw'))).toBe(true);
    // The handler's message quoted the id; only the error's name is logged.
    expect(h.logger.text()).not.toContain(payment.payment_id);
  });

  it('acknowledges what it would hand over when there is no onWebhook', async () => {
    h = await startWebhookHarness();
    const payment = await h.paidElsewhere();
    expect((await h.deliver(h.message('card_payment_refunded', payment.payment_id))).status).toBe(
      200,
    );
    expect(h.settled).toHaveLength(0);
  });

  /**
   * A payment event about a payment not pending here: one this journey settled is acknowledged,
   * anyone else's is handed over. Both ways of asking the store must agree.
   */
  async function settledOrElsewhere(store: PaymentStore): Promise<WebhookEvent[]> {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({ journey: { store, onWebhook: (e) => void events.push(e) } });
    const mine = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', mine.payment_id))).status).toBe(
      200,
    );
    await eventually(() => h.settled.length === 1, 'the settlement by webhook');
    const elsewhere = await h.paidElsewhere();
    expect(
      (await h.deliver(h.message('card_payment_succeeded', elsewhere.payment_id))).status,
    ).toBe(200);
    expect((await h.deliver(h.message('card_payment_captured', mine.payment_id))).status).toBe(200);
    expect(events.map((e) => e.resource_id)).toEqual([elsewhere.payment_id]);
    expect(h.settled).toHaveLength(1);
    return events;
  }

  it("reads the store's settlementState for a payment not pending here, and writes nothing for it", async () => {
    const counted = instrumentedStore(new MemoryStore());
    await settledOrElsewhere(counted.store);
    const settleCalls = counted.calls.filter((c) => c.endsWith('Settlement'));
    // One lease for the one settlement; the two later events only read.
    expect(settleCalls).toEqual(['beginSettlement', 'commitSettlement']);
    expect(counted.calls.filter((c) => c === 'settlementState')).toHaveLength(2);
  });

  it('asks a store without settlementState by a short lease, with the same answers', async () => {
    const inner = new MemoryStore();
    const withoutRead = new Proxy(inner, {
      get(target, property) {
        if (property === 'settlementState') return undefined;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    await settledOrElsewhere(withoutRead);
    inner.close();
  });

  it('hands a refund of a payment still pending here to onWebhook, and settles that payment too', async () => {
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({ journey: { onWebhook: (event) => void events.push(event) } });
    const payment = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_refunded', payment.payment_id))).status).toBe(
      200,
    );
    expect(events.map((e) => e.event_type)).toEqual(['card_payment_refunded']);
    await eventually(() => h.settled.length === 1, 'the settlement');
  });

  it('treats the payment of another journey on a shared store as not its own', async () => {
    const shared = new MemoryStore();
    const events: WebhookEvent[] = [];
    h = await startWebhookHarness({
      journey: { store: shared, onWebhook: (event) => void events.push(event) },
    });
    const payment = await h.paidButNotReturned();
    const record = shared.getPending(payment.payment_id);
    if (record === undefined) throw new Error('not pending');
    shared.savePending({ ...record, journey: 'another-journey' }, 60_000);
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    expect(events).toHaveLength(1);
    expect(h.settled).toHaveLength(0);
    shared.close();
  });
});
