// `govuk-pay-express/client`: the typed GOV.UK Pay client alone, for workers and scheduled jobs
// that call the API but serve no pages. Nothing here may import express or the journey, so a
// process without Express installed can load it.
export { PayConfigError } from './config-error.js';
export type { PayConfigErrorCode } from './config-error.js';
export type { Logger } from './logger.js';
export * from './client/types.js';
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
  validateCreatePaymentRequest,
} from './client/index.js';
export type {
  CallOptions,
  CreatePaymentCallOptions,
  PayClientOptions,
  PayConnectionReason,
} from './client/index.js';
