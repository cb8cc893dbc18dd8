// `govuk-pay-express/observability`: the names of the library's diagnostics channels, the shapes
// of what they publish, and a subscriber that turns them into OpenTelemetry spans. Nothing here
// needs Express or @opentelemetry/api at run time.
export { CHANNELS } from './channels.js';
export type {
  Feed,
  JourneyTrace,
  LeaseExpiryEvent,
  OutcomeEvent,
  PayRequestTrace,
  ReconcileSummaryEvent,
  ReconcileTrace,
  SettlementEvent,
  SettleTrace,
  WebhookTrace,
  WebhookVerificationEvent,
} from './channels.js';
export { payUrlTemplate, subscribeOpenTelemetry } from './opentelemetry.js';
export type {
  ContextApiLike,
  OpenTelemetryOptions,
  SpanAttributeValue,
  SpanLike,
  TraceApiLike,
  TracerLike,
} from './opentelemetry.js';
