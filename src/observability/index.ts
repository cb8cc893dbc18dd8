// What the rest of the library uses to publish; the public face is ./public.ts.
export {
  CHANNELS,
  requestChannel,
  startChannel,
  returnChannel,
  cancelChannel,
  settleChannel,
  reconcileChannel,
  webhookChannel,
} from './channels.js';
export type * from './channels.js';
export {
  traced,
  traceRequestAttempt,
  noteOutcome,
  noteRedirect,
  noteSettleAttempt,
  noteWebhookDone,
  noteWebhookVerification,
  publishLeaseExpiry,
  publishReconcileSummary,
  publishSettlement,
} from './publish.js';
export type { RequestAttemptTrace, ShownResult } from './publish.js';
export { observeJourneyRequest, observeWebhookRequest } from './route.js';
