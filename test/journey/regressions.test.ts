/**
 * One test per finding of the phase 2 review of the journey (issue 10), through the public API
 * against the simulator. Each failed on the phase 1 code.
 */
import http from 'node:http';
import request from 'supertest';
import { payJourney } from '../../src/journey/pay-journey';
import type { PaymentResult, SettledResult } from '../../src/settlement';
import { generateTestApiKey } from '../../src/simulator';
import { CapturingLogger } from '../helpers/capturing-logger';
import {
  COOKIE_NAME,
  COOKIE_SECRET,
  GOOD_CARD,
  MOUNT,
  renderedOutcome,
  sameOriginHeaders,
  startJourneyHarness,
} from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

const MINUTE = 60_000;

describe('phase 2 regressions', () => {
  let h: JourneyHarness;

  afterEach(async () => {
    // The one test without a harness leaves it unset.
    if ((h as JourneyHarness | undefined) !== undefined) await h.close();
    h = undefined as unknown as JourneyHarness;
  });

  function paymentCookieHeader(browserCookies: string | undefined): string {
    if (browserCookies === undefined) throw new Error('no cookie');
    return browserCookies;
  }

  it('pay for one thing, get another: a paid payment in the cookie is settled and shown, not paid again', async () => {
    h = await startJourneyHarness();
    const browser = h.browser();
    h.payment = { amount: 2500, reference: 'PERMIT-1', description: '3-month permit' };
    await h.start(browser);
    const firstId = h.paymentIds()[0] as string;
    // The citizen pays, then closes the tab before coming back.
    h.simulator.completePayment(firstId, { card: GOOD_CARD });

    // ... changes their answer, and presses Pay again.
    h.payment = { amount: 2600, reference: 'PERMIT-1', description: '12-month permit' };
    const callsBefore = h.createPaymentCalls;
    const again = await h.start(browser);

    expect(h.paymentIds()).toEqual([firstId]);
    expect(renderedOutcome(again)).toMatchObject({ outcome: 'success' });
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]?.payment.amount).toBe(2500);
    // The earlier payment was settled before createPayment ran, so the service saw its own state.
    expect(h.createPaymentCalls).toBeGreaterThanOrEqual(callsBefore);
  });

  it('an earlier finished payment is settled before createPayment(req) is called', async () => {
    h = await startJourneyHarness();
    const order: string[] = [];
    await h.redeploy({
      createPayment: () => {
        order.push('createPayment');
        h.createPaymentCalls += 1;
        return { ...h.payment };
      },
      onSettled: (result) => {
        order.push(`settled:${result.outcome}`);
        h.settled.push(result);
      },
    });
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { cancel: true });
    order.length = 0;
    h.payment = { ...h.payment, reference: 'APP-0002' };
    const again = await h.start(browser);
    expect(again.status).toBe(303);
    expect(order).toEqual(['settled:failed', 'createPayment']);
  });

  it('a crash inside onSettled is not lost: after the lease runs out, reconcile settles with attempt 2', async () => {
    h = await startJourneyHarness({ journey: { reconcile: { olderThanMinutes: 60 } } });
    const attempts: SettledResult[] = [];
    // Instance A: onSettled never finishes (the process dies inside it).
    await h.redeploy({
      onSettled: (result) => {
        attempts.push(result);
        return new Promise<void>(() => undefined);
      },
    });
    const browser = h.browser();
    await h.start(browser);
    const id = h.paymentIds()[0] as string;
    h.simulator.completePayment(id, { card: GOOD_CARD });
    // The return hangs inside onSettled; do not wait for it.
    void browser.get(`${h.appUrl}${MOUNT}/return`).catch(() => undefined);
    await waitFor(() => attempts.length === 1);

    // Instance B, same store: the crashed instance's work is picked up later.
    await h.redeploy({
      onSettled: (result) => {
        attempts.push(result);
      },
    });
    h.advance(2 * 60 * MINUTE);
    const summary = await h.journey.reconcile();
    expect(summary.settled.success).toBe(1);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toMatchObject({ outcome: 'success', attempt: 2 });
    expect(attempts[0]).toMatchObject({ attempt: 1 });
  });

  it('a race on POST /start: a payment paid while being cancelled is settled, and no second payment is created', async () => {
    let completeOnCancel: string | undefined;
    h = await startJourneyHarness({
      onSimulatorRequest: (req) => {
        if (
          completeOnCancel !== undefined &&
          req.method === 'POST' &&
          req.url?.endsWith('/cancel') === true
        ) {
          // The citizen's payment succeeds in the very moment the journey cancels it.
          h.simulator.completePayment(completeOnCancel, { card: GOOD_CARD });
          completeOnCancel = undefined;
        }
      },
    });
    const browser = h.browser();
    await h.start(browser);
    const firstId = h.paymentIds()[0] as string;
    h.payment = { ...h.payment, amount: 2600 };
    completeOnCancel = firstId;
    const again = await h.start(browser);

    expect(h.paymentIds()).toEqual([firstId]);
    expect(renderedOutcome(again)).toMatchObject({ outcome: 'success' });
    expect(h.settled.map((s) => s.payment.payment_id)).toEqual([firstId]);
  });

  it('POST /cancel never cancels a capturable payment that was settled as success', async () => {
    h = await startJourneyHarness();
    h.payment = { ...h.payment, delayed_capture: true };
    const browser = h.browser();
    const returned = renderedOutcome(await h.payWithCard(browser));
    expect(returned).toMatchObject({ outcome: 'success', capturable: true });
    const id = h.paymentIds()[0] as string;

    const cancelled = await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
      headers: sameOriginHeaders(h.appUrl),
    });
    expect(renderedOutcome(cancelled)).toMatchObject({ outcome: 'success', capturable: true });
    expect(h.simulator.payments.get(id)?.state.status).toBe('capturable');
    expect(h.simulatorRequests.filter((r) => r.path.endsWith('/cancel'))).toEqual([]);

    // journey.cancel() follows the same rule.
    const own = await browser.post(`${h.appUrl}${MOUNT}/own/cancel`, {
      headers: sameOriginHeaders(h.appUrl),
    });
    expect(renderedOutcome(own)).toMatchObject({ outcome: 'success' });
    expect(h.simulator.payments.get(id)?.state.status).toBe('capturable');
  });

  it('cookies are bound to their journey: another journey with the same secret and name refuses them', async () => {
    h = await startJourneyHarness();
    const otherSettled: SettledResult[] = [];
    const otherShown: PaymentResult[] = [];
    const other = payJourney({
      apiKey: h.apiKey,
      apiBaseUrl: h.simulatorUrl,
      publicUrl: h.publicUrl,
      mountPath: '/other',
      cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME, secure: false },
      nextUrlHosts: [new URL(h.simulatorUrl).host, `localhost:${new URL(h.simulatorUrl).port}`],
      createPayment: () => ({ amount: 100, reference: 'OTHER', description: 'Other' }),
      outcomes: {
        success: (_req, res, result) => {
          otherShown.push(result);
          res.json({ outcome: result.outcome });
        },
        failed: (_req, res, result) => {
          otherShown.push(result);
          res.json({ outcome: result.outcome });
        },
      },
      onSettled: (result) => {
        otherSettled.push(result);
      },
      logger: new CapturingLogger(),
      store: h.store,
      now: () => h.simulator.clock.now(),
    });
    h.app.use('/other', other);
    try {
      const browser = h.browser();
      await h.start(browser);
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: GOOD_CARD });
      const cookie = paymentCookieHeader(browser.cookieHeader(`${h.appUrl}${MOUNT}/return`));

      const replayed = await request(h.appUrl).get('/other/return').set('Cookie', cookie);
      expect(replayed.status).toBe(400);
      expect(otherSettled).toEqual([]);
      expect(otherShown).toEqual([]);

      // The owner still settles it.
      const own = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
      expect(own.outcome).toBe('success');
      expect(h.settled).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('a request with the mount path in other letter case cannot choose the mount path of journey.start()', async () => {
    h = await startJourneyHarness();
    // No mountPath option: phase 1 learned it from the first request through the router.
    await h.redeploy({ mountPath: undefined as unknown as string });
    const browser = h.browser();
    await request(h.appUrl).get(`${MOUNT.toUpperCase()}/anything`);
    const started = await browser.post(`${h.appUrl}${MOUNT}/own/pay`, {
      headers: sameOriginHeaders(h.appUrl),
    });
    const setCookie = browser.setCookies.map((c) => c.header).join('\n');
    expect(setCookie).not.toContain(MOUNT.toUpperCase());
    for (const id of h.paymentIds()) {
      expect(h.simulator.payments.get(id)?.return_url).not.toContain(MOUNT.toUpperCase());
    }
    if (started.status !== 303) {
      // Refused instead, with a message saying what to set.
      expect(String((h.errors[0] as Error | undefined)?.message)).toMatch(/mountPath/);
      expect(h.paymentIds()).toEqual([]);
    }
  });

  it('a chunked POST body over 64 KiB is refused with 413 and creates no payment', async () => {
    h = await startJourneyHarness();
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${h.appUrl}${MOUNT}/start`);
      const req = http.request(
        {
          method: 'POST',
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: {
            ...sameOriginHeaders(h.appUrl),
            'content-type': 'application/x-www-form-urlencoded',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        // The server may close the connection while we are still sending: that is a refusal too.
        if (err.code === 'ECONNRESET' || err.code === 'EPIPE') resolve(413);
        else reject(err);
      });
      const chunk = 'a='.padEnd(16 * 1024, 'x');
      for (let i = 0; i < 8; i += 1) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(h.apiCalls('POST')).toBe(0);
    expect(h.paymentIds()).toEqual([]);
  });

  it('junk cookies of the same name (cookie tossing) do not hide the real one', async () => {
    h = await startJourneyHarness();
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { card: GOOD_CARD });
    const real = paymentCookieHeader(browser.cookieHeader(`${h.appUrl}${MOUNT}/return`));
    const junk = Array.from({ length: 6 }, (_, i) => `${COOKIE_NAME}=junk${i}`).join('; ');
    const answer = await request(h.appUrl).get(`${MOUNT}/return`).set('Cookie', `${junk}; ${real}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'success' });
  });

  it('a return id stops working soon after its payment is settled and shown', async () => {
    h = await startJourneyHarness({ journey: { match: 'return-id' } });
    const browser = h.browser();
    const started = await h.start(browser);
    const returned = await h.payOnHostedPages(browser, started.location as string);
    expect(renderedOutcome(returned).outcome).toBe('success');
    const returnUrl = returned.url;

    // Within the grace period a refresh still shows the outcome...
    h.advance(5 * MINUTE);
    expect(renderedOutcome(await h.browser().get(returnUrl)).outcome).toBe('success');
    // ... but the id is no bearer credential for a week.
    h.advance(60 * MINUTE);
    const later = await h.browser().get(returnUrl);
    expect(later.status).toBe(400);
  });

  it('a next_url is sent as the serialised URL that was checked', async () => {
    let bend = true;
    h = await startJourneyHarness({
      onSimulatorRequest: (req, res) => {
        if (!bend || req.method !== 'POST' || req.url !== '/v1/payments') return;
        bend = false;
        // A full-width letter in the path: it parses (and is percent-encoded) but is not a valid
        // header value as sent.
        patchJsonBody(res, (body) =>
          body.replace(/"next_url":\{"href":"([^"]+)"/, (_m, href: string) => {
            return `"next_url":{"href":"${href.slice(0, -6)}\\uff58"`;
          }),
        );
      },
    });
    const browser = h.browser();
    const started = await h.start(browser);
    expect(started.status).toBe(303);
    expect(started.headers.location).toMatch(/%EF%BD%98$/);
    expect(h.errors).toEqual([]);
  });

  it('a next_url with CR/LF is refused, and the payment is cancelled', async () => {
    let bend = true;
    h = await startJourneyHarness({
      onSimulatorRequest: (req, res) => {
        if (!bend || req.method !== 'POST' || req.url !== '/v1/payments') return;
        bend = false;
        patchJsonBody(res, (body) =>
          body.replace(/"next_url":\{"href":"([^"]+)"/, (_m, href: string) => {
            return `"next_url":{"href":"${href.slice(0, -8)}\\r\\nab=y"`;
          }),
        );
      },
    });
    const browser = h.browser();
    const started = await h.start(browser);
    expect(started.status).not.toBe(303);
    expect(started.headers.ab).toBeUndefined();
    const id = h.paymentIds()[0] as string;
    expect(h.simulator.payments.get(id)?.state.status).toBe('cancelled');
  });

  it('the default MemoryStore warns once when NODE_ENV=production', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const logger = new CapturingLogger();
      const build = (): ReturnType<typeof payJourney> =>
        payJourney({
          apiKey: generateTestApiKey(),
          publicUrl: 'https://apply.example.gov.uk',
          cookie: { secrets: [COOKIE_SECRET] },
          createPayment: () => ({ amount: 100, reference: 'R', description: 'D' }),
          outcomes: { success: () => undefined, failed: () => undefined },
          logger,
        });
      const journeys = [build(), build()];
      const warnings = logger.entries.filter(
        (e) => e.level === 'warn' && /MemoryStore/.test(e.msg ?? ''),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.msg).toMatch(/restart/);
      return Promise.all(journeys.map((j) => j.close()));
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});

/** Rewrites one JSON answer of the simulator on its way out, keeping its length. */
function patchJsonBody(res: http.ServerResponse, rewrite: (body: string) => string): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse;
  (res as unknown as { end: (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse }).end = (
    chunk?: unknown,
    ...rest: unknown[]
  ) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
      const body = rewrite(chunk.toString());
      if (Buffer.byteLength(body) !== Buffer.byteLength(chunk)) throw new Error('length changed');
      return end(body, ...rest);
    }
    return end(chunk, ...rest);
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
