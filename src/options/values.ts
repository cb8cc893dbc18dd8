import { PayConfigError } from '../config-error.js';
import type { PayConfigErrorCode } from '../config-error.js';
import { preferRequestLogger, silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { optionPath } from './path.js';

/*
 * Readers for one option each. A reader takes the raw value and the option's path, returns the
 * value typed (or the fallback when it is `undefined`: not given), and throws `PayConfigError`
 * with a message in one style: `<path> must be <what>`, never echoing the value, which may be a
 * secret.
 */

export function invalidOption(
  path: string,
  problem: string,
  code: PayConfigErrorCode = 'ERR_PAY_INVALID_OPTION',
): never {
  throw new PayConfigError(code, `${path} ${problem}`);
}

/** Throws `ERR_PAY_MISSING_OPTION` when the option was not given; `hint` says what to pass. */
export function requireOption(
  value: unknown,
  path: string,
  hint: string,
  code: PayConfigErrorCode = 'ERR_PAY_MISSING_OPTION',
): unknown {
  if (value === undefined) throw new PayConfigError(code, `${path} is required: ${hint}`);
  return value;
}

export interface NumberRule {
  min: number;
  max: number;
  /** Whole numbers only. @default false */
  integer?: boolean;
  /** The unit in the plural, as the message names it: `milliseconds`, `minutes`, `retries`. */
  unit: string;
  /** Why the bounds are what they are, added to the message. */
  why?: string;
}

export function numberOption(value: unknown, path: string, rule: NumberRule): number | undefined;
export function numberOption(
  value: unknown,
  path: string,
  rule: NumberRule,
  fallback: number,
): number;
export function numberOption(
  value: unknown,
  path: string,
  rule: NumberRule,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const integer = rule.integer === true;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < rule.min ||
    value > rule.max
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    const why = rule.why === undefined ? '' : ` (${rule.why})`;
    invalidOption(path, `must be ${kind} of ${rule.unit} from ${rule.min} to ${rule.max}${why}`);
  }
  return value;
}

export function booleanOption(value: unknown, path: string): boolean | undefined;
export function booleanOption(value: unknown, path: string, fallback: boolean): boolean;
export function booleanOption(
  value: unknown,
  path: string,
  fallback?: boolean,
): boolean | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidOption(path, 'must be true or false');
  return value;
}

export function enumOption<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T | undefined;
export function enumOption<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  fallback: T,
): T;
export function enumOption<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const choices = allowed.map((choice) => `'${choice}'`).join(' or ');
    invalidOption(
      path,
      `must be ${choices}${fallback === undefined ? '' : ` (the default is '${fallback}')`}`,
    );
  }
  return value as T;
}

export interface StringRule {
  pattern: RegExp;
  /** What a valid value looks like, for the message: `1 to 64 letters, digits or -_`. */
  describe: string;
  code?: PayConfigErrorCode;
}

export function stringOption(value: unknown, path: string, rule: StringRule): string | undefined;
export function stringOption(
  value: unknown,
  path: string,
  rule: StringRule,
  fallback: string,
): string;
export function stringOption(
  value: unknown,
  path: string,
  rule: StringRule,
  fallback?: string,
): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !rule.pattern.test(value)) {
    invalidOption(path, `must be ${rule.describe}`, rule.code);
  }
  return value;
}

type AnyFunction = (...args: never[]) => unknown;

export function functionOption<T extends AnyFunction>(
  value: unknown,
  path: string,
  hint: string,
): T | undefined;
export function functionOption<T extends AnyFunction>(
  value: unknown,
  path: string,
  hint: string,
  fallback: T,
): T;
export function functionOption<T extends AnyFunction>(
  value: unknown,
  path: string,
  hint: string,
  fallback?: T,
): T | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') invalidOption(path, `must be a function: ${hint}`);
  return value as T;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A pino-compatible logger; not given, the library is silent. */
export function loggerOption(value: unknown, path: string): Logger {
  if (value === undefined) return silentLogger;
  const candidate = value as Partial<Record<(typeof LOG_LEVELS)[number], unknown>> | null;
  if (
    (typeof candidate !== 'object' && typeof candidate !== 'function') ||
    candidate === null ||
    LOG_LEVELS.some((level) => typeof candidate[level] !== 'function')
  ) {
    invalidOption(
      path,
      'must have debug, info, warn and error methods (pino works as it is); leave it out for silence',
    );
  }
  // Lines logged while handling a request with a `req.log` (pino-http) go there, with its id.
  return preferRequestLogger(value as Logger);
}

export interface SecretRule {
  minLength: number;
  /** How to make a good one, e.g. 'generate one with `openssl rand -base64 48`'. */
  hint: string;
  code?: PayConfigErrorCode;
}

/** A string secret of at least `minLength` characters. The message never shows the value. */
export function secretOption(value: unknown, path: string, rule: SecretRule): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < rule.minLength) {
    invalidOption(
      path,
      `must be a string of at least ${rule.minLength} characters; ${rule.hint}`,
      rule.code,
    );
  }
  return value;
}

export interface ListRule {
  /** @default 1 */
  minItems?: number;
  /** What the list holds, for the message: `secrets, newest first`. */
  describe: string;
  code?: PayConfigErrorCode;
}

/** An array, each item read by `readItem` under its own path (`cookie.secrets[1]`). */
export function listOption<T>(
  value: unknown,
  path: string,
  rule: ListRule,
  readItem: (item: unknown, itemPath: string) => T,
): T[] | undefined {
  if (value === undefined) return undefined;
  const minItems = rule.minItems ?? 1;
  if (!Array.isArray(value) || value.length < minItems) {
    const size = minItems === 1 ? 'a non-empty array' : `an array of at least ${minItems}`;
    invalidOption(path, `must be ${size} of ${rule.describe}`, rule.code);
  }
  return value.map((item: unknown, index) => readItem(item, optionPath(path, index)));
}

export interface MethodsRule {
  /** Methods the object must have. */
  required: readonly string[];
  /** Methods it may have; when present they must be functions. */
  optional?: readonly string[];
  /** What the object is, for the message: `a PaymentStore`, `a transport`. */
  describe: string;
  /** What to do instead, e.g. 'leave store out to use a MemoryStore'. */
  hint?: string;
}

/**
 * An object (or function) with the named methods: a store, a transport, a client. The message
 * lists every method missing, so one fix covers them all.
 */
export function methodsOption<T>(value: unknown, path: string, rule: MethodsRule): T | undefined {
  if (value === undefined) return undefined;
  const holder =
    (typeof value === 'object' || typeof value === 'function') && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  const missing = rule.required.filter((name) => typeof holder?.[name] !== 'function');
  const wrong = (rule.optional ?? []).filter(
    (name) =>
      holder !== undefined && holder[name] !== undefined && typeof holder[name] !== 'function',
  );
  if (missing.length > 0 || wrong.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`it lacks ${missing.join(', ')}`] : []),
      ...(wrong.length > 0 ? [`${wrong.join(', ')} must be a function`] : []),
    ].join(' and ');
    const hint = rule.hint === undefined ? '' : `; ${rule.hint}`;
    invalidOption(path, `must be ${rule.describe}: ${problems}${hint}`);
  }
  return value as T;
}
