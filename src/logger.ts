import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A pino-compatible logger: `logger.info({ fields }, 'message')`. The library never passes it
 * the API key, a `next_url`, a cookie value or a payment id in clear. The one text it does not
 * write itself is what the service's own callbacks threw, under `err` (see `errorForLog`).
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

/** The request logger in scope: set while the library handles a request that carries `req.log`. */
const requestLoggers = new AsyncLocalStorage<Logger>();

function isLogger(value: unknown): value is Logger {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const candidate = value as Partial<Record<keyof Logger, unknown>>;
  return (['debug', 'info', 'warn', 'error'] as const).every(
    (level) => typeof candidate[level] === 'function',
  );
}

/**
 * Runs `handle` with `req.log` (the pino-http convention: a child logger that carries the
 * request id) as the logger of every line the library logs while handling that request. Without
 * a `req.log` it costs nothing.
 */
export function withRequestLogger<T>(req: object, handle: () => T): T {
  const log = (req as { log?: unknown }).log;
  return isLogger(log) ? requestLoggers.run(log, handle) : handle();
}

/**
 * The configured logger, except that a line logged while handling a request with a `req.log`
 * goes to that request logger instead, so it carries the request id.
 */
export function preferRequestLogger(configured: Logger): Logger {
  const current = (): Logger => requestLoggers.getStore() ?? configured;
  return {
    debug: (obj, msg) => current().debug(obj, msg),
    info: (obj, msg) => current().info(obj, msg),
    warn: (obj, msg) => current().warn(obj, msg),
    error: (obj, msg) => current().error(obj, msg),
  };
}

/** A thrown value under pino's `err` key: `{ type, message, stack }`, and a PayError's codes. */
export interface LoggedError {
  type: string;
  /** The same as `type`: pino's err serializer takes the type from it. */
  name?: string;
  message?: string;
  stack?: string;
  code?: string;
  status?: number;
  field?: string;
  path?: string;
}

/**
 * An error thrown by the service's own code (`createPayment`, `onSettled`, `onStale`,
 * `onWebhook`), for the `err` key: its message and stack are the service's own words, which the
 * developer needs. Each value in `hide` (the payment id the callback was given, say) is replaced
 * by its name in braces wherever the words quote it: `{paymentId}`. Only named fields are copied,
 * never the whole object: a `PayError` keeps to its codes and path template, and an HTTP
 * library's error would otherwise bring its request headers (an API key) along. A thrown
 * non-Error is named by its type only.
 */
export function errorForLog(
  thrown: unknown,
  hide: Readonly<Record<string, string | undefined>> = {},
): LoggedError {
  if (!(thrown instanceof Error)) return { type: typeof thrown };
  const fields = thrown as Error & Partial<Record<'code' | 'status' | 'field' | 'path', unknown>>;
  const scrub = (text: string): string => {
    let scrubbed = text;
    for (const [name, value] of Object.entries(hide)) {
      // Ids are long; a short value would blank out ordinary words.
      if (value !== undefined && value.length >= 8)
        scrubbed = scrubbed.replaceAll(value, `{${name}}`);
    }
    return scrubbed;
  };
  // No prototype: pino's err serializer would otherwise call every copy's type `Object`, the
  // name of its constructor, where without one it takes `name`.
  const logged = Object.create(null) as LoggedError;
  return Object.assign(logged, {
    type: thrown.name,
    name: thrown.name,
    message: scrub(thrown.message),
    ...(thrown.stack === undefined ? {} : { stack: scrub(thrown.stack) }),
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.status === 'number' ? { status: fields.status } : {}),
    ...(typeof fields.field === 'string' ? { field: fields.field } : {}),
    ...(typeof fields.path === 'string' && fields.path.startsWith('/v1/')
      ? { path: fields.path }
      : {}),
  });
}
