export {
  API_KEY_FORMAT_HINT,
  API_KEY_PATTERN,
  DEFAULT_API_BASE_URL,
  MAX_AMOUNT,
  PAYMENT_EXPIRY_MINUTES,
  PAYMENT_EXPIRY_MS,
  PAYMENT_ID_PATTERN,
  isTestApiKey,
} from './facts.js';
export { MAX_RATE_LIMIT_PAUSE_MS, RATE_LIMIT_WINDOW_MS, rateLimitPauseMs } from './rate-limit.js';
export { escapeHtml } from './html.js';
