/**
 * Shared set-up for the real-browser tests: Debian's chromium driven by playwright-core, the demo
 * app started on free ports on 127.0.0.1 with its embedded simulator, and page helpers that play
 * the citizen.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Payment } from '../../src/client/types';
import type { Logger } from '../../src/logger';
import type { Simulator } from '../../src/simulator';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-gpu',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** `describe`, or a visible skip when chromium is not installed. */
export function describeBrowser(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  describe.skip(`${name} (skipped: ${CHROMIUM} not found; run apt-get install chromium)`, body);
  console.warn(
    `Browser tests skipped: ${CHROMIUM} is not installed (apt-get install -y chromium).`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export const RESULTS_DIR = path.join(__dirname, '..', '..', 'test-results', 'browser');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The demo's permit records, as `demo-app/lib/permits.js` keeps them. */
export interface Order {
  reference: string;
  vehicleRegistration?: string;
  months?: number;
  amount?: number;
  permitNumber?: string;
  /** The permit's length as the payment's metadata said, not the citizen's latest answer. */
  permitMonths?: number;
  amountPaid?: number;
  attempts: Array<{ outcome: string; reason?: string }>;
  duplicatePayments: string[];
  /** Paid, but not for a permit at its price: not fulfilled. */
  mismatchedPayments: string[];
}

export interface Settlement {
  reference: string;
  paymentId: string;
  outcome: string;
  reason?: string;
  source: string;
  attempt: number;
}

export interface DemoApp {
  simulator: Simulator;
  /** The API's origin, on 127.0.0.1. */
  simulatorUrl: string;
  /** Where the card pages are: localhost, cross-site to the demo on 127.0.0.1. */
  simulatorPagesUrl: string;
  journey: {
    client: {
      createPayment(req: {
        amount: number;
        reference: string;
        description: string;
        return_url?: string;
        metadata?: Record<string, string | number | boolean>;
      }): Promise<Payment>;
    };
  };
  orders: {
    get(reference: string): Order | undefined;
    settlements: Settlement[];
    settle(result: unknown): void;
  };
}

export interface RunningDemo {
  /** The demo's public URL: its own address unless `publicUrl` was given. */
  url: string;
  /** The listening server, at 127.0.0.1 on a free port. */
  server: Server;
  demo: DemoApp;
  close(): Promise<void>;
}

export interface StartDemoOptions {
  /** The demo's external origin; default its own http://127.0.0.1:port. */
  publicUrl?: string;
  adminPassword?: string;
  maxRetries?: number;
  timeoutMs?: number;
  logger?: Logger;
  payStartLimits?: { windowMs?: number; perSession?: number; perClient?: number };
}

interface DemoModule {
  startDemo(options?: StartDemoOptions & { host?: string; port?: number }): Promise<RunningDemo>;
}

/** Loads the demo as `npm start` does: plain CommonJS that requires the built package. */
export function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  // The demo is plain JavaScript with no type declarations; this interface is its contract here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demoModule = require('../../demo-app/server.js') as DemoModule;
  return demoModule.startDemo({ host: '127.0.0.1', port: 0, maxRetries: 0, ...options });
}

/** Collects what would show a broken page: CSP violations, script errors, failed requests. */
export interface PageProblems {
  list: string[];
}

export async function newPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: PageProblems = { list: [] };
  page.on('console', (message) => {
    // Failed loads are reported below with their URL; a 400 page for a form error is intended.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.list.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const request = response.request();
    // Chrome asks every origin for /favicon.ico; the simulator's pages do not link one.
    if (request.resourceType() === 'document' || request.url().endsWith('/favicon.ico')) return;
    if (response.status() >= 400) problems.list.push(`${response.status()} ${request.url()}`);
  });
  page.on('requestfailed', (request) => {
    // A load cut short by the next navigation (an icon, say) is not a fault.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.list.push(`failed ${request.url()}: ${request.failure()?.errorText ?? ''}`);
  });
  page.on('pageerror', (err) => problems.list.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

export async function heading(page: Page): Promise<string> {
  return ((await page.locator('h1').first().textContent()) ?? '').trim();
}

export interface Answers {
  vehicleRegistration?: string;
  months?: 3 | 6 | 12;
}

const WORDS = {
  en: { start: 'Start now', continue: 'Continue', pay: 'Continue to payment' },
  cy: { start: 'Dechrau nawr', continue: 'Parhau', pay: 'Parhau i dalu' },
} as const;

/** Start page to check your answers. */
export async function fillApplication(
  page: Page,
  baseUrl: string,
  answers: Answers = {},
  lang: 'en' | 'cy' = 'en',
): Promise<void> {
  const words = WORDS[lang];
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: words.start }).click();
  await page.locator('#vehicle-registration').fill(answers.vehicleRegistration ?? 'CU57 ABC');
  await page.getByRole('button', { name: words.continue, exact: true }).click();
  await page.locator(`input[name="months"][value="${answers.months ?? 3}"]`).check();
  await page.getByRole('button', { name: words.continue, exact: true }).click();
  await page.waitForURL(`${baseUrl}/check-answers`);
}

/** Presses the pay button and waits for the simulator's card page (on its pages origin). */
export async function pressPay(
  page: Page,
  simulatorPagesUrl: string,
  lang: 'en' | 'cy' = 'en',
): Promise<void> {
  await page.getByRole('button', { name: WORDS[lang].pay }).click();
  await page.waitForURL(`${simulatorPagesUrl}/pay/**`);
}

/**
 * GOV.UK Pay's end page for a declined, cancelled, expired or errored payment: checks its
 * heading, then presses Continue, which goes back to the service's return_url.
 */
export async function continueFromEndPage(
  page: Page,
  simulatorPagesUrl: string,
  expectedHeading: string,
  lang: 'en' | 'cy' = 'en',
): Promise<void> {
  await page.waitForURL(`${simulatorPagesUrl}/pay/*/done`);
  expect(await heading(page)).toBe(expectedHeading);
  await page
    .getByRole('button', { name: lang === 'cy' ? 'Parhau' : 'Continue', exact: true })
    .click();
}

export const CARDS = {
  good: '4444333322221111',
  declined: '4000000000000002',
  providerError: '4000000000000119',
} as const;

/** Fills every field of the simulator's card page, without submitting it. */
export async function fillCardDetails(page: Page, card: string): Promise<void> {
  await page.locator('#card-no').fill(card);
  await page.locator('#expiry-month').fill('12');
  await page.locator('#expiry-year').fill(String(new Date().getUTCFullYear() + 3));
  await page.locator('#cardholder-name').fill('Ann Example');
  await page.locator('#cvc').fill('123');
  if ((await page.locator('#email').count()) > 0)
    await page.locator('#email').fill('ann@example.com');
}

/** Fills the simulator's card page and, unless the card ends the journey there, confirms. */
export async function payWithCard(
  page: Page,
  card: string,
  lang: 'en' | 'cy' = 'en',
): Promise<void> {
  await fillCardDetails(page, card);
  await page
    .getByRole('button', { name: lang === 'cy' ? 'Parhau' : 'Continue', exact: true })
    .click();
  if (card === CARDS.good) {
    await page
      .getByRole('button', { name: lang === 'cy' ? 'Cadarnhau’r taliad' : 'Confirm payment' })
      .click();
  }
}

/** Payments the simulator holds for one reference. */
export function paymentsFor(simulator: Simulator, reference: string): Payment[] {
  return simulator.payments.list().filter((payment) => payment.reference === reference);
}

/** The payments created since `before` (ids the simulator held then). */
export function newPayments(simulator: Simulator, before: ReadonlySet<string>): Payment[] {
  return simulator.payments.list().filter((payment) => !before.has(payment.payment_id));
}

export function paymentIds(simulator: Simulator): Set<string> {
  return new Set(simulator.payments.list().map((payment) => payment.payment_id));
}

export const AXE_PATH = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. The context must
 * have `bypassCSP: true`, since the demo's CSP rightly refuses injected scripts.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  // A string, not a function: this project compiles without the DOM library.
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(where: string, violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${where}: [${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) =>
            `    ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.replace(/\n/g, ' '),
          )
          .join('\n'),
    )
    .join('\n');
}
