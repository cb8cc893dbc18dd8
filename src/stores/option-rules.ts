import type { Logger } from '../logger.js';
import { loggerOption, numberOption, optionPath } from '../options/index.js';
import type { NumberRule } from '../options/index.js';

/*
 * The options RedisStore and PostgresStore share, read by one function so the two stores
 * cannot drift apart.
 */

export const DEFAULT_STORE_TIMEOUT_MS = 5_000;
export const DEFAULT_STORE_BATCH_SIZE = 200;

/** One command or query: 1 ms to 10 minutes, past which a store is down, not slow. */
const STORE_TIMEOUT_MS_RULE: NumberRule = {
  min: 1,
  max: 600_000,
  integer: true,
  unit: 'milliseconds',
};

/** Records fetched per round trip when listing; more than 10,000 holds one reply too long. */
const STORE_BATCH_SIZE_RULE: NumberRule = {
  min: 1,
  max: 10_000,
  integer: true,
  unit: 'records',
};

export interface SharedStoreOptions {
  timeoutMs: number;
  batchSize: number;
  logger: Logger;
}

/** Reads the timeout (named `timeoutKey` in this store), `batchSize` and `logger`. */
export function resolveSharedStoreOptions(
  record: Readonly<Record<string, unknown>>,
  where: string,
  timeoutKey: string,
): SharedStoreOptions {
  return {
    timeoutMs: numberOption(
      record[timeoutKey],
      optionPath(where, timeoutKey),
      STORE_TIMEOUT_MS_RULE,
      DEFAULT_STORE_TIMEOUT_MS,
    ),
    batchSize: numberOption(
      record.batchSize,
      optionPath(where, 'batchSize'),
      STORE_BATCH_SIZE_RULE,
      DEFAULT_STORE_BATCH_SIZE,
    ),
    logger: loggerOption(record.logger, optionPath(where, 'logger')),
  };
}
