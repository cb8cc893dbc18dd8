import { isBrandedInstance } from '../brand.js';

/** Stable codes of {@link PayStoreError}. */
export type PayStoreErrorCode =
  /** The server could not be reached, refused the command, or did not answer in time. */
  | 'ERR_PAY_STORE_UNAVAILABLE'
  /** A value read back is not one this store wrote: edited by hand, truncated, or another app's. */
  | 'ERR_PAY_STORE_CORRUPT';

const STORE_ERROR_BRAND: unique symbol = Symbol.for('govuk-pay-express.PayStoreError');

/**
 * Thrown (as a rejected promise) by the shared stores. The journey treats any store failure on a
 * return as `unconfirmed`: the citizen may have paid, so it never says `missing`. The message
 * never holds a payment id, a key or a connection string.
 */
export class PayStoreError extends Error {
  static readonly [STORE_ERROR_BRAND]: string = 'PayStoreError';

  /** By brand, so a `catch` holds across the ESM and CommonJS copies of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(this, STORE_ERROR_BRAND, value);
  }

  override readonly name = 'PayStoreError';
  readonly code: PayStoreErrorCode;

  constructor(code: PayStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(`govuk-pay-express: ${message}`, options);
    this.code = code;
  }
}
