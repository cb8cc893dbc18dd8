import { RATE_LIMIT_WINDOW_MS } from '../govuk-pay/index.js';
import { PayConnectionError, PayRateLimitError, PayServerError } from './errors.js';
import type { PayError } from './errors.js';

/**
 * `read`: a GET, safe to repeat. `write`: a POST that creates or changes something at GOV.UK Pay
 * (create payment, cancel, capture, refund, agreements), repeated only when GOV.UK Pay cannot
 * have processed it.
 */
export type RequestKind = 'read' | 'write';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step, in milliseconds; doubles each retry. */
  baseDelayMs: number;
  /** Cap on one backoff step, in milliseconds. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` worth waiting for, in milliseconds. A longer one fails the call at
   * once with a `PayRateLimitError` carrying `retryAfterMs`, rather than holding a request open.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
};

/**
 * Whether a failed attempt may be repeated.
 *
 * A `write` is repeated only where GOV.UK Pay cannot have acted on it:
 * - the connection was refused, so no byte of the request reached anyone;
 * - 429 P0900, which GOV.UK Pay's rate limiter answers before the request reaches the payments
 *   core.
 * Anything else (a timeout, a reset, a 5xx) may come after GOV.UK Pay created the payment or the
 * refund. Repeating it could take a citizen's money twice. The `Idempotency-Key` header does not
 * help: GOV.UK Pay stores and checks it only for agreement (recurring) payments and ignores it
 * for ordinary web payments (FACTS.md §8), so a repeated create makes a second payment.
 */
export function isRetryable(error: PayError, kind: RequestKind): boolean {
  switch (kind) {
    case 'read':
      return (
        error instanceof PayConnectionError ||
        error instanceof PayServerError ||
        error instanceof PayRateLimitError
      );
    case 'write':
      return (
        (error instanceof PayConnectionError && error.reason === 'refused') ||
        (error instanceof PayRateLimitError && error.code === 'P0900')
      );
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so clients that
 * failed together do not retry together, yet none retries at once.
 * `retry` counts from 1 (the first retry).
 */
export function backoffDelayMs(
  retry: number,
  random: () => number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(step / 2 + (step / 2) * r);
}

/**
 * How long to wait before retry number `retry`, or `undefined` to give up now. A 429 waits for
 * its `Retry-After` when given, and at least one rate-limit window when not.
 */
export function retryDelayMs(
  error: PayError,
  retry: number,
  random: () => number,
  policy: Omit<RetryPolicy, 'maxRetries'>,
): number | undefined {
  const backoff = backoffDelayMs(retry, random, policy);
  if (error instanceof PayRateLimitError) {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs > policy.maxRetryAfterMs ? undefined : error.retryAfterMs;
    }
    return Math.max(RATE_LIMIT_WINDOW_MS, backoff);
  }
  return backoff;
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Garbage gives `undefined`; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
