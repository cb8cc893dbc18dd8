/**
 * axe-core in chromium on every demo page (the footer's cookies and accessibility pages too) and
 * every simulator page the citizen can reach, in English and Welsh: no serious or critical
 * violation (GOV.UK services must meet WCAG 2.2 AA).
 * The context bypasses CSP only so that axe can be injected; the journey tests run under it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningDemo } from '../helpers/browser-support';
import {
  CARDS,
  describeBrowser,
  fillApplication,
  fillCardDetails,
  formatViolations,
  heading,
  launchBrowser,
  newPage,
  newPayments,
  paymentIds,
  payWithCard,
  pressPay,
  seriousViolations,
  startDemo,
} from '../helpers/browser-support';

describeBrowser('accessibility of every page (axe-core)', () => {
  let browser: Browser;
  let running: RunningDemo;
  let context: BrowserContext;
  let page: Page;
  const checked: string[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    [browser, running] = await Promise.all([launchBrowser(), startDemo()]);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  beforeEach(async () => {
    checked.length = 0;
    failures.length = 0;
    ({ context, page } = await newPage(browser, { bypassCSP: true }));
  });

  afterEach(async () => {
    await context.close();
  });

  const base = (): string => running.url;
  const simulator = () => running.demo.simulator;
  const simulatorUrl = (): string => running.demo.simulatorPagesUrl;

  /** Runs axe on the page as it is now; `expected` guards against checking the wrong page. */
  async function audit(name: string, expected: string | RegExp): Promise<void> {
    // A click may still be navigating: wait for the page we expect before reading or auditing it.
    await page.locator('h1').filter({ hasText: expected }).first().waitFor({ timeout: 15_000 });
    const title = await heading(page);
    if (typeof expected === 'string') expect(title).toBe(expected);
    else expect(title).toMatch(expected);
    const violations = await seriousViolations(page);
    checked.push(name);
    if (violations.length > 0)
      failures.push(formatViolations(`${name} (${page.url()})`, violations));
  }

  /** GOV.UK Pay's end page for an unsuccessful payment: audited, then Continue to the service. */
  async function auditEndPage(name: string, expected: string, lang: 'en' | 'cy' = 'en') {
    await audit(name, expected);
    await page
      .getByRole('button', { name: lang === 'cy' ? 'Parhau' : 'Continue', exact: true })
      .click();
  }

  function expectNoFailures(): void {
    if (failures.length > 0) console.error(failures.join('\n\n'));
    expect(failures).toEqual([]);
  }

  // 24 pages, each audited by axe in chromium: a generous timeout, for a loaded 2-core machine.
  test('the English journey: questions, errors, GOV.UK Pay pages, every outcome page', async () => {
    await page.goto(`${base()}/`);
    await audit('start', 'Pay for a resident parking permit');

    await page.getByRole('button', { name: 'Start now' }).click();
    await audit('vehicle registration', 'What is your vehicle registration number?');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('vehicle registration, error', 'What is your vehicle registration number?');
    expect(await page.locator('.govuk-error-summary').count()).toBe(1);

    await page.locator('#vehicle-registration').fill('CU57 ABC');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('permit length', 'How long do you want the permit for?');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('permit length, error', 'How long do you want the permit for?');
    await page.locator('input[name="months"][value="3"]').check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('check answers', 'Check your answers before paying');

    await pressPay(page, simulatorUrl());
    await audit('GOV.UK Pay card details', 'Enter card details');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('GOV.UK Pay card details, errors', 'Enter card details');
    await fillCardDetails(page, CARDS.good);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await audit('GOV.UK Pay confirm', 'Confirm your payment');
    await page.getByRole('button', { name: 'Confirm payment' }).click();
    await audit('confirmation', 'Payment complete');

    // A new application for each failure page.
    await page.getByRole('button', { name: 'Apply for another permit' }).click();
    await audit(
      'vehicle registration, new application',
      'What is your vehicle registration number?',
    );
    await fillApplication(page, base());
    await pressPay(page, simulatorUrl());
    await payWithCard(page, CARDS.declined);
    await auditEndPage('GOV.UK Pay declined', 'Your payment has been declined');
    await audit('declined', 'Your payment was declined');

    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Cancel payment' }).click();
    await auditEndPage('GOV.UK Pay cancelled', 'Your payment has been cancelled');
    await audit('cancelled by the citizen', 'You cancelled your payment');

    await page.getByRole('button', { name: 'Try again' }).click();
    // Reloading while "Try again" is still redirecting to GOV.UK Pay detaches the page.
    await page.waitForURL(`${simulatorUrl()}/pay/**`);
    simulator().clock.advance(91 * 60 * 1000);
    await page.reload();
    await auditEndPage('GOV.UK Pay expired', 'Your payment session has expired');
    await audit('expired', 'Your payment session expired');

    const before = paymentIds(simulator());
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(`${simulatorUrl()}/pay/**`);
    const [payment] = newPayments(simulator(), before);
    simulator().cancelByService(payment!.payment_id);
    await page.goto(`${base()}/payment/return`);
    await audit('cancelled by the service', 'Your payment was cancelled');

    await page.goto(`${base()}/check-answers`);
    await pressPay(page, simulatorUrl());
    await payWithCard(page, CARDS.providerError);
    await auditEndPage(
      'GOV.UK Pay technical problem',
      'Sorry, we’re experiencing technical problems',
    );
    await audit('provider error', 'Sorry, there was a problem with your payment');

    const removeFault = simulator().faults.inject({
      route: 'createPayment',
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    await page.getByRole('button', { name: 'Try again' }).click();
    removeFault();
    await audit('GOV.UK Pay unavailable', 'Sorry, GOV.UK Pay is unavailable');

    await page.goto(`${base()}/check-answers`);
    await pressPay(page, simulatorUrl());
    const removeReadFault = simulator().faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'status', status: 500 },
    });
    await page.goto(`${base()}/payment/return`);
    removeReadFault();
    await audit('unconfirmed', 'We could not confirm your payment');

    await page.goto(`${base()}/no-such-page`);
    await audit('page not found', 'Page not found');

    await context.clearCookies();
    await page.goto(`${base()}/payment/return`);
    await audit('payment not found', 'We could not find your payment');

    expectNoFailures();
    expect(checked).toHaveLength(24);
  }, 180_000);

  test('the Welsh journey: questions, errors, GOV.UK Pay pages and outcome pages in Welsh', async () => {
    await page.goto(`${base()}/?lang=cy`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    await audit('Welsh start', 'Talu am drwydded parcio i breswylwyr');
    await page.getByRole('button', { name: 'Dechrau nawr' }).click();
    await page.getByRole('button', { name: 'Parhau', exact: true }).click();
    await audit('Welsh vehicle registration, error', 'Beth yw rhif cofrestru eich cerbyd?');

    await fillApplication(page, base(), {}, 'cy');
    await audit('Welsh check answers', 'Gwiriwch eich atebion cyn talu');
    await pressPay(page, simulatorUrl(), 'cy');
    await audit('Welsh GOV.UK Pay card details', 'Rhowch fanylion y cerdyn');
    await payWithCard(page, CARDS.declined, 'cy');
    await auditEndPage('Welsh GOV.UK Pay declined', 'Mae eich taliad wedi cael ei wrthod', 'cy');
    await audit('Welsh declined', 'Cafodd eich taliad ei wrthod');
    await page.getByRole('button', { name: 'Rhoi cynnig arall arni' }).click();
    await payWithCard(page, CARDS.good, 'cy');
    await audit('Welsh confirmation', 'Taliad wedi’i gwblhau');

    expectNoFailures();
    expect(checked).toHaveLength(7);
  }, 90_000);

  test('the footer pages, reached from the footer, in English and Welsh', async () => {
    const footerLink = (name: string) =>
      page.locator('.govuk-footer').getByRole('link', { name, exact: true });
    await page.goto(`${base()}/`);
    await footerLink('Cookies').click();
    await audit('cookies', 'Cookies');
    await footerLink('Accessibility statement').click();
    await audit(
      'accessibility statement',
      'Accessibility statement for Pay for a resident parking permit',
    );

    await page.goto(`${base()}/accessibility-statement?lang=cy`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    await audit(
      'Welsh accessibility statement',
      'Datganiad hygyrchedd ar gyfer Talu am drwydded parcio i breswylwyr',
    );
    await footerLink('Cwcis').click();
    await audit('Welsh cookies', 'Cwcis');

    expectNoFailures();
    expect(checked).toHaveLength(4);
  }, 90_000);
});
