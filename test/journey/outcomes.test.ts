import { TEST_CARDS } from '../../src/simulator';
import {
  COOKIE_NAME,
  MOUNT,
  renderedOutcome,
  sameOriginHeaders,
  startJourneyHarness,
} from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

const MINUTE = 60_000;

describe('outcomes through the real router and the simulator’s hosted pages', () => {
  let h: JourneyHarness;

  beforeEach(async () => {
    h = await startJourneyHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(TEST_CARDS.authorised.map((card) => [card]))(
    'authorised card %s: success, settled once',
    async (card) => {
      const browser = h.browser();
      const shown = renderedOutcome(await h.payWithCard(browser, card));
      expect(shown).toEqual({
        outcome: 'success',
        reason: null,
        firstVisit: true,
        capturable: false,
      });
      expect(h.settled).toHaveLength(1);
      expect(h.settled[0]).toMatchObject({
        outcome: 'success',
        source: 'return',
        firstVisit: true,
      });
      expect(h.settled[0]?.payment.state.status).toBe('success');
      expect(h.settled[0]?.payment.payment_id).toBe(h.paymentIds()[0]);
    },
  );

  it.each(TEST_CARDS.declined.map((card) => [card]))(
    'declined card %s: failed, reason declined',
    async (card) => {
      const shown = renderedOutcome(await h.payWithCard(h.browser(), card));
      expect(shown).toMatchObject({ outcome: 'failed', reason: 'declined', firstVisit: true });
      expect(h.settled.map((r) => [r.outcome, r.reason])).toEqual([['failed', 'declined']]);
    },
  );

  it('error card: error P0050, shown by the failed handler by default', async () => {
    const shown = renderedOutcome(await h.payWithCard(h.browser(), TEST_CARDS.error[0] as string));
    expect(shown).toMatchObject({ outcome: 'error', reason: 'provider_error' });
    expect(h.settled.map((r) => r.outcome)).toEqual(['error']);
  });

  it('a delayed-capture payment is success with capturable, and settles', async () => {
    h.payment = { ...h.payment, delayed_capture: true };
    const shown = renderedOutcome(await h.payWithCard(h.browser()));
    expect(shown).toMatchObject({ outcome: 'success', capturable: true });
    expect(h.settled[0]).toMatchObject({ outcome: 'success', capturable: true });
    expect(h.settled[0]?.payment.state.status).toBe('capturable');
  });

  it('"Cancel payment" on the card page: failed, reason cancelled_by_user', async () => {
    const browser = h.browser();
    const started = await h.start(browser);
    const shown = renderedOutcome(await h.cancelOnHostedPages(browser, started.location as string));
    expect(shown).toMatchObject({ outcome: 'failed', reason: 'cancelled_by_user' });
    expect(h.settled.map((r) => r.reason)).toEqual(['cancelled_by_user']);
  });

  it('a payment the service cancelled (admin tool): cancelled, shown by failed by default', async () => {
    const browser = h.browser();
    await h.start(browser);
    h.simulator.cancelByService(h.paymentIds()[0] as string);
    const shown = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    expect(shown).toMatchObject({ outcome: 'cancelled', reason: 'cancelled_by_service' });
    expect(h.settled.map((r) => r.outcome)).toEqual(['cancelled']);
  });

  it('an expired payment (the simulator clock moved past 90 minutes): failed, reason expired', async () => {
    const browser = h.browser();
    await h.start(browser);
    h.advance(91 * MINUTE);
    const shown = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    expect(shown).toMatchObject({ outcome: 'failed', reason: 'expired' });
    expect(h.settled.map((r) => r.reason)).toEqual(['expired']);
  });

  it('a refresh shows the same outcome with firstVisit false, and settles nothing more', async () => {
    const browser = h.browser();
    await h.payWithCard(browser);
    const again = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    expect(again).toMatchObject({ outcome: 'success', firstVisit: false });
    expect(h.settled).toHaveLength(1);
  });

  it('each outcome response is no-store', async () => {
    const browser = h.browser();
    const paid = await h.payWithCard(browser);
    expect(paid.headers['cache-control']).toBe('no-store');
    const missing = await h.browser().get(`${h.appUrl}${MOUNT}/return`);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('uses the service’s own handlers for cancelled, error, pending, unconfirmed and missing', async () => {
    const seen: string[] = [];
    const handler =
      (name: string) =>
      (_req: unknown, res: { status(n: number): { send(b: string): void } }): void => {
        seen.push(name);
        res.status(299).send(name);
      };
    await h.redeploy({
      outcomes: {
        success: handler('success'),
        failed: handler('failed'),
        cancelled: handler('cancelled'),
        error: handler('error'),
        pending: handler('pending'),
        unconfirmed: handler('unconfirmed'),
        missing: handler('missing'),
      },
    });
    const browser = h.browser();
    expect((await h.browser().get(`${h.appUrl}${MOUNT}/return`)).body).toBe('missing');
    await h.start(browser);
    expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).body).toBe('pending');
    h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 503 } });
    expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).body).toBe('unconfirmed');
    h.simulator.faults.clear();
    h.simulator.cancelByService(h.paymentIds()[0] as string);
    expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).body).toBe('cancelled');

    const second = h.browser();
    await h.payWithCard(second, TEST_CARDS.error[0]);
    expect(seen).toEqual(['missing', 'pending', 'unconfirmed', 'cancelled', 'error']);
  });

  it('answers HEAD on the return route without reading GOV.UK Pay, settling or using the first visit', async () => {
    const browser = h.browser();
    const started = await h.start(browser);
    const nextUrl = started.location as string;
    const getsBefore = h.apiCalls('GET');
    const head = await browser.request('HEAD', `${h.appUrl}${MOUNT}/return`, {});
    expect(head.status).toBe(204);
    expect(h.apiCalls('GET')).toBe(getsBefore);

    const paid = renderedOutcome(await h.payOnHostedPages(browser, nextUrl));
    expect(await browser.request('HEAD', `${h.appUrl}${MOUNT}/return`, {})).toMatchObject({
      status: 204,
    });
    expect(paid).toMatchObject({ outcome: 'success', firstVisit: true });
    expect(h.settled).toHaveLength(1);
    const again = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    expect(again).toMatchObject({ outcome: 'success', firstVisit: false });
  });

  describe('the default pages', () => {
    it('pending: 303 to a fresh next_url of the same payment, never the first one again', async () => {
      const browser = h.browser();
      const started = await h.start(browser);
      const back = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(back.status).toBe(303);
      expect(back.location).toMatch(new RegExp(`^${h.pagesUrlPattern}/secure/`));
      expect(back.location).not.toBe(started.location);
      expect(h.paymentIds()).toHaveLength(1);
      // The fresh next_url works: the citizen can still pay this one payment.
      const paid = await h.payOnHostedPages(browser, back.location as string);
      expect(renderedOutcome(paid).outcome).toBe('success');
      expect(h.paymentIds()).toHaveLength(1);
    });

    it('pending with a next_url outside nextUrlHosts: a page, never a redirect there', async () => {
      const browser = h.browser();
      await h.start(browser);
      await h.redeploy({ nextUrlHosts: ['*.payments.service.gov.uk'] });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(200);
      expect(page.headers.location).toBeUndefined();
      expect(page.body).toContain('Your payment is not finished');
    });

    it('unconfirmed: a 503 page that says not to pay again, and nothing settled', async () => {
      const browser = h.browser();
      const started = await h.start(browser);
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
      h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 500 } });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(started.status).toBe(303);
      expect(page.status).toBe(503);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('We could not confirm your payment. Do not try to pay again');
      expect(page.body).not.toMatch(/failed|declined/i);
      expect(h.settled).toHaveLength(0);
    });

    it('missing: a 400 page linking to startUrl, with no API call', async () => {
      await h.redeploy({ startUrl: '/apply/start' });
      const calls = h.apiCalls();
      const page = await h.browser().get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(400);
      expect(page.body).toContain('<a href="/apply/start">');
      expect(h.apiCalls()).toBe(calls);
    });
  });

  describe('cancel', () => {
    it('POST /cancel cancels the unfinished payment and shows cancelled, settled once', async () => {
      const browser = h.browser();
      await h.start(browser);
      const shown = renderedOutcome(
        await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
          headers: sameOriginHeaders(h.publicUrl),
        }),
      );
      expect(shown).toMatchObject({ outcome: 'cancelled', reason: 'cancelled_by_service' });
      const payment = h.simulator.payments.get(h.paymentIds()[0] as string);
      expect(payment?.state).toMatchObject({ status: 'cancelled', code: 'P0040' });
      expect(h.settled.map((r) => r.outcome)).toEqual(['cancelled']);
    });

    it('journey.cancel(req) from the service’s own route does the same', async () => {
      const browser = h.browser();
      await h.start(browser);
      const shown = renderedOutcome(
        await browser.post(`${h.appUrl}${MOUNT}/own/cancel`, {
          headers: sameOriginHeaders(h.publicUrl),
        }),
      );
      expect(shown).toMatchObject({ outcome: 'cancelled' });
      expect(h.simulator.payments.get(h.paymentIds()[0] as string)?.state.status).toBe('cancelled');
    });

    it('a payment already paid is shown as success, never as cancelled', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
      const shown = renderedOutcome(
        await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
          headers: sameOriginHeaders(h.publicUrl),
        }),
      );
      expect(shown).toMatchObject({ outcome: 'success' });
      expect(h.settled.map((r) => r.outcome)).toEqual(['success']);
    });

    it('with no cookie: missing, and no API call', async () => {
      const calls = h.apiCalls();
      const page = await h.browser().post(`${h.appUrl}${MOUNT}/cancel`, {
        headers: sameOriginHeaders(h.publicUrl),
      });
      expect(page.status).toBe(400);
      expect(h.apiCalls()).toBe(calls);
    });

    it('refuses a cross-site cancel (Sec-Fetch-Site and Origin)', async () => {
      const browser = h.browser();
      await h.start(browser);
      const bySite = await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      const byOrigin = await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
        headers: { origin: 'https://evil.example' },
      });
      const viaMethod = await browser.post(`${h.appUrl}${MOUNT}/own/cancel`, {
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect([bySite.status, byOrigin.status, viaMethod.status]).toEqual([403, 403, 403]);
      expect(h.simulator.payments.get(h.paymentIds()[0] as string)?.state.status).toBe('created');
      expect(browser.cookie(COOKIE_NAME)).toBeDefined();
    });
  });
});
