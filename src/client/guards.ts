import type {
  Agreement,
  DisputeSearchResults,
  Payment,
  PaymentEvents,
  PaymentRefunds,
  PaymentSearchResult,
  Refund,
  RefundSearchResult,
  SearchResults,
} from './types.js';

/*
 * Shape checks for what GOV.UK Pay sends back. Each checks the fields the library and its users
 * rely on and tolerates every extra property, because GOV.UK Pay adds fields without a version
 * change (FACTS.md §1). Absent optional fields are normal (GOV.UK Pay omits nulls); a present one
 * of the wrong type is not.
 */

/** A failed shape check: `path` names the first offending field, e.g. `state.finished`. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(readonly path: string) {
    super(`missing or mistyped field ${path}`);
  }

  /** The same failure, named from the object or array that holds the field at `key`. */
  within(key: string | number): ShapeError {
    const segment = typeof key === 'number' ? `[${key}]` : key;
    const inner = this.path;
    return new ShapeError(
      inner === '' ? segment : inner.startsWith('[') ? segment + inner : `${segment}.${inner}`,
    );
  }
}

// A check names no path while it passes: the path is built only on the way out of a failure,
// since a payment has some forty fields and every GET checks them all.
type Check = (value: unknown) => void;

const string: Check = (v) => {
  if (typeof v !== 'string') throw new ShapeError('');
};
const boolean: Check = (v) => {
  if (typeof v !== 'boolean') throw new ShapeError('');
};
/** Amounts and counts are whole numbers on the wire. */
const integer: Check = (v) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ShapeError('');
};
const anyObject: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError('');
};

function checkAt(check: Check, value: unknown, key: string | number): void {
  try {
    check(value);
  } catch (error) {
    throw error instanceof ShapeError ? error.within(key) : error;
  }
}

/** `null` counts as absent for optional fields: the docs show nulls where the wire omits keys. */
function object(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  const requiredFields = Object.entries(required);
  const optionalFields = Object.entries(optional);
  return (v) => {
    anyObject(v);
    const record = v as Record<string, unknown>;
    for (const [key, check] of requiredFields) checkAt(check, record[key], key);
    for (const [key, check] of optionalFields) {
      const value = record[key];
      if (value !== undefined && value !== null) checkAt(check, value, key);
    }
  };
}

function arrayOf(item: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) throw new ShapeError('');
    for (let i = 0; i < v.length; i++) checkAt(item, v[i], i);
  };
}

const link = object({ href: string, method: string });

const state = object(
  { status: string, finished: boolean },
  { code: string, message: string, can_retry: boolean },
);

const refundSummary = object({
  status: string,
  amount_available: integer,
  amount_submitted: integer,
});

const cardDetails = object(
  {},
  {
    last_digits_card_number: string,
    first_digits_card_number: string,
    cardholder_name: string,
    expiry_date: string,
    billing_address: anyObject,
    card_brand: string,
    card_type: string,
  },
);

const paymentCore = {
  required: {
    payment_id: string,
    amount: integer,
    description: string,
    reference: string,
    language: string,
    state,
    payment_provider: string,
    created_date: string,
    delayed_capture: boolean,
    moto: boolean,
  },
  optional: {
    email: string,
    provider_id: string,
    return_url: string,
    refund_summary: refundSummary,
    settlement_summary: anyObject,
    card_details: cardDetails,
    metadata: anyObject,
    corporate_card_surcharge: integer,
    total_amount: integer,
    fee: integer,
    net_amount: integer,
    authorisation_mode: string,
    agreement_id: string,
  },
};

const paymentLinks = object(
  { self: link },
  {
    events: link,
    refunds: link,
    next_url: link,
    next_url_post: link,
    auth_url_post: link,
    cancel: link,
    capture: link,
  },
);

const payment = object({ ...paymentCore.required, _links: paymentLinks }, paymentCore.optional);

/** A payment without `_links`, as inside a webhook's `resource` (FACTS.md §14). */
const paymentResource = object(paymentCore.required, paymentCore.optional);

const refundLinks = object({ self: link, payment: link });

/** The docs' get-refund example has no `_links`; the wire has them. Both pass. */
const refund = object(
  { refund_id: string, created_date: string, amount: integer, status: string },
  { settlement_summary: anyObject, _links: refundLinks },
);

const refundSearchResult = object(
  { refund_id: string, created_date: string, amount: integer, status: string },
  { settlement_summary: anyObject, payment_id: string, _links: refundLinks },
);

const searchLinks = object(
  {},
  { self: link, first_page: link, last_page: link, prev_page: link, next_page: link },
);

function searchResults(item: Check, linksKey: '_links' | 'links'): Check {
  return object({
    total: integer,
    count: integer,
    page: integer,
    results: arrayOf(item),
    [linksKey]: searchLinks,
  });
}

const event = object({
  payment_id: string,
  state,
  updated: string,
  _links: object({ payment_url: link }),
});

const paymentEvents = object({
  payment_id: string,
  events: arrayOf(event),
  _links: object({ self: link }),
});

const paymentRefunds = object({
  payment_id: string,
  _embedded: object({ refunds: arrayOf(refund) }),
  _links: object({ self: link, payment: link }),
});

const agreement = object(
  {
    agreement_id: string,
    reference: string,
    description: string,
    status: string,
    created_date: string,
  },
  {
    user_identifier: string,
    payment_instrument: object(
      { type: string },
      { created_date: string, card_details: cardDetails },
    ),
  },
);

const dispute = object(
  {
    dispute_id: string,
    amount: integer,
    created_date: string,
    payment_id: string,
    status: string,
    evidence_due_date: string,
    reason: string,
    _links: object({ payment: link }),
  },
  { fee: integer, net_amount: integer, settlement_summary: anyObject },
);

const paymentSearchLinks = object(
  { self: link },
  { events: link, refunds: link, cancel: link, capture: link },
);

const paymentSearchResult = object(
  { ...paymentCore.required, _links: paymentSearchLinks },
  paymentCore.optional,
);

function guard<T>(check: Check): (value: unknown) => T {
  return (value) => {
    check(value);
    return value as T;
  };
}

/** Each throws a `ShapeError` naming the first missing or mistyped field, or returns the value typed. */
export const guards = {
  payment: guard<Payment>(payment),
  paymentResource: guard<Omit<Payment, '_links'>>(paymentResource),
  paymentEvents: guard<PaymentEvents>(paymentEvents),
  paymentSearchResults: guard<SearchResults<PaymentSearchResult>>(
    searchResults(paymentSearchResult, '_links'),
  ),
  refund: guard<Refund>(refund),
  paymentRefunds: guard<PaymentRefunds>(paymentRefunds),
  refundSearchResults: guard<SearchResults<RefundSearchResult>>(
    searchResults(refundSearchResult, '_links'),
  ),
  agreement: guard<Agreement>(agreement),
  agreementSearchResults: guard<SearchResults<Agreement>>(searchResults(agreement, '_links')),
  /** Disputes search uses `links`, not `_links` (FACTS.md §16.6). */
  disputeSearchResults: guard<DisputeSearchResults>(searchResults(dispute, 'links')),
} as const;

export type GuardName = keyof typeof guards;
