export { PayClient } from './pay-client.js';
export type { CallOptions, CreatePaymentCallOptions, PayClientOptions } from './options.js';
export {
  MAX_RETRIES_RULE,
  PAY_CLIENT_OPTION_NAMES,
  TIMEOUT_MS_RULE,
  resolvePayApiKey,
  resolvePayClientOptions,
  resolvePayConnection,
} from './options.js';
export type { ResolvedPayClientConfig, ResolvedPayConnection } from './options.js';
export type { PayTransport, TransportRequest, TransportResponse } from './transport.js';
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
} from './errors.js';
export type { PayConnectionReason } from './errors.js';
export { refundable } from './refundable.js';
export { validateCreatePaymentRequest } from './validate.js';
export * from './types.js';
