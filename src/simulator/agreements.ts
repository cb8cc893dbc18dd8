import type { Agreement, CardDetails } from '../client/index.js';
import { isoMillis } from './clock.js';
import type { ApiError } from './errors.js';
import { apiError, invalidValue } from './errors.js';
import type { SimAgreement } from './model.js';
import type { Validation } from './validate.js';

// Recurring-payments agreements (FACTS.md §9): create, get, search and cancel. Their errors have
// codes of their own (P21xx to P25xx), except that a value too long is 422 P0102 as for payments.

export interface CreateAgreementInput {
  readonly reference: string;
  readonly description: string;
  readonly userIdentifier: string | undefined;
}

const STRING_FORMAT = 'Must be a valid string format';
const BANNED_CHARACTERS = /[<>|]/;

type Json = Record<string, unknown>;

export function validateCreateAgreement(body: Json): Validation<CreateAgreementInput> {
  const fail = (error: ApiError): Validation<CreateAgreementInput> => ({ ok: false, error });
  for (const field of ['reference', 'description'] as const) {
    const value = body[field];
    if (value === undefined || value === null || value === '') {
      return fail(apiError(400, 'P2101', `Missing mandatory attribute: ${field}`, field));
    }
    if (typeof value !== 'string' || BANNED_CHARACTERS.test(value)) {
      return fail(
        apiError(400, 'P2102', `Invalid attribute value: ${field}. ${STRING_FORMAT}`, field),
      );
    }
  }
  const user = body.user_identifier;
  if (user !== undefined && user !== null && typeof user !== 'string') {
    return fail(
      apiError(
        400,
        'P2102',
        `Invalid attribute value: user_identifier. ${STRING_FORMAT}`,
        'user_identifier',
      ),
    );
  }
  for (const field of ['reference', 'description', 'user_identifier'] as const) {
    const value = body[field];
    if (typeof value === 'string' && value.length > 255) {
      return fail(invalidValue(field, 'Must be less than or equal to 255 characters length'));
    }
  }
  if (user === '') {
    // An empty user_identifier is a 422 P0102 (pay-publicapi AgreementsApiResourceCreateIT);
    // the exact wording of its reason is UNCONFIRMED, so the length rule is quoted.
    return fail(invalidValue('user_identifier', 'Must have a size between 1 and 255'));
  }
  return {
    ok: true,
    value: {
      reference: body.reference as string,
      description: body.description as string,
      userIdentifier: typeof user === 'string' ? user : undefined,
    },
  };
}

export function agreementUrl(origin: string, agreementId: string): string {
  return `${origin}/v1/agreements/${agreementId}`;
}

/** The wire shape: `payment_instrument.card_details`, snake case, not the spec's `CardDetails`. */
export function renderAgreement(agreement: SimAgreement): Agreement {
  const rendered: Agreement & { cancelled_date?: string } = {
    agreement_id: agreement.id,
    reference: agreement.reference,
    description: agreement.description,
    status: agreement.status,
    created_date: isoMillis(agreement.createdAt),
  };
  if (agreement.userIdentifier !== undefined) rendered.user_identifier = agreement.userIdentifier;
  if (agreement.instrument !== undefined) {
    const { wallet_type: _wallet, ...card } = agreement.instrument.card;
    rendered.payment_instrument = {
      type: 'card',
      created_date: isoMillis(agreement.instrument.at),
      card_details: card as CardDetails,
    };
  }
  if (agreement.status === 'cancelled' && agreement.endedAt !== undefined) {
    rendered.cancelled_date = isoMillis(agreement.endedAt);
  }
  return rendered;
}

/** `POST /v1/agreements/{id}/cancel` is allowed only on an active agreement. */
export const AGREEMENT_CANCEL_FAILED: ApiError = apiError(
  400,
  'P2501',
  'Cancellation of agreement failed',
);
