import type { Payment } from '../../src/client/types';
import { BROWSER_COOKIE, TEST_CARDS } from '../../src/simulator';
import type { Harness, PageResult } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  h1,
  openCardPage,
  recorded,
  startSimulator,
} from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

const status = async (p: Payment) => (await h.get(`/v1/payments/${p.payment_id}`)).body.state;

/** Opens the payment in a fresh browser and submits the card form. */
async function submitCard(p: Payment, form: Record<string, string>) {
  const browser = new Browser(h.url);
  const { pageUrl, page } = await openCardPage(browser, p);
  expect(page.status).toBe(200);
  return { browser, pageUrl, result: await browser.post(pageUrl, form) };
}

function expectAccessibleMarkup(page: PageResult, lang: 'en' | 'cy'): void {
  const html = page.text;
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.headers['cache-control']).toBe('no-store');
  expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  expect(html).toMatch(new RegExp(`<html lang="${lang}">`));
  expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html).toContain('<main class="main" id="main-content">');
  expect(html).toContain('href="#main-content"');
  // No inline scripts or styles, so a strict CSP can apply.
  expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  // Every input has a label pointing at it, and an autocomplete attribute.
  const inputs = [...html.matchAll(/<input [^>]*\sid="([^"]+)"[^>]*>/g)];
  for (const [tag, id] of inputs) {
    expect(html).toContain(`<label class="label" for="${id}">`);
    expect(tag).toMatch(/autocomplete="[a-z-]+"/);
  }
}

describe('opening next_url', () => {
  it('binds the token to the browser with an HttpOnly cookie and 303s to the card details page', async () => {
    const p = await h.createPayment();
    const browser = new Browser(h.url);
    const opened = await browser.get(p._links.next_url?.href as string);
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(/^\/pay\/[0-9a-v]{26}$/);
    expect(opened.location).not.toContain(p.payment_id);
    expect(opened.headers['cache-control']).toBe('no-store');
    const [cookie] = browser.setCookieHeaders;
    expect(cookie).toMatch(
      new RegExp(`^${BROWSER_COOKIE}=[0-9a-v]{32}; Path=/; HttpOnly; SameSite=Lax$`),
    );
    const page = await browser.get(opened.location as string);
    expect(page.status).toBe(200);
    expect(h1(page.text)).toBe('Enter card details');
    expect(page.text).toContain('Parking permit');
    expect(page.text).toContain('£12.50');
    expect((await status(p)).status).toBe('started');
    expectAccessibleMarkup(page, 'en');
    for (const auto of ['cc-number', 'cc-exp-month', 'cc-exp-year', 'cc-name', 'cc-csc', 'email']) {
      expect(page.text).toContain(`autocomplete="${auto}"`);
    }
  });

  it('works through next_url_post too', async () => {
    const p = await h.createPayment();
    const browser = new Browser(h.url);
    const opened = await browser.post(p._links.next_url_post?.href as string, {
      chargeTokenId: p._links.next_url_post?.params?.chargeTokenId as string,
    });
    expect(opened.status).toBe(303);
    expect((await browser.get(opened.location as string)).status).toBe(200);
  });

  it('is single use: the same browser may reopen it, another browser or a cleared cookie may not', async () => {
    const p = await h.createPayment();
    const next = p._links.next_url?.href as string;
    const first = new Browser(h.url);
    const opened = await first.get(next);
    expect(opened.status).toBe(303);
    const again = await first.get(next);
    expect([again.status, again.location]).toEqual([303, opened.location]);

    const second = new Browser(h.url);
    const refused = await second.get(next);
    expect(refused.status).toBe(403);
    expect(h1(refused.text)).toBe('There is a problem with your payment');
    expect(refused.text).toContain('You cannot continue this payment in this browser');
    expectAccessibleMarkup(refused, 'en');
    // Nor can it use the first browser's page address.
    expect((await second.get(opened.location as string)).status).toBe(403);
    first.cookies.clear();
    expect((await first.get(next)).status).toBe(403);
    // A fresh next_url from a new GET works in another browser.
    const fresh = (await h.get(`/v1/payments/${p.payment_id}`)).body;
    const third = new Browser(h.url);
    const reopened = await third.get(fresh._links.next_url.href);
    expect(reopened.status).toBe(303);
    expect((await third.get(reopened.location as string)).status).toBe(200);
  });

  it('answers an unknown token with a 404 page', async () => {
    const res = await new Browser(h.url).get('/secure/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(h1(res.text)).toBe('Page not found');
  });

  it('sends the citizen of a finished payment back to return_url through /return', async () => {
    const p = await h.createPayment();
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    const browser = new Browser(h.url);
    const res = await browser.get(p._links.next_url?.href as string);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/return\/[0-9a-v]{26}$/);
    const back = await browser.get(res.location as string);
    // GOV.UK Pay's last hop is a 302 from /return (FACTS.md §10).
    expect([back.status, back.location]).toEqual([302, RETURN_URL]);
  });
});

describe('card classes through the pages', () => {
  it('an authorised card → submitted → "Confirm your payment" → success → 303 return_url', async () => {
    const p = await h.createPayment({ description: 'Resident permit' });
    const { browser, pageUrl, result } = await submitCard(p, { ...VALID_CARD_FORM });
    expect(result.status).toBe(303);
    expect(result.location).toBe(`${new URL(pageUrl).pathname}/confirm`);
    expect(await status(p)).toEqual({ status: 'submitted', finished: false });
    const confirm = await browser.get(result.location as string);
    expect(confirm.status).toBe(200);
    expect(h1(confirm.text)).toBe('Confirm your payment');
    expect(confirm.text).toContain('Resident permit');
    expect(confirm.text).toContain('£12.50');
    expect(confirm.text).toContain('Card ending 1111');
    expectAccessibleMarkup(confirm, 'en');
    const done = await browser.post(result.location as string);
    expect(done.status).toBe(303);
    expect(await browser.leavesTo(done)).toBe(RETURN_URL);
    expect(await status(p)).toEqual({ status: 'success', finished: true });
    const payment = (await h.get(`/v1/payments/${p.payment_id}`)).body;
    expect(payment.email).toBe('sam@example.com');
    expect(payment.card_details).toMatchObject({
      cardholder_name: 'Sam Jones',
      expiry_date: '12/35',
      last_digits_card_number: '1111',
    });
    // Afterwards every page of this payment sends the citizen back.
    expect(await browser.leavesTo(await browser.get(pageUrl))).toBe(RETURN_URL);
  });

  it('confirming a delayed-capture payment leaves it capturable', async () => {
    const p = await h.createPayment({ delayed_capture: true });
    const { browser, result } = await submitCard(p, { ...VALID_CARD_FORM });
    const done = await browser.post(result.location as string);
    expect(await browser.leavesTo(done)).toBe(RETURN_URL);
    expect(await status(p)).toEqual({ status: 'capturable', finished: false });
  });

  it.each(TEST_CARDS.declined)('declined card %s → failed P0010 → declined page', async (card) => {
    const p = await h.createPayment();
    const { browser, result } = await submitCard(p, { ...VALID_CARD_FORM, cardNo: card });
    expect(result.status).toBe(303);
    expect(h1((await browser.follow(result)).text)).toBe('Your payment has been declined');
    expect(await status(p)).toEqual({
      status: 'failed',
      finished: true,
      message: 'Payment method rejected',
      code: 'P0010',
    });
  });

  it('the error card → error P0050 → technical problems page', async () => {
    const p = await h.createPayment();
    const { browser, result } = await submitCard(p, {
      ...VALID_CARD_FORM,
      cardNo: TEST_CARDS.error[0] as string,
    });
    expect(h1((await browser.follow(result)).text)).toBe(
      'Sorry, we’re experiencing technical problems',
    );
    expect((await status(p)).code).toBe('P0050');
  });

  it.each(TEST_CARDS.authorised)('authorised card %s reaches the confirm page', async (card) => {
    const p = await h.createPayment();
    const cvc = card.startsWith('37') ? '1234' : '123';
    const { result } = await submitCard(p, { ...VALID_CARD_FORM, cardNo: card, cvc });
    expect(result.location).toMatch(/\/confirm$/);
  });

  it('refuses a number that is not a test card on the page', async () => {
    const p = await h.createPayment();
    const { result } = await submitCard(p, { ...VALID_CARD_FORM, cardNo: '4012 8888 8888 1881' });
    expect(result.status).toBe(200);
    expect(result.text).toContain('This card number is not a test card');
    expect((await status(p)).status).toBe('started');
  });
});

describe('cancel', () => {
  it('from the card details page → failed P0030 → cancelled page', async () => {
    const p = await h.createPayment();
    const browser = new Browser(h.url);
    const { pageUrl, page } = await openCardPage(browser, p);
    expect(page.text).toContain(`action="${new URL(pageUrl).pathname}/cancel"`);
    expect(page.text).toContain('Cancel payment');
    const res = await browser.post(`${pageUrl}/cancel`);
    expect([res.status, res.location]).toEqual([303, `${new URL(pageUrl).pathname}/done`]);
    expect(h1((await browser.follow(res)).text)).toBe('Your payment has been cancelled');
    expect(await status(p)).toEqual({
      status: 'failed',
      finished: true,
      message: 'Payment was cancelled by the user',
      code: 'P0030',
    });
  });

  it('from the confirm page as well', async () => {
    const p = await h.createPayment();
    const { browser, pageUrl } = await submitCard(p, { ...VALID_CARD_FORM });
    const res = await browser.post(`${pageUrl}/cancel`);
    expect(h1((await browser.follow(res)).text)).toBe('Your payment has been cancelled');
    expect((await status(p)).code).toBe('P0030');
  });

  it('is refused to another browser', async () => {
    const p = await h.createPayment();
    const { pageUrl } = await openCardPage(new Browser(h.url), p);
    expect((await new Browser(h.url).post(`${pageUrl}/cancel`)).status).toBe(403);
    expect((await status(p)).status).toBe('started');
  });
});

describe('bad input is re-rendered with GOV.UK-style errors', () => {
  it('an empty form gets an error summary linking to each field', async () => {
    const p = await h.createPayment();
    const { result } = await submitCard(p, {});
    expect(result.status).toBe(200);
    expect(result.text).toMatch(/<title>Error: Enter card details/);
    expect(result.text).toContain('There is a problem');
    for (const [href, message] of [
      ['#card-no', 'Enter a card number'],
      ['#expiry-month', 'Enter the expiry date'],
      ['#cardholder-name', 'Enter the name as it appears on the card'],
      ['#cvc', 'Enter the card security code'],
    ]) {
      expect(result.text).toContain(`<a href="${href}">${message}</a>`);
    }
    expect(result.text).toContain('aria-invalid="true"');
    expect(result.text).toContain('<span class="visually-hidden">Error:</span>');
    expectAccessibleMarkup(result, 'en');
    expect((await status(p)).status).toBe('started');
  });

  it.each([
    [
      'a number that fails the Luhn check',
      { cardNo: '4444333322221112' },
      'Enter a valid card number',
    ],
    ['letters in the number', { cardNo: 'abcd' }, 'Enter a valid card number'],
    [
      'an expiry in the past',
      { expiryMonth: '1', expiryYear: '2001' },
      'Enter an expiry date in the future',
    ],
    ['month 13', { expiryMonth: '13' }, 'Enter a valid expiry date'],
    ['a 3-digit year', { expiryYear: '203' }, 'Enter a valid expiry date'],
    ['a 2-digit CVC', { cvc: '12' }, 'Enter a valid card security code'],
    [
      'a 3-digit CVC on American Express',
      { cardNo: '371449635398431', cvc: '123' },
      'Enter a valid card security code',
    ],
    ['a bad email', { email: 'not-an-email' }, 'Enter a valid email address'],
    [
      'a very long name',
      { cardholderName: 'n'.repeat(256) },
      'Name on card must be 255 characters or fewer',
    ],
  ])('%s', async (_name, change, message) => {
    const p = await h.createPayment();
    const { result } = await submitCard(p, { ...VALID_CARD_FORM, ...change });
    expect(result.status).toBe(200);
    expect(result.text).toContain(message);
    // What was typed is kept, except the security code.
    expect(result.text).toContain(
      `value="${(change as { cardholderName?: string }).cardholderName ?? 'Sam Jones'}"`,
    );
    expect(result.text).not.toContain(`value="${VALID_CARD_FORM.cvc}"`);
  });

  it('accepts a 2-digit year and a 1-digit month', async () => {
    const p = await h.createPayment();
    const { result } = await submitCard(p, {
      ...VALID_CARD_FORM,
      expiryMonth: '3',
      expiryYear: '39',
    });
    expect(result.location).toMatch(/\/confirm$/);
    expect((await h.get(`/v1/payments/${p.payment_id}`)).body.card_details.expiry_date).toBe(
      '03/39',
    );
  });
});

describe('prefilled details', () => {
  it('pre-fills the name and does not ask for an email the service gave', async () => {
    const p = await h.createPayment({
      email: 'given@example.com',
      prefilled_cardholder_details: { cardholder_name: 'Pat Doe' },
    });
    const { page } = await openCardPage(new Browser(h.url), p);
    expect(page.text).toContain('value="Pat Doe"');
    expect(page.text).not.toContain('autocomplete="email"');
  });
});

describe('Welsh', () => {
  it('shows every page in Welsh for language cy', async () => {
    const p = await h.createPayment({ language: 'cy' });
    const browser = new Browser(h.url);
    const { pageUrl, page } = await openCardPage(browser, p);
    expectAccessibleMarkup(page, 'cy');
    expect(h1(page.text)).toBe('Rhowch fanylion y cerdyn');
    for (const text of [
      'Rhif cerdyn',
      'Dyddiad dod i ben',
      'Enw ar y cerdyn',
      'Cod diogelwch y cerdyn',
      'Parhau',
      'Canslo’r taliad',
    ]) {
      expect(page.text).toContain(text);
    }
    const invalid = await browser.post(pageUrl, {});
    expect(invalid.text).toContain('Mae problem wedi codi');
    expect(invalid.text).toContain('Rhowch rif cerdyn');
    expect(invalid.text).toMatch(/<title>Gwall: /);
    const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM });
    const confirm = await browser.get(submitted.location as string);
    expect(h1(confirm.text)).toBe('Cadarnhau eich taliad');
    expect(confirm.text).toContain('Cadarnhau’r taliad');
    expectAccessibleMarkup(confirm, 'cy');
    const refused = await new Browser(h.url).get(p._links.next_url?.href as string);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<html lang="cy">');
    expect(h1(refused.text)).toBe('Mae problem gyda’ch taliad');
  });
});

describe('page routing', () => {
  it('sends a submitted payment’s card page to confirm, and confirm of an unsubmitted one to the card page', async () => {
    const p = await h.createPayment();
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    const early = await browser.get(`${pageUrl}/confirm`);
    expect([early.status, early.location]).toEqual([303, new URL(pageUrl).pathname]);
    await browser.post(pageUrl, { ...VALID_CARD_FORM });
    const back = await browser.get(pageUrl);
    expect(back.location).toBe(`${new URL(pageUrl).pathname}/confirm`);
    const resubmit = await browser.post(pageUrl, { ...VALID_CARD_FORM });
    expect(resubmit.location).toBe(`${new URL(pageUrl).pathname}/confirm`);
  });

  it('serves its own stylesheet', async () => {
    const css = await new Browser(h.url).get('/assets/simulator.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('.error-summary');
  });
});
