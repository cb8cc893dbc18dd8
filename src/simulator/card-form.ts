import { classifyCard, cvcLength, normaliseCardNumber, passesLuhn } from './cards.js';
import type { ErrorKey } from './i18n.js';
import type { CardEntry } from './transitions.js';

/** The card details form as posted, every field a string. */
export interface CardForm {
  cardNo: string;
  expiryMonth: string;
  expiryYear: string;
  cardholderName: string;
  cvc: string;
  email: string;
}

export type CardFormField = 'cardNo' | 'expiry' | 'cardholderName' | 'cvc' | 'email';

export interface FieldError {
  readonly field: CardFormField;
  readonly key: ErrorKey;
}

export type CardFormResult = { ok: true; entry: CardEntry } | { ok: false; errors: FieldError[] };

const FIELDS: readonly (keyof CardForm)[] = [
  'cardNo',
  'expiryMonth',
  'expiryYear',
  'cardholderName',
  'cvc',
  'email',
];

/** Reads the posted fields; anything that is not a single string reads as empty. */
export function readCardForm(body: unknown): CardForm {
  const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const form = {} as CardForm;
  for (const field of FIELDS) {
    const value = source[field];
    form[field] = typeof value === 'string' ? value : '';
  }
  return form;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Server-side checks, in page order. The card number is checked against the sandbox lists:
 * a number that is not a test card is refused here, as GOV.UK Pay's sandbox would refuse it.
 */
export function validateCardForm(form: CardForm, now: number, emailAsked: boolean): CardFormResult {
  const errors: FieldError[] = [];
  const digits = normaliseCardNumber(form.cardNo);
  if (digits === '') {
    errors.push({ field: 'cardNo', key: 'cardNumberMissing' });
  } else if (classifyCard(digits) === 'unknown') {
    const plausible = /^\d{12,19}$/.test(digits) && passesLuhn(digits);
    errors.push({ field: 'cardNo', key: plausible ? 'cardNotTestCard' : 'cardNumberInvalid' });
  }

  const month = form.expiryMonth.trim();
  const year = form.expiryYear.trim();
  let expiryMonth = 0;
  let expiryYear = 0;
  if (month === '' && year === '') {
    errors.push({ field: 'expiry', key: 'expiryMissing' });
  } else if (
    !/^\d{1,2}$/.test(month) ||
    !/^(\d{2}|\d{4})$/.test(year) ||
    Number(month) < 1 ||
    Number(month) > 12
  ) {
    errors.push({ field: 'expiry', key: 'expiryInvalid' });
  } else {
    expiryMonth = Number(month);
    expiryYear = year.length === 2 ? 2000 + Number(year) : Number(year);
    const today = new Date(now);
    const current = today.getUTCFullYear() * 12 + today.getUTCMonth() + 1;
    if (expiryYear * 12 + expiryMonth < current)
      errors.push({ field: 'expiry', key: 'expiryPast' });
  }

  const name = form.cardholderName.trim();
  if (name === '') errors.push({ field: 'cardholderName', key: 'nameMissing' });
  else if (name.length > 255) errors.push({ field: 'cardholderName', key: 'nameTooLong' });

  const cvc = form.cvc.trim();
  const wanted = /^\d{12,19}$/.test(digits) ? [cvcLength(digits)] : [3, 4];
  if (cvc === '') errors.push({ field: 'cvc', key: 'cvcMissing' });
  else if (!/^\d+$/.test(cvc) || !wanted.includes(cvc.length))
    errors.push({ field: 'cvc', key: 'cvcInvalid' });

  const email = form.email.trim();
  if (emailAsked && email !== '' && (email.length > 254 || !EMAIL.test(email))) {
    errors.push({ field: 'email', key: 'emailInvalid' });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    entry: {
      cardNumber: digits,
      expiryMonth,
      expiryYear,
      cardholderName: name,
      ...(emailAsked && email !== '' ? { email } : {}),
    },
  };
}
