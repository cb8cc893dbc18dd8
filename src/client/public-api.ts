// What the package's two client-carrying entries share: the main entry and
// `govuk-pay-express/client` both export exactly this, so neither can fall behind the other.
// Nothing here may import express or the journey (see client-entry.ts).
export { PayConfigError } from '../config-error.js';
export type { PayConfigErrorCode } from '../config-error.js';
export type { Logger } from '../logger.js';
export * from './types.js';
export {
  PayClient,
  PayAuthenticationError,
  PayConflictError,
  PayConnectionError,
  PayError,
  PayNotFoundError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
  PayValidationError,
  refundable,
} from './index.js';
export type {
  CallOptions,
  CreatePaymentCallOptions,
  PayClientOptions,
  PayConnectionReason,
} from './index.js';
