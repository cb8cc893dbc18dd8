/**
 * The outcome suite: every outcome a returning citizen can be shown, through the real router and
 * the simulator's hosted pages, declared once and run over each configuration a service can
 * choose (in the shape of csrf-csrf's `createTestSuite`). test/journey/outcomes.test.ts runs it
 * over both `match` modes and both Express majors.
 */
import type http from 'node:http';
import { TEST_CARDS } from '../../src/simulator';
import type * as HarnessModule from './journey-harness';
import type { HarnessOptions, JourneyHarness } from './journey-harness';
import type { BrowserResponse } from './browser';
import type { Browser } from './browser';

const MINUTE = 60_000;

/** A return id of the right shape that no payment was given. */
const UNKNOWN_RETURN_ID = 'A'.repeat(43);

export interface OutcomeSuiteOptions {
  /** The suite's title. */
  name: string;
  /**
   * The Express package the service's app and the journey's own Router run on: `'express'`
   * (Express 5) or `'express4'` (Express 4, the same package under an alias), as a service gets
   * it through the peer dependency.
   */
  express: 'express' | 'express4';
  /** The journey's `match` option. */
  match: 'cookie' | 'return-id';
}

/** Declares the outcome suite for one configuration. Call it at the top level of a test file. */
export function createOutcomeSuite({ name, express, match }: OutcomeSuiteOptions): void {
  describe(name, () => {
    let harnessModule: typeof HarnessModule;
    let loadedExpress: ExpressModule;
    let h: JourneyHarness;
    /** Set by a test to bend the status of every GET /v1/payments/{id} the simulator answers. */
    let reportedStatus: string | undefined;

    beforeAll(() => {
      ({ harness: harnessModule, express: loadedExpress } = loadHarness(express));
    });
    beforeEach(async () => {
      reportedStatus = undefined;
      h = await harnessModule.startJourneyHarness({
        journey: { match },
        onSimulatorRequest: (req, res) => {
          if (reportedStatus !== undefined) rewriteStatus(req, res, reportedStatus);
        },
      } satisfies HarnessOptions);
    });
    afterEach(async () => {
      await h.close();
    });

    const rendered = (response: BrowserResponse): HarnessModule.RenderedOutcome =>
      harnessModule.renderedOutcome(response);
    const sameOrigin = (): Record<string, string> => harnessModule.sameOriginHeaders(h.publicUrl);
    const mount = (): string => harnessModule.MOUNT;

    /** Where GOV.UK Pay sends the citizen back for the newest payment: its `return_url`. */
    const returnUrl = (): string => {
      const url = h.simulator.payments.list()[0]?.return_url;
      if (url === undefined) throw new Error('no payment was created');
      return url;
    };
    /** A return that matches no payment in this mode: no cookie, or an unknown return id. */
    const unmatchedReturnUrl = (): string =>
      match === 'cookie'
        ? `${h.appUrl}${mount()}/return`
        : `${h.appUrl}${mount()}/return/${UNKNOWN_RETURN_ID}`;
    const backFromPay = (browser: Browser): Promise<BrowserResponse> => browser.get(returnUrl());
    const newestPaymentId = (): string => h.paymentIds()[0] as string;

    it(`runs the app and the journey's Router on Express ${express === 'express' ? 5 : 4}`, () => {
      // express.query was removed in Express 5.
      expect(typeof loadedExpress.query).toBe(express === 'express' ? 'undefined' : 'function');
      expect(routerIsFrom(h.journey, loadedExpress)).toBe(true);
      expect(typeof (h.app as unknown as { del?: unknown }).del).toBe(
        express === 'express' ? 'undefined' : 'function',
      );
    });

    it(`returns to ${match === 'cookie' ? '{mount}/return' : 'a per-payment {mount}/return/{id}'}`, async () => {
      await h.start(h.browser());
      const expected =
        match === 'cookie'
          ? `${h.publicUrl}${mount()}/return`
          : new RegExp(`^${h.publicUrl}${mount()}/return/[A-Za-z0-9_-]{43}$`);
      if (typeof expected === 'string') expect(returnUrl()).toBe(expected);
      else expect(returnUrl()).toMatch(expected);
      expect(returnUrl()).not.toContain(newestPaymentId());
    });

    describe('success', () => {
      it.each(TEST_CARDS.authorised.map((card) => [card]))(
        'authorised card %s: success, settled once',
        async (card) => {
          const shown = rendered(await h.payWithCard(h.browser(), card));
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
            attempt: 1,
          });
          expect(h.settled[0]?.payment.state.status).toBe('success');
          expect(h.settled[0]?.payment.payment_id).toBe(newestPaymentId());
        },
      );

      it('a delayed-capture payment is success with capturable, and settles', async () => {
        h.payment = { ...h.payment, delayed_capture: true };
        const shown = rendered(await h.payWithCard(h.browser()));
        expect(shown).toMatchObject({ outcome: 'success', capturable: true });
        expect(h.settled[0]).toMatchObject({ outcome: 'success', capturable: true });
        expect(h.settled[0]?.payment.state.status).toBe('capturable');
      });

      it('a refresh shows the same outcome with firstVisit false, and settles nothing more', async () => {
        const browser = h.browser();
        await h.payWithCard(browser);
        const again = rendered(await backFromPay(browser));
        expect(again).toMatchObject({ outcome: 'success', firstVisit: false });
        expect(h.settled).toHaveLength(1);
      });
    });

    describe('failed', () => {
      it.each(TEST_CARDS.declined.map((card) => [card]))(
        'declined card %s: failed, reason declined',
        async (card) => {
          const shown = rendered(await h.payWithCard(h.browser(), card));
          expect(shown).toMatchObject({ outcome: 'failed', reason: 'declined', firstVisit: true });
          expect(h.settled.map((r) => [r.outcome, r.reason])).toEqual([['failed', 'declined']]);
        },
      );

      it('"Cancel payment" on the card page: failed, reason cancelled_by_user', async () => {
        const browser = h.browser();
        const started = await h.start(browser);
        const shown = rendered(await h.cancelOnHostedPages(browser, started.location as string));
        expect(shown).toMatchObject({ outcome: 'failed', reason: 'cancelled_by_user' });
        expect(h.settled.map((r) => r.reason)).toEqual(['cancelled_by_user']);
      });

      it('an expired payment (the simulator clock moved past 90 minutes): failed, reason expired', async () => {
        const browser = h.browser();
        await h.start(browser);
        h.advance(91 * MINUTE);
        const shown = rendered(await backFromPay(browser));
        expect(shown).toMatchObject({ outcome: 'failed', reason: 'expired' });
        expect(h.settled.map((r) => r.reason)).toEqual(['expired']);
      });
    });

    describe('cancelled', () => {
      it('a payment the service cancelled (admin tool): cancelled, shown by failed by default', async () => {
        const browser = h.browser();
        await h.start(browser);
        h.simulator.cancelByService(newestPaymentId());
        const shown = rendered(await backFromPay(browser));
        expect(shown).toMatchObject({ outcome: 'cancelled', reason: 'cancelled_by_service' });
        expect(h.settled.map((r) => r.outcome)).toEqual(['cancelled']);
      });

      it('POST /cancel cancels the unfinished payment and shows cancelled, settled once', async () => {
        const browser = h.browser();
        await h.start(browser);
        const shown = rendered(
          await browser.post(`${h.appUrl}${mount()}/cancel`, { headers: sameOrigin() }),
        );
        expect(shown).toMatchObject({ outcome: 'cancelled', reason: 'cancelled_by_service' });
        const payment = h.simulator.payments.get(newestPaymentId());
        expect(payment?.state).toMatchObject({ status: 'cancelled', code: 'P0040' });
        expect(h.settled.map((r) => r.outcome)).toEqual(['cancelled']);
        // The citizen who then comes back from GOV.UK Pay sees the same, settled once.
        expect(rendered(await backFromPay(browser))).toMatchObject({
          outcome: 'cancelled',
          firstVisit: false,
        });
        expect(h.settled).toHaveLength(1);
      });

      it('journey.cancel(req) from the service’s own route does the same', async () => {
        const browser = h.browser();
        await h.start(browser);
        const shown = rendered(
          await browser.post(`${h.appUrl}${mount()}/own/cancel`, { headers: sameOrigin() }),
        );
        expect(shown).toMatchObject({ outcome: 'cancelled' });
        expect(h.simulator.payments.get(newestPaymentId())?.state.status).toBe('cancelled');
      });

      it('a payment already paid is shown as success, never as cancelled', async () => {
        const browser = h.browser();
        await h.start(browser);
        h.simulator.completePayment(newestPaymentId(), { card: '4444333322221111' });
        const shown = rendered(
          await browser.post(`${h.appUrl}${mount()}/cancel`, { headers: sameOrigin() }),
        );
        expect(shown).toMatchObject({ outcome: 'success' });
        expect(h.settled.map((r) => r.outcome)).toEqual(['success']);
        expect(h.simulator.payments.get(newestPaymentId())?.state.status).toBe('success');
      });

      it('POST /cancel with no cookie: missing, and no API call', async () => {
        const calls = h.apiCalls();
        const page = await h
          .browser()
          .post(`${h.appUrl}${mount()}/cancel`, { headers: sameOrigin() });
        expect(page.status).toBe(400);
        expect(h.apiCalls()).toBe(calls);
      });

      it('refuses a cross-site cancel (Sec-Fetch-Site and Origin)', async () => {
        const browser = h.browser();
        await h.start(browser);
        const bySite = await browser.post(`${h.appUrl}${mount()}/cancel`, {
          headers: { 'sec-fetch-site': 'cross-site' },
        });
        const byOrigin = await browser.post(`${h.appUrl}${mount()}/cancel`, {
          headers: { origin: 'https://evil.example' },
        });
        const viaMethod = await browser.post(`${h.appUrl}${mount()}/own/cancel`, {
          headers: { 'sec-fetch-site': 'cross-site' },
        });
        expect([bySite.status, byOrigin.status, viaMethod.status]).toEqual([403, 403, 403]);
        expect(h.simulator.payments.get(newestPaymentId())?.state.status).toBe('created');
        expect(browser.cookie(harnessModule.COOKIE_NAME)).toBeDefined();
      });
    });

    describe('error', () => {
      it('error card: error P0050, shown by the failed handler by default', async () => {
        const shown = rendered(await h.payWithCard(h.browser(), TEST_CARDS.error[0] as string));
        expect(shown).toMatchObject({ outcome: 'error', reason: 'provider_error' });
        expect(h.settled.map((r) => [r.outcome, r.reason])).toEqual([['error', 'provider_error']]);
      });

      it('a status this library does not know fails closed to error, and is never settled', async () => {
        const browser = h.browser();
        await h.start(browser);
        h.simulator.completePayment(newestPaymentId(), { card: '4444333322221111' });
        reportedStatus = 'refunded_maybe';
        const shown = rendered(await backFromPay(browser));
        expect(shown).toMatchObject({ outcome: 'error', reason: 'unknown_state' });
        expect(h.settled).toHaveLength(0);
      });

      it('a start GOV.UK Pay refuses: error, reason start_failed, with no payment', async () => {
        h.simulator.faults.inject({
          route: 'createPayment',
          fault: { kind: 'status', status: 503 },
        });
        const shown = rendered(await h.start(h.browser()));
        expect(shown).toMatchObject({ outcome: 'error', reason: 'start_failed' });
        expect(h.shown.at(-1)?.payment).toBeUndefined();
        expect(h.settled).toHaveLength(0);
      });

      it('a rejected onSettled reaches Express’s error handler, and the payment is not lost', async () => {
        await h.redeploy({ onSettled: () => Promise.reject(new Error('fulfilment down')) });
        const browser = h.browser();
        expect((await h.payWithCard(browser)).status).toBe(500);
        expect((h.errors[0] as Error).message).toBe('fulfilment down');
        // The lease was released: the next visit, with a working onSettled, settles it.
        await h.redeploy({});
        expect(rendered(await backFromPay(browser))).toMatchObject({ outcome: 'success' });
        expect(h.settled).toHaveLength(1);
        expect(h.settled[0]?.attempt).toBe(2);
      });
    });

    describe('pending', () => {
      it('the default: 303 to a fresh next_url of the same payment, never the first one again', async () => {
        const browser = h.browser();
        const started = await h.start(browser);
        const back = await backFromPay(browser);
        expect(back.status).toBe(303);
        expect(back.location).toMatch(new RegExp(`^${h.pagesUrlPattern}/secure/`));
        expect(back.location).not.toBe(started.location);
        expect(h.paymentIds()).toHaveLength(1);
        // The fresh next_url works: the citizen can still pay this one payment.
        const paid = await h.payOnHostedPages(browser, back.location as string);
        expect(rendered(paid).outcome).toBe('success');
        expect(h.paymentIds()).toHaveLength(1);
        expect(h.settled).toHaveLength(1);
      });

      it('the default with a next_url outside nextUrlHosts: a page, never a redirect there', async () => {
        const browser = h.browser();
        await h.start(browser);
        await h.redeploy({ nextUrlHosts: ['*.payments.service.gov.uk'] });
        const page = await backFromPay(browser);
        expect(page.status).toBe(200);
        expect(page.headers.location).toBeUndefined();
        expect(page.body).toContain('Your payment is not finished');
        expect(h.settled).toHaveLength(0);
      });
    });

    describe('unconfirmed', () => {
      it('the default: a 503 page that says not to pay again, and nothing settled', async () => {
        const browser = h.browser();
        const started = await h.start(browser);
        h.simulator.completePayment(newestPaymentId(), { card: '4444333322221111' });
        h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 500 } });
        const page = await backFromPay(browser);
        expect(started.status).toBe(303);
        expect(page.status).toBe(503);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.body).toContain('We could not confirm your payment. Do not try to pay again');
        expect(page.body).not.toMatch(/failed|declined/i);
        expect(h.settled).toHaveLength(0);
        // Once GOV.UK Pay answers again, the same return shows and settles the payment.
        h.simulator.faults.clear();
        expect(rendered(await backFromPay(browser))).toMatchObject({ outcome: 'success' });
        expect(h.settled).toHaveLength(1);
      });
    });

    describe('missing', () => {
      it(`${match === 'cookie' ? 'no cookie' : 'an unknown return id'}: a 400 page linking to startUrl, with no API call`, async () => {
        await h.redeploy({ startUrl: '/apply/start' });
        await h.start(h.browser());
        const calls = h.apiCalls();
        const page = await h.browser().get(unmatchedReturnUrl());
        expect(page.status).toBe(400);
        expect(page.body).toContain('<a href="/apply/start">');
        expect(h.apiCalls()).toBe(calls);
      });

      it('gives the missing handler its reason', async () => {
        const reasons: unknown[] = [];
        await h.redeploy({
          outcomes: {
            success: () => undefined,
            failed: () => undefined,
            missing: (_req, res, result) => {
              reasons.push(result.reason);
              res.status(400).send('missing');
            },
          },
        });
        const browser = h.browser();
        await h.start(browser);
        await h.browser().get(unmatchedReturnUrl());
        if (match === 'cookie') {
          // A cookie whose tag no longer checks out.
          const sealed = browser.cookie(harnessModule.COOKIE_NAME) as string;
          browser.setCookieValue(harnessModule.COOKIE_NAME, flipInCipherText(sealed));
          await browser.get(returnUrl());
          expect(reasons).toEqual(['no_cookie', 'invalid_cookie']);
        } else {
          expect(reasons).toEqual(['unknown_return_id']);
        }
        expect(h.settled).toHaveLength(0);
      });
    });

    describe('on every visit', () => {
      it('each outcome response is no-store', async () => {
        const browser = h.browser();
        const paid = await h.payWithCard(browser);
        expect(paid.headers['cache-control']).toBe('no-store');
        const missing = await h.browser().get(unmatchedReturnUrl());
        expect(missing.headers['cache-control']).toBe('no-store');
      });

      it('uses the service’s own handlers for cancelled, error, pending, unconfirmed and missing', async () => {
        const seen: string[] = [];
        const handler =
          (outcome: string) =>
          (_req: unknown, res: { status(n: number): { send(b: string): void } }): void => {
            seen.push(outcome);
            res.status(299).send(outcome);
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
        expect((await h.browser().get(unmatchedReturnUrl())).body).toBe('missing');
        await h.start(browser);
        expect((await backFromPay(browser)).body).toBe('pending');
        h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 503 } });
        expect((await backFromPay(browser)).body).toBe('unconfirmed');
        h.simulator.faults.clear();
        h.simulator.cancelByService(newestPaymentId());
        expect((await backFromPay(browser)).body).toBe('cancelled');

        await h.payWithCard(h.browser(), TEST_CARDS.error[0]);
        expect(seen).toEqual(['missing', 'pending', 'unconfirmed', 'cancelled', 'error']);
      });

      it('answers HEAD on the return route without reading GOV.UK Pay, settling or using the first visit', async () => {
        const browser = h.browser();
        const started = await h.start(browser);
        const getsBefore = h.apiCalls('GET');
        const head = await browser.request('HEAD', returnUrl(), {});
        expect(head.status).toBe(204);
        expect(h.apiCalls('GET')).toBe(getsBefore);

        const paid = rendered(await h.payOnHostedPages(browser, started.location as string));
        expect(await browser.request('HEAD', returnUrl(), {})).toMatchObject({ status: 204 });
        expect(paid).toMatchObject({ outcome: 'success', firstVisit: true });
        expect(h.settled).toHaveLength(1);
        const again = rendered(await backFromPay(browser));
        expect(again).toMatchObject({ outcome: 'success', firstVisit: false });
      });
    });
  });
}

interface ExpressModule {
  (): unknown;
  Router: unknown;
  query?: unknown;
}

/**
 * The harness, and through it the journey, the simulator and the app, loaded with `express`
 * resolving to the given package, in a module registry of their own so that configurations on
 * other Express majors in the same file are not touched.
 */
function loadHarness(express: OutcomeSuiteOptions['express']): LoadedHarness {
  let loaded: LoadedHarness | undefined;
  jest.isolateModules(() => {
    jest.doMock('express', () => jest.requireActual(express));
    loaded = {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      harness: require('./journey-harness') as typeof HarnessModule,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      express: require('express') as ExpressModule,
    };
  });
  // The mock factory is kept outside the isolated registry: drop it for whatever loads next.
  jest.dontMock('express');
  if (loaded === undefined) throw new Error('the journey harness did not load');
  return loaded;
}

interface LoadedHarness {
  harness: typeof HarnessModule;
  /** The Express the harness and the journey were loaded with. */
  express: ExpressModule;
}

/** Whether a router was made by this Express package's Router (4 and 5 build them differently). */
function routerIsFrom(router: unknown, express: ExpressModule): boolean {
  const Router = express.Router as { prototype: object };
  return router instanceof (Router as never) || Object.getPrototypeOf(router) === Router;
}

/**
 * Rewrites `state.status` in the simulator's answer to GET /v1/payments/{id}, as a GOV.UK Pay
 * that grew a new status would send it.
 */
function rewriteStatus(req: http.IncomingMessage, res: http.ServerResponse, status: string): void {
  if (req.method !== 'GET' || !/^\/v1\/payments\/[^/?]+$/.test(req.url ?? '')) return;
  const writeHead = res.writeHead.bind(res) as (code: number, headers?: object) => void;
  // The rewritten body has another length: let Node frame it instead.
  res.writeHead = ((code: number, headers?: Record<string, unknown>) => {
    if (headers !== undefined) delete headers['content-length'];
    writeHead(code, headers);
    return res;
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
  res.end = ((chunk?: unknown) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return end(chunk);
    const body = JSON.parse(chunk.toString()) as { state?: { status?: string } };
    if (body.state !== undefined) body.state.status = status;
    return end(JSON.stringify(body));
  }) as typeof res.end;
}

/** One character of the cipher text changed, well clear of the unused bits at the end. */
function flipInCipherText(value: string): string {
  const index = value.length - 30;
  const replacement = value.charAt(index) === 'A' ? 'B' : 'A';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}
