import type { SimulatorEngine } from './engine.js';
import type { ApiError } from './errors.js';
import { apiError } from './errors.js';
import { classifyCard, normaliseCardNumber } from './cards.js';
import type { ApiResponse } from './respond.js';
import { confirmPayment, failWithProviderError, submitCard } from './transitions.js';
import type { Validation } from './validate.js';

// The MOTO card details API (FACTS.md §9): a `moto_api` payment's `auth_url_post` takes the card
// details from the service itself, with the payment's one_time_token instead of an API key.
// Validation errors are 422 here, P0101 and P0102 alike. The wording of the reasons and of the
// P1211/P1212 descriptions comes from the connector and is UNCONFIRMED.

export interface AuthorisationInput {
  readonly oneTimeToken: string;
  readonly cardNumber: string;
  readonly cvc: string;
  readonly expiryMonth: number;
  readonly expiryYear: number;
  readonly cardholderName: string;
}

type Json = Record<string, unknown>;

const FIELDS: readonly (readonly [name: string, valid: (v: string) => boolean, reason: string])[] =
  [
    ['one_time_token', (v) => v.length >= 1, 'Must be a valid one_time_token'],
    ['card_number', (v) => /^\d{12,19}$/.test(v), 'Must be a valid card number'],
    ['cvc', (v) => /^\d{3,4}$/.test(v), 'Must be a valid card security code'],
    [
      'expiry_date',
      (v) => /^(0[1-9]|1[0-2])\/\d{2}$/.test(v),
      'Must be a valid date with the format MM/YY',
    ],
    [
      'cardholder_name',
      (v) => v.length <= 255,
      'Must be less than or equal to 255 characters length',
    ],
  ];

export function validateAuthorisation(body: Json): Validation<AuthorisationInput> {
  for (const [name, valid, reason] of FIELDS) {
    const value = body[name];
    if (value === undefined || value === null || (value === '' && name !== 'cardholder_name')) {
      return {
        ok: false,
        error: apiError(422, 'P0101', `Missing mandatory attribute: ${name}`, name),
      };
    }
    if (typeof value !== 'string' || !valid(value)) {
      return {
        ok: false,
        error: apiError(422, 'P0102', `Invalid attribute value: ${name}. ${reason}`, name),
      };
    }
  }
  const [month, year] = (body.expiry_date as string).split('/');
  return {
    ok: true,
    value: {
      oneTimeToken: body.one_time_token as string,
      cardNumber: normaliseCardNumber(body.card_number as string),
      cvc: body.cvc as string,
      expiryMonth: Number(month),
      expiryYear: 2000 + Number(year),
      cardholderName: body.cardholder_name as string,
    },
  };
}

const fromError = (error: ApiError): ApiResponse => ({ status: error.status, body: error.body });

export const TOKEN_UNKNOWN = apiError(400, 'P1211', 'No payment matches the one_time_token');
export const TOKEN_USED = apiError(400, 'P1212', 'The one_time_token has already been used');
export const MOTO_REJECTED = apiError(402, 'P0010', 'The payment was rejected');
export const MOTO_ERROR = apiError(500, 'P0050', 'There was an error authorising the payment');

/**
 * Authorises and, unless capture is delayed, captures at once: there is no Confirm page.
 * 204, 402 P0010 for a declined card, 500 P0050 for the error card and for a number the
 * sandbox does not know (its gateway answers "Unsupported card details"; UNCONFIRMED).
 */
export function authoriseWithCardDetails(
  engine: SimulatorEngine,
  input: AuthorisationInput,
): ApiResponse {
  const taken = engine.store.takeOneTimeToken(input.oneTimeToken);
  if (taken === undefined) return fromError(TOKEN_UNKNOWN);
  if (taken === 'used') return fromError(TOKEN_USED);
  const payment = engine.getPayment(taken.id) ?? taken;
  // An expired or cancelled payment can no longer be authorised with its token.
  if (payment.status !== 'created') return fromError(TOKEN_USED);
  const now = engine.clock.now();
  if (classifyCard(input.cardNumber) === 'unknown') {
    failWithProviderError(payment, now);
    return fromError(MOTO_ERROR);
  }
  const result = submitCard(
    payment,
    {
      cardNumber: input.cardNumber,
      expiryMonth: input.expiryMonth,
      expiryYear: input.expiryYear,
      cardholderName: input.cardholderName,
    },
    now,
  );
  switch (result) {
    case 'submitted':
      confirmPayment(payment, now);
      return { status: 204 };
    case 'declined':
      return fromError(MOTO_REJECTED);
    case 'error':
    case 'unknown-card':
      return fromError(MOTO_ERROR);
    default: {
      const unknown: never = result;
      throw new Error(`unknown card result ${String(unknown)}`);
    }
  }
}
