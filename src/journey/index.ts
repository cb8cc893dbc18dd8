export { payJourney } from './pay-journey.js';
export type { PayJourney, PayJourneyMethods } from './pay-journey.js';
export type {
  JourneyCookieOptions,
  JourneyReconcileOptions,
  OutcomeHandler,
  OutcomeHandlers,
  PayJourneyOptions,
  PaymentDetails,
} from './options.js';
export { CrossSiteRequestError } from './router.js';
export { classifyPayment } from './classify.js';
export type { Classification, Outcome, OutcomeReason } from './classify.js';
export type { PaymentResult, ResultSource, SettledResult } from './result.js';
