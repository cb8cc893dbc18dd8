/**
 * The documented prom-client example (examples/prometheus.ts), proved with real prom-client: a
 * registry scraped after real journeys against the simulator shows each counter and the request
 * histogram, with no payment id in any label.
 */
import { Registry } from 'prom-client';
import { registerPayMetrics } from '../../examples/prometheus';
import { renderedOutcome } from '../helpers/journey-harness';
import { eventually, startWebhookHarness, WEBHOOK_SECRET } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

let registry: Registry;
let stop: () => void;
let h: WebhookHarness | undefined;
/** Set by a test: the simulator answers 503 to this kind of API call. */
let failing: 'create' | 'read' | undefined;
/** Set by a test: the first onSettled lets its lease run out and another feed take over. */
let takeOverLease = false;

beforeEach(async () => {
  registry = new Registry();
  stop = registerPayMetrics(registry);
  failing = undefined;
  takeOverLease = false;
  const harness: WebhookHarness = await startWebhookHarness({
    onSimulatorRequest: (req, res) => {
      const isCreate = req.method === 'POST' && req.url === '/v1/payments';
      const isRead = req.method === 'GET' && /^\/v1\/payments\/[^/?]+$/.test(req.url ?? '');
      if ((failing === 'create' && isCreate) || (failing === 'read' && isRead)) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'P0999', description: 'down' }));
      }
    },
    journey: {
      onSettled: async (result) => {
        harness.settled.push(result);
        if (!takeOverLease || result.attempt !== 1) return;
        takeOverLease = false;
        // This attempt stalls past its lease; reconciliation then settles it as attempt 2.
        harness.advance(3 * 60 * 60_000);
        await harness.journey.reconcile();
      },
    },
  });
  h = harness;
});
afterEach(async () => {
  stop();
  await h?.close();
  h = undefined;
});

/** The value of one sample in the scrape, 0 when absent. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metrics = await registry.getMetricsAsJSON();
  // A histogram's samples (`…_count`, `…_bucket`) sit under the histogram's own name.
  const metric = metrics.find((m) => name === m.name || name.startsWith(`${m.name}_`));
  const values = (metric?.values ?? []) as { value: number; labels: object; metricName?: string }[];
  const found = values.find(
    (v) =>
      (v.metricName === undefined || v.metricName === name) &&
      Object.entries(labels).every(
        ([key, value]) => String((v.labels as Record<string, unknown>)[key]) === value,
      ),
  );
  return found?.value ?? 0;
}

describe('the prom-client example', () => {
  it('counts outcomes, settlements, reconciliation and webhooks, and times GOV.UK Pay requests', async () => {
    const harness = h as WebhookHarness;
    const paid = await harness.payWithCard(harness.browser());
    expect(renderedOutcome(paid).outcome).toBe('success');
    const paymentId = harness.paymentIds()[0] as string;

    expect(
      await sample('govuk_pay_outcomes_total', {
        outcome: 'success',
        reason: 'none',
        feed: 'return',
      }),
    ).toBe(1);
    expect(
      await sample('govuk_pay_settlements_total', {
        feed: 'return',
        outcome: 'success',
        retried: 'no',
      }),
    ).toBe(1);
    // One create and one read, each timed under its template.
    expect(
      await sample('govuk_pay_request_duration_seconds_count', {
        method: 'POST',
        path: '/v1/payments',
        status: '201',
      }),
    ).toBe(1);
    expect(
      await sample('govuk_pay_request_duration_seconds_count', {
        method: 'GET',
        path: '/v1/payments/{paymentId}',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);

    // A payment whose citizen never came back, settled by a webhook; then a forged webhook.
    const abandoned = await harness.paidButNotReturned();
    expect(
      (await harness.deliver(harness.message('card_payment_succeeded', abandoned.payment_id)))
        .status,
    ).toBe(200);
    const forged = await harness.deliver(
      harness.message('card_payment_succeeded', abandoned.payment_id),
      `${WEBHOOK_SECRET.slice(0, -1)}x`,
    );
    expect(forged.status).toBe(401);
    expect(await sample('govuk_pay_webhook_verifications_total', { result: 'verified' })).toBe(1);
    expect(await sample('govuk_pay_webhook_verifications_total', { result: 'mismatch' })).toBe(1);
    await eventually(() => harness.settled.length === 2, 'the settlement after the webhook');
    expect(await sample('govuk_pay_settlements_total', { feed: 'webhook' })).toBe(1);

    // A reconciliation run, long after: the summary's counts.
    harness.advance(2 * 60 * 60_000);
    await harness.journey.reconcile();
    expect(await sample('govuk_pay_reconcile_runs_total')).toBe(1);

    const scrape = await registry.metrics();
    expect(scrape).toContain(
      'govuk_pay_outcomes_total{outcome="success",reason="none",feed="return"} 1',
    );
    expect(scrape).not.toContain(paymentId);
    expect(scrape).not.toContain(abandoned.payment_id);
  });

  it('counts start_failed, and unconfirmed when GOV.UK Pay cannot be read', async () => {
    const harness = h as WebhookHarness;
    failing = 'create';
    const refused = await harness.start(harness.browser());
    expect(renderedOutcome(refused)).toMatchObject({ outcome: 'error', reason: 'start_failed' });
    expect(await sample('govuk_pay_start_failed_total')).toBe(1);
    expect(
      await sample('govuk_pay_request_duration_seconds_count', {
        method: 'POST',
        path: '/v1/payments',
        status: '503',
      }),
    ).toBe(1);

    failing = undefined;
    const browser = harness.browser();
    expect((await harness.start(browser)).status).toBe(303);
    failing = 'read';
    const returnUrl = harness.simulator.payments.list()[0]?.return_url as string;
    const back = await browser.get(returnUrl);
    expect(back.status).toBe(503);
    expect(await sample('govuk_pay_unconfirmed_total', { feed: 'return' })).toBe(1);
    expect(
      await sample('govuk_pay_outcomes_total', {
        outcome: 'unconfirmed',
        reason: 'none',
        feed: 'return',
      }),
    ).toBe(1);
  });

  it('counts a settlement lease that ran out while onSettled was running', async () => {
    const harness = h as WebhookHarness;
    takeOverLease = true;
    await harness.payWithCard(harness.browser());
    expect(harness.settled.map((result) => result.attempt)).toEqual([1, 2]);
    expect(
      await sample('govuk_pay_lease_expiries_total', { detected_at: 'commit', feed: 'return' }),
    ).toBe(1);
    expect(
      await sample('govuk_pay_settlements_total', {
        feed: 'reconcile',
        outcome: 'success',
        retried: 'yes',
      }),
    ).toBe(1);
    expect(await sample('govuk_pay_reconcile_payments_total', { result: 'settled_success' })).toBe(
      1,
    );
  });

  it('stops counting when stopped', async () => {
    stop();
    const harness = h as WebhookHarness;
    await harness.payWithCard(harness.browser());
    expect(await sample('govuk_pay_outcomes_total', { outcome: 'success' })).toBe(0);
  });
});
