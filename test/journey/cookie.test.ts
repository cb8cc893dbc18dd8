import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { journeyId } from '../../src/settlement';
import { createPaymentCookieSealer } from '../../src/cookie';
import { parseSetCookie } from '../helpers/browser';
import {
  COOKIE_NAME,
  COOKIE_SECRET,
  MOUNT,
  OLD_COOKIE_SECRET,
  renderedOutcome,
  startJourneyHarness,
} from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

const MINUTE = 60_000;

describe('the payment cookie', () => {
  let h: JourneyHarness;

  afterEach(async () => {
    await h.close();
  });

  describe('attributes', () => {
    it('is HttpOnly, Secure, SameSite=Lax, Path=the mount path, Max-Age=maxAgeMinutes', async () => {
      h = await startJourneyHarness({
        journey: {
          publicUrl: 'https://apply.example.gov.uk',
          cookie: { secrets: [COOKIE_SECRET], maxAgeMinutes: 150 },
        },
      });
      const response = await h.start(h.browser(true));
      const [header, ...others] = response.headers['set-cookie'] ?? [];
      expect(others).toEqual([]);
      const cookie = parseSetCookie(header as string);
      expect(cookie.name).toBe('govuk_pay');
      expect(cookie.attributes).toEqual({
        path: MOUNT,
        'max-age': String(150 * 60),
        httponly: true,
        secure: true,
        samesite: 'Lax',
      });
      expect(h.simulator.payments.list()[0]?.return_url).toBe(
        'https://apply.example.gov.uk/payment/return',
      );
    });

    it('takes its Path from a deeper mount', async () => {
      h = await startJourneyHarness({ mount: '/apply/fees/payment' });
      const browser = h.browser();
      const response = await browser.post(`${h.appUrl}/apply/fees/payment/start`, {
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(parseSetCookie(response.headers['set-cookie']?.[0] as string).attributes.path).toBe(
        '/apply/fees/payment',
      );
      expect(h.simulator.payments.list()[0]?.return_url).toBe(
        `${h.appUrl}/apply/fees/payment/return`,
      );
      const paid = await h.payOnHostedPages(browser, response.location as string);
      expect(renderedOutcome(paid).outcome).toBe('success');
    });

    it('carries no readable payment data: a sealed v1 value', async () => {
      h = await startJourneyHarness();
      const browser = h.browser();
      await h.start(browser);
      const value = browser.cookie(COOKIE_NAME) as string;
      expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(value).not.toContain(h.paymentIds()[0]);
      expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain('APP-0001');
    });
  });

  describe('a bad cookie is missing: no API call, never a 500', () => {
    let calls: number;

    async function returnWith(mutate: (value: string) => string): Promise<number> {
      const browser = h.browser();
      await h.start(browser);
      browser.setCookieValue(COOKIE_NAME, mutate(browser.cookie(COOKIE_NAME) as string));
      calls = h.apiCalls();
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(h.apiCalls()).toBe(calls);
      expect(h.shown).toEqual([]);
      return page.status;
    }

    beforeEach(async () => {
      h = await startJourneyHarness();
    });

    it.each<[string, (value: string) => string]>([
      ['a flipped character in the cipher text', (v) => flip(v, v.length - 30)],
      ['a flipped character in the tag', (v) => flip(v, v.length - 1)],
      ['a flipped key id', (v) => flip(v, 4)],
      ['truncated', (v) => v.slice(0, v.length - 5)],
      ['truncated to its first part', (v) => v.split('.').slice(0, 2).join('.')],
      ['empty', () => ''],
      ['garbage', () => 'not-a-sealed-value'],
      ['another version', (v) => `v2${v.slice(2)}`],
      ['an oversized value', (v) => v + 'A'.repeat(5000)],
    ])('%s', async (_name, mutate) => {
      expect(await returnWith(mutate)).toBe(400);
      expect(h.errors).toEqual([]);
    });

    it('no cookie at all', async () => {
      const page = await h.browser().get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(400);
      expect(page.body).toContain('We could not find your payment');
      expect(h.apiCalls()).toBe(0);
    });

    it('a value sealed for another cookie name does not unseal', async () => {
      const browser = h.browser();
      await h.start(browser);
      const value = browser.cookie(COOKIE_NAME) as string;
      await h.redeploy({ cookie: { secrets: [COOKIE_SECRET], name: 'other_pay', secure: false } });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: { cookie: `other_pay=${value}` },
      });
      expect(page.status).toBe(400);
    });

    it('a cookie past its max age (the seal’s own expiry) is missing', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.advance(121 * MINUTE);
      calls = h.apiCalls();
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(400);
      expect(h.apiCalls()).toBe(calls);
    });

    it('a cookie just inside its max age still works', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.advance(119 * MINUTE);
      expect(renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`))).toMatchObject({
        outcome: 'failed',
        reason: 'expired',
      });
    });

    it('the right cookie is found among stale ones of the same name', async () => {
      const browser = h.browser();
      await h.start(browser);
      const good = browser.cookie(COOKIE_NAME) as string;
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: { cookie: `${COOKIE_NAME}=${flip(good, 20)}; ${COOKIE_NAME}=${good}` },
      });
      expect(renderedOutcome(page).outcome).toBe('success');
    });
  });

  describe('what the return trusts', () => {
    beforeEach(async () => {
      h = await startJourneyHarness();
    });

    it('ignores query parameters: the status comes from GOV.UK Pay alone', async () => {
      const browser = h.browser();
      await h.start(browser);
      const page = await browser.get(
        `${h.appUrl}${MOUNT}/return?status=success&payment_id=${h.paymentIds()[0]}&outcome=success`,
      );
      expect(page.status).toBe(303);
      expect(h.settled).toEqual([]);
    });

    it('never follows a sealed self link off the API origin (reads by id at the API instead)', async () => {
      const evilRequests: string[] = [];
      const evil = http.createServer((req, res) => {
        evilRequests.push(req.url ?? '');
        res.end('{}');
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      try {
        const browser = h.browser();
        await h.start(browser);
        const id = h.paymentIds()[0] as string;
        h.simulator.completePayment(id, { card: '4444333322221111' });
        // Someone holding the secret (or a bug) seals a self link pointing elsewhere.
        const sealer = createPaymentCookieSealer({
          secrets: [COOKIE_SECRET],
          cookieName: COOKIE_NAME,
        });
        const port = (evil.address() as AddressInfo).port;
        const forged = sealer.seal(
          {
            paymentId: id,
            selfHref: `http://127.0.0.1:${port}/v1/payments/${id}`,
            reference: 'APP-0001',
            amount: 2500,
            createdAt: Date.now(),
          },
          60 * MINUTE,
          journeyId(new URL(h.publicUrl).origin, MOUNT),
        );
        browser.setCookieValue(COOKIE_NAME, forged);
        const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
        expect(renderedOutcome(page).outcome).toBe('success');
        expect(evilRequests).toEqual([]);
      } finally {
        evil.closeAllConnections();
        await new Promise<void>((resolve) => evil.close(() => resolve()));
      }
    });
  });

  describe('secret rotation', () => {
    beforeEach(async () => {
      h = await startJourneyHarness({
        journey: { cookie: { secrets: [OLD_COOKIE_SECRET], name: COOKIE_NAME, secure: false } },
      });
    });

    it('a cookie sealed with the old secret still works while it is listed', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
      await h.redeploy({
        cookie: { secrets: [COOKIE_SECRET, OLD_COOKIE_SECRET], name: COOKIE_NAME, secure: false },
      });
      expect(renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`)).outcome).toBe(
        'success',
      );
    });

    it('is missing once the old secret is removed', async () => {
      const browser = h.browser();
      await h.start(browser);
      await h.redeploy({ cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME, secure: false } });
      const calls = h.apiCalls();
      expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).status).toBe(400);
      expect(h.apiCalls()).toBe(calls);
    });

    it('new cookies are sealed with the first secret', async () => {
      await h.redeploy({
        cookie: { secrets: [COOKIE_SECRET, OLD_COOKIE_SECRET], name: COOKIE_NAME, secure: false },
      });
      const browser = h.browser();
      await h.start(browser);
      await h.redeploy({ cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME, secure: false } });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(303);
    });
  });
});

describe("match: 'return-id'", () => {
  let h: JourneyHarness;

  beforeEach(async () => {
    h = await startJourneyHarness({ journey: { match: 'return-id' } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns to a per-payment URL with a 256-bit id and no payment id, and works without the cookie', async () => {
    const browser = h.browser();
    const started = await h.start(browser);
    const payment = h.simulator.payments.list()[0];
    const returnUrl = payment?.return_url as string;
    expect(returnUrl).toMatch(new RegExp(`^${h.appUrl}${MOUNT}/return/[A-Za-z0-9_-]{43}$`));
    expect(returnUrl).not.toContain(payment?.payment_id);
    // The citizen pays, and GOV.UK Pay sends them to the per-payment return URL.
    browser.deleteCookie(COOKIE_NAME);
    const paid = await h.payOnHostedPages(browser, started.location as string);
    expect(paid.url).toBe(returnUrl);
    expect(renderedOutcome(paid)).toMatchObject({ outcome: 'success', firstVisit: true });
    expect(h.settled).toHaveLength(1);
  });

  it('gives each payment its own id', async () => {
    await h.start(h.browser());
    await h.start(h.browser());
    const [a, b] = h.simulator.payments.list().map((p) => p.return_url);
    expect(a).not.toBe(b);
  });

  it.each([
    ['an unknown id', 'A'.repeat(43)],
    ['a short id', 'abc'],
    ['an id with bad characters', `${'A'.repeat(42)}$`],
  ])('%s is missing, with no API call', async (_name, id) => {
    await h.start(h.browser());
    const calls = h.apiCalls();
    const page = await h.browser().get(`${h.appUrl}${MOUNT}/return/${encodeURIComponent(id)}`);
    expect(page.status).toBe(400);
    expect(h.apiCalls()).toBe(calls);
  });

  it('the cookie route is not served in this mode', async () => {
    expect((await h.browser().get(`${h.appUrl}${MOUNT}/return`)).status).toBe(404);
  });

  it('still resumes an unfinished payment from the cookie on a second start', async () => {
    const browser = h.browser();
    await h.start(browser);
    const again = await h.start(browser);
    expect(again.status).toBe(303);
    expect(h.simulator.payments.size).toBe(1);
  });
});

function flip(value: string, index: number): string {
  const char = value.charAt(index);
  const replacement = char === 'A' ? 'B' : 'A';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}
