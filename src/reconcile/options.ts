import { PayConfigError } from '../config-error.js';

/** How one reconciliation run behaves. Every field is optional. */
export interface ReconcileRunOptions {
  /**
   * Only payments created at least this long ago are checked, so journeys still in progress are
   * left alone. In minutes.
   * @default 60
   */
  olderThanMinutes?: number;
  /**
   * The most status reads per second sent to GOV.UK Pay, across the whole run. A 429 lowers it
   * for the rest of the run.
   * @default 10
   */
  ratePerSecond?: number;
  /**
   * The most payments worked on at once (reads and `onSettled` calls in flight).
   * @default 4
   */
  concurrency?: number;
  /**
   * A payment still unfinished or unreadable this long after it was created is reported through
   * the logger and `onStale`. GOV.UK Pay expires payments after 90 minutes (a few minutes late at
   * times), so anything older than this has gone wrong somewhere. In minutes, at least 90.
   * @default 360
   */
  staleAfterMinutes?: number;
  /**
   * Ends the run early: no new payment is started once it aborts; those in flight finish and the
   * summary so far is returned. The reconcile timer uses it so `stop()` does not wait for a
   * long run.
   */
  signal?: AbortSignal;
}

export interface ResolvedReconcileOptions {
  olderThanMs: number;
  ratePerSecond: number;
  concurrency: number;
  staleAfterMs: number;
  signal: AbortSignal | undefined;
}

const KNOWN_KEYS = new Set([
  'olderThanMinutes',
  'ratePerSecond',
  'concurrency',
  'staleAfterMinutes',
  'signal',
]);

/** GOV.UK Pay's expiry threshold for unfinished payments (FACTS.md §15). */
const EXPIRY_MINUTES = 90;
const MAX_CONCURRENCY = 64;
const MINUTE_MS = 60_000;

/**
 * Checks and fills in run options. Exported so that `payJourney` can validate its `reconcile`
 * option once at construction, not on the first timer tick.
 */
export function resolveReconcileOptions(
  options: ReconcileRunOptions | undefined,
  optionPath = 'reconcile',
): ResolvedReconcileOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `${optionPath} must be an object such as { olderThanMinutes: 60 }`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new PayConfigError(
        'ERR_PAY_UNKNOWN_OPTION',
        `${optionPath}.${key} is not an option; the options are ${[...KNOWN_KEYS].join(', ')}`,
      );
    }
  }
  const olderThanMinutes = numberOption(
    options.olderThanMinutes,
    60,
    `${optionPath}.olderThanMinutes`,
  );
  if (olderThanMinutes < 0) {
    throw invalid(
      `${optionPath}.olderThanMinutes must be 0 or more minutes (it is ${olderThanMinutes})`,
    );
  }
  const ratePerSecond = numberOption(options.ratePerSecond, 10, `${optionPath}.ratePerSecond`);
  if (ratePerSecond <= 0) {
    throw invalid(
      `${optionPath}.ratePerSecond must be more than 0 reads per second (it is ${ratePerSecond}); ` +
        'GOV.UK Pay allows tens of GETs per second per account, so 10 is a safe default',
    );
  }
  const concurrency = numberOption(options.concurrency, 4, `${optionPath}.concurrency`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw invalid(
      `${optionPath}.concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (it is ${concurrency})`,
    );
  }
  const staleAfterMinutes = numberOption(
    options.staleAfterMinutes,
    360,
    `${optionPath}.staleAfterMinutes`,
  );
  if (staleAfterMinutes < EXPIRY_MINUTES) {
    throw invalid(
      `${optionPath}.staleAfterMinutes must be at least ${EXPIRY_MINUTES} (it is ${staleAfterMinutes}): ` +
        'GOV.UK Pay only expires unfinished payments after 90 minutes, so younger ones are not stale',
    );
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid(`${optionPath}.signal must be an AbortSignal`);
  }
  return {
    olderThanMs: olderThanMinutes * MINUTE_MS,
    ratePerSecond,
    concurrency,
    staleAfterMs: staleAfterMinutes * MINUTE_MS,
    signal,
  };
}

function numberOption(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${path} must be a finite number (it is ${String(value)})`);
  }
  return value;
}

function invalid(message: string): PayConfigError {
  return new PayConfigError('ERR_PAY_INVALID_OPTION', message);
}
