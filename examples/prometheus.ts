/**
 * Prometheus metrics for govuk-pay-express, with prom-client, from the library's
 * `node:diagnostics_channel` channels. Copy this file into your service and call it once at
 * start-up:
 *
 *   import { Registry, collectDefaultMetrics } from 'prom-client';
 *   const registry = new Registry();
 *   collectDefaultMetrics({ register: registry });
 *   registerPayMetrics(registry);
 *   app.get('/metrics', async (_req, res) => {
 *     res.type(registry.contentType).send(await registry.metrics());
 *   });
 *
 * The channel names are the values of `CHANNELS` from `govuk-pay-express/observability`, written
 * out here so this file needs nothing but prom-client. Every label is an outcome, a reason, a
 * feed or a path template: never a payment id, so the label sets stay small.
 */
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

// The shapes govuk-pay-express/observability documents (OutcomeEvent, SettlementEvent, …).
interface OutcomeEvent {
  outcome: string;
  reason?: string;
  feed: string;
}
interface SettlementEvent {
  feed: string;
  outcome: string;
  attempt: number;
}
interface LeaseExpiryEvent {
  detectedAt: string;
  feed: string;
}
interface ReconcileSummaryEvent {
  summary: Record<string, unknown>;
  durationMs: number;
}
interface WebhookVerificationEvent {
  result: string;
}
interface PayRequestTrace {
  method: string;
  pathTemplate: string;
  status?: number;
}

/** Registers the metrics on `registry` and starts counting; returns a function that stops. */
export function registerPayMetrics(registry: Registry): () => void {
  const registers = [registry];
  const outcomes = new Counter({
    name: 'govuk_pay_outcomes_total',
    help: 'Outcomes shown to citizens, by outcome, reason and the feed that showed them.',
    labelNames: ['outcome', 'reason', 'feed'],
    registers,
  });
  const startFailed = new Counter({
    name: 'govuk_pay_start_failed_total',
    help: 'Starts that could not send the citizen to GOV.UK Pay (GOV.UK Pay or the store down).',
    registers,
  });
  const unconfirmed = new Counter({
    name: 'govuk_pay_unconfirmed_total',
    help: 'Citizens shown "we could not confirm your payment": GOV.UK Pay could not be read.',
    labelNames: ['feed'],
    registers,
  });
  const settlements = new Counter({
    name: 'govuk_pay_settlements_total',
    help: 'Payments settled (onSettled ran and was committed), by feed and outcome.',
    labelNames: ['feed', 'outcome', 'retried'],
    registers,
  });
  const leaseExpiries = new Counter({
    name: 'govuk_pay_lease_expiries_total',
    help: 'Settlement leases that ran out while onSettled was still running.',
    labelNames: ['detected_at', 'feed'],
    registers,
  });
  const reconcileRuns = new Counter({
    name: 'govuk_pay_reconcile_runs_total',
    help: 'Reconciliation runs finished.',
    registers,
  });
  const reconcilePayments = new Counter({
    name: 'govuk_pay_reconcile_payments_total',
    help: "Payments counted by reconciliation runs, by the summary's field (settled_success, stillPending, stale, …).",
    labelNames: ['result'],
    registers,
  });
  const webhookVerifications = new Counter({
    name: 'govuk_pay_webhook_verifications_total',
    help: 'Webhook signature checks, by result: verified, missing or mismatch.',
    labelNames: ['result'],
    registers,
  });
  const requestDuration = new Histogram({
    name: 'govuk_pay_request_duration_seconds',
    help: 'GOV.UK Pay API request attempts, by method, path template and status ("none" when no answer came).',
    labelNames: ['method', 'path', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const plain: [string, (message: unknown) => void][] = [
    [
      'govuk-pay-express:outcome',
      (message) => {
        const event = message as OutcomeEvent;
        outcomes.inc({ outcome: event.outcome, reason: event.reason ?? 'none', feed: event.feed });
      },
    ],
    ['govuk-pay-express:start_failed', () => startFailed.inc()],
    [
      'govuk-pay-express:unconfirmed',
      (message) => unconfirmed.inc({ feed: (message as OutcomeEvent).feed }),
    ],
    [
      'govuk-pay-express:settlement',
      (message) => {
        const event = message as SettlementEvent;
        settlements.inc({
          feed: event.feed,
          outcome: event.outcome,
          retried: event.attempt > 1 ? 'yes' : 'no',
        });
      },
    ],
    [
      'govuk-pay-express:lease_expiry',
      (message) => {
        const event = message as LeaseExpiryEvent;
        leaseExpiries.inc({ detected_at: event.detectedAt, feed: event.feed });
      },
    ],
    [
      'govuk-pay-express:reconcile_summary',
      (message) => {
        reconcileRuns.inc();
        const { summary } = message as ReconcileSummaryEvent;
        for (const [field, value] of Object.entries(summary)) {
          if (typeof value === 'number' && value > 0)
            reconcilePayments.inc({ result: field }, value);
          if (typeof value === 'object' && value !== null) {
            // `settled` is counted by outcome: settled_success, settled_failed, …
            for (const [outcome, count] of Object.entries(value)) {
              if (typeof count === 'number' && count > 0) {
                reconcilePayments.inc({ result: `${field}_${outcome}` }, count);
              }
            }
          }
        }
      },
    ],
    [
      'govuk-pay-express:webhook_verification',
      (message) =>
        webhookVerifications.inc({ result: (message as WebhookVerificationEvent).result }),
    ],
  ];
  for (const [name, listener] of plain) subscribe(name, listener);

  // One attempt of a GOV.UK Pay request: timed from `start` to `asyncEnd` of its trace.
  const requests = tracingChannel<unknown, PayRequestTrace>('govuk-pay-express:request');
  const startedAt = new WeakMap<object, number>();
  const requestHandlers = {
    start: (trace: PayRequestTrace) => startedAt.set(trace, performance.now()),
    end: () => undefined,
    asyncStart: () => undefined,
    error: () => undefined,
    asyncEnd: (trace: PayRequestTrace) => {
      const started = startedAt.get(trace);
      if (started === undefined) return;
      startedAt.delete(trace);
      requestDuration.observe(
        {
          method: trace.method,
          path: trace.pathTemplate,
          status: trace.status === undefined ? 'none' : String(trace.status),
        },
        (performance.now() - started) / 1000,
      );
    },
  };
  requests.subscribe(requestHandlers);

  return () => {
    for (const [name, listener] of plain) unsubscribe(name, listener);
    requests.unsubscribe(requestHandlers);
  };
}
