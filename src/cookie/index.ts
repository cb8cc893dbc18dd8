export {
  COOKIE_NAME_RULE,
  createPaymentCookieSealer,
  MAX_SEALED_COOKIE_LENGTH,
} from './payment-cookie.js';
export type { PaymentCookieSealer, PaymentCookieSealerOptions } from './payment-cookie.js';
export { cookieSecretsOption, MIN_SECRET_LENGTH } from './keys.js';
