export { PayClient } from './pay-client.js';
export type { CallOptions, CreatePaymentCallOptions, PayClientOptions } from './options.js';
export { DEFAULT_API_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './options.js';
export {
  PayAuthenticationError,
  PayConflictError,
  PayConnectionError,
  PayError,
  PayNotFoundError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
  PayValidationError,
  createPayError,
} from './errors.js';
export type { PayConnectionReason, PayErrorContext } from './errors.js';
export { refundable } from './refundable.js';
export {
  validateCreateAgreementRequest,
  validateCreatePaymentRequest,
  validateIdempotencyKey,
  validateRefundRequest,
} from './validate.js';
export { isTrustedApiLink } from './links.js';
export { guards, ShapeError } from './guards.js';
export * from './types.js';
