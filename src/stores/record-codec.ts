import type { PaymentRecord } from '../store/index.js';
import { PayStoreError } from './errors.js';

/**
 * The stored form of a record: its known fields only, as JSON. Short property names would
 * save about 40 bytes a payment, at the cost of a store nobody can read by eye; not worth it.
 */
export function encodeRecord(record: PaymentRecord): string {
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.paymentId !== 'string' ||
    !Number.isFinite(record.createdAt)
  ) {
    throw new TypeError(
      'govuk-pay-express: a stored payment record needs a string paymentId and a finite createdAt',
    );
  }
  const stored: PaymentRecord = {
    paymentId: record.paymentId,
    selfHref: record.selfHref,
    reference: record.reference,
    amount: record.amount,
    createdAt: record.createdAt,
  };
  if (record.accountId !== undefined) stored.accountId = record.accountId;
  if (record.journey !== undefined) stored.journey = record.journey;
  return JSON.stringify(stored);
}

/**
 * Reads back what {@link encodeRecord} wrote, checking every field, so a hand-edited or
 * truncated value is a typed error for that one payment rather than a crash further on.
 * `what` names the kind of value ("pending record", "return id") for the message.
 */
export function decodeRecord(text: unknown, what: string): PaymentRecord {
  let value: unknown;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch (error) {
    throw corrupt(`a ${what} in the store is not valid JSON`, error);
  }
  if (typeof value !== 'object' || value === null) {
    throw corrupt(`a ${what} in the store is not a JSON object`);
  }
  const v = value as Record<string, unknown>;
  if (
    typeof v.paymentId !== 'string' ||
    v.paymentId === '' ||
    typeof v.selfHref !== 'string' ||
    typeof v.reference !== 'string' ||
    typeof v.amount !== 'number' ||
    typeof v.createdAt !== 'number' ||
    !Number.isFinite(v.createdAt) ||
    (v.accountId !== undefined && typeof v.accountId !== 'string') ||
    (v.journey !== undefined && typeof v.journey !== 'string')
  ) {
    throw corrupt(`a ${what} in the store lacks a field or has one of the wrong type`);
  }
  const record: PaymentRecord = {
    paymentId: v.paymentId,
    selfHref: v.selfHref,
    reference: v.reference,
    amount: v.amount,
    createdAt: v.createdAt,
  };
  if (typeof v.accountId === 'string') record.accountId = v.accountId;
  if (typeof v.journey === 'string') record.journey = v.journey;
  return record;
}

function corrupt(message: string, cause?: unknown): PayStoreError {
  return new PayStoreError(
    'ERR_PAY_STORE_CORRUPT',
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** A ttl or lease the stores accept: a positive whole number of milliseconds. */
export function checkTtl(ttlMs: number, what = 'ttlMs'): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(
      `govuk-pay-express: a store ${what} must be a positive number of milliseconds`,
    );
  }
  return Math.max(1, Math.ceil(ttlMs));
}
