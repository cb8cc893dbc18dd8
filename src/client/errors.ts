import { isBrandedInstance } from '../brand.js';
import type { PayErrorBody } from './types.js';

/** Why a request got no usable HTTP response. */
export type PayConnectionReason = 'timeout' | 'refused' | 'reset' | 'other';

/** Where a failure happened, as a path template: never a payment id, never the API key. */
export interface PayErrorContext {
  /** HTTP method, e.g. `GET`. */
  method?: string;
  /** Path template, e.g. `/v1/payments/{paymentId}`. */
  path?: string;
}

interface PayErrorInit extends PayErrorContext {
  status?: number;
  code?: string;
  field?: string;
  description?: string;
  header?: string;
  /** Only a plain, freshly built Error: never an axios error, which carries the request headers. */
  cause?: Error;
}

/**
 * Marks the error classes across copies of this package. A service can load it twice (the ESM
 * and the CommonJS build, or two versions in node_modules), and a plain `instanceof` would then
 * say an error from one copy is not a `PayError` of the other: retry rules, a journey's outcome
 * mapping and the service's own `catch` would all take the wrong branch. `Symbol.for` gives every
 * copy the same key, and each class puts its own name under it.
 */
const PAY_ERROR_BRAND: unique symbol = Symbol.for('govuk-pay-express.PayError');

/**
 * The base of every GOV.UK Pay API failure. It carries what GOV.UK Pay said (`status`, `code`,
 * `field`, `description`) and nothing of the request: no axios config, no headers, so the API key
 * can never be printed from an error, whatever a logger or `util.inspect` digs into.
 */
export class PayError extends Error {
  static readonly [PAY_ERROR_BRAND]: string = 'PayError';

  /**
   * `instanceof` by brand, so it holds across copies of the package; per class, so a
   * `PayRateLimitError` is a `PayError` but not a `PayServerError`. A subclass a service defines
   * without a brand of its own falls back to the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBrandedInstance(this, PAY_ERROR_BRAND, value);
  }

  override readonly name: string = 'PayError';
  /** The HTTP status GOV.UK Pay answered; absent for local validation and connection failures. */
  declare readonly status?: number;
  /** GOV.UK Pay's error code, such as `P0900`. */
  declare readonly code?: string;
  /** The request field GOV.UK Pay (or local validation) blamed. */
  declare readonly field?: string;
  /** GOV.UK Pay's description: meant for developers, not citizens. */
  declare readonly description?: string;
  /** The request header GOV.UK Pay blamed, e.g. `Idempotency-Key`. */
  declare readonly header?: string;
  /** The HTTP method of the failed call. */
  declare readonly method?: string;
  /** The path template of the failed call, e.g. `/v1/payments/{paymentId}`. */
  declare readonly path?: string;

  constructor(message: string, init: PayErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    const writable = this as { -readonly [K in keyof PayError]?: PayError[K] };
    if (init.status !== undefined) writable.status = init.status;
    if (init.code !== undefined) writable.code = init.code;
    if (init.field !== undefined) writable.field = init.field;
    if (init.description !== undefined) writable.description = init.description;
    if (init.header !== undefined) writable.header = init.header;
    if (init.method !== undefined) writable.method = init.method;
    if (init.path !== undefined) writable.path = init.path;
  }

  /** A plain, safe rendering for JSON loggers. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      field: this.field,
      description: this.description,
      header: this.header,
      method: this.method,
      path: this.path,
    };
  }
}

/** 401 or 403: the API key is wrong, revoked, or the account may not do this. */
export class PayAuthenticationError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayAuthenticationError';
  override readonly name: string = 'PayAuthenticationError';
}

/** 400 or 422 from GOV.UK Pay, or a request refused locally before sending (no `status`). */
export class PayValidationError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayValidationError';
  override readonly name: string = 'PayValidationError';
}

/** 404: no such payment, refund, agreement, or a page past the end of a search. */
export class PayNotFoundError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayNotFoundError';
  override readonly name: string = 'PayNotFoundError';
}

/** 409 or 412: the resource is not in a state that allows this (e.g. P0604 refund mismatch). */
export class PayConflictError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayConflictError';
  override readonly name: string = 'PayConflictError';
}

/** 429 (P0900): over GOV.UK Pay's rate limit. */
export class PayRateLimitError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayRateLimitError';
  override readonly name: string = 'PayRateLimitError';
  /** How long GOV.UK Pay asked us to wait (from `Retry-After`), in milliseconds. */
  declare readonly retryAfterMs?: number;

  constructor(message: string, init: PayErrorInit & { retryAfterMs?: number } = {}) {
    super(message, init);
    if (init.retryAfterMs !== undefined) {
      (this as { retryAfterMs?: number }).retryAfterMs = init.retryAfterMs;
    }
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** 5xx: GOV.UK Pay (or something in front of it) failed. */
export class PayServerError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayServerError';
  override readonly name: string = 'PayServerError';
}

/** No usable HTTP response: timeout, refused or reset connection, DNS failure, abort. */
export class PayConnectionError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayConnectionError';
  override readonly name: string = 'PayConnectionError';
  readonly reason: PayConnectionReason;

  constructor(message: string, reason: PayConnectionReason, init: PayErrorInit = {}) {
    super(message, init);
    this.reason = reason;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/**
 * GOV.UK Pay answered, but not with something this library can use: malformed or truncated JSON,
 * the wrong content type, fields missing, an unexpected status, or a link to another origin.
 */
export class PayResponseError extends PayError {
  static override readonly [PAY_ERROR_BRAND]: string = 'PayResponseError';
  override readonly name: string = 'PayResponseError';
}

type StatusFamily =
  | 'authentication'
  | 'validation'
  | 'not-found'
  | 'conflict'
  | 'rate-limit'
  | 'server'
  | 'unexpected'
  | 'other-client';

function statusFamily(status: number): StatusFamily {
  if (status === 401 || status === 403) return 'authentication';
  if (status === 400 || status === 422) return 'validation';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate-limit';
  if (status >= 500 && status <= 599) return 'server';
  if (status >= 400 && status <= 499) return 'other-client';
  // 1xx, 2xx, 3xx reaching here were not what the call expected (a redirect is never followed,
  // because following one would resend the API key to wherever it points).
  return 'unexpected';
}

const MAX_BODY_STRING = 500;

/** Reads `{code, description, field, header}` from an error body, keeping only short strings. */
export function parseErrorBody(body: unknown): PayErrorBody {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const parsed: PayErrorBody = {};
  for (const key of ['code', 'description', 'field', 'header'] as const) {
    const v = record[key];
    if (typeof v === 'string' && v.length > 0) parsed[key] = v.slice(0, MAX_BODY_STRING);
  }
  return parsed;
}

export interface CreatePayErrorOptions extends PayErrorContext {
  /** From `Retry-After` on a 429, in milliseconds. */
  retryAfterMs?: number;
  /**
   * A secret that must never appear in the error. Should a proxy echo the request into its body,
   * every field that holds the secret, or a fragment of it, is dropped, `code` included.
   */
  secret?: string;
  /** A plain, sanitised cause. */
  cause?: Error;
}

/** Shorter runs of a key's characters occur by chance in ordinary text. */
const SECRET_FRAGMENT_LENGTH = 16;

/**
 * True when `text` holds `secret` or any long enough run of it: a proxy may echo the whole
 * `Authorization` header, the key alone, the key without its `api_test_` prefix, or a truncation.
 * Compared without case, since an echo may change it.
 */
export function echoesSecret(text: string, secret: string): boolean {
  const haystack = text.toLowerCase();
  const needle = secret.toLowerCase();
  if (needle.length <= SECRET_FRAGMENT_LENGTH) return haystack.includes(needle);
  for (let start = 0; start + SECRET_FRAGMENT_LENGTH <= needle.length; start++) {
    if (haystack.includes(needle.slice(start, start + SECRET_FRAGMENT_LENGTH))) return true;
  }
  return false;
}

function withoutSecret(parsed: PayErrorBody, secret: string | undefined): PayErrorBody {
  if (secret === undefined || secret.length === 0) return parsed;
  const kept: PayErrorBody = {};
  for (const key of ['code', 'description', 'field', 'header'] as const) {
    const value = parsed[key];
    if (value !== undefined && !echoesSecret(value, secret)) kept[key] = value;
  }
  return kept;
}

/**
 * Builds the typed error for a non-success HTTP response: the one place where a status and body
 * become a class. Unknown statuses fail closed to a generic class, never to success.
 */
export function createPayError(
  status: number,
  body: unknown,
  options: CreatePayErrorOptions = {},
): PayError {
  // Scrubbed before the message is built from it, so no rendering of the error can hold the key.
  const parsed = withoutSecret(parseErrorBody(body), options.secret);
  const where =
    options.method !== undefined && options.path !== undefined
      ? ` to ${options.method} ${options.path}`
      : '';
  const said = [
    parsed.code,
    parsed.description === undefined ? undefined : `"${parsed.description}"`,
  ]
    .filter((s) => s !== undefined)
    .join(' ');
  const message = `GOV.UK Pay answered ${status}${said === '' ? '' : ` ${said}`}${where}`;
  const init: PayErrorInit = {
    status,
    ...parsed,
    ...(options.method === undefined ? {} : { method: options.method }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  };
  const family = statusFamily(status);
  switch (family) {
    case 'authentication':
      return new PayAuthenticationError(message, init);
    case 'validation':
      return new PayValidationError(message, init);
    case 'not-found':
      return new PayNotFoundError(message, init);
    case 'conflict':
      return new PayConflictError(message, init);
    case 'rate-limit':
      return new PayRateLimitError(message, {
        ...init,
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      });
    case 'server':
      return new PayServerError(message, init);
    case 'unexpected':
      return new PayResponseError(message, init);
    case 'other-client':
      return new PayError(message, init);
    default: {
      const unreachable: never = family;
      return new PayError(`unclassified status ${String(unreachable)}`, init);
    }
  }
}
