/** GOV.UK Pay's rate-limit window: "after a second, you'll be able to retry" (FACTS §13). */
export const RATE_LIMIT_WINDOW_MS = 1000;

/**
 * The longest pause a 429 is allowed to cause. GOV.UK Pay's own windows are one second (or one
 * minute for "low traffic" accounts), so a longer `Retry-After` is a proxy's mistake, not a reason
 * to stall reconciliation or a report for longer.
 */
export const MAX_RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * How long to pause after a 429, given the `retryAfterMs` it carried (from `Retry-After`, if
 * any): one rate-limit window without a usable one, never more than a minute.
 */
export function rateLimitPauseMs(retryAfterMs: unknown): number {
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) {
    return RATE_LIMIT_WINDOW_MS;
  }
  return Math.min(retryAfterMs, MAX_RATE_LIMIT_PAUSE_MS);
}
