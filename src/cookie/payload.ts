import { MAX_AMOUNT } from '../govuk-pay/index.js';
import type { PaymentRecord } from '../store/index.js';

const MAX_PAYMENT_ID_LENGTH = 64;
const MAX_ACCOUNT_ID_LENGTH = 64;
const MAX_SELF_HREF_LENGTH = 2048;
const MAX_REFERENCE_LENGTH = 255;
// A serialised URL is printable ASCII; `"` and `\` are excluded too, so JSON never escapes it.
const HTTP_URL = /^https?:\/\/[!#-[\]-~]+$/;

/**
 * The sealed plaintext: a JSON array rather than an object, because it is smaller and a fixed
 * position per field makes the strict shape check on unseal simple.
 * [expiresAt, paymentId, selfHref, reference, amount, createdAt, accountId?]
 */
type SealedPayload =
  | [number, string, string, string, number, number]
  | [number, string, string, string, number, number, string];

/** Names the first field of `record` that cannot be sealed, or undefined when it is valid. */
export function invalidRecordField(record: PaymentRecord): string | undefined {
  if (typeof record !== 'object' || record === null) return 'record';
  if (!isBoundedString(record.paymentId, MAX_PAYMENT_ID_LENGTH)) return 'paymentId';
  if (!isSelfHref(record.selfHref)) return 'selfHref';
  if (!isBoundedString(record.reference, MAX_REFERENCE_LENGTH)) return 'reference';
  if (!isAmount(record.amount)) return 'amount';
  if (!Number.isFinite(record.createdAt)) return 'createdAt';
  if (record.accountId !== undefined && !isBoundedString(record.accountId, MAX_ACCOUNT_ID_LENGTH)) {
    return 'accountId';
  }
  return undefined;
}

export function encodePayload(record: PaymentRecord, expiresAt: number): string {
  const payload: SealedPayload =
    record.accountId === undefined
      ? [
          expiresAt,
          record.paymentId,
          record.selfHref,
          record.reference,
          record.amount,
          record.createdAt,
        ]
      : [
          expiresAt,
          record.paymentId,
          record.selfHref,
          record.reference,
          record.amount,
          record.createdAt,
          record.accountId,
        ];
  return JSON.stringify(payload);
}

/** The record inside an authenticated plaintext, when it is still live and exactly well-formed. */
export function decodePayload(json: string, now: number): PaymentRecord | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(payload) || (payload.length !== 6 && payload.length !== 7)) return undefined;
  const [expiresAt, paymentId, selfHref, reference, amount, createdAt, accountId] =
    payload as unknown[];
  // A browser that ignores Max-Age must not be able to revive an old cookie.
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || !(expiresAt > now)) {
    return undefined;
  }
  if (
    !isBoundedString(paymentId, MAX_PAYMENT_ID_LENGTH) ||
    !isSelfHref(selfHref) ||
    !isBoundedString(reference, MAX_REFERENCE_LENGTH) ||
    !isAmount(amount) ||
    typeof createdAt !== 'number' ||
    !Number.isFinite(createdAt)
  ) {
    return undefined;
  }
  if (payload.length === 6) return { paymentId, selfHref, reference, amount, createdAt };
  if (!isBoundedString(accountId, MAX_ACCOUNT_ID_LENGTH)) return undefined;
  return { paymentId, selfHref, reference, amount, createdAt, accountId };
}

function isBoundedString(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= maxLength;
}

function isSelfHref(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SELF_HREF_LENGTH && HTTP_URL.test(value);
}

function isAmount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_AMOUNT;
}
