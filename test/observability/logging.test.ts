/**
 * Logging with the real pino and pino-http: the library's lines go to `req.log`, so they carry the
 * request id; errors thrown by the service's own callbacks are logged under `err` with message and
 * stack; and the README's redact list keeps the single-use next_url, the sealed cookie and the
 * return id out of the request logs, which pino-http's defaults would otherwise write.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, stdSerializers } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Options as PinoHttpOptions } from 'pino-http';
import { payUrlTemplate } from '../../src/observability/public';
import { COOKIE_NAME, renderedOutcome } from '../helpers/journey-harness';
import type { HarnessOptions } from '../helpers/journey-harness';
import { eventually, startWebhookHarness, WEBHOOK_SECRET } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

/** The `redact` paths of the README's "Request loggers" block, as a reader would copy them. */
function documentedRedactPaths(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Request loggers'));
  const list = /redact: \[([^\]]*(?:\][^\]]*)*?)\],/.exec(section)?.[1];
  if (list === undefined) throw new Error('no redact list in the README "Request loggers"');
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1] as string);
}

/** The README's pino-http options: its redact list and its URL serializer. */
function documentedOptions(): Partial<PinoHttpOptions> {
  return {
    redact: documentedRedactPaths(),
    serializers: {
      req: stdSerializers.wrapRequestSerializer((req) => {
        req.url = payUrlTemplate(req.url);
        return req;
      }),
    },
  };
}

interface LogLine {
  msg?: string;
  level: number;
  req?: { id?: unknown; url?: string; headers?: Record<string, unknown> };
  res?: { headers?: Record<string, unknown> };
  err?: { type?: string; message?: string; stack?: string; status?: number; code?: string };
  [key: string]: unknown;
}

interface PinoHarness {
  h: WebhookHarness;
  lines: LogLine[];
  raw: string[];
}

let current: PinoHarness | undefined;
afterEach(async () => {
  await current?.h.close();
  current = undefined;
});

async function startPinoHarness(
  requestLogging: Partial<PinoHttpOptions>,
  options: HarnessOptions = {},
): Promise<PinoHarness> {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger: PinoLogger = pino({ level: 'debug' }, stream);
  let counter = 0;
  const h = await startWebhookHarness({
    ...options,
    beforeJourney: (app) => {
      app.use(pinoHttp({ logger, genReqId: () => `req-${(counter += 1)}`, ...requestLogging }));
    },
    journey: { logger, ...options.journey },
  });
  const harness: PinoHarness = {
    h,
    raw,
    get lines() {
      return raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine);
    },
  };
  current = harness;
  return harness;
}

const libraryLines = (lines: LogLine[]): LogLine[] =>
  lines.filter((line) => line.msg?.startsWith('govuk-pay-express:') ?? false);

describe('request loggers', () => {
  it("logs the library's lines through req.log, with the request's id", async () => {
    const { h } = await startPinoHarness(documentedOptions());
    const back = await h.payWithCard(h.browser());
    expect(renderedOutcome(back).outcome).toBe('success');
    const lines = current?.lines ?? [];

    const created = libraryLines(lines).find((l) => l.msg === 'govuk-pay-express: payment created');
    const startDone = lines.find(
      (l) => l.msg === 'request completed' && l.req?.url === '/payment/start',
    );
    expect(startDone?.req?.id).toMatch(/^req-\d+$/);
    expect(created?.req?.id).toBe(startDone?.req?.id);

    // The GOV.UK Pay request the return made, and the settlement, carry the return's id.
    const returnDone = lines.find(
      (l) => l.msg === 'request completed' && l.req?.url === '/payment/return',
    );
    const settled = libraryLines(lines).find((l) => l.msg === 'govuk-pay-express: payment settled');
    expect(settled?.req?.id).toBe(returnDone?.req?.id);
    const read = lines.find(
      (l) => l.msg === 'GOV.UK Pay request' && l['path'] === '/v1/payments/{paymentId}',
    );
    expect(read?.req?.id).toBe(returnDone?.req?.id);
    expect(startDone?.req?.id).not.toBe(returnDone?.req?.id);
  });

  it("logs each webhook's off-request settlement with that webhook's request id", async () => {
    const harness = await startPinoHarness(documentedOptions(), {
      // One at a time: each settle is started by the end of the one before it.
      journey: { webhooks: { secrets: [WEBHOOK_SECRET], concurrency: 1 } },
    });
    const { h } = harness;
    const payments = [await h.paidButNotReturned(), await h.paidButNotReturned()];
    await Promise.all(
      payments.map((p) => h.deliver(h.message('card_payment_succeeded', p.payment_id))),
    );
    await eventually(
      () =>
        libraryLines(harness.lines).filter((l) => l.msg === 'govuk-pay-express: payment settled')
          .length === 2,
      'both settlements',
    );
    const lines = libraryLines(harness.lines);
    for (const settled of lines.filter((l) => l.msg === 'govuk-pay-express: payment settled')) {
      const received = lines.find(
        (l) =>
          l.msg === 'govuk-pay-express: webhook received' && l['payment'] === settled['payment'],
      );
      expect(received?.req?.id).toMatch(/^req-\d+$/);
      expect(settled.req?.id).toBe(received?.req?.id);
    }
  });

  it('logs a line outside any request with the configured logger, without a request id', async () => {
    const { h } = await startPinoHarness(documentedOptions());
    await h.journey.reconcile();
    const run = libraryLines(current?.lines ?? []).find(
      (l) => l.msg === 'govuk-pay-express: reconciliation run finished',
    );
    expect(run).toBeDefined();
    expect(run?.req).toBeUndefined();
  });

  it('with pino-http defaults, logs the next_url and the sealed cookie (what the redact list is for)', async () => {
    const { h, raw } = await startPinoHarness({});
    const browser = h.browser();
    const started = await h.start(browser);
    const nextUrl = started.location as string;
    const cookie = browser.cookie(COOKIE_NAME) as string;
    expect(nextUrl).toMatch(/^http/);
    expect(cookie.length).toBeGreaterThan(20);
    await h.payOnHostedPages(browser, nextUrl);
    const text = raw.join('');
    expect(text).toContain(nextUrl);
    expect(text).toContain(cookie);
  });

  it.each(['cookie', 'return-id'] as const)(
    'with the README redact list, logs no next_url, cookie, payment id or return id (%s)',
    async (match) => {
      const { h, raw } = await startPinoHarness(documentedOptions(), { journey: { match } });
      const browser = h.browser();
      const started = await h.start(browser);
      const nextUrl = started.location as string;
      const cookie = browser.cookie(COOKIE_NAME) as string;
      const back = await h.payOnHostedPages(browser, nextUrl);
      expect(renderedOutcome(back).outcome).toBe('success');
      // A refresh, a second return: more request lines, the same secrets.
      const returnUrl = h.simulator.payments.list()[0]?.return_url as string;
      await browser.get(returnUrl);

      const text = raw.join('');
      expect(text).toContain('request completed');
      const secrets = [
        nextUrl,
        new URL(nextUrl).pathname.split('/').pop() as string,
        cookie,
        h.paymentIds()[0] as string,
        h.apiKey,
      ];
      if (match === 'return-id') secrets.push(returnUrl.split('/').pop() as string);
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('[Redacted]');
    },
  );

  it('logs what createPayment threw under err, with message and stack and the request id', async () => {
    const { h } = await startPinoHarness(documentedOptions(), {
      journey: {
        createPayment: () => {
          throw new Error('basket not found for this application');
        },
      },
    });
    const answer = await h.start(h.browser());
    expect(answer.status).toBe(500);
    const line = libraryLines(current?.lines ?? []).find(
      (l) => l.msg === 'govuk-pay-express: createPayment threw',
    );
    expect(line?.err).toMatchObject({
      type: 'Error',
      message: 'basket not found for this application',
    });
    expect(line?.err?.stack).toContain('logging.test.ts');
    expect(line?.req?.id).toMatch(/^req-\d+$/);
  });

  it('logs what onSettled threw under err, a PayError kept to its codes', async () => {
    const harness = await startPinoHarness(documentedOptions(), {
      journey: {
        onSettled: async () => {
          // The service's own call to GOV.UK Pay fails inside onSettled.
          await harness.h.journey.client.getPayment('nosuchpayment0000000000000');
        },
      },
    });
    const { h } = harness;
    await h.payWithCard(h.browser());
    const line = libraryLines(harness.lines).find((l) =>
      (l.msg ?? '').startsWith('govuk-pay-express: onSettled threw'),
    );
    expect(line?.err).toMatchObject({ type: 'PayNotFoundError', status: 404 });
    expect(line?.err?.stack).toEqual(expect.any(String));
    expect(line?.req?.id).toMatch(/^req-\d+$/);
    expect(harness.raw.join('')).not.toContain(h.apiKey);
  });

  it('logs what onWebhook and onStale threw under err', async () => {
    let failReads = false;
    const harness = await startPinoHarness(documentedOptions(), {
      onSimulatorRequest: (req, res) => {
        if (failReads && req.method === 'GET' && /^\/v1\/payments\/[^/?]+$/.test(req.url ?? '')) {
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end('{}');
        }
      },
      journey: {
        onWebhook: (event) => {
          // The service's message quotes the id; the log keeps the words, not the id.
          throw new TypeError(`no handler for payment link ${event.resource_id}`);
        },
        reconcile: {
          onStale: () => {
            throw new RangeError('alerting is down');
          },
        },
      },
    });
    const { h } = harness;
    const elsewhere = await h.paidElsewhere();
    const answer = await h.deliver(h.message('card_payment_succeeded', elsewhere.payment_id));
    expect(answer.status).toBe(500);
    const webhookLine = libraryLines(harness.lines).find((l) =>
      (l.msg ?? '').startsWith('govuk-pay-express: onWebhook threw'),
    );
    expect(webhookLine?.err).toMatchObject({
      type: 'TypeError',
      message: 'no handler for payment link {resourceId}',
    });
    expect(webhookLine?.err?.stack).toContain('no handler for payment link {resourceId}');
    expect(harness.raw.join('')).not.toContain(elsewhere.payment_id);

    // A payment unreadable long after it was made is stale; onStale's own failure is logged.
    expect((await h.start(h.browser())).status).toBe(303);
    failReads = true;
    h.advance(24 * 60 * 60_000);
    await h.journey.reconcile();
    await eventually(
      () => libraryLines(harness.lines).some((l) => l.msg === 'govuk-pay-express: onStale threw'),
      'the onStale line',
    );
    const staleLine = libraryLines(harness.lines).find(
      (l) => l.msg === 'govuk-pay-express: onStale threw',
    );
    expect(staleLine?.err).toMatchObject({ type: 'RangeError', message: 'alerting is down' });
  });
});
