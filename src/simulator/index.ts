export { createSimulator } from './simulator.js';
export type {
  CitizenAction,
  DisputeOutcome,
  RunningSimulator,
  Simulator,
  SimulatorPayments,
} from './simulator.js';
export type { SimulatorOptions } from './options.js';
export type { SimulatorAccount } from './accounts.js';
export type { WalletType } from './transitions.js';
export { AGREEMENT_AUTHORISATION_MS, RECURRING_DECLINE_CARD } from './transitions.js';
export type { SimulatorClock } from './clock.js';
export type { Fault, FaultControls, FaultRule, SimulatorRoute } from './faults.js';
export { SIMULATOR_ROUTES } from './faults.js';
export { TEST_CARDS } from './cards.js';
export { generateTestApiKey } from './ids.js';
export { BROWSER_COOKIE } from './pages.js';
export type {
  DeliveryErrorKind,
  SimulatorWebhookEndpoint,
  SimulatorWebhooks,
  WebhookDelivery,
  WebhookFault,
  WebhookFaultControls,
  WebhookFaultRule,
  WebhookMessageRecord,
} from './webhooks/index.js';
export {
  RETRY_DELAYS_MS as WEBHOOK_RETRY_DELAYS_MS,
  UnknownWebhookMessageError,
  WEBHOOK_TIMEOUT_MS,
  generateWebhookSecret,
} from './webhooks/index.js';
