import { PayResponseError, PayValidationError } from './errors.js';
import type { CallSettings, PreparedRequest } from './pipeline.js';
import { isPlainObject } from '../options/index.js';
import { validateResourceId, validateTimeoutMs } from './validate.js';

/**
 * One GOV.UK Pay operation as data: the method, the path template and its parameters, and how to
 * read the answer. The client's methods are each one of these; `prepare` turns it into a request.
 */
export interface OperationSpec<T> {
  /** The client method's name, for messages: `getPayment`. */
  name: string;
  method: 'GET' | 'POST';
  /** The path template, e.g. `/v1/payments/{paymentId}/refunds/{refundId}`. */
  path: string;
  /** The template's parameters, checked as GOV.UK Pay ids in the order given. */
  params?: Readonly<Record<string, unknown>>;
  /** An encoded query string, `?…`, or `''`. */
  query?: string;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** @default [200] with `parse`, [204] without */
  expect?: readonly number[];
  /** Checks and types the body; absent for 204 answers. */
  parse?: (body: unknown) => T;
  /**
   * The answer must name the resource asked for: `['payment_id', 'paymentId']` compares the
   * answer's `payment_id` with the `paymentId` parameter. A proxy cache or a misrouted request
   * could otherwise return someone else's payment.
   */
  sameId?: readonly [field: string, param: string];
  /** Checks the request locally, after the ids and before anything is sent. */
  guard?: () => void;
}

/** Puts each parameter in the template, refusing anything that could change the path. */
export function expandPath(
  operation: string,
  template: string,
  params: Readonly<Record<string, unknown>>,
): string {
  let url = template;
  for (const [name, value] of Object.entries(params)) {
    validateResourceId(operation, name, value);
    url = url.replace(`{${name}}`, () => value);
  }
  if (/[{}]/.test(url)) throw new Error(`${operation}: unfilled parameter in ${template}`);
  return url;
}

export function prepare<T>(spec: OperationSpec<T>): PreparedRequest<T> {
  const path = expandPath(spec.name, spec.path, spec.params ?? {});
  return {
    method: spec.method,
    url: `${path}${spec.query ?? ''}`,
    pathTemplate: spec.path,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.headers === undefined ? {} : { headers: spec.headers }),
    expect: spec.expect ?? (spec.parse === undefined ? [204] : [200]),
    ...(spec.parse === undefined ? {} : { parse: spec.parse }),
  };
}

/** Throws when the answer names another resource than the one asked for (see `sameId`). */
export function checkSameId<T>(spec: OperationSpec<T>, answer: T): T {
  if (spec.sameId === undefined) return answer;
  const [field, param] = spec.sameId;
  const actual = (answer as Record<string, unknown>)[field];
  if (actual !== spec.params?.[param]) {
    throw new PayResponseError(
      `govuk-pay-express: GOV.UK Pay answered ${spec.method} ${spec.path} with a different ${field} than asked for`,
      { field },
    );
  }
  return answer;
}

/** Checks a call's options (`timeoutMs`, `signal`, and `extraKeys`) against the client's default. */
export function resolveCallOptions(
  operation: string,
  opts: unknown,
  defaultTimeoutMs: number,
  extraKeys: readonly string[] = [],
): CallSettings {
  if (opts === undefined) return { timeoutMs: defaultTimeoutMs };
  if (!isPlainObject(opts)) {
    throw new PayValidationError(`govuk-pay-express: ${operation}: options must be an object`, {
      field: 'opts',
    });
  }
  for (const key of Object.keys(opts)) {
    if (key !== 'timeoutMs' && key !== 'signal' && !extraKeys.includes(key)) {
      throw new PayValidationError(
        `govuk-pay-express: ${operation}: unknown call option "${key}"; use timeoutMs or signal`,
        { field: key },
      );
    }
  }
  let timeoutMs = defaultTimeoutMs;
  if (opts.timeoutMs !== undefined) {
    validateTimeoutMs(operation, opts.timeoutMs);
    timeoutMs = opts.timeoutMs;
  }
  const signal = opts.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new PayValidationError(`govuk-pay-express: ${operation}: signal must be an AbortSignal`, {
      field: 'signal',
    });
  }
  return signal === undefined ? { timeoutMs } : { timeoutMs, signal };
}
