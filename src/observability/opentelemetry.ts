import { AsyncLocalStorage } from 'node:async_hooks';
import type { TracingChannel } from 'node:diagnostics_channel';
import { PayConfigError } from '../config-error.js';
import { methodsOption, optionsObject, rejectUnknownKeys } from '../options/index.js';
import {
  cancelChannel,
  reconcileChannel,
  requestChannel,
  returnChannel,
  settleChannel,
  startChannel,
  webhookChannel,
} from './channels.js';
import type {
  JourneyTrace,
  PayRequestTrace,
  ReconcileTrace,
  SettleTrace,
  WebhookTrace,
} from './channels.js';

/*
 * The @opentelemetry/api shapes this needs, written out so that the package has no dependency
 * on it: the service passes its own `tracer`, `trace` and `context`, and TypeScript checks them
 * against these.
 */

/** An attribute value, as OpenTelemetry takes it. */
export type SpanAttributeValue = string | number | boolean;

/** The part of an OpenTelemetry `Span` used here. */
export interface SpanLike {
  setAttribute(key: string, value: SpanAttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The part of an OpenTelemetry `Tracer` used here. */
export interface TracerLike {
  startSpan(
    name: string,
    options?: { kind?: number; attributes?: Record<string, SpanAttributeValue> },
    context?: unknown,
  ): SpanLike;
}

/** The part of `@opentelemetry/api`'s `trace` used here. */
export interface TraceApiLike {
  setSpan(context: never, span: never): unknown;
}

/** The part of `@opentelemetry/api`'s `context` used here. */
export interface ContextApiLike {
  active(): unknown;
}

export interface OpenTelemetryOptions {
  /** Makes the spans: `trace.getTracer('govuk-pay-express')` from `@opentelemetry/api`. */
  tracer: TracerLike;
  /**
   * `trace` from `@opentelemetry/api`: puts the journey's span in the context of the spans
   * started under it (its GOV.UK Pay requests, its settlement).
   */
  trace: TraceApiLike;
  /** `context` from `@opentelemetry/api`: the active context, the parent of a top-level span. */
  context: ContextApiLike;
}

// The numbers of @opentelemetry/api's SpanKind and SpanStatusCode, which are stable.
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

/** Only an error's class name: messages may quote what a span must never hold. */
function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

type Attributes = Record<string, SpanAttributeValue>;

/** How one tracing channel becomes spans. */
interface SpanRule<C extends object> {
  channel: TracingChannel<unknown, C>;
  name: (context: C) => string;
  kind: number;
  /** Attributes known at the start. */
  opening: (context: C) => Attributes;
  /** Attributes learnt by the end. */
  closing: (context: C) => Attributes;
}

function defined(entries: Record<string, SpanAttributeValue | undefined>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

/** A summary's counts, flattened: `settled.success` and the like. */
function counts(prefix: string, value: unknown, into: Attributes = {}): Attributes {
  if (typeof value === 'number' || typeof value === 'boolean') {
    into[prefix] = value;
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) counts(`${prefix}.${key}`, inner, into);
  }
  return into;
}

const journeyRule = (
  channel: TracingChannel<unknown, JourneyTrace>,
  step: string,
): SpanRule<JourneyTrace> => ({
  channel,
  name: () => `govuk-pay-express ${step}`,
  kind: SPAN_KIND_INTERNAL,
  opening: (context) => ({ 'http.route': context.route }),
  closing: (context) =>
    defined({
      'govuk_pay.outcome': context.outcome,
      'govuk_pay.reason': context.reason,
      'govuk_pay.redirected': context.redirected,
    }),
});

const RULES = [
  {
    channel: requestChannel,
    name: (context) => `${context.method} ${context.pathTemplate}`,
    kind: SPAN_KIND_CLIENT,
    opening: (context) => ({
      'http.request.method': context.method,
      'url.template': context.pathTemplate,
      'http.request.resend_count': context.attempt - 1,
    }),
    closing: (context) => defined({ 'http.response.status_code': context.status }),
  } satisfies SpanRule<PayRequestTrace>,
  journeyRule(startChannel, 'start'),
  journeyRule(returnChannel, 'return'),
  journeyRule(cancelChannel, 'cancel'),
  {
    channel: settleChannel,
    name: () => 'govuk-pay-express settle',
    kind: SPAN_KIND_INTERNAL,
    opening: (context) =>
      defined({
        'govuk_pay.feed': context.feed,
        'govuk_pay.outcome': context.outcome,
        'govuk_pay.reason': context.reason,
      }),
    closing: (context) =>
      defined({ 'govuk_pay.attempt': context.attempt, 'govuk_pay.settle_result': context.result }),
  } satisfies SpanRule<SettleTrace>,
  {
    channel: reconcileChannel,
    name: () => 'govuk-pay-express reconcile',
    kind: SPAN_KIND_INTERNAL,
    opening: () => ({}),
    closing: (context) => counts('govuk_pay.reconcile', context.result),
  } satisfies SpanRule<ReconcileTrace>,
  {
    channel: webhookChannel,
    name: () => 'govuk-pay-express webhook',
    kind: SPAN_KIND_INTERNAL,
    opening: (context) => ({ 'http.route': context.route }),
    closing: (context) =>
      defined({
        'govuk_pay.webhook.verification': context.verification,
        'govuk_pay.webhook.done': context.done,
      }),
  } satisfies SpanRule<WebhookTrace>,
] as const;

const OPTION_KEYS = ['tracer', 'trace', 'context'] as const;

/**
 * Turns the library's tracing channels into OpenTelemetry spans, nested as the work is: a
 * return's span holds its GOV.UK Pay requests and its settlement. Spans carry route and path
 * templates, outcomes, reasons and counts, never a payment id, a next_url, a key or a cookie;
 * an error is told by its class name only. Returns a function that stops it.
 *
 * ```ts
 * import { context, trace } from '@opentelemetry/api';
 * const stop = subscribeOpenTelemetry({ tracer: trace.getTracer('govuk-pay-express'), trace, context });
 * ```
 */
export function subscribeOpenTelemetry(options: OpenTelemetryOptions): () => void {
  const where = 'subscribeOpenTelemetry';
  const given = optionsObject(
    options,
    where,
    "subscribeOpenTelemetry({ tracer: trace.getTracer('govuk-pay-express'), trace, context }) with trace and context from @opentelemetry/api",
  );
  rejectUnknownKeys(given, OPTION_KEYS, where);
  for (const [key, method] of [
    ['tracer', 'startSpan'],
    ['trace', 'setSpan'],
    ['context', 'active'],
  ] as const) {
    if (given[key] === undefined) {
      throw new PayConfigError(
        'ERR_PAY_MISSING_OPTION',
        `${where}: ${key} is required; pass ${key === 'tracer' ? "trace.getTracer('govuk-pay-express')" : key} from @opentelemetry/api`,
      );
    }
    methodsOption(given[key], `${where}: ${key}`, {
      required: [method],
      describe: `@opentelemetry/api's ${key === 'tracer' ? 'Tracer' : key}`,
    });
  }
  const { tracer, trace, context } = options;

  /** The span of the library's work in progress, the parent of the spans started inside it. */
  const openSpan = new AsyncLocalStorage<SpanLike>();
  const spans = new WeakMap<object, SpanLike>();
  const unsubscribers: (() => void)[] = [];

  function startSpan<C extends object>(rule: SpanRule<C>, traceContext: C): SpanLike {
    const parent = openSpan.getStore();
    const activeContext = context.active();
    const parentContext =
      parent === undefined
        ? activeContext
        : (trace.setSpan as (c: unknown, s: SpanLike) => unknown)(activeContext, parent);
    const span = tracer.startSpan(
      rule.name(traceContext),
      { kind: rule.kind, attributes: rule.opening(traceContext) },
      parentContext,
    );
    spans.set(traceContext, span);
    return span;
  }

  function follow<C extends object>(rule: SpanRule<C>): void {
    const { channel } = rule;
    const handlers = {
      // A request is a leaf, published by hand: its span needs no store.
      start: (traceContext: C) => {
        if (rule.channel === (requestChannel as unknown)) startSpan(rule, traceContext);
      },
      end: () => undefined,
      asyncStart: () => undefined,
      error: (traceContext: C & { error?: unknown }) => {
        const span = spans.get(traceContext);
        if (span === undefined) return;
        const type = errorType(traceContext.error);
        span.setAttribute('error.type', type);
        span.setStatus({ code: SPAN_STATUS_ERROR, message: type });
      },
      asyncEnd: (traceContext: C) => {
        const span = spans.get(traceContext);
        if (span === undefined) return;
        spans.delete(traceContext);
        for (const [key, value] of Object.entries(rule.closing(traceContext))) {
          span.setAttribute(key, value);
        }
        span.end();
      },
    };
    channel.subscribe(handlers as never);
    // The work runs inside its span's store, so the spans it starts find their parent.
    if (rule.channel !== (requestChannel as unknown)) {
      channel.start.bindStore(openSpan, (traceContext) => startSpan(rule, traceContext as C));
    }
    unsubscribers.push(() => {
      channel.unsubscribe(handlers as never);
      if (rule.channel !== (requestChannel as unknown)) channel.start.unbindStore(openSpan);
    });
  }

  for (const rule of RULES) follow(rule as unknown as SpanRule<object>);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}

/** Path segments that GOV.UK Pay (and the journey) follow with an id, and what to call it. */
const ID_AFTER: ReadonlyMap<string, string> = new Map([
  ['payments', '{paymentId}'],
  ['refunds', '{refundId}'],
  ['agreements', '{agreementId}'],
  ['disputes', '{disputeId}'],
  ['return', '{returnId}'],
]);

/**
 * A URL with every id replaced by its template and the query dropped (a search's query can hold
 * a reference or an email): for http auto-instrumentation's `requestHook`, which otherwise
 * records `url.full` with the payment id. `https://publicapi.payments.service.gov.uk/v1/payments/abc/refunds`
 * becomes `https://publicapi.payments.service.gov.uk/v1/payments/{paymentId}/refunds`.
 */
export function payUrlTemplate(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return '(unparseable URL)';
  }
  const segments = parsed.pathname.split('/');
  for (let index = 1; index < segments.length; index += 1) {
    const placeholder = ID_AFTER.get(segments[index - 1] ?? '');
    if (placeholder !== undefined && segments[index] !== '') segments[index] = placeholder;
  }
  const path = segments.join('/');
  return parsed.origin === 'http://relative.invalid' ? path : `${parsed.origin}${path}`;
}
