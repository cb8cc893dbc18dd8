/**
 * The simulator's clock: it runs with real time from `startTime` and can be moved forward, so
 * tests reach the 90-minute expiry or the next rate-limit window without sleeping.
 */
export interface SimulatorClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Moves the clock forward by `ms` milliseconds (a finite number, at least 0). */
  advance(ms: number): void;
}

export interface ResettableClock extends SimulatorClock {
  /** Drops every advance, back to `startTime` plus the real time elapsed. */
  reset(): void;
}

export function createClock(startTime: number, realNow: () => number = Date.now): ResettableClock {
  const realStart = realNow();
  let offset = 0;
  return {
    now: () => startTime + (realNow() - realStart) + offset,
    advance(ms: number): void {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new RangeError(
          `simulator clock.advance(ms): ms must be a finite number of milliseconds >= 0, not ${String(ms)}`,
        );
      }
      offset += ms;
    },
    reset(): void {
      offset = 0;
    },
  };
}

/** `YYYY-MM-DDThh:mm:ss.SSSZ`, GOV.UK Pay's timestamp format. */
export function isoMillis(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** `YYYY-MM-DD` in UTC, as in `settlement_summary.captured_date`. */
export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
