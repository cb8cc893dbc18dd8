/**
 * The diagnostics channels themselves, read raw as any subscriber would: every channel publishes
 * during real journeys, webhooks and reconciliation against the simulator, and nothing published
 * (contexts, results, errors, events), however deeply inspected, holds a payment id, a return id,
 * a next_url, the API key or the cookie.
 */
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { CHANNELS } from '../../src/observability/public';
import { COOKIE_NAME, renderedOutcome } from '../helpers/journey-harness';
import { eventually, startWebhookHarness, WEBHOOK_SECRET } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

const TRACING = ['request', 'start', 'return', 'cancel', 'settle', 'reconcile', 'webhook'] as const;
const EVENTS = [
  'outcome',
  'startFailed',
  'unconfirmed',
  'settlement',
  'leaseExpiry',
  'reconcileSummary',
  'webhookVerification',
] as const;
const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

interface Published {
  channel: string;
  phase: string;
  message: unknown;
}

let published: Published[];
let unsubscribe: () => void;
let h: WebhookHarness | undefined;

function subscribeToEverything(): () => void {
  const undo: (() => void)[] = [];
  for (const name of TRACING) {
    const traced = tracingChannel(CHANNELS[name]);
    const handlers = Object.fromEntries(
      PHASES.map((phase) => [
        phase,
        // A copy now: the context is filled in as the work goes on.
        (message: unknown) =>
          published.push({ channel: name, phase, message: { ...(message as object) } }),
      ]),
    );
    traced.subscribe(handlers as never);
    undo.push(() => traced.unsubscribe(handlers as never));
  }
  for (const name of EVENTS) {
    const listener = (message: unknown): void => {
      published.push({ channel: name, phase: 'event', message });
    };
    channel(CHANNELS[name]).subscribe(listener);
    undo.push(() => channel(CHANNELS[name]).unsubscribe(listener));
  }
  return () => undo.forEach((fn) => fn());
}

beforeEach(() => {
  published = [];
  unsubscribe = subscribeToEverything();
});
afterEach(async () => {
  unsubscribe();
  await h?.close();
  h = undefined;
});

const seen = (name: string): Published[] => published.filter((p) => p.channel === name);

describe.each(['cookie', 'return-id'] as const)('the diagnostics channels (%s)', (match) => {
  it('publish every step with templates, and never an id, a next_url, the key or the cookie', async () => {
    const harness = await startWebhookHarness({ journey: { match } });
    h = harness;
    const browser = harness.browser();
    const started = await harness.start(browser);
    const nextUrl = started.location as string;
    const cookie = browser.cookie(COOKIE_NAME) as string;
    expect(renderedOutcome(await harness.payOnHostedPages(browser, nextUrl)).outcome).toBe(
      'success',
    );
    const paymentId = harness.paymentIds()[0] as string;
    const returnUrl = harness.simulator.payments.list()[0]?.return_url as string;

    // A webhook, a forged one, a cancelled start and a reconciliation run.
    const abandoned = await harness.paidButNotReturned();
    await harness.deliver(harness.message('card_payment_succeeded', abandoned.payment_id));
    await harness.deliver(
      harness.message('card_payment_succeeded', abandoned.payment_id),
      `${WEBHOOK_SECRET.slice(0, -1)}x`,
    );
    await eventually(
      () => seen('settlement').some((p) => (p.message as { feed: string }).feed === 'webhook'),
      'the webhook settlement',
    );
    const canceller = harness.browser();
    await harness.start(canceller);
    await canceller.post(`${harness.appUrl}/payment/cancel`, {
      headers: { 'sec-fetch-site': 'same-origin', origin: new URL(harness.publicUrl).origin },
    });
    harness.advance(2 * 60 * 60_000);
    await harness.journey.reconcile();

    for (const name of ['request', 'start', 'return', 'cancel', 'settle', 'reconcile', 'webhook']) {
      expect([name, seen(name).some((p) => p.phase === 'asyncEnd')]).toEqual([name, true]);
    }
    for (const name of ['outcome', 'settlement', 'reconcileSummary', 'webhookVerification']) {
      expect([name, seen(name).length > 0]).toEqual([name, true]);
    }
    const returned = seen('return').find((p) => p.phase === 'asyncEnd')?.message;
    expect(returned).toMatchObject({
      route: match === 'cookie' ? '/payment/return' : '/payment/return/{returnId}',
      outcome: 'success',
    });
    expect(seen('settle').find((p) => p.phase === 'asyncEnd')?.message).toMatchObject({
      feed: 'return',
      outcome: 'success',
      attempt: 1,
      result: 'settled',
    });
    expect(
      seen('webhookVerification').map((p) => (p.message as { result: string }).result),
    ).toEqual(['verified', 'mismatch']);

    const text = inspect(published, { depth: 20, showHidden: true });
    const secrets = [paymentId, abandoned.payment_id, nextUrl, cookie, harness.apiKey];
    if (match === 'return-id') secrets.push(returnUrl.split('/').pop() as string);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text).not.toContain(secret);
    }
  });
});

describe('with nobody listening', () => {
  it('unsubscribing leaves every channel without subscribers, so the library builds nothing', () => {
    unsubscribe();
    for (const name of TRACING) expect(tracingChannel(CHANNELS[name]).hasSubscribers).toBe(false);
    for (const name of EVENTS) expect(channel(CHANNELS[name]).hasSubscribers).toBe(false);
  });
});
