import type { NumberRule } from '../options/index.js';

/*
 * The rules both shared stores give their common options, so RedisStore and PostgresStore
 * cannot drift apart.
 */

/** One command or query: 1 ms to 10 minutes, past which a store is down, not slow. */
export const STORE_TIMEOUT_MS_RULE: NumberRule = {
  min: 1,
  max: 600_000,
  integer: true,
  unit: 'milliseconds',
};

/** Records fetched per round trip when listing; more than 10,000 holds one reply too long. */
export const STORE_BATCH_SIZE_RULE: NumberRule = {
  min: 1,
  max: 10_000,
  integer: true,
  unit: 'records',
};

export const DEFAULT_STORE_TIMEOUT_MS = 5_000;
export const DEFAULT_STORE_BATCH_SIZE = 200;
