export { payJourney } from './pay-journey.js';
export type { PayJourney, PayJourneyMethods } from './pay-journey.js';
export type {
  HealthCheckOptions,
  JourneyHealth,
  ReconcileHealth,
  ReconcileRunHealth,
  StoreHealth,
  WebhooksHealth,
} from './health.js';
export type {
  JourneyClock,
  JourneyCookieOptions,
  JourneyReconcileOptions,
  OutcomeHandler,
  OutcomeHandlers,
  PayJourneyOptions,
  PaymentDetails,
} from './options.js';
export { CrossSiteRequestError } from './router.js';
export type { JourneyContext } from './context.js';
