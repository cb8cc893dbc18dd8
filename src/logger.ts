/**
 * A pino-compatible logger: `logger.info({ fields }, 'message')`. The library never passes it
 * the API key, a `next_url`, a cookie value or a payment id in clear.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const ignore = (): void => undefined;

/** The default: the library is silent unless the service gives it a logger. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
