/**
 * The citizen's journey through the demo, in a real browser, against the embedded simulator:
 * every page load obeys the demo's CSP, and each test counts payments in the simulator and
 * fulfilments in the demo's records.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PageProblems, RunningDemo } from '../helpers/browser-support';
import {
  CARDS,
  continueFromEndPage,
  describeBrowser,
  fillApplication,
  heading,
  launchBrowser,
  newPage,
  newPayments,
  paymentIds,
  paymentsFor,
  payWithCard,
  pressPay,
  screenshot,
  startDemo,
} from '../helpers/browser-support';

const NINETY_ONE_MINUTES = 91 * 60 * 1000;

describeBrowser('demo journey in a real browser', () => {
  let browser: Browser;
  let running: RunningDemo;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    [browser, running] = await Promise.all([launchBrowser(), startDemo()]);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  beforeEach(async () => {
    ({ context, page, problems } = await newPage(browser));
  });

  afterEach(async () => {
    await context.close();
    // A CSP violation, a script error or a missing asset is a broken page.
    expect(problems.list).toEqual([]);
  });

  const base = (): string => running.url;
  const simulator = () => running.demo.simulator;
  const simulatorUrl = (): string => running.demo.simulatorPagesUrl;
  const settlementsFor = (reference: string) =>
    running.demo.orders.settlements.filter((s) => s.reference === reference);

  /** Fills in the application and presses Pay; returns the reference of the payment created. */
  async function startPayment(answers = {}): Promise<string> {
    await fillApplication(page, base(), answers);
    const before = paymentIds(simulator());
    await pressPay(page, simulatorUrl());
    const created = newPayments(simulator(), before);
    expect(created).toHaveLength(1);
    return created[0]!.reference;
  }

  async function expectConfirmation(reference: string): Promise<string> {
    await page.waitForURL(`${base()}/payment/return`);
    expect(await heading(page)).toBe('Payment complete');
    expect(await page.locator('#payment-reference').textContent()).toBe(reference);
    const permit = (await page.locator('#permit-number').textContent()) ?? '';
    expect(permit).toMatch(/^PERMIT-[0-9A-Z]{8}$/);
    return permit;
  }

  test('a successful payment, end to end', async () => {
    const response = await page.goto(`${base()}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');

    await fillApplication(page, base(), { vehicleRegistration: 'cu57 abc', months: 6 });
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('£48.00');
    const payButton = page.getByRole('button', { name: 'Continue to payment' });
    expect(await payButton.getAttribute('data-prevent-double-click')).toBe('true');

    const before = paymentIds(simulator());
    await pressPay(page, simulatorUrl());
    const [payment] = newPayments(simulator(), before);
    expect(payment).toMatchObject({ amount: 4800, language: 'en' });
    expect(await heading(page)).toBe('Enter card details');
    await screenshot(page, 'success-1-card-page');

    await payWithCard(page, CARDS.good);
    const permit = await expectConfirmation(payment!.reference);
    expect(await page.locator('#amount-paid').textContent()).toBe('£48.00');
    await screenshot(page, 'success-2-confirmation');

    // Settled once, by whichever came first: the return, or the simulator's webhook.
    expect(settlementsFor(payment!.reference)).toEqual([
      expect.objectContaining({ outcome: 'success', attempt: 1 }),
    ]);
    expect(['return', 'webhook']).toContain(settlementsFor(payment!.reference)[0]?.source);
    const order = running.demo.orders.get(payment!.reference);
    expect(order).toMatchObject({
      permitNumber: permit,
      amountPaid: 4800,
      permitMonths: 6,
      vehicleRegistration: 'CU57 ABC',
    });
    expect(simulator().payments.get(payment!.payment_id)?.state.status).toBe('success');
  });

  test('a refresh of the confirmation page fulfils the order once, with the same permit number', async () => {
    const reference = await startPayment();
    await payWithCard(page, CARDS.good);
    const permit = await expectConfirmation(reference);

    for (let i = 0; i < 3; i += 1) {
      await page.reload();
      expect(await page.locator('#permit-number').textContent()).toBe(permit);
    }
    await screenshot(page, 'refresh-confirmation');
    expect(settlementsFor(reference)).toHaveLength(1);
    expect(running.demo.orders.get(reference)?.permitNumber).toBe(permit);

    // The citizen's own way back to it, later, shows the same permit too.
    await page.goto(`${base()}/confirmation`);
    expect(await page.locator('#permit-number').textContent()).toBe(permit);
  });

  test('a declined card, then "Try again" with a good card: one success, one fulfilment', async () => {
    const reference = await startPayment();
    await payWithCard(page, CARDS.declined);
    await continueFromEndPage(page, simulatorUrl(), 'Your payment has been declined');
    await page.waitForURL(`${base()}/payment/return`);
    expect(await heading(page)).toBe('Your payment was declined');
    await screenshot(page, 'declined-1-declined');

    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL(`${simulatorUrl()}/pay/**`);
    const payments = paymentsFor(simulator(), reference);
    expect(payments).toHaveLength(2);
    expect(payments.map((p) => p.state.status).sort()).toEqual(['failed', 'started']);

    await payWithCard(page, CARDS.good);
    await expectConfirmation(reference);
    await screenshot(page, 'declined-2-success-after-retry');

    expect(settlementsFor(reference).map((s) => [s.outcome, s.reason])).toEqual([
      ['failed', 'declined'],
      ['success', undefined],
    ]);
    expect(running.demo.orders.get(reference)?.duplicatePayments).toEqual([]);
  });

  test('cancelling on the card page', async () => {
    const reference = await startPayment();
    await page.getByRole('button', { name: 'Cancel payment' }).click();
    await continueFromEndPage(page, simulatorUrl(), 'Your payment has been cancelled');
    await page.waitForURL(`${base()}/payment/return`);
    expect(await heading(page)).toBe('You cancelled your payment');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await screenshot(page, 'cancelled-by-user');
    expect(settlementsFor(reference).map((s) => s.reason)).toEqual(['cancelled_by_user']);
    expect(running.demo.orders.get(reference)?.permitNumber).toBeUndefined();
  });

  test('expiry: the simulator clock passes 90 minutes, then the citizen comes back', async () => {
    const reference = await startPayment();
    simulator().clock.advance(NINETY_ONE_MINUTES);
    // Reloading the card page after expiry shows GOV.UK Pay's expired page; Continue comes back.
    await page.reload();
    await continueFromEndPage(page, simulatorUrl(), 'Your payment session has expired');
    await page.waitForURL(`${base()}/payment/return`);
    expect(await heading(page)).toBe('Your payment session expired');
    await screenshot(page, 'expired');
    expect(paymentsFor(simulator(), reference)[0]?.state).toMatchObject({
      status: 'failed',
      code: 'P0020',
    });
    expect(settlementsFor(reference).map((s) => s.reason)).toEqual(['expired']);
  });

  test('the back button from the card page, then Pay again, makes no second live payment', async () => {
    const reference = await startPayment();
    await page.goBack();
    await page.waitForURL(`${base()}/check-answers`);
    expect(await heading(page)).toBe('Check your answers before paying');

    await pressPay(page, simulatorUrl());
    expect(await heading(page)).toBe('Enter card details');
    await screenshot(page, 'back-button-resumed-card-page');
    const payments = paymentsFor(simulator(), reference);
    expect(payments).toHaveLength(1);
    expect(payments[0]!.state.finished).toBe(false);

    await payWithCard(page, CARDS.good);
    await expectConfirmation(reference);
    expect(paymentsFor(simulator(), reference)).toHaveLength(1);
    expect(settlementsFor(reference)).toHaveLength(1);
  });

  test('paid for 3 months, tab closed, answer changed to 12, Pay again: shows the 3-month permit', async () => {
    const before = paymentIds(simulator());
    await fillApplication(page, base(), { months: 3 });
    await pressPay(page, simulatorUrl());
    const [payment] = newPayments(simulator(), before);
    expect(payment).toMatchObject({ amount: 2600, metadata: { permit_months: 3 } });
    // Paid, then the tab is closed before GOV.UK Pay sends the citizen back.
    // Hold the simulator's webhook (on its clock), so the order is still open when the citizen
    // changes the answer: the journey's start is what must find the paid payment here.
    simulator().webhooks.faults.inject({ fault: { kind: 'delay', ms: 10 * 24 * 60 * 60_000 } });
    simulator().completePayment(payment!.payment_id, { card: CARDS.good });
    await page.close();
    page = await context.newPage();

    await page.goto(`${base()}/permit-length`);
    await page.locator('input[name="months"][value="12"]').check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.waitForURL(`${base()}/check-answers`);
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('£90.00');
    await page.getByRole('button', { name: 'Continue to payment' }).click();

    // The journey finds the paid payment in its cookie: it settles and shows it, and takes no
    // second payment; the permit is the one the payment's metadata and amount say.
    await page.waitForURL(`${base()}/payment/start`);
    expect(await heading(page)).toBe('Payment complete');
    expect(await page.locator('.govuk-summary-list').textContent()).toContain('3 months');
    expect(await page.locator('#amount-paid').textContent()).toBe('£26.00');
    await screenshot(page, 'changed-answer-shows-paid-permit');
    expect(paymentsFor(simulator(), payment!.reference)).toHaveLength(1);
    expect(running.demo.orders.get(payment!.reference)).toMatchObject({
      permitMonths: 3,
      amountPaid: 2600,
    });
    expect(settlementsFor(payment!.reference)).toEqual([
      expect.objectContaining({ outcome: 'success', source: 'start', attempt: 1 }),
    ]);
    simulator().webhooks.faults.clear();
  });

  test('paid, then the tab closed before GOV.UK Pay sent the citizen back: the webhook issues the permit within seconds', async () => {
    const before = paymentIds(simulator());
    const reference = await startPayment();
    const [payment] = newPayments(simulator(), before);
    // The citizen pays, and the tab closes before GOV.UK Pay sends them back: the answer to
    // Confirm (a redirect towards the service) never reaches the browser.
    let lostReturn: () => void = () => undefined;
    const returnLost = new Promise<void>((resolve) => (lostReturn = resolve));
    await page.route(`${simulatorUrl()}/**`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const answer = await route.fetch({ maxRedirects: 0 });
      const towards = answer.headers().location ?? '';
      if (towards.includes('/return/') || towards.startsWith(base())) {
        lostReturn();
        return route.fulfill({ status: 204, body: '' });
      }
      return route.fulfill({ response: answer });
    });
    await payWithCard(page, CARDS.good);
    await returnLost;
    expect(simulator().payments.get(payment!.payment_id)?.state.status).toBe('success');

    // No return, no reconciliation run: only the simulator's signed webhook can settle it.
    for (let i = 0; i < 200 && settlementsFor(reference).length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(settlementsFor(reference)).toEqual([
      expect.objectContaining({ outcome: 'success', source: 'webhook', attempt: 1 }),
    ]);
    expect(running.demo.orders.get(reference)).toMatchObject({ permitMonths: 3 });
  }, 90_000);

  test('the Welsh journey: the demo and GOV.UK Pay both in Welsh', async () => {
    await page.goto(`${base()}/`);
    await page.getByRole('link', { name: 'Cymraeg' }).click();
    await page.waitForURL(`${base()}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await heading(page)).toBe('Talu am drwydded parcio i breswylwyr');

    // Validation messages are Welsh too.
    await page.getByRole('button', { name: 'Dechrau nawr' }).click();
    await page.getByRole('button', { name: 'Parhau', exact: true }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Rhowch rif cofrestru eich cerbyd',
    );
    expect(await page.title()).toMatch(/^Gwall: /);

    await fillApplication(page, base(), { months: 12 }, 'cy');
    const before = paymentIds(simulator());
    await pressPay(page, simulatorUrl(), 'cy');
    const [payment] = newPayments(simulator(), before);
    expect(payment).toMatchObject({ language: 'cy', amount: 9000 });
    expect(payment!.description).toBe('Trwydded parcio i breswylwyr am 12 mis');
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await heading(page)).toBe('Rhowch fanylion y cerdyn');
    await screenshot(page, 'welsh-1-card-page');

    await payWithCard(page, CARDS.good, 'cy');
    await page.waitForURL(`${base()}/payment/return`);
    expect(await heading(page)).toBe('Taliad wedi’i gwblhau');
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    await screenshot(page, 'welsh-2-confirmation');
    expect(settlementsFor(payment!.reference)).toHaveLength(1);

    await page.getByRole('link', { name: 'English' }).click();
    expect(await heading(page)).toBe('Payment complete');
  });
});
