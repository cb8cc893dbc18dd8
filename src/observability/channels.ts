import { channel, tracingChannel } from 'node:diagnostics_channel';

/**
 * The names of every `node:diagnostics_channel` channel the library publishes on. They are part
 * of the public contract: a subscriber (the OpenTelemetry one, a metrics exporter, a test) finds
 * them by name, from any copy of the package.
 *
 * Tracing channels (`tracingChannel(name)`: `start`, `end`, `asyncStart`, `asyncEnd`, `error`)
 * cover work that takes time; plain channels carry one event each.
 */
export const CHANNELS = {
  /** Tracing: one attempt of one GOV.UK Pay API request. */
  request: 'govuk-pay-express:request',
  /** Tracing: `POST {mount}/start`, or `journey.start()` on the service's own route. */
  start: 'govuk-pay-express:start',
  /** Tracing: `GET {mount}/return` (or `/return/{returnId}`). */
  return: 'govuk-pay-express:return',
  /** Tracing: `POST {mount}/cancel`. */
  cancel: 'govuk-pay-express:cancel',
  /** Tracing: settling one finished payment (begin, `onSettled`, commit). */
  settle: 'govuk-pay-express:settle',
  /** Tracing: one reconciliation run. */
  reconcile: 'govuk-pay-express:reconcile',
  /** Tracing: `POST {mount}/webhooks`. */
  webhook: 'govuk-pay-express:webhook',
  /** Event: an outcome shown to a citizen ({@link OutcomeEvent}). */
  outcome: 'govuk-pay-express:outcome',
  /** Event: a start that could not send the citizen to GOV.UK Pay ({@link OutcomeEvent}). */
  startFailed: 'govuk-pay-express:start_failed',
  /** Event: a citizen shown `unconfirmed`: their payment could not be read ({@link OutcomeEvent}). */
  unconfirmed: 'govuk-pay-express:unconfirmed',
  /** Event: a payment settled: `onSettled` ran and was committed ({@link SettlementEvent}). */
  settlement: 'govuk-pay-express:settlement',
  /** Event: a settlement lease ran out while its holder was still settling ({@link LeaseExpiryEvent}). */
  leaseExpiry: 'govuk-pay-express:lease_expiry',
  /** Event: a reconciliation run finished ({@link ReconcileSummaryEvent}). */
  reconcileSummary: 'govuk-pay-express:reconcile_summary',
  /** Event: a webhook's `Pay-Signature` was checked ({@link WebhookVerificationEvent}). */
  webhookVerification: 'govuk-pay-express:webhook_verification',
} as const;

/** Which path saw a payment: the citizen's return, a start, a cancel, reconciliation, a webhook. */
export type Feed = 'return' | 'start' | 'cancel' | 'reconcile' | 'webhook';

/*
 * Every context and event below carries path templates, outcomes, reasons and counts: never a
 * payment id, a next_url, the API key or a cookie, so no subscriber can leak one.
 */

/** The context of a `request` trace. */
export interface PayRequestTrace {
  method: 'GET' | 'POST';
  /** The GOV.UK Pay path template, e.g. `/v1/payments/{paymentId}`. */
  pathTemplate: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** The HTTP status GOV.UK Pay answered, once known; absent when no answer came. */
  status?: number;
  /** On `error`: the library's `PayError` (already free of the API key and of ids). */
  error?: unknown;
}

/** The context of a `start`, `return` or `cancel` trace. */
export interface JourneyTrace {
  /** The route's template under the mount path, e.g. `/payment/return/{returnId}`. */
  route: string;
  /** The outcome shown, once known; absent when a start sent the citizen to GOV.UK Pay. */
  outcome?: string;
  reason?: string;
  /** True once a start has sent the citizen to GOV.UK Pay (a 303 to its `next_url`). */
  redirected?: boolean;
  /** On `error`: what the route threw (a service handler's error, say). */
  error?: unknown;
}

/** The context of a `settle` trace. Its `result` is what the call did. */
export interface SettleTrace {
  feed: Feed;
  /** The finished payment's outcome: `success`, `failed`, `cancelled` or `error`. */
  outcome: string;
  reason?: string;
  /** The lease's attempt number, once a lease was taken (2 and up after a crash or a throw). */
  attempt?: number;
  /** On `asyncEnd`: `settled`, `already_settled` or `in_progress`. */
  result?: 'settled' | 'already_settled' | 'in_progress';
  /** On `error`: what `onSettled` (or the store) threw. */
  error?: unknown;
}

/** The context of a `reconcile` trace. Its `result` is the run's summary, all counts. */
export interface ReconcileTrace {
  result?: Readonly<Record<string, unknown>>;
  error?: unknown;
}

/** The context of a `webhook` trace. */
export interface WebhookTrace {
  /** e.g. `/payment/webhooks`. */
  route: string;
  /** The signature check's result, once made. */
  verification?: WebhookVerificationEvent['result'];
  /** What the receiver did with a verified message, e.g. `marked_due`, `delivered`, `duplicate`. */
  done?: string;
  error?: unknown;
}

/** Published on `outcome`, and also on `startFailed` or `unconfirmed` for those. */
export interface OutcomeEvent {
  outcome: string;
  reason?: string;
  feed: Feed;
  firstVisit: boolean;
}

/** Published on `settlement`. */
export interface SettlementEvent {
  feed: Feed;
  outcome: string;
  reason?: string;
  attempt: number;
}

/** Published on `leaseExpiry`. */
export interface LeaseExpiryEvent {
  /** `renewal`: a renewal found the lease gone; `commit`: the commit was fenced out. */
  detectedAt: 'renewal' | 'commit';
  feed: Feed;
  attempt: number;
}

/** Published on `reconcileSummary`: the run's summary (every field a count or a flag). */
export interface ReconcileSummaryEvent {
  summary: Readonly<Record<string, unknown>>;
  durationMs: number;
}

/** Published on `webhookVerification`. */
export interface WebhookVerificationEvent {
  result: 'verified' | 'missing' | 'mismatch';
}

export const requestChannel = tracingChannel<unknown, PayRequestTrace>(CHANNELS.request);
export const startChannel = tracingChannel<unknown, JourneyTrace>(CHANNELS.start);
export const returnChannel = tracingChannel<unknown, JourneyTrace>(CHANNELS.return);
export const cancelChannel = tracingChannel<unknown, JourneyTrace>(CHANNELS.cancel);
export const settleChannel = tracingChannel<unknown, SettleTrace>(CHANNELS.settle);
export const reconcileChannel = tracingChannel<unknown, ReconcileTrace>(CHANNELS.reconcile);
export const webhookChannel = tracingChannel<unknown, WebhookTrace>(CHANNELS.webhook);

export const outcomeChannel = channel(CHANNELS.outcome);
export const startFailedChannel = channel(CHANNELS.startFailed);
export const unconfirmedChannel = channel(CHANNELS.unconfirmed);
export const settlementChannel = channel(CHANNELS.settlement);
export const leaseExpiryChannel = channel(CHANNELS.leaseExpiry);
export const reconcileSummaryChannel = channel(CHANNELS.reconcileSummary);
export const webhookVerificationChannel = channel(CHANNELS.webhookVerification);
