import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { payJourney } from '../../src/journey/pay-journey';
import { MemoryStore } from '../../src/store';
import type { PayJourney } from '../../src/journey/pay-journey';
import type { PayJourneyOptions, PaymentDetails } from '../../src/journey/options';
import type { PaymentResult, SettledResult } from '../../src/settlement';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { Simulator, SimulatorOptions } from '../../src/simulator';
import { Browser } from './browser';
import type { BrowserResponse } from './browser';
import { CapturingLogger } from './capturing-logger';

export const COOKIE_SECRET = 'journey-harness-secret-0123456789-abcdefghijklmnop';
export const OLD_COOKIE_SECRET = 'journey-harness-old-secret-0123456789-abcdefghijkl';
export const COOKIE_NAME = 'govuk_pay';
export const MOUNT = '/payment';
/** A card the sandbox authorises; Confirm then makes the payment `success`. */
export const GOOD_CARD = '4444333322221111';

export interface HarnessOptions {
  /** Journey options on top of the harness's; `publicUrl` defaults to the app's own URL. */
  journey?: Partial<PayJourneyOptions>;
  simulator?: SimulatorOptions;
  /** Where the journey is mounted. */
  mount?: string;
  /**
   * Sees every request to the simulator before the simulator does, with its response: a test
   * can patch `res` to bend one answer, or act at the moment a call arrives.
   */
  onSimulatorRequest?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Runs on the app before the journey is mounted: an app-level body parser, for instance. */
  beforeJourney?: (app: express.Express) => void;
}

export interface JourneyHarness {
  simulator: Simulator;
  simulatorUrl: string;
  /**
   * A regular expression source matching the origin of the simulator's hosted pages: its API
   * host, or `localhost` on the same port (cross-site to the app, as GOV.UK Pay is).
   */
  pagesUrlPattern: string;
  /** The local server the journey is mounted in, e.g. http://127.0.0.1:54321. */
  appUrl: string;
  /** The service's Express app; tests may mount more routes (a second journey) on it. */
  app: express.Express;
  /** The journey's `publicUrl` (the app's own URL unless overridden). */
  publicUrl: string;
  apiKey: string;
  journey: PayJourney;
  logger: CapturingLogger;
  /** Every onSettled call. */
  settled: SettledResult[];
  /** Every result an outcome handler of the harness rendered. */
  shown: PaymentResult[];
  /** Errors that reached Express's error handler. */
  errors: unknown[];
  /** What createPayment returns; tests change it between starts. */
  payment: PaymentDetails;
  /** How many times createPayment was called. */
  createPaymentCalls: number;
  /** A new browser with its own cookie jar. Every browser made is kept for scans. */
  browser(treatHttpAsSecure?: boolean): Browser;
  readonly browsers: Browser[];
  /** Moves the simulator's clock, which is also the journey's. */
  advance(ms: number): void;
  /** POST {mount}/start as the service's own page would: same-origin headers. */
  start(browser: Browser, headers?: Record<string, string>): Promise<BrowserResponse>;
  /**
   * Follows a next_url through the hosted pages by form posts (card details, Confirm), then
   * the redirect back to the service's return URL. Returns the service's answer.
   */
  payOnHostedPages(browser: Browser, nextUrl: string, card?: string): Promise<BrowserResponse>;
  /** Opens the hosted card page and presses "Cancel payment", then follows back to the service. */
  cancelOnHostedPages(browser: Browser, nextUrl: string): Promise<BrowserResponse>;
  /** start + payOnHostedPages. */
  payWithCard(browser: Browser, card?: string): Promise<BrowserResponse>;
  /** Ids of payments the simulator holds, newest first. */
  paymentIds(): string[];
  /** The store the journey uses (shared across redeploys). */
  store: MemoryStore;
  /** Every request the simulator received, API and hosted pages alike, in order. */
  simulatorRequests: { method: string; path: string; authorization: string | undefined }[];
  /** How many API calls reached the simulator, optionally of one method. */
  apiCalls(method?: string): number;
  /**
   * Replaces the journey with a new one built with these options on top of the harness's (a
   * redeploy with new settings, such as rotated secrets). The store and simulator are kept.
   */
  redeploy(options: Partial<PayJourneyOptions>): Promise<void>;
  close(): Promise<void>;
}

/** The headers a browser sends when the service's own page posts its form. */
export function sameOriginHeaders(origin: string): Record<string, string> {
  return { 'sec-fetch-site': 'same-origin', origin };
}

/** The outcome a harness handler rendered, read from its JSON answer. */
export interface RenderedOutcome {
  outcome: string;
  reason: string | null;
  firstVisit: boolean;
  capturable: boolean;
}

export function renderedOutcome(response: BrowserResponse): RenderedOutcome {
  if (response.status !== 200 || response.headers['content-type']?.includes('json') !== true) {
    throw new Error(
      `expected a rendered outcome, got ${response.status}: ${response.body.slice(0, 200)}`,
    );
  }
  return JSON.parse(response.body) as RenderedOutcome;
}

export async function startJourneyHarness(options: HarnessOptions = {}): Promise<JourneyHarness> {
  const mount = options.mount ?? MOUNT;
  const simulator = createSimulator({ rateLimit: false, ...options.simulator });
  // The simulator behind a recording server of ours, so tests can prove what reached it.
  const simulatorRequests: JourneyHarness['simulatorRequests'] = [];
  const simulatorServer = http.createServer((req, res) => {
    simulatorRequests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    options.onSimulatorRequest?.(req, res);
    simulator.app(req, res);
  });
  await new Promise<void>((resolve) => simulatorServer.listen(0, '127.0.0.1', resolve));
  const simulatorUrl = `http://127.0.0.1:${(simulatorServer.address() as AddressInfo).port}`;
  const apiKey = generateTestApiKey();
  const store = new MemoryStore({ now: () => simulator.clock.now() });

  // The app exists before its routes, since publicUrl needs the server's port first.
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicUrl = options.journey?.publicUrl ?? appUrl;

  const logger = new CapturingLogger();
  const settled: SettledResult[] = [];
  const shown: PaymentResult[] = [];
  const errors: unknown[] = [];
  const browsers: Browser[] = [];

  const render = (_req: Request, res: Response, result: PaymentResult): void => {
    shown.push(result);
    // Never the payment id or next_url: the scans would find them.
    res.status(200).json({
      outcome: result.outcome,
      reason: result.reason ?? null,
      firstVisit: result.firstVisit,
      capturable: result.capturable === true,
    });
  };

  const harness: JourneyHarness = {
    simulator,
    simulatorUrl,
    pagesUrlPattern: `http://(?:127\\.0\\.0\\.1|localhost):${new URL(simulatorUrl).port}`,
    appUrl,
    app,
    publicUrl,
    apiKey,
    journey: undefined as unknown as PayJourney,
    logger,
    settled,
    shown,
    errors,
    payment: { amount: 2500, reference: 'APP-0001', description: 'Licence fee' },
    createPaymentCalls: 0,
    browsers,
    browser: (treatHttpAsSecure = false) => {
      const browser = new Browser(treatHttpAsSecure);
      browsers.push(browser);
      return browser;
    },
    advance: (ms) => simulator.clock.advance(ms),
    start: (browser, headers) =>
      browser.post(`${appUrl}${mount}/start`, {
        headers: headers ?? sameOriginHeaders(new URL(publicUrl).origin),
      }),
    payOnHostedPages: async (browser, nextUrl, card = GOOD_CARD) => {
      let page = await browser.navigate('GET', nextUrl);
      for (let step = 0; step < 5 && isOnSimulator(page.url); step += 1) {
        const { method, action } = firstForm(page.body);
        if (method === 'GET') {
          // An end page's Continue (declined, cancelled, expired): back to the service.
          page = await browser.navigate('GET', new URL(action, page.url).href);
          continue;
        }
        const isCardForm = page.body.includes('name="cardNo"');
        const form: Record<string, string> = isCardForm
          ? {
              cardNo: card,
              expiryMonth: '12',
              expiryYear: String(new Date(simulator.clock.now()).getUTCFullYear() + 3),
              cardholderName: 'Test Citizen',
              cvc: /^3[47]/.test(card) ? '1234' : '123',
              email: 'simulate-delivered@notifications.service.gov.uk',
            }
          : {};
        page = await browser.navigate('POST', new URL(action, page.url).href, { form });
      }
      return page;
    },
    cancelOnHostedPages: async (browser, nextUrl) => {
      const page = await browser.navigate('GET', nextUrl);
      const cancel = /action="([^"]*\/cancel)"/.exec(page.body)?.[1];
      if (cancel === undefined) throw new Error(`no cancel form on ${page.url}`);
      const after = await browser.navigate('POST', new URL(cancel, page.url).href);
      if (!isOnSimulator(after.url)) return after;
      // GOV.UK Pay's "cancelled" page: Continue goes back to the service.
      const { action } = firstForm(after.body);
      return browser.navigate('GET', new URL(action, after.url).href);
    },
    payWithCard: async (browser, card) => {
      const started = await harness.start(browser);
      if (started.status !== 303 || started.location === undefined) {
        throw new Error(`start answered ${started.status}: ${started.body.slice(0, 200)}`);
      }
      return harness.payOnHostedPages(browser, started.location, card);
    },
    paymentIds: () => simulator.payments.list().map((p) => p.payment_id),
    store,
    simulatorRequests,
    apiCalls: (method) =>
      simulatorRequests.filter(
        (r) => r.path.startsWith('/v1/') && (method === undefined || r.method === method),
      ).length,
    redeploy: async (overrides) => {
      await harness.journey.close();
      harness.journey = buildJourney(overrides);
    },
    close: async () => {
      await harness.journey.close();
      store.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      simulatorServer.closeAllConnections();
      await new Promise<void>((resolve) => simulatorServer.close(() => resolve()));
    },
  };

  /** The simulator's pages may be served on `localhost`, cross-site to the app's 127.0.0.1. */
  function isOnSimulator(url: string): boolean {
    const { hostname, port, protocol } = new URL(url);
    const sim = new URL(simulatorUrl);
    return (
      protocol === sim.protocol &&
      port === sim.port &&
      ['127.0.0.1', 'localhost'].includes(hostname)
    );
  }

  const buildJourney = (overrides: Partial<PayJourneyOptions>): PayJourney =>
    payJourney({
      apiKey,
      apiBaseUrl: simulatorUrl,
      publicUrl,
      mountPath: mount,
      cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME, secure: false },
      nextUrlHosts: [new URL(simulatorUrl).host, `localhost:${new URL(simulatorUrl).port}`],
      createPayment: () => {
        harness.createPaymentCalls += 1;
        return { ...harness.payment };
      },
      outcomes: { success: render, failed: render },
      onSettled: (result) => {
        settled.push(result);
      },
      logger,
      // Generous: on a loaded machine a slow create must not turn into start_failed. Tests of
      // timeouts set their own, beside the latency they inject.
      timeoutMs: 10_000,
      maxRetries: 2,
      sleep: () => Promise.resolve(),
      now: () => simulator.clock.now(),
      store,
      ...options.journey,
      ...overrides,
    });
  harness.journey = buildJourney({});

  options.beforeJourney?.(app);
  // Through a closure, so a redeploy swaps the journey under the same app.
  app.use(mount, (req, res, next) => harness.journey(req, res, next));
  // The service's own routes, using the journey's methods. They sit under the mount path, since
  // the payment cookie's Path is the mount path.
  app.post(`${mount}/own/pay`, (req, res, next) => {
    harness.journey.start(req, res, { description: 'Licence fee (own route)' }).catch(next);
  });
  app.post(`${mount}/own/cancel`, (req, res, next) => {
    harness.journey
      .cancel(req)
      .then((result) => render(req, res, result))
      .catch(next);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(err);
    const status = (err as { status?: unknown }).status;
    res
      .status(typeof status === 'number' ? status : 500)
      .type('text')
      .send('service error page');
  });

  return harness;
}

function firstForm(html: string): { method: 'GET' | 'POST'; action: string } {
  const found = /<form method="(post|get)" action="([^"]+)"/.exec(html);
  if (found === null) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  return { method: found[1] === 'get' ? 'GET' : 'POST', action: found[2] as string };
}
