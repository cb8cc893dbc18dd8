/**
 * The demo's payments admin in chromium: HTTP Basic authentication, search by state and date
 * with pagination, the CSV export, full and partial refunds, cancelling an unfinished payment,
 * CSRF protection and axe-core on its pages.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Payment } from '../../src/client/types';
import type { PageProblems, RunningDemo } from '../helpers/browser-support';
import {
  CARDS,
  continueFromEndPage,
  describeBrowser,
  fillApplication,
  formatViolations,
  heading,
  launchBrowser,
  newPage,
  newPayments,
  paymentIds,
  pressPay,
  screenshot,
  seriousViolations,
  startDemo,
} from '../helpers/browser-support';

const PASSWORD = 'correct horse battery staple';

describeBrowser('demo payments admin', () => {
  let browser: Browser;
  let running: RunningDemo;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    [browser, running] = await Promise.all([
      launchBrowser(),
      startDemo({ adminPassword: PASSWORD }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  beforeEach(async () => {
    ({ context, page, problems } = await newPage(browser, {
      httpCredentials: { username: 'admin', password: PASSWORD },
    }));
  });

  afterEach(async () => {
    await context.close();
    expect(problems.list).toEqual([]);
  });

  const base = (): string => running.url;
  const simulator = () => running.demo.simulator;

  /** A payment made through the journey's own client, then finished by the simulator. */
  async function seedPayment(reference: string, amount: number, card?: string): Promise<Payment> {
    // The simulator allows 15 creates a second, by its own clock: keep seeding under that.
    simulator().clock.advance(100);
    const payment = await running.demo.journey.client.createPayment({
      amount,
      reference,
      description: 'Resident parking permit for 3 months',
      return_url: `${base()}/payment/return`,
    });
    return card === undefined ? payment : simulator().completePayment(payment.payment_id, { card });
  }

  async function rowCount(): Promise<number> {
    return page.locator('table.govuk-table tbody tr').count();
  }

  test('is switched off (404) when no password is configured, and refuses a wrong password', async () => {
    const off = await startDemo();
    try {
      expect((await fetch(`${off.url}/admin/payments`)).status).toBe(404);
    } finally {
      await off.close();
    }

    const none = await fetch(`${base()}/admin/payments`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = await fetch(`${base()}/admin/payments`, {
      headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${base()}/admin/payments`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    });
    expect(right.status).toBe(200);
  });

  test('searches by state and date range, with pagination, and exports the search as CSV', async () => {
    for (let i = 0; i < 22; i += 1) await seedPayment(`SEARCH-${i}`, 2600 + i, CARDS.good);
    await seedPayment('SEARCH-DECLINED', 2600, CARDS.declined);
    await seedPayment('=HYPERLINK("http://evil.example")', 2600, CARDS.good);
    const successes = simulator()
      .payments.list()
      .filter((p) => p.state.status === 'success');

    await page.goto(`${base()}/admin`);
    expect(await heading(page)).toBe('Payments');
    await page.locator('#state').selectOption('success');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('#result-count').textContent()).toContain(
      `${successes.length} payments found. Page 1 of ${Math.ceil(successes.length / 20)}.`,
    );
    expect(await rowCount()).toBe(20);
    expect(await page.locator('table').textContent()).not.toContain('SEARCH-DECLINED');
    await screenshot(page, 'admin-1-search');

    await page.getByRole('link', { name: /Next/ }).click();
    expect(await page.locator('#result-count').textContent()).toContain('Page 2 of');
    expect(await rowCount()).toBe(successes.length - 20);

    const today = new Date(simulator().clock.now());
    const tomorrow = new Date(today.getTime() + 86_400_000);
    const fillDate = async (prefix: string, date: Date): Promise<void> => {
      await page.locator(`#${prefix}-day`).fill(String(date.getUTCDate()));
      await page.locator(`#${prefix}-month`).fill(String(date.getUTCMonth() + 1));
      await page.locator(`#${prefix}-year`).fill(String(date.getUTCFullYear()));
    };
    await fillDate('from', today);
    await fillDate('to', today);
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('#result-count').textContent()).toContain(
      `${successes.length} payments found`,
    );
    await fillDate('from', tomorrow);
    await fillDate('to', tomorrow);
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('#result-count').textContent()).toContain('0 payments found');

    await page.locator('#from-day').fill('31');
    await page.locator('#from-month').fill('2');
    await page.getByRole('button', { name: 'Search' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Date from must be a real date',
    );

    // The CSV link carries the search: every successful payment, on every page.
    await page.goto(`${base()}/admin/payments?state=success`);
    const csvHref = await page.getByRole('link', { name: /CSV/ }).getAttribute('href');
    const csv = await context.request.get(`${base()}${csvHref}`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers()['content-disposition']).toContain('payments.csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^payment_id,created_date,reference,/);
    expect(lines).toHaveLength(successes.length + 1);
    // A reference a spreadsheet would run as a formula is defused.
    expect(lines.some((line) => line.includes(`"'=HYPERLINK(""http://evil.example"")"`))).toBe(
      true,
    );
  });

  test('full and partial refunds, with refund_amount_available, and errors shown', async () => {
    const payment = await seedPayment('REFUND-1', 4800, CARDS.good);
    const detailUrl = `${base()}/admin/payments/${payment.payment_id}`;
    await page.goto(detailUrl);
    expect(await heading(page)).toBe('REFUND-1');

    await page.getByLabel('Partial refund').check();
    await page.getByLabel('Amount to refund, in pounds').fill('100');
    await page.getByRole('button', { name: 'Refund payment' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'The refund must be £48.00 or less',
    );

    await page.getByLabel('Partial refund').check();
    await page.getByLabel('Amount to refund, in pounds').fill('5.50');
    await page.getByRole('button', { name: 'Refund payment' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Refund of £5.50 made',
    );
    expect(simulator().payments.get(payment.payment_id)?.refund_summary).toMatchObject({
      amount_available: 4250,
      amount_submitted: 550,
    });

    // A second tab, loaded now, believes £42.50 is still available.
    const staleTab = await context.newPage();
    await staleTab.goto(detailUrl);

    await page.bringToFront();
    await page.getByLabel('Partial refund').check();
    await page.getByLabel('Amount to refund, in pounds').fill('2.50');
    await page.getByRole('button', { name: 'Refund payment' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Refund of £2.50 made',
    );

    // GOV.UK Pay refuses the stale tab's refund (412 P0604), and the page says why.
    await staleTab.bringToFront();
    await staleTab.getByLabel('Partial refund').check();
    await staleTab.getByLabel('Amount to refund, in pounds').fill('1');
    await staleTab.getByRole('button', { name: 'Refund payment' }).click();
    expect(await staleTab.locator('.govuk-error-summary').textContent()).toContain(
      'The amount available to refund has changed',
    );

    await page.bringToFront();
    await page.getByLabel('Full refund of £40.00').check();
    await page.getByRole('button', { name: 'Refund payment' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Refund of £40.00 made',
    );
    const refundsTable = (await page.locator('table').textContent()) ?? '';
    for (const amount of ['£5.50', '£2.50', '£40.00']) expect(refundsTable).toContain(amount);
    expect(await page.getByRole('button', { name: 'Refund payment' }).count()).toBe(0);
    await screenshot(page, 'admin-2-refunded');
    expect(simulator().payments.get(payment.payment_id)?.refund_summary).toMatchObject({
      status: 'full',
      amount_available: 0,
      amount_submitted: 4800,
    });
  });

  test('cancels an unfinished payment; the citizen is then shown the service-cancelled page', async () => {
    const citizen = await newPage(browser);
    try {
      await fillApplication(citizen.page, base());
      const before = paymentIds(simulator());
      await pressPay(citizen.page, running.demo.simulatorPagesUrl);
      const [payment] = newPayments(simulator(), before);

      await page.goto(`${base()}/admin/payments?state=started`);
      await page.getByRole('link', { name: `View payment ${payment!.reference}` }).click();
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
        'Payment cancelled',
      );
      expect(simulator().payments.get(payment!.payment_id)?.state).toMatchObject({
        status: 'cancelled',
        code: 'P0040',
      });

      // The citizen, still on the card page, presses on: GOV.UK Pay says so, then Continue.
      await citizen.page.reload();
      await continueFromEndPage(
        citizen.page,
        running.demo.simulatorPagesUrl,
        'Your payment has been cancelled',
      );
      await citizen.page.waitForURL(`${base()}/payment/return`);
      expect(await heading(citizen.page)).toBe('Your payment was cancelled');
      await screenshot(citizen.page, 'admin-3-citizen-service-cancelled');
      expect(
        running.demo.orders.settlements.filter((s) => s.reference === payment!.reference),
      ).toEqual([
        expect.objectContaining({ outcome: 'cancelled', reason: 'cancelled_by_service' }),
      ]);
      expect(citizen.problems.list).toEqual([]);
    } finally {
      await citizen.context.close();
    }
  });

  test('refuses a forged form post: no CSRF token, or another origin', async () => {
    const payment = await seedPayment('CSRF-1', 2600);
    await page.goto(`${base()}/admin/payments/${payment.payment_id}`);
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    const url = `${base()}/admin/payments/${payment.payment_id}/cancel`;

    const noToken = await context.request.post(url, { form: { _csrf: 'forged' } });
    expect(noToken.status()).toBe(403);
    const crossSite = await context.request.post(url, {
      form: { _csrf: token },
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status()).toBe(403);
    expect(simulator().payments.get(payment.payment_id)?.state.finished).toBe(false);
  });

  test('admin pages have no serious or critical accessibility violation', async () => {
    const payment = await seedPayment('AXE-1', 2600, CARDS.good);
    const audit = await newPage(browser, {
      bypassCSP: true,
      httpCredentials: { username: 'admin', password: PASSWORD },
    });
    const failures: string[] = [];
    const check = async (url: string): Promise<void> => {
      await audit.page.goto(url);
      const violations = await seriousViolations(audit.page);
      if (violations.length > 0) failures.push(formatViolations(url, violations));
    };
    try {
      await check(`${base()}/admin/payments`);
      await check(`${base()}/admin/payments?from-day=31&from-month=2&from-year=2026`);
      await check(`${base()}/admin/payments/${payment.payment_id}`);
      await audit.page.getByRole('button', { name: 'Refund payment' }).click();
      const violations = await seriousViolations(audit.page);
      if (violations.length > 0) failures.push(formatViolations('refund error', violations));
    } finally {
      await audit.context.close();
    }
    if (failures.length > 0) console.error(failures.join('\n\n'));
    expect(failures).toEqual([]);
  });
});
