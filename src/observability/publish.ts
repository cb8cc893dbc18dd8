import { AsyncLocalStorage } from 'node:async_hooks';
import type { TracingChannel } from 'node:diagnostics_channel';
import {
  leaseExpiryChannel,
  outcomeChannel,
  reconcileSummaryChannel,
  requestChannel,
  settlementChannel,
  startFailedChannel,
  unconfirmedChannel,
  webhookVerificationChannel,
} from './channels.js';
import type {
  Feed,
  JourneyTrace,
  LeaseExpiryEvent,
  OutcomeEvent,
  PayRequestTrace,
  SettleTrace,
  SettlementEvent,
  WebhookTrace,
  WebhookVerificationEvent,
} from './channels.js';

/*
 * Every function here does nothing (beyond one `hasSubscribers` check) while nobody listens, so
 * the payment path pays nothing for observability it does not use.
 */

interface TraceContexts {
  journey: JourneyTrace;
  settle: SettleTrace;
  webhook: WebhookTrace;
  reconcile: object;
}

type OpenTrace = {
  [K in keyof TraceContexts]: { kind: K; context: TraceContexts[K] };
}[keyof TraceContexts];

/** The innermost trace in progress, so code deep inside can add what it learns to its context. */
const openTraces = new AsyncLocalStorage<OpenTrace>();

/**
 * Runs `run` as one trace of `channel` when anyone subscribes, else just runs it. The context is
 * built only then. The context's `result` is `reveal(value)`, or nothing: what `run` resolves
 * to may hold a payment, which must never reach a subscriber.
 */
export function traced<C extends object, T>(
  channel: TracingChannel<unknown, C>,
  kind: OpenTrace['kind'],
  context: () => C,
  run: () => Promise<T>,
  reveal?: (value: T) => unknown,
): Promise<T> {
  if (!channel.hasSubscribers) return run();
  const built = context();
  let value: T;
  const traceable = async (): Promise<unknown> => {
    value = await run();
    return reveal?.(value);
  };
  return openTraces
    .run({ kind, context: built } as OpenTrace, () => channel.tracePromise(traceable, built))
    .then(() => value);
}

function open<K extends keyof TraceContexts>(kind: K): TraceContexts[K] | undefined {
  const trace = openTraces.getStore();
  return trace?.kind === kind ? (trace.context as TraceContexts[K]) : undefined;
}

/** One attempt of a GOV.UK Pay request, told as a trace; undefined while nobody listens. */
export interface RequestAttemptTrace {
  succeeded(status: number): void;
  /** `error` must be the library's own, already scrubbed error. */
  failed(error: unknown, status: number | undefined): void;
}

/**
 * Publishes the trace events by hand, in the order `tracePromise` would, because the attempt's
 * error is only fit to publish once the pipeline has turned it into a scrubbed `PayError`.
 */
export function traceRequestAttempt(
  fields: Pick<PayRequestTrace, 'method' | 'pathTemplate' | 'attempt'>,
): RequestAttemptTrace | undefined {
  if (!requestChannel.hasSubscribers) return undefined;
  const context: PayRequestTrace = { ...fields };
  requestChannel.start.publish(context);
  requestChannel.end.publish(context);
  let done = false;
  const finish = (): void => {
    done = true;
    requestChannel.asyncStart.publish(context);
    requestChannel.asyncEnd.publish(context);
  };
  return {
    succeeded(status) {
      if (done) return;
      context.status = status;
      finish();
    },
    failed(error, status) {
      if (done) return;
      if (status !== undefined) context.status = status;
      context.error = error;
      requestChannel.error.publish(context);
      finish();
    },
  };
}

/** What a result tells: its outcome, reason, feed and whether this was the first visit. */
export interface ShownResult {
  outcome: string;
  reason?: string | undefined;
  source: Feed;
  firstVisit: boolean;
}

/** An outcome is being shown: onto the open journey trace, and to the event channels. */
export function noteOutcome(result: ShownResult): void {
  const journey = open('journey');
  if (journey !== undefined) {
    journey.outcome = result.outcome;
    if (result.reason !== undefined) journey.reason = result.reason;
  }
  const isStartFailed = result.outcome === 'error' && result.reason === 'start_failed';
  const isUnconfirmed = result.outcome === 'unconfirmed';
  if (
    !outcomeChannel.hasSubscribers &&
    !(isStartFailed && startFailedChannel.hasSubscribers) &&
    !(isUnconfirmed && unconfirmedChannel.hasSubscribers)
  ) {
    return;
  }
  const event: OutcomeEvent = {
    outcome: result.outcome,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    feed: result.source,
    firstVisit: result.firstVisit,
  };
  outcomeChannel.publish(event);
  if (isStartFailed) startFailedChannel.publish(event);
  if (isUnconfirmed) unconfirmedChannel.publish(event);
}

/** A start is sending the citizen to GOV.UK Pay. */
export function noteRedirect(): void {
  const journey = open('journey');
  if (journey !== undefined) journey.redirected = true;
}

/** The lease's attempt, onto the open settle trace. */
export function noteSettleAttempt(attempt: number): void {
  const settle = open('settle');
  if (settle !== undefined) settle.attempt = attempt;
}

export function publishSettlement(event: SettlementEvent): void {
  if (settlementChannel.hasSubscribers) settlementChannel.publish(event);
}

export function publishLeaseExpiry(event: LeaseExpiryEvent): void {
  if (leaseExpiryChannel.hasSubscribers) leaseExpiryChannel.publish(event);
}

/** `summary` must hold counts and flags only, as `ReconcileSummary` does. */
export function publishReconcileSummary(summary: object, durationMs: number): void {
  if (!reconcileSummaryChannel.hasSubscribers) return;
  reconcileSummaryChannel.publish({ summary: { ...summary }, durationMs });
}

export function noteWebhookVerification(result: WebhookVerificationEvent['result']): void {
  const webhook = open('webhook');
  if (webhook !== undefined) webhook.verification = result;
  if (webhookVerificationChannel.hasSubscribers) webhookVerificationChannel.publish({ result });
}

/** What the receiver did with a verified message. */
export function noteWebhookDone(done: string): void {
  const webhook = open('webhook');
  if (webhook !== undefined) webhook.done = done;
}
