/** GOV.UK Pay keeps separate POST budgets for creating, capturing and everything else. */
export type PostBucket = 'create_payment' | 'capture_payment' | 'other';

export interface RateLimiter {
  /** Counts one POST; false when the account is over its budget for this second. */
  allow(account: string, bucket: PostBucket): boolean;
  reset(): void;
}

/**
 * A fixed one-second window per account and bucket, as GOV.UK Pay's limiter keys its counters
 * (FACTS.md §13). The window follows the simulator clock, so `clock.advance(1000)` opens a new one.
 */
export function createRateLimiter(postsPerSecond: number, now: () => number): RateLimiter {
  const windows = new Map<string, { window: number; count: number }>();
  return {
    allow(account, bucket) {
      const key = `${bucket}:${account}`;
      const window = Math.floor(now() / 1000);
      const entry = windows.get(key);
      if (entry === undefined || entry.window !== window) {
        windows.set(key, { window, count: 1 });
        return postsPerSecond >= 1;
      }
      entry.count++;
      return entry.count <= postsPerSecond;
    },
    reset() {
      windows.clear();
    },
  };
}

export const unlimited: RateLimiter = { allow: () => true, reset: () => undefined };
