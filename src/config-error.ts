import { isBrandedInstance } from './brand.js';

/** Stable codes for configuration mistakes, found once at construction. */
export type PayConfigErrorCode =
  | 'ERR_PAY_NOT_CALLED'
  | 'ERR_PAY_UNKNOWN_OPTION'
  | 'ERR_PAY_MISSING_OPTION'
  | 'ERR_PAY_INVALID_OPTION'
  | 'ERR_PAY_API_KEY'
  | 'ERR_PAY_PUBLIC_URL'
  | 'ERR_PAY_COOKIE_SECRET'
  | 'ERR_PAY_NEXT_URL_HOSTS';

const CONFIG_ERROR_BRAND: unique symbol = Symbol.for('govuk-pay-express.PayConfigError');

/**
 * Thrown at construction when an option is wrong. The message names the option and says how to
 * fix it, so a service fails at start-up rather than on a citizen's payment.
 */
export class PayConfigError extends Error {
  static readonly [CONFIG_ERROR_BRAND]: string = 'PayConfigError';

  /** By brand, so a `catch` holds across the ESM and CommonJS copies of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(this, CONFIG_ERROR_BRAND, value);
  }

  override readonly name = 'PayConfigError';
  readonly code: PayConfigErrorCode;

  constructor(code: PayConfigErrorCode, message: string) {
    super(`govuk-pay-express: ${message}`);
    this.code = code;
  }
}
