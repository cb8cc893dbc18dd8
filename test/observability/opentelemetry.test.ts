/**
 * The OpenTelemetry subscriber, proved with the real SDK: a real journey against the simulator
 * becomes nested spans with templates for names and routes, and no attribute anywhere holds the
 * payment id, the return id, the next_url or the API key.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { CHANNELS, payUrlTemplate, subscribeOpenTelemetry } from '../../src/observability/public';
import { GOOD_CARD, renderedOutcome } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import { eventually, startWebhookHarness, WEBHOOK_SECRET } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('govuk-pay-express-test');

let stop: () => void;
let h: JourneyHarness | WebhookHarness | undefined;

beforeEach(() => {
  exporter.reset();
  stop = subscribeOpenTelemetry({ tracer, trace, context });
});
afterEach(async () => {
  stop();
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await provider.shutdown();
});

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
function only(name: string): ReadableSpan {
  const found = spans().filter((span) => span.name === name);
  if (found.length !== 1) {
    throw new Error(
      `expected one span ${name}, got: ${spans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }
  return found[0] as ReadableSpan;
}
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan): string => span.spanContext().spanId;

/** Every name, attribute and event of every span, as one string to search for secrets. */
function everything(): string {
  return JSON.stringify(
    spans().map((span) => ({
      name: span.name,
      attributes: span.attributes,
      events: span.events,
      status: span.status,
    })),
  );
}

function assertNoSecrets(harness: JourneyHarness, secrets: readonly string[]): void {
  const text = everything();
  expect(spans().length).toBeGreaterThan(0);
  for (const secret of [...secrets, harness.apiKey]) {
    expect(secret.length).toBeGreaterThan(8);
    expect(text).not.toContain(secret);
  }
}

describe('subscribeOpenTelemetry', () => {
  it('turns a paid journey into nested spans named by templates, with no payment id anywhere', async () => {
    const harness = await startWebhookHarness();
    h = harness;
    const browser = harness.browser();
    const started = await harness.start(browser);
    expect(started.status).toBe(303);
    const nextUrl = started.location as string;
    const back = await harness.payOnHostedPages(browser, nextUrl, GOOD_CARD);
    expect(renderedOutcome(back).outcome).toBe('success');
    const paymentId = harness.paymentIds()[0] as string;

    const start = only('govuk-pay-express start');
    expect(start.attributes).toMatchObject({
      'http.route': '/payment/start',
      'govuk_pay.redirected': true,
    });
    const create = only('POST /v1/payments');
    expect(parentOf(create)).toBe(idOf(start));
    expect(create.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.template': '/v1/payments',
      'http.response.status_code': 201,
      'http.request.resend_count': 0,
    });

    const ret = only('govuk-pay-express return');
    expect(ret.attributes).toMatchObject({
      'http.route': '/payment/return',
      'govuk_pay.outcome': 'success',
    });
    const read = only('GET /v1/payments/{paymentId}');
    expect(parentOf(read)).toBe(idOf(ret));
    expect(read.attributes['url.template']).toBe('/v1/payments/{paymentId}');
    expect(read.attributes['http.response.status_code']).toBe(200);
    const settle = only('govuk-pay-express settle');
    expect(parentOf(settle)).toBe(idOf(ret));
    expect(settle.attributes).toMatchObject({
      'govuk_pay.feed': 'return',
      'govuk_pay.outcome': 'success',
      'govuk_pay.attempt': 1,
      'govuk_pay.settle_result': 'settled',
    });
    // The outcome span of the request holds the settlement and GOV.UK Pay requests within it.
    expect(ret.startTime <= settle.startTime).toBe(true);

    const nextUrlToken = new URL(nextUrl).pathname.split('/').pop() as string;
    assertNoSecrets(harness, [paymentId, nextUrl, nextUrlToken]);

    // A reconciliation run: its summary's counts, nothing else.
    await harness.journey.reconcile();
    const run = only('govuk-pay-express reconcile');
    expect(run.attributes['govuk_pay.reconcile.checked']).toEqual(expect.any(Number));
    expect(run.attributes['govuk_pay.reconcile.settled.success']).toEqual(expect.any(Number));

    // A webhook for a payment of this journey, then a forged one.
    exporter.reset();
    const paid = await harness.paidButNotReturned();
    const answer = await harness.deliver(
      harness.message('card_payment_succeeded', paid.payment_id),
    );
    expect(answer.status).toBe(200);
    await eventually(
      () => spans().some((s) => s.name === 'govuk-pay-express settle'),
      'the settle after the webhook',
    );
    const webhook = only('govuk-pay-express webhook');
    expect(webhook.attributes).toMatchObject({
      'http.route': '/payment/webhooks',
      'govuk_pay.webhook.verification': 'verified',
      'govuk_pay.webhook.done': 'marked_due',
    });
    expect(only('govuk-pay-express settle').attributes['govuk_pay.feed']).toBe('webhook');
    const forged = await harness.deliver(
      harness.message('card_payment_succeeded', paid.payment_id),
      `${WEBHOOK_SECRET.slice(0, -1)}x`,
    );
    expect(forged.status).toBe(401);
    await eventually(
      () => spans().filter((s) => s.name === 'govuk-pay-express webhook').length === 2,
      'the forged webhook span',
    );
    expect(
      spans().filter((s) => s.attributes['govuk_pay.webhook.verification'] === 'mismatch'),
    ).toHaveLength(1);
    assertNoSecrets(harness, [paid.payment_id]);
  });

  it('names the return-id route by its template, never the id', async () => {
    const harness = await startWebhookHarness({ journey: { match: 'return-id' } });
    h = harness;
    const back = await harness.payWithCard(harness.browser());
    expect(renderedOutcome(back).outcome).toBe('success');
    const returnUrl = harness.simulator.payments.list()[0]?.return_url as string;
    const returnId = returnUrl.split('/').pop() as string;
    expect(returnId).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect(only('govuk-pay-express return').attributes['http.route']).toBe(
      '/payment/return/{returnId}',
    );
    assertNoSecrets(harness, [returnId, harness.paymentIds()[0] as string]);
  });

  it('marks a failed GOV.UK Pay request and the start_failed outcome', async () => {
    const harness = await startWebhookHarness({
      onSimulatorRequest: (req, res) => {
        if (req.method !== 'POST' || req.url !== '/v1/payments') return;
        // GOV.UK Pay down: the create answers 503 before the simulator sees it.
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'P0999', description: 'down' }));
      },
    });
    h = harness;
    const answer = await harness.start(harness.browser());
    expect(renderedOutcome(answer)).toMatchObject({ outcome: 'error', reason: 'start_failed' });

    const create = only('POST /v1/payments');
    expect(create.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(create.attributes['error.type']).toBe('PayServerError');
    expect(create.attributes['http.response.status_code']).toBe(503);
    expect(only('govuk-pay-express start').attributes).toMatchObject({
      'govuk_pay.outcome': 'error',
      'govuk_pay.reason': 'start_failed',
    });
  });

  it('stops when told, leaving the channels without subscribers', async () => {
    stop();
    for (const name of [CHANNELS.request, CHANNELS.return, CHANNELS.settle]) {
      expect(tracingChannel(name).hasSubscribers).toBe(false);
    }
    const harness = await startWebhookHarness();
    h = harness;
    await harness.payWithCard(harness.browser());
    expect(spans()).toEqual([]);
  });

  it('refuses options it does not know, and a missing part of the API', () => {
    expect(() =>
      subscribeOpenTelemetry({ tracer, trace, context, tracr: tracer } as never),
    ).toThrow(/subscribeOpenTelemetry\.tracr is not an option/);
    expect(() => subscribeOpenTelemetry({ tracer, trace } as never)).toThrow(/context is required/);
    expect(() => subscribeOpenTelemetry({ tracer: {}, trace, context } as never)).toThrow(
      /lacks startSpan/,
    );
  });
});

describe('payUrlTemplate', () => {
  it.each([
    [
      'https://publicapi.payments.service.gov.uk/v1/payments/hu20sqlact5260q2nanm0q8u93/refunds/r1?x=1',
      'https://publicapi.payments.service.gov.uk/v1/payments/{paymentId}/refunds/{refundId}',
    ],
    [
      'https://publicapi.payments.service.gov.uk/v1/payments?reference=APP-1&email=a@b.c',
      'https://publicapi.payments.service.gov.uk/v1/payments',
    ],
    ['/payment/return/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', '/payment/return/{returnId}'],
    ['/v1/agreements/agr1/constructor', '/v1/agreements/{agreementId}/constructor'],
    ['/payment/return', '/payment/return'],
  ])('%s', (url, expected) => {
    expect(payUrlTemplate(url)).toBe(expected);
  });
});
