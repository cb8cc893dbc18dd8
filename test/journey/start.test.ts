import {
  COOKIE_NAME,
  MOUNT,
  renderedOutcome,
  sameOriginHeaders,
  startJourneyHarness,
} from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

describe('POST {mount}/start', () => {
  let h: JourneyHarness;

  beforeEach(async () => {
    h = await startJourneyHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates one payment from createPayment, with return_url from publicUrl, and 303s to next_url', async () => {
    const browser = h.browser();
    const started = await h.start(browser);
    expect(started.status).toBe(303);
    expect(started.location).toMatch(new RegExp(`^${h.pagesUrlPattern}/secure/[0-9a-f-]{36}$`));
    expect(started.headers['cache-control']).toBe('no-store');
    expect(started.body).toBe('');
    const [payment] = h.simulator.payments.list();
    expect(h.simulator.payments.size).toBe(1);
    expect(payment).toMatchObject({
      amount: 2500,
      reference: 'APP-0001',
      description: 'Licence fee',
      return_url: `${h.publicUrl}${MOUNT}/return`,
    });
    expect(h.createPaymentCalls).toBe(1);
    expect(browser.cookie(COOKIE_NAME)).toMatch(/^v1\./);
    expect(await h.store.getReturnId('x'.repeat(43))).toBeUndefined();
  });

  it('passes createPayment’s optional fields on to GOV.UK Pay', async () => {
    h.payment = {
      ...h.payment,
      language: 'cy',
      email: 'simulate-delivered@notifications.service.gov.uk',
      metadata: { ledger_code: 'AB100', internal: true },
    };
    await h.start(h.browser());
    const payment = h.simulator.payments.get(h.paymentIds()[0] as string);
    expect(payment).toMatchObject({
      language: 'cy',
      email: 'simulate-delivered@notifications.service.gov.uk',
      metadata: { ledger_code: 'AB100', internal: true },
    });
  });

  it('records the payment as pending in the store', async () => {
    await h.start(h.browser());
    const pending = [];
    for await (const record of h.store.listPending(Number.MAX_SAFE_INTEGER)) pending.push(record);
    expect(pending).toEqual([
      expect.objectContaining({
        paymentId: h.paymentIds()[0],
        reference: 'APP-0001',
        amount: 2500,
        accountId: expect.stringMatching(/^acct_/),
      }),
    ]);
    expect(JSON.stringify(pending)).not.toContain(h.apiKey);
  });

  describe('starting again', () => {
    it('back button then Pay again: resumes the same payment through a fresh next_url', async () => {
      const browser = h.browser();
      const first = await h.start(browser);
      // The citizen opens GOV.UK Pay, goes back, and presses Pay again.
      await browser.navigate('GET', first.location as string);
      const again = await h.start(browser);
      expect(again.status).toBe(303);
      expect(again.location).toMatch(new RegExp(`^${h.pagesUrlPattern}/secure/`));
      expect(again.location).not.toBe(first.location);
      expect(h.simulator.payments.size).toBe(1);
      const paid = await h.payOnHostedPages(browser, again.location as string);
      expect(renderedOutcome(paid).outcome).toBe('success');
      expect(h.simulator.payments.size).toBe(1);
      expect(h.settled).toHaveLength(1);
    });

    it('a different amount cancels the old unfinished payment, then creates a new one', async () => {
      const browser = h.browser();
      await h.start(browser);
      const [oldId] = h.paymentIds();
      h.payment = { ...h.payment, amount: 3000 };
      const again = await h.start(browser);
      expect(again.status).toBe(303);
      expect(h.simulator.payments.size).toBe(2);
      expect(h.simulator.payments.get(oldId as string)?.state).toMatchObject({
        status: 'cancelled',
        code: 'P0040',
      });
      const paid = await h.payOnHostedPages(browser, again.location as string);
      expect(renderedOutcome(paid).outcome).toBe('success');
      expect(h.settled.map((r) => r.payment.amount)).toEqual([3000]);
    });

    it('a different reference does the same', async () => {
      const browser = h.browser();
      await h.start(browser);
      const [oldId] = h.paymentIds();
      h.payment = { ...h.payment, reference: 'APP-0002' };
      await h.start(browser);
      expect(h.simulator.payments.get(oldId as string)?.state.status).toBe('cancelled');
      expect(h.simulator.payments.size).toBe(2);
    });

    it('after a failed payment, a new start creates a new payment and replaces the cookie', async () => {
      const browser = h.browser();
      await h.payWithCard(browser, '4000000000000002');
      const cookieBefore = browser.cookie(COOKIE_NAME);
      const again = await h.start(browser);
      expect(again.status).toBe(303);
      expect(h.simulator.payments.size).toBe(2);
      expect(browser.cookie(COOKIE_NAME)).not.toBe(cookieBefore);
      expect(
        renderedOutcome(await h.payOnHostedPages(browser, again.location as string)).outcome,
      ).toBe('success');
    });

    it('after a successful payment for the same thing, shows success instead of charging again', async () => {
      const browser = h.browser();
      await h.payWithCard(browser);
      const again = await h.start(browser);
      expect(renderedOutcome(again)).toMatchObject({ outcome: 'success', firstVisit: false });
      expect(h.simulator.payments.size).toBe(1);
      expect(h.settled).toHaveLength(1);
    });

    it('an unreadable earlier payment blocks a new one: error start_failed, nothing created', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 503 } });
      const again = await h.start(browser);
      expect(renderedOutcome(again)).toMatchObject({ outcome: 'error', reason: 'start_failed' });
      expect(h.simulator.payments.size).toBe(1);
    });
  });

  describe('cross-site requests', () => {
    it.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site with no Origin', { 'sec-fetch-site': 'same-site' }],
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['Origin null', { origin: 'null' }],
      [
        'a same-origin claim with a foreign Origin',
        { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
      ],
    ])('refuses %s with 403 and creates nothing', async (_name, headers) => {
      const response = await h.start(h.browser(), headers);
      expect(response.status).toBe(403);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(h.simulator.payments.size).toBe(0);
      expect(h.createPaymentCalls).toBe(0);
    });

    it('allows a request with neither header (not a browser form post)', async () => {
      expect((await h.start(h.browser(), {})).status).toBe(303);
    });
  });

  describe('Host header injection', () => {
    it('never builds return_url or a redirect from Host or X-Forwarded-Host', async () => {
      const browser = h.browser();
      const started = await h.start(browser, {
        ...sameOriginHeaders(h.publicUrl),
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      });
      expect(started.status).toBe(303);
      expect(started.location).not.toContain('evil');
      const payment = h.simulator.payments.list()[0];
      expect(payment?.return_url).toBe(`${h.publicUrl}${MOUNT}/return`);
      const back = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      });
      expect(back.status).toBe(303);
      expect(back.location).toMatch(new RegExp(`^${h.pagesUrlPattern}/secure/`));
    });
  });

  describe('journey.start() from the service’s own route', () => {
    it('starts with overrides, under the mount path learned from the router', async () => {
      const browser = h.browser();
      const started = await browser.post(`${h.appUrl}${MOUNT}/own/pay`, {
        headers: sameOriginHeaders(h.publicUrl),
      });
      expect(started.status).toBe(303);
      const payment = h.simulator.payments.list()[0];
      expect(payment?.description).toBe('Licence fee (own route)');
      expect(payment?.return_url).toBe(`${h.publicUrl}${MOUNT}/return`);
      const paid = await h.payOnHostedPages(browser, started.location as string);
      expect(renderedOutcome(paid).outcome).toBe('success');
    });

    it('uses the mountPath option when given', async () => {
      await h.redeploy({ mountPath: '/payment/' });
      await h.browser().post(`${h.appUrl}${MOUNT}/own/pay`, {
        headers: sameOriginHeaders(h.publicUrl),
      });
      expect(h.simulator.payments.list()[0]?.return_url).toBe(`${h.publicUrl}/payment/return`);
    });
  });

  describe('service mistakes reach next(err)', () => {
    it('createPayment throwing', async () => {
      const boom = new Error('no application in session');
      await h.redeploy({
        createPayment: () => {
          throw boom;
        },
      });
      const response = await h.start(h.browser());
      expect(response.status).toBe(500);
      expect(h.errors).toEqual([boom]);
    });

    it('createPayment rejecting', async () => {
      await h.redeploy({ createPayment: () => Promise.reject(new Error('db down')) });
      expect((await h.start(h.browser())).status).toBe(500);
      expect((h.errors[0] as Error).message).toBe('db down');
    });

    it('createPayment returning a return_url', async () => {
      await h.redeploy({
        createPayment: () =>
          ({
            amount: 100,
            reference: 'R',
            description: 'D',
            return_url: 'https://evil.example/',
          }) as never,
      });
      expect((await h.start(h.browser())).status).toBe(500);
      expect((h.errors[0] as Error).message).toMatch(
        /"return_url"; the return URL is built from publicUrl/,
      );
      expect(h.simulator.payments.size).toBe(0);
    });

    it('an invalid amount (refused locally before any call)', async () => {
      h.payment = { ...h.payment, amount: 0 };
      expect((await h.start(h.browser())).status).toBe(500);
      expect((h.errors[0] as Error).name).toBe('PayValidationError');
      expect(h.apiCalls('POST')).toBe(0);
    });

    it('a next_url outside nextUrlHosts: refused, the payment cancelled, no redirect', async () => {
      await h.redeploy({ nextUrlHosts: ['*.payments.service.gov.uk'] });
      const response = await h.start(h.browser());
      expect(response.status).toBe(500);
      expect(response.headers.location).toBeUndefined();
      expect((h.errors[0] as Error).message).toMatch(/not in nextUrlHosts/);
      expect(h.simulator.payments.list()[0]?.state.status).toBe('cancelled');
    });
  });
});
