/**
 * The receiver on Express 4, whose body-parser 1 sets `req.body = {}` even for a content type it
 * leaves unread, and whose express.json() consumes the stream before the journey sees it.
 */
jest.mock('express', () => jest.requireActual('express4'));

import express from 'express';
import { eventually, startWebhookHarness } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

describe('POST {mount}/webhooks on Express 4', () => {
  let h: WebhookHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('really runs Express 4', () => {
    // express.query was removed in Express 5.
    expect(typeof (express as unknown as { query?: unknown }).query).toBe('function');
  });

  it('settles a payment from a signed webhook', async () => {
    const w = (h = await startWebhookHarness());
    const payment = await w.paidButNotReturned();
    expect((await w.deliver(w.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    await eventually(() => w.settled.length === 1, 'the settlement');
    expect(w.settled[0]?.source).toBe('webhook');
  });

  it('reads the body past a parser that left it alone, and refuses one that read it', async () => {
    h = await startWebhookHarness({
      beforeJourney: (app) => app.use(express.urlencoded({ extended: false })),
    });
    const payment = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    await h.close();

    h = await startWebhookHarness({ beforeJourney: (app) => app.use(express.json()) });
    const other = await h.paidButNotReturned();
    expect((await h.deliver(h.message('card_payment_succeeded', other.payment_id))).status).toBe(
      500,
    );
    expect(h.logger.messages('error').some((m) => m.includes('before express.json()'))).toBe(true);
  });
});
