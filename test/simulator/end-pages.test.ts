import { generateTestApiKey } from '../../src/simulator';
import type { Harness, PageResult } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  h1,
  openCardPage,
  startSimulator,
} from '../helpers/simulator-harness';

/**
 * The citizen's end pages (FACTS.md §10): a declined, cancelled, expired or errored payment
 * shows GOV.UK Pay's page with a Continue button that goes back through /return to return_url,
 * unless the account uses its own error pages; reaching /return while the payment can still be
 * cancelled cancels it.
 */

const ownPagesKey = generateTestApiKey();
const standardKey = generateTestApiKey();
let h: Harness;
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    accounts: [{ keys: [standardKey] }, { keys: [ownPagesKey], ownErrorPages: true }],
  });
});
afterAll(() => h.close());

const status = async (paymentId: string, key = standardKey): Promise<Record<string, unknown>> =>
  (await h.get(`/v1/payments/${paymentId}`, { key })).body.state;

/** The Continue form's target on an end page. */
function continueAction(page: PageResult): string {
  const match =
    /<form method="get" action="(\/return\/[0-9a-v]{26})"[^>]*>\s*<button type="submit" class="button">([^<]+)<\/button>/.exec(
      page.text,
    );
  if (match === null) throw new Error(`no Continue form on the page: ${page.text.slice(0, 300)}`);
  return match[1] as string;
}

async function payWith(card: string, language: 'en' | 'cy' = 'en', key = standardKey) {
  const p = await h.createPayment({ language }, key);
  const browser = new Browser(h.url);
  const { pageUrl } = await openCardPage(browser, p);
  const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM, cardNo: card });
  return { p, browser, pageUrl, submitted };
}

describe('GOV.UK Pay’s end pages, in English and Welsh', () => {
  const cases: Array<[string, string, 'en' | 'cy', string, string]> = [
    ['declined', '4000000000000002', 'en', 'Your payment has been declined', 'Continue'],
    ['declined', '4000000000000002', 'cy', 'Mae eich taliad wedi cael ei wrthod', 'Parhau'],
    ['error', '4000000000000119', 'en', 'Sorry, we’re experiencing technical problems', 'Continue'],
    [
      'error',
      '4000000000000119',
      'cy',
      'Mae’n ddrwg gennym, rydym yn cael problemau technegol',
      'Parhau',
    ],
  ];
  it.each(cases)(
    'a %s card (%s, %s): "%s" with %s, then return_url',
    async (_k, card, lang, title, button) => {
      const { browser, submitted } = await payWith(card, lang);
      const page = await browser.follow(submitted);
      expect(page.status).toBe(200);
      expect(h1(page.text)).toBe(title);
      expect(page.text).toContain(`<html lang="${lang}">`);
      expect(page.text).toContain(`>${button}</button>`);
      expect(page.text).toContain(
        lang === 'en'
          ? 'No money has been taken from your account.'
          : 'Nid oes arian wedi’i gymryd o’ch cyfrif.',
      );
      const back = await browser.get(continueAction(page));
      expect([back.status, back.location]).toEqual([302, RETURN_URL]);
    },
  );

  it.each([
    ['en', 'Your payment has been cancelled'],
    ['cy', 'Mae eich taliad wedi cael ei ganslo'],
  ] as const)('a citizen who cancels (%s) sees "%s"', async (lang, title) => {
    const p = await h.createPayment({ language: lang }, standardKey);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    const page = await browser.follow(await browser.post(`${pageUrl}/cancel`));
    expect(h1(page.text)).toBe(title);
    expect(await status(p.payment_id)).toMatchObject({ status: 'failed', code: 'P0030' });
    expect(await browser.leavesTo(await browser.get(continueAction(page)))).toBe(RETURN_URL);
  });

  it('a payment the service cancelled shows the cancelled page', async () => {
    const p = await h.createPayment({}, standardKey);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    expect(
      (await h.post(`/v1/payments/${p.payment_id}/cancel`, undefined, { key: standardKey })).status,
    ).toBe(204);
    const page = await browser.follow(await browser.get(pageUrl));
    expect(h1(page.text)).toBe('Your payment has been cancelled');
  });

  it('an expired payment shows the expired page, in Welsh too', async () => {
    for (const [lang, title] of [
      ['en', 'Your payment session has expired'],
      ['cy', 'Mae eich sesiwn talu wedi dod i ben'],
    ] as const) {
      const p = await h.createPayment({ language: lang }, standardKey);
      const browser = new Browser(h.url);
      const { pageUrl } = await openCardPage(browser, p);
      h.sim.clock.advance(91 * 60 * 1000);
      const page = await browser.follow(await browser.get(pageUrl));
      expect(h1(page.text)).toBe(title);
      expect(await browser.leavesTo(await browser.get(continueAction(page)))).toBe(RETURN_URL);
    }
  });

  it('a successful payment goes straight back through /return with a 302', async () => {
    const { browser, submitted } = await payWith('4444333322221111');
    const confirmed = await browser.post(submitted.location as string);
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toMatch(/^\/return\/[0-9a-v]{26}$/);
    const back = await browser.get(confirmed.location as string);
    expect([back.status, back.location]).toEqual([302, RETURN_URL]);
  });

  it('an end page belongs to the browser that paid', async () => {
    const { browser, submitted } = await payWith('4000000000000002');
    const page = await browser.follow(submitted);
    const other = new Browser(h.url);
    expect((await other.get(submitted.location as string)).status).toBe(403);
    expect((await other.get(continueAction(page))).status).toBe(403);
  });
});

describe('"use your own error pages"', () => {
  it('sends a declined citizen back to return_url at once', async () => {
    const { browser, submitted } = await payWith('4000000000000002', 'en', ownPagesKey);
    expect(submitted.location).toMatch(/^\/return\//);
    expect(await browser.leavesTo(submitted)).toBe(RETURN_URL);
  });

  it('sends a cancelling citizen back at once too', async () => {
    const p = await h.createPayment({}, ownPagesKey);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    expect(await browser.leavesTo(await browser.post(`${pageUrl}/cancel`))).toBe(RETURN_URL);
    expect(await status(p.payment_id, ownPagesKey)).toMatchObject({ code: 'P0030' });
  });
});

describe('reaching /return while the payment can still be cancelled', () => {
  it.each(['created', 'started', 'submitted'])(
    'cancels a %s payment as a user cancel, then returns',
    async (wanted) => {
      const p = await h.createPayment({}, standardKey);
      const browser = new Browser(h.url);
      const opened = await browser.get(p._links.next_url?.href as string);
      const pageId = /\/pay\/([0-9a-v]{26})/.exec(opened.location as string)?.[1] as string;
      if (wanted !== 'created') await browser.get(opened.location as string);
      if (wanted === 'submitted') {
        await browser.post(opened.location as string, { ...VALID_CARD_FORM });
      }
      expect(await status(p.payment_id)).toMatchObject({ status: wanted });
      const back = await browser.get(`/return/${pageId}`);
      expect([back.status, back.location]).toEqual([302, RETURN_URL]);
      expect(await status(p.payment_id)).toEqual({
        status: 'failed',
        finished: true,
        message: 'Payment was cancelled by the user',
        code: 'P0030',
      });
    },
  );

  it('leaves a capturable payment alone', async () => {
    const p = await h.createPayment({ delayed_capture: true }, standardKey);
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM });
    const confirmed = await browser.post(submitted.location as string);
    await browser.get(confirmed.location as string);
    await browser.get(confirmed.location as string);
    expect(await status(p.payment_id)).toMatchObject({ status: 'capturable' });
  });
});
