/**
 * Why the journey's cookie is `SameSite=Lax`: in chromium, the demo on 127.0.0.1 and the
 * simulator's card pages on localhost are different sites, as a service and GOV.UK Pay are. The
 * citizen's way back from the card pages is a cross-site navigation, on which the browser drops
 * a `Strict` cookie set by the service and keeps a `Lax` one. The test app wraps the demo with a
 * route that sets a cookie of each kind, and records the Cookie header of every request the
 * service receives.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PageProblems } from '../helpers/browser-support';
import {
  CARDS,
  describeBrowser,
  fillApplication,
  heading,
  launchBrowser,
  newPage,
  payWithCard,
  pressPay,
} from '../helpers/browser-support';

interface DemoApp {
  app: express.Express;
  simulatorPagesUrl: string;
  close(): Promise<void>;
}

interface SeenRequest {
  path: string;
  cookie: string;
  fetchSite: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the demo is plain CommonJS
const { createDemoApp } = require('../../demo-app/server.js') as {
  createDemoApp(options: { publicUrl: string; maxRetries?: number }): Promise<DemoApp>;
};

const PROBE_PATH = '/__same-site-probe';

describeBrowser('SameSite on the return from the simulator’s cross-site pages', () => {
  let browser: Browser;
  let demo: DemoApp;
  let baseUrl: string;
  let closeServer: () => Promise<void>;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeServer = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    [browser, demo] = await Promise.all([
      launchBrowser(),
      createDemoApp({ publicUrl: baseUrl, maxRetries: 0 }),
    ]);

    const app = express();
    app.get(PROBE_PATH, (_req, res) => {
      res.append('Set-Cookie', 'probe_strict=1; Path=/; HttpOnly; SameSite=Strict');
      res.append('Set-Cookie', 'probe_lax=1; Path=/; HttpOnly; SameSite=Lax');
      res.type('text/plain').send('cookies set');
    });
    app.use((req, _res, next) => {
      seen.push({
        path: req.path,
        cookie: req.headers.cookie ?? '',
        fetchSite: req.get('sec-fetch-site'),
      });
      next();
    });
    app.use(demo.app);
    server.on('request', app);
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
    await demo?.close();
  });

  beforeEach(async () => {
    ({ context, page, problems } = await newPage(browser));
  });

  afterEach(async () => {
    await context.close();
    expect(problems.list).toEqual([]);
  });

  const cookieNames = (header: string): string[] =>
    header
      .split(';')
      .map((pair) => pair.split('=')[0]!.trim())
      .filter((name) => name !== '');

  test('a Strict cookie is not sent on the return; the journey’s Lax cookie is, and the payment is shown', async () => {
    await page.goto(`${baseUrl}${PROBE_PATH}`);
    await fillApplication(page, baseUrl, { months: 3 });

    // Control: on a same-site navigation both cookies are sent, so the probe itself works.
    const checkAnswers = seen.filter((r) => r.path === '/check-answers').at(-1);
    expect(cookieNames(checkAnswers?.cookie ?? '')).toEqual(
      expect.arrayContaining(['probe_strict', 'probe_lax']),
    );

    await pressPay(page, demo.simulatorPagesUrl);
    const paymentCookie = (await context.cookies(`${baseUrl}/payment/return`)).find(
      (cookie) => cookie.path === '/payment',
    );
    expect(paymentCookie).toMatchObject({ sameSite: 'Lax', httpOnly: true });

    await payWithCard(page, CARDS.good);
    await page.waitForURL(`${baseUrl}/payment/return`);
    expect(await heading(page)).toBe('Payment complete');

    const returns = seen.filter((r) => r.path === '/payment/return');
    expect(returns).toHaveLength(1);
    const [back] = returns;
    // The browser itself says the request came from another site.
    expect(back!.fetchSite).toBe('cross-site');
    const sent = cookieNames(back!.cookie);
    expect(sent).not.toContain('probe_strict');
    expect(sent).toEqual(expect.arrayContaining(['probe_lax', paymentCookie!.name]));
  });
});
