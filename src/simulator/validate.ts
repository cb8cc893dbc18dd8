import { MAX_AMOUNT } from '../govuk-pay/index.js';
import type {
  AgreementPaymentType,
  AuthorisationMode,
  Language,
  PaymentMetadata,
  PrefilledCardholderDetails,
} from '../client/index.js';
import type { Account } from './auth.js';
import type { ApiError } from './errors.js';
import { SECURITY_RULES, apiError, invalidType, invalidValue, missing } from './errors.js';
import { isIntegerToken } from './raw-json.js';
import { isValidReturnUrl } from './return-url.js';

// Request validation with GOV.UK Pay's own status split (FACTS.md §3.1): a missing, null or blank
// required field is 400 P0101, a wrong JSON type is 400 P0102, a bad value is 422 P0102. Type
// errors are found by the JSON parser before any value is checked, so a 400 wins over a 422;
// the checks the connector makes (zero amount, https for live accounts) come last.

export type Validation<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface CreatePaymentInput {
  readonly amount: number;
  readonly reference: string;
  readonly description: string;
  readonly returnUrl: string | undefined;
  readonly language: Language;
  readonly email: string | undefined;
  readonly prefilled: PrefilledCardholderDetails | undefined;
  readonly metadata: PaymentMetadata | undefined;
  readonly delayedCapture: boolean;
  readonly moto: boolean;
  readonly authorisationMode: AuthorisationMode;
  /** Agreement mode: the agreement to charge. */
  readonly agreementId: string | undefined;
  /** A web payment that saves its card to this agreement. */
  readonly setUpAgreement: string | undefined;
  readonly agreementPaymentType: AgreementPaymentType | undefined;
}

/** What create-payment validation needs beyond the body. */
export interface CreatePaymentContext {
  readonly account: Account;
  /** The raw text of each top-level number (see raw-json.ts). */
  readonly numberTokens: ReadonlyMap<string, string>;
}

export interface CreateRefundInput {
  readonly amount: number;
  readonly refundAmountAvailable: number | undefined;
}

export { MAX_AMOUNT };
const AMOUNT_DOCS = 'Refer to https://docs.payments.service.gov.uk/making_payments/#amount';
/** NAXSI, GOV.UK Pay's firewall, refuses these in free text. */
const BANNED_CHARACTERS = /[<>|]/;
const STRING_FORMAT = 'Must be a valid string format';
const NUMERIC_FORMAT = 'Must be a valid numeric format';
const BOOLEAN_FORMAT = 'Must be true or false';
const LANGUAGE_RULE = 'Must be "en" or "cy"';
const MODE_RULE = 'Must be one of web, moto_api, agreement';

type Json = Record<string, unknown>;
type Check = () => ApiError | undefined;

export function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isAbsent = (value: unknown): boolean => value === undefined || value === null;
const isBlank = (value: unknown): boolean =>
  isAbsent(value) || (typeof value === 'string' && value.trim() === '');
const tooLong = (max: number): string => `Must be less than or equal to ${max} characters length`;

/** Parses a JSON request body; anything but a JSON object is unparseable for GOV.UK Pay. */
export function parseJsonObject(raw: string, code: string): Validation<Json> {
  try {
    const value: unknown = JSON.parse(raw);
    if (isPlainObject(value)) return { ok: true, value };
  } catch {
    // fall through
  }
  return { ok: false, error: apiError(400, code, 'Unable to parse JSON') };
}

function firstError(checks: readonly Check[]): ApiError | undefined {
  for (const check of checks) {
    const error = check();
    if (error !== undefined) return error;
  }
  return undefined;
}

function requiredText(body: Json, field: string): Check {
  return () => {
    const value = body[field];
    if (isBlank(value)) return missing(field);
    if (typeof value !== 'string' || BANNED_CHARACTERS.test(value)) {
      return invalidType(field, STRING_FORMAT);
    }
    return undefined;
  };
}

function optionalString(body: Json, field: string): Check {
  return () => {
    const value = body[field];
    return isAbsent(value) || typeof value === 'string'
      ? undefined
      : invalidType(field, STRING_FORMAT);
  };
}

function maxLength(body: Json, field: string, max: number): Check {
  return () => {
    const value = body[field];
    return typeof value === 'string' && value.length > max
      ? invalidValue(field, tooLong(max))
      : undefined;
  };
}

function unexpected(body: Json, field: string): Check {
  return () =>
    isAbsent(body[field])
      ? undefined
      : apiError(400, 'P0104', `Unexpected attribute: ${field}`, field);
}

function prefilledChecks(body: Json): { types: Check[]; values: Check[] } {
  const details = body.prefilled_cardholder_details;
  if (isAbsent(details)) return { types: [], values: [] };
  if (!isPlainObject(details)) {
    return {
      types: [() => invalidType('prefilled_cardholder_details', 'Must be a valid JSON object')],
      values: [],
    };
  }
  const types: Check[] = [optionalString(details, 'cardholder_name')];
  const values: Check[] = [maxLength(details, 'cardholder_name', 255)];
  const address = details.billing_address;
  if (!isAbsent(address)) {
    if (!isPlainObject(address)) {
      types.push(() => invalidType('billing_address', 'Must be a valid JSON object'));
    } else {
      for (const [field, max] of [
        ['line1', 255],
        ['line2', 255],
        ['postcode', 25],
        ['city', 255],
        ['country', Infinity],
      ] as const) {
        types.push(optionalString(address, field));
        values.push(maxLength(address, field, max));
      }
    }
  }
  return { types, values };
}

const METADATA_PREFIX = 'Invalid attribute value: metadata. ';

/** Metadata lists every violation at once (pay-java-commons ExternalMetadata). */
function metadataCheck(body: Json): Check {
  return () => {
    const metadata = body.metadata;
    if (metadata === undefined) return undefined;
    if (!isPlainObject(metadata)) {
      return invalidValue('metadata', 'Must be an object of JSON key-value pairs');
    }
    const problems = new Set<string>();
    const entries = Object.entries(metadata);
    if (entries.length > 15) problems.add('Cannot have more than 15 key-value pairs');
    const seen = new Set<string>();
    for (const [key, value] of entries) {
      if (key.length < 1 || key.length > 30) {
        problems.add('Keys must be between 1 and 30 characters long');
      }
      const folded = key.toLowerCase();
      if (seen.has(folded)) problems.add('Keys must be unique, ignoring case');
      seen.add(folded);
      if (value === null) {
        problems.add('Must not have null values');
      } else if (
        typeof value !== 'string' &&
        typeof value !== 'number' &&
        typeof value !== 'boolean'
      ) {
        problems.add('Values must be of type String, Boolean or Number');
      } else if (String(value).length > 100) {
        problems.add('Values must be no greater than 100 characters long');
      }
    }
    if (problems.size === 0) return undefined;
    return apiError(422, 'P0102', METADATA_PREFIX + [...problems].join('. '), 'metadata');
  };
}

const AGREEMENT_PAYMENT_TYPES: ReadonlySet<string> = new Set([
  'instalment',
  'recurring',
  'unscheduled',
]);

export const RECURRING_DISABLED: ApiError = apiError(
  422,
  'P0942',
  'Recurring card payments are currently disabled for this service. Contact support with your error code - https://www.payments.service.gov.uk/support/',
);

/** A JSON integer: JSON.parse reads `100.0` and `1e3` as integers, so the raw text decides. */
function isJsonInteger(value: unknown, token: string | undefined): boolean {
  return typeof value === 'number' && Number.isInteger(value) && isIntegerToken(token);
}

export function validateCreatePayment(
  body: Json,
  context: CreatePaymentContext,
): Validation<CreatePaymentInput> {
  const { account, numberTokens } = context;
  const live = account.live;
  const mode = body.authorisation_mode;
  const modeError: Check = () => {
    if (isAbsent(mode)) return undefined;
    if (typeof mode !== 'string' || mode.trim() === '') {
      return invalidType('authorisation_mode', MODE_RULE);
    }
    return mode === 'web' || mode === 'moto_api' || mode === 'agreement'
      ? undefined
      : invalidValue('authorisation_mode', MODE_RULE);
  };
  const web = isAbsent(mode) || mode === 'web';
  const prefilled = prefilledChecks(body);

  const typeChecks: Check[] = [
    modeError,
    () => {
      const amount = body.amount;
      if (isAbsent(amount)) return missing('amount');
      return isJsonInteger(amount, numberTokens.get('amount'))
        ? undefined
        : invalidType('amount', NUMERIC_FORMAT);
    },
    requiredText(body, 'reference'),
    requiredText(body, 'description'),
    web ? requiredReturnUrl(body) : unexpected(body, 'return_url'),
    ...(mode === 'agreement'
      ? [
          unexpected(body, 'email'),
          unexpected(body, 'prefilled_cardholder_details'),
          () => {
            const id = body.agreement_id;
            if (isBlank(id)) return missing('agreement_id');
            return typeof id === 'string' ? undefined : invalidType('agreement_id', STRING_FORMAT);
          },
        ]
      : [unexpected(body, 'agreement_id')]),
    () => {
      const language = body.language;
      if (language === undefined) return undefined;
      return typeof language === 'string' && language.trim() !== ''
        ? undefined
        : invalidType('language', LANGUAGE_RULE);
    },
    optionalString(body, 'email'),
    ...prefilled.types,
    booleanCheck(body, 'delayed_capture'),
    booleanCheck(body, 'moto'),
    () => {
      const setUp = body.set_up_agreement;
      return isAbsent(setUp) || typeof setUp === 'string'
        ? undefined
        : invalidType('set_up_agreement', STRING_FORMAT);
    },
    () =>
      mode === 'agreement' || !isAbsent(body.set_up_agreement)
        ? undefined
        : unexpected(body, 'agreement_payment_type')(),
    () => {
      const type = body.agreement_payment_type;
      return isAbsent(type) || typeof type === 'string'
        ? undefined
        : invalidType('agreement_payment_type', STRING_FORMAT);
    },
  ];

  const valueChecks: Check[] = [
    () => {
      const amount = body.amount as number;
      if (amount > MAX_AMOUNT)
        return invalidValue('amount', `Must be less than or equal to ${MAX_AMOUNT}`);
      return amount < 0 ? invalidValue('amount', 'Must be greater than or equal to 1') : undefined;
    },
    maxLength(body, 'reference', 255),
    maxLength(body, 'description', 255),
    () => {
      if (!web) return undefined;
      const url = body.return_url as string;
      if (url.length > 2000) return invalidValue('return_url', tooLong(2000));
      return isValidReturnUrl(url)
        ? undefined
        : invalidValue('return_url', 'Must be a valid URL format');
    },
    () =>
      body.language === undefined || body.language === 'en' || body.language === 'cy'
        ? undefined
        : invalidValue('language', LANGUAGE_RULE),
    maxLength(body, 'email', 254),
    ...prefilled.values,
    metadataCheck(body),
    () => {
      const type = body.agreement_payment_type;
      return isAbsent(type) || AGREEMENT_PAYMENT_TYPES.has(type as string)
        ? undefined
        : invalidValue(
            'agreement_payment_type',
            'Must be one of instalment, recurring, unscheduled',
          );
    },
    () =>
      mode === 'moto_api' && !account.motoApi
        ? apiError(
            422,
            'P0195',
            'Using authorisation_mode of moto_api is not allowed for this account',
          )
        : undefined,
    () =>
      body.moto === true && !account.moto
        ? apiError(
            422,
            'P0196',
            'MOTO payments are not enabled for this account. Please contact support if you would like to process MOTO payments - https://www.payments.service.gov.uk/support/ .',
          )
        : undefined,
    // Checked by the connector, after publicapi's own validation.
    () =>
      (mode === 'agreement' || !isAbsent(body.set_up_agreement)) && !account.recurring
        ? RECURRING_DISABLED
        : undefined,
    () =>
      body.amount === 0
        ? invalidValue('amount', `Must be greater than or equal to 1. ${AMOUNT_DOCS}`)
        : undefined,
    // Only live accounts need https. Whether GOV.UK Pay's firewall refuses http on test
    // accounts is UNCONFIRMED (FACTS.md §10); the connector allows it, so the simulator does.
    () =>
      web && live && !(body.return_url as string).startsWith('https://')
        ? apiError(
            422,
            'P0920',
            'Invalid attribute value: return_url. Must begin with https:// for a live gateway account',
            'return_url',
          )
        : undefined,
  ];

  const error = firstError(typeChecks) ?? firstError(valueChecks);
  if (error !== undefined) return { ok: false, error };
  const details = body.prefilled_cardholder_details;
  const metadata = body.metadata as PaymentMetadata | undefined;
  return {
    ok: true,
    value: {
      amount: body.amount as number,
      reference: body.reference as string,
      description: body.description as string,
      returnUrl: web ? (body.return_url as string) : undefined,
      language: (body.language as Language | undefined) ?? 'en',
      email: (body.email as string | null | undefined) ?? undefined,
      prefilled: isPlainObject(details)
        ? (structuredClone(details) as PrefilledCardholderDetails)
        : undefined,
      metadata:
        metadata === undefined || Object.keys(metadata).length === 0 ? undefined : { ...metadata },
      delayedCapture: body.delayed_capture === true,
      moto: body.moto === true,
      authorisationMode: (mode as AuthorisationMode | null | undefined) ?? 'web',
      agreementId: mode === 'agreement' ? (body.agreement_id as string) : undefined,
      setUpAgreement: (body.set_up_agreement as string | null | undefined) ?? undefined,
      agreementPaymentType:
        (body.agreement_payment_type as AgreementPaymentType | null | undefined) ?? undefined,
    },
  };
}

function requiredReturnUrl(body: Json): Check {
  return () => {
    const value = body.return_url;
    if (isBlank(value)) return missing('return_url');
    return typeof value === 'string' ? undefined : invalidType('return_url', STRING_FORMAT);
  };
}

function booleanCheck(body: Json, field: string): Check {
  return () => {
    const value = body[field];
    return value === undefined || typeof value === 'boolean'
      ? undefined
      : invalidType(field, BOOLEAN_FORMAT);
  };
}

export function validateCreateRefund(
  body: Json,
  numberTokens: ReadonlyMap<string, string>,
): Validation<CreateRefundInput> {
  const amount = body.amount;
  const available = body.refund_amount_available;
  const error =
    (isAbsent(amount) ? missing('amount', 'P0601') : undefined) ??
    (isJsonInteger(amount, numberTokens.get('amount'))
      ? undefined
      : invalidType('amount', NUMERIC_FORMAT, 'P0602')) ??
    (isAbsent(available) || isJsonInteger(available, numberTokens.get('refund_amount_available'))
      ? undefined
      : invalidType('refund_amount_available', NUMERIC_FORMAT, 'P0602')) ??
    ((amount as number) < 1
      ? invalidValue('amount', 'Must be greater than or equal to 1', 'P0602')
      : undefined) ??
    ((amount as number) > MAX_AMOUNT
      ? invalidValue('amount', `Must be less than or equal to ${MAX_AMOUNT}`, 'P0602')
      : undefined);
  if (error !== undefined) return { ok: false, error };
  return {
    ok: true,
    value: {
      amount: amount as number,
      refundAmountAvailable: isAbsent(available) ? undefined : (available as number),
    },
  };
}

/** Idempotency-Key is checked for format in every mode, though only agreement payments use it. */
export function validateIdempotencyKey(value: string | undefined): ApiError | undefined {
  if (value === undefined) return undefined;
  const headerError = (description: string): ApiError => ({
    status: 422,
    body: { header: 'Idempotency-Key', code: 'P0102', description },
  });
  if (value.length < 1 || value.length > 255) {
    return headerError('Header [Idempotency-Key] can have a size between 1 and 255');
  }
  return /^[a-zA-Z0-9-]+$/.test(value)
    ? undefined
    : headerError('Header [Idempotency-Key] can only contain alphanumeric characters and hyphens');
}

/** GOV.UK Pay's firewall answers a POST that is not JSON before the API sees it. */
export const firewallRefusal: ApiError = apiError(400, 'P0920', SECURITY_RULES);
