export { PayConfigError } from './config-error.js';
export type { PayConfigErrorCode } from './config-error.js';
export type { Logger } from './logger.js';
export * from './client/types.js';
export { classifyPayment } from './journey/classify.js';
export type { Classification, Outcome, OutcomeReason } from './journey/classify.js';
export type { PaymentResult, SettledResult, ResultSource } from './journey/result.js';
export type { Awaitable, PaymentRecord, PaymentStore } from './store/types.js';
