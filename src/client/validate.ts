import { MAX_AMOUNT, PAYMENT_ID_PATTERN } from '../govuk-pay/index.js';
import { isPlainObject, suggestOption } from '../options/index.js';
import { PayValidationError } from './errors.js';
import { TIMEOUT_MS_RULE } from './options.js';
import type { CreateAgreementRequest, CreatePaymentRequest, CreateRefundRequest } from './types.js';

/*
 * Local checks that mirror GOV.UK Pay's own limits (FACTS.md §3.1, §7, §8, §9). A request that
 * would be refused is refused here, naming the field, before any HTTP call: a citizen is never
 * sent to a payment page for a request GOV.UK Pay would reject, and values never leave the
 * service only to bounce. Messages never echo the value: it may be personal data.
 */

const MAX_TEXT = 255;
const MAX_RETURN_URL = 2000;
const MAX_EMAIL = 254;
const MAX_POSTCODE = 25;
const MAX_METADATA_KEYS = 15;
const MAX_METADATA_KEY = 30;
const MAX_METADATA_VALUE = 100;
/** GOV.UK Pay's firewall (NAXSI) refuses these in reference and description. */
const BANNED_CHARACTERS = /[<>|]/;
const IDEMPOTENCY_KEY = /^[a-zA-Z0-9-]{1,255}$/;
/** GOV.UK Pay ids are 26 chars of base32; this is looser, but never lets `/`, `.` or `%` into a path. */
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function fail(operation: string, field: string, problem: string): never {
  throw new PayValidationError(`govuk-pay-express: ${operation}: ${field} ${problem}`, { field });
}

function rejectUnknownKeys(
  operation: string,
  value: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  prefix = '',
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      const nearest = suggestOption(key, [...allowed]);
      fail(
        operation,
        `${prefix}${key}`,
        nearest === undefined
          ? 'is not a field GOV.UK Pay accepts here; check its spelling'
          : `is not a field GOV.UK Pay accepts here; did you mean ${prefix}${nearest}?`,
      );
    }
  }
}

function checkWholeAmount(operation: string, field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(operation, field, 'must be a whole number of pence (for example 1250 for £12.50)');
  }
  if (value < min || value > MAX_AMOUNT) {
    fail(operation, field, `must be from ${min} to ${MAX_AMOUNT} pence`);
  }
}

function checkText(
  operation: string,
  field: string,
  value: unknown,
  max: number,
  options: { required: boolean; banned?: RegExp },
): void {
  if (value === undefined && !options.required) return;
  if (typeof value !== 'string') {
    fail(
      operation,
      field,
      options.required ? 'is required and must be a string' : 'must be a string',
    );
  }
  if (value.trim() === '') fail(operation, field, 'must not be empty or blank');
  if (value.length > max) fail(operation, field, `must be at most ${max} characters`);
  if (options.banned?.test(value) === true) {
    fail(operation, field, 'must not contain <, > or | (GOV.UK Pay refuses them)');
  }
}

function checkBoolean(operation: string, field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean')
    fail(operation, field, 'must be true or false');
}

function checkEnum(
  operation: string,
  field: string,
  value: unknown,
  allowed: readonly string[],
): void {
  if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) {
    fail(operation, field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
}

function checkReturnUrl(operation: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    fail(operation, 'return_url', 'is required for web payments and must be a string');
  }
  if (value.length > MAX_RETURN_URL) {
    fail(operation, 'return_url', `must be at most ${MAX_RETURN_URL} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(operation, 'return_url', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(
      operation,
      'return_url',
      'must start with https:// (http:// is accepted by test accounts only)',
    );
  }
  if (url.hostname === '') fail(operation, 'return_url', 'must have a host');
}

function checkMetadata(operation: string, value: unknown): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) fail(operation, 'metadata', 'must be an object of key-value pairs');
  const keys = Object.keys(value);
  if (keys.length > MAX_METADATA_KEYS) {
    fail(operation, 'metadata', `must have at most ${MAX_METADATA_KEYS} keys`);
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.length < 1 || key.length > MAX_METADATA_KEY) {
      fail(operation, 'metadata', `keys must be 1 to ${MAX_METADATA_KEY} characters long`);
    }
    const folded = key.toLowerCase();
    if (seen.has(folded)) {
      fail(
        operation,
        'metadata',
        'keys must be unique ignoring case (GOV.UK Pay refuses duplicates)',
      );
    }
    seen.add(folded);
    const v = value[key];
    const ok =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v));
    if (!ok)
      fail(operation, 'metadata', 'values must be strings, finite numbers or booleans, not null');
    if (String(v).length > MAX_METADATA_VALUE) {
      fail(operation, 'metadata', `values must be at most ${MAX_METADATA_VALUE} characters long`);
    }
  }
}

const BILLING_ADDRESS_KEYS = new Set(['line1', 'line2', 'postcode', 'city', 'country']);
const PREFILLED_KEYS = new Set(['cardholder_name', 'billing_address']);

function checkPrefilled(operation: string, value: unknown): void {
  if (value === undefined) return;
  const base = 'prefilled_cardholder_details';
  if (!isPlainObject(value)) fail(operation, base, 'must be an object');
  rejectUnknownKeys(operation, value, PREFILLED_KEYS, `${base}.`);
  checkOptionalString(operation, `${base}.cardholder_name`, value.cardholder_name, MAX_TEXT);
  const address = value.billing_address;
  if (address === undefined) return;
  const addressField = `${base}.billing_address`;
  if (!isPlainObject(address)) fail(operation, addressField, 'must be an object');
  rejectUnknownKeys(operation, address, BILLING_ADDRESS_KEYS, `${addressField}.`);
  checkOptionalString(operation, `${addressField}.line1`, address.line1, MAX_TEXT);
  checkOptionalString(operation, `${addressField}.line2`, address.line2, MAX_TEXT);
  checkOptionalString(operation, `${addressField}.city`, address.city, MAX_TEXT);
  checkOptionalString(operation, `${addressField}.postcode`, address.postcode, MAX_POSTCODE);
  // An invalid country is accepted by GOV.UK Pay (the page defaults to the UK), so only the type.
  checkOptionalString(operation, `${addressField}.country`, address.country, MAX_TEXT);
}

/** Optional strings that may be empty (GOV.UK Pay accepts an empty prefilled value). */
function checkOptionalString(operation: string, field: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string') fail(operation, field, 'must be a string');
  if (value.length > max) fail(operation, field, `must be at most ${max} characters`);
}

/** Every field of a create-payment request, as in the spec's `CreateCardPaymentRequest`. */
export const CREATE_PAYMENT_KEYS: ReadonlySet<string> = new Set<string>([
  'amount',
  'reference',
  'description',
  'return_url',
  'language',
  'email',
  'prefilled_cardholder_details',
  'metadata',
  'delayed_capture',
  'moto',
  'authorisation_mode',
  'agreement_id',
  'set_up_agreement',
  'agreement_payment_type',
] satisfies (keyof CreatePaymentRequest)[]);

/**
 * Checks a create-payment request against GOV.UK Pay's limits. Throws a `PayValidationError`
 * whose `field` names the first problem; the client calls it before sending anything.
 */
export function validateCreatePaymentRequest(req: unknown): asserts req is CreatePaymentRequest {
  const op = 'createPayment';
  if (!isPlainObject(req)) fail(op, 'request', 'must be an object');
  rejectUnknownKeys(op, req, CREATE_PAYMENT_KEYS);
  checkWholeAmount(op, 'amount', req.amount, 1);
  checkText(op, 'reference', req.reference, MAX_TEXT, {
    required: true,
    banned: BANNED_CHARACTERS,
  });
  checkText(op, 'description', req.description, MAX_TEXT, {
    required: true,
    banned: BANNED_CHARACTERS,
  });
  checkEnum(op, 'authorisation_mode', req.authorisation_mode, ['web', 'moto_api', 'agreement']);
  const mode = (req.authorisation_mode ?? 'web') as string;
  if (mode === 'web') {
    checkReturnUrl(op, req.return_url);
  } else if (req.return_url !== undefined) {
    fail(op, 'return_url', `must not be sent with authorisation_mode '${mode}'`);
  }
  checkEnum(op, 'language', req.language, ['en', 'cy']);
  checkText(op, 'email', req.email, MAX_EMAIL, { required: false });
  checkPrefilled(op, req.prefilled_cardholder_details);
  checkMetadata(op, req.metadata);
  checkBoolean(op, 'delayed_capture', req.delayed_capture);
  checkBoolean(op, 'moto', req.moto);
  checkEnum(op, 'agreement_payment_type', req.agreement_payment_type, [
    'instalment',
    'recurring',
    'unscheduled',
  ]);
  for (const field of ['agreement_id', 'set_up_agreement'] as const) {
    const v = req[field];
    if (v !== undefined && (typeof v !== 'string' || !PAYMENT_ID_PATTERN.test(v))) {
      fail(op, field, 'must be a 26-character agreement id (0-9 and a-v)');
    }
  }
  if (mode === 'agreement') {
    if (req.agreement_id === undefined) {
      fail(op, 'agreement_id', "is required with authorisation_mode 'agreement'");
    }
    for (const field of ['email', 'prefilled_cardholder_details'] as const) {
      if (req[field] !== undefined) {
        fail(op, field, "must not be sent with authorisation_mode 'agreement'");
      }
    }
  } else if (req.agreement_id !== undefined) {
    fail(op, 'agreement_id', "is only allowed with authorisation_mode 'agreement'");
  }
  if (
    req.agreement_payment_type !== undefined &&
    mode !== 'agreement' &&
    req.set_up_agreement === undefined
  ) {
    fail(
      op,
      'agreement_payment_type',
      "is only allowed with set_up_agreement or authorisation_mode 'agreement'",
    );
  }
}

const REFUND_KEYS = new Set<string>([
  'amount',
  'refund_amount_available',
] satisfies (keyof CreateRefundRequest)[]);

/** Checks a refund request: whole pence, within GOV.UK Pay's range. */
export function validateRefundRequest(req: unknown): asserts req is CreateRefundRequest {
  const op = 'refundPayment';
  if (!isPlainObject(req)) fail(op, 'request', 'must be an object');
  rejectUnknownKeys(op, req, REFUND_KEYS);
  checkWholeAmount(op, 'amount', req.amount, 1);
  const available = req.refund_amount_available;
  if (available !== undefined) {
    if (typeof available !== 'number' || !Number.isInteger(available) || available < 0) {
      fail(op, 'refund_amount_available', 'must be a whole number of pence, 0 or more');
    }
  }
}

const AGREEMENT_KEYS = new Set<string>([
  'reference',
  'description',
  'user_identifier',
] satisfies (keyof CreateAgreementRequest)[]);

/** Checks a create-agreement request (FACTS.md §9). */
export function validateCreateAgreementRequest(
  req: unknown,
): asserts req is CreateAgreementRequest {
  const op = 'createAgreement';
  if (!isPlainObject(req)) fail(op, 'request', 'must be an object');
  rejectUnknownKeys(op, req, AGREEMENT_KEYS);
  checkText(op, 'reference', req.reference, MAX_TEXT, {
    required: true,
    banned: BANNED_CHARACTERS,
  });
  checkText(op, 'description', req.description, MAX_TEXT, {
    required: true,
    banned: BANNED_CHARACTERS,
  });
  checkText(op, 'user_identifier', req.user_identifier, MAX_TEXT, {
    required: false,
    banned: BANNED_CHARACTERS,
  });
}

/** 1–255 characters of `[a-zA-Z0-9-]`, as GOV.UK Pay requires (FACTS.md §8). */
export function validateIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new PayValidationError(
      'govuk-pay-express: createPayment: idempotencyKey must be 1 to 255 letters, digits or hyphens',
      { field: 'idempotencyKey', header: 'Idempotency-Key' },
    );
  }
}

/**
 * Ids go into URL paths, so anything that could change the path (`/`, `..`, `%`, `?`) is refused
 * before it is sent with the API key.
 */
export function validateResourceId(
  operation: string,
  field: string,
  id: unknown,
): asserts id is string {
  if (typeof id !== 'string' || !RESOURCE_ID.test(id)) {
    fail(operation, field, 'must be a GOV.UK Pay id (letters and digits)');
  }
}

/** Per-call timeout, in the same range as the client's own `timeoutMs`. */
export function validateTimeoutMs(operation: string, value: unknown): asserts value is number {
  const { min, max } = TIMEOUT_MS_RULE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(operation, 'timeoutMs', `must be a whole number of milliseconds from ${min} to ${max}`);
  }
}
