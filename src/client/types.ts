/**
 * Types for the GOV.UK Pay public API, written from the fact sheet and the OpenAPI file.
 * Where the spec and the wire differ, these follow the wire (FACTS.md §16). GOV.UK Pay adds
 * response properties without a version change, so callers must tolerate unknown keys, and
 * absent values are omitted rather than sent as null (except inside `card_details`).
 */

/** The external status of a payment (FACTS.md §11). */
export type PaymentStatus =
  'created' | 'started' | 'submitted' | 'capturable' | 'success' | 'failed' | 'cancelled' | 'error';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'created',
  'started',
  'submitted',
  'capturable',
  'success',
  'failed',
  'cancelled',
  'error',
];

/** The codes GOV.UK Pay puts on finished, unsuccessful payments. */
export type PaymentStateCode = 'P0010' | 'P0020' | 'P0030' | 'P0040' | 'P0050';

export interface PaymentState {
  status: PaymentStatus;
  finished: boolean;
  /** Present only for failed, cancelled or errored payments. */
  message?: string;
  /** Present only for failed, cancelled or errored payments. Typed as string: fail closed on codes we do not know. */
  code?: string;
  /** Present only on failed agreement (recurring) payments. */
  can_retry?: boolean;
}

export type Language = 'en' | 'cy';
export type AuthorisationMode = 'web' | 'moto_api' | 'agreement';
export type AgreementPaymentType = 'instalment' | 'recurring' | 'unscheduled';

export interface Link {
  href: string;
  method: string;
}

export interface PostLink extends Link {
  type?: string;
  /** On the wire each value is a string (FACTS.md §16.15), not an object as the spec says. */
  params?: Record<string, string>;
}

export interface PaymentLinks {
  self: Link;
  events?: Link;
  refunds?: Link;
  /** Only while the payment is unfinished, in web mode and not capturable. Single use. */
  next_url?: Link;
  next_url_post?: PostLink;
  auth_url_post?: PostLink;
  /** Only while the payment is unfinished. GOV.UK Pay omits it otherwise (docs say null: treat both alike). */
  cancel?: PostLink | null;
  /** Only while the payment is capturable. */
  capture?: PostLink;
}

export interface BillingAddress {
  line1?: string | null;
  line2?: string | null;
  postcode?: string | null;
  city?: string | null;
  country?: string | null;
}

/** Inside `card_details` every key is present; nulls do occur (FACTS.md §1). */
export interface CardDetails {
  last_digits_card_number: string | null;
  first_digits_card_number: string | null;
  cardholder_name: string | null;
  expiry_date: string | null;
  billing_address: BillingAddress | null;
  card_brand: string | null;
  card_type: 'debit' | 'credit' | null;
  wallet_type?: 'Apple Pay' | 'Google Pay' | null;
}

export type RefundSummaryStatus = 'pending' | 'unavailable' | 'available' | 'full';

export interface RefundSummary {
  status: RefundSummaryStatus;
  amount_available: number;
  amount_submitted: number;
}

export interface SettlementSummary {
  capture_submit_time?: string;
  captured_date?: string;
  settled_date?: string;
}

/** Flat key → value on the wire (FACTS.md §16.8), not nested as in the spec. */
export type PaymentMetadata = Record<string, string | number | boolean>;

export interface Payment {
  payment_id: string;
  amount: number;
  description: string;
  reference: string;
  language: Language;
  email?: string;
  state: PaymentState;
  payment_provider: string;
  provider_id?: string;
  created_date: string;
  return_url?: string;
  delayed_capture: boolean;
  moto: boolean;
  refund_summary?: RefundSummary;
  settlement_summary?: SettlementSummary;
  card_details?: CardDetails;
  /** Deprecated top-level copy of `card_details.card_brand`. */
  card_brand?: string;
  corporate_card_surcharge?: number;
  total_amount?: number;
  /** Stripe live accounts only; absent with test keys. */
  fee?: number;
  net_amount?: number;
  metadata?: PaymentMetadata;
  authorisation_mode?: AuthorisationMode;
  authorisation_summary?: { three_d_secure?: { required: boolean } };
  agreement_id?: string;
  agreement_payment_type?: AgreementPaymentType;
  exemption?: {
    requested: boolean;
    type?: string;
    outcome?: { result: string };
  };
  _links: PaymentLinks;
}

export interface PrefilledCardholderDetails {
  cardholder_name?: string;
  billing_address?: {
    line1?: string;
    line2?: string;
    postcode?: string;
    city?: string;
    country?: string;
  };
}

export interface CreatePaymentRequest {
  /** In pence: a whole number from 1 to 10,000,000. */
  amount: number;
  /** At most 255 characters, none of `< > |`. Not unique at GOV.UK Pay. */
  reference: string;
  /** At most 255 characters, none of `< > |`. Shown to the payer. */
  description: string;
  /** Required in web mode; at most 2,000 characters; https for live accounts. */
  return_url?: string;
  language?: Language;
  email?: string;
  prefilled_cardholder_details?: PrefilledCardholderDetails;
  metadata?: PaymentMetadata;
  delayed_capture?: boolean;
  moto?: boolean;
  authorisation_mode?: AuthorisationMode;
  agreement_id?: string;
  set_up_agreement?: string;
  agreement_payment_type?: AgreementPaymentType;
}

export interface PaymentEvent {
  payment_id: string;
  state: PaymentState;
  updated: string;
  _links: { payment_url: Link };
}

export interface PaymentEvents {
  payment_id: string;
  events: PaymentEvent[];
  _links: { self: Link };
}

export type SearchablePaymentState = Exclude<PaymentStatus, 'capturable'>;

/** The states `GET /v1/payments` accepts: GOV.UK Pay rejects `capturable` with 422 P0401 (FACTS.md §16.7). */
export const SEARCHABLE_PAYMENT_STATES: readonly SearchablePaymentState[] = PAYMENT_STATUSES.filter(
  (status): status is SearchablePaymentState => status !== 'capturable',
);

/** Filters of `GET /v1/payments` (FACTS.md §6). Dates are UTC `YYYY-MM-DDThh:mm:ssZ`; `from` inclusive, `to` exclusive. */
export interface SearchPaymentsQuery {
  reference?: string;
  email?: string;
  /** `capturable` is rejected by GOV.UK Pay with 422 P0401, so it is not offered. */
  state?: SearchablePaymentState;
  card_brand?: string;
  from_date?: string;
  to_date?: string;
  from_settled_date?: string;
  to_settled_date?: string;
  cardholder_name?: string;
  first_digits_card_number?: string;
  last_digits_card_number?: string;
  agreement_id?: string;
  page?: number;
  /** 1 to 500; GOV.UK Pay's default is 500. */
  display_size?: number;
}

export interface SearchLinks {
  self?: Link;
  first_page?: Link;
  last_page?: Link;
  prev_page?: Link;
  next_page?: Link;
}

export interface SearchResults<T> {
  total: number;
  count: number;
  page: number;
  results: T[];
  _links: SearchLinks;
}

/** Search results carry no `next_url`. */
export type PaymentSearchResult = Omit<Payment, '_links'> & {
  _links: Pick<PaymentLinks, 'self' | 'events' | 'refunds' | 'cancel' | 'capture'>;
};

export type RefundStatus = 'submitted' | 'success' | 'error';

export interface Refund {
  refund_id: string;
  created_date: string;
  amount: number;
  status: RefundStatus;
  settlement_summary?: { settled_date?: string };
  /** Always sent on the wire; the docs' get-refund example omits it, so it is optional here. */
  _links?: { self: Link; payment: Link };
}

export interface RefundSearchResult extends Refund {
  payment_id?: string;
}

export interface CreateRefundRequest {
  /** In pence, 1 to 10,000,000, at most what is still refundable. */
  amount: number;
  /**
   * What you believe is still refundable. GOV.UK Pay answers 412 P0604 when it differs,
   * which makes concurrent refunds safe. Optional in code, though documented as required.
   */
  refund_amount_available?: number;
}

export interface PaymentRefunds {
  payment_id: string;
  _links: { self: Link; payment: Link };
  _embedded: { refunds: Refund[] };
}

export interface SearchRefundsQuery {
  from_date?: string;
  to_date?: string;
  from_settled_date?: string;
  to_settled_date?: string;
  page?: number;
  display_size?: number;
}

export type AgreementStatus = 'created' | 'active' | 'cancelled' | 'inactive';

export interface Agreement {
  agreement_id: string;
  reference: string;
  description: string;
  status: AgreementStatus;
  user_identifier?: string;
  created_date: string;
  /** The wire key inside is `card_details` (FACTS.md §16.5). */
  payment_instrument?: {
    type: string;
    created_date?: string;
    card_details?: CardDetails;
  };
}

export interface CreateAgreementRequest {
  reference: string;
  description: string;
  user_identifier?: string;
}

export interface SearchAgreementsQuery {
  reference?: string;
  status?: AgreementStatus;
  page?: number;
  display_size?: number;
}

export type DisputeStatus = 'needs_response' | 'under_review' | 'lost' | 'won';

export interface Dispute {
  dispute_id: string;
  amount: number;
  fee?: number;
  net_amount?: number;
  created_date: string;
  evidence_due_date: string;
  payment_id: string;
  reason: string;
  status: DisputeStatus;
  settlement_summary?: { settled_date?: string };
  _links: { payment: Link };
}

export interface SearchDisputesQuery {
  from_date?: string;
  to_date?: string;
  from_settled_date?: string;
  to_settled_date?: string;
  status?: DisputeStatus;
  page?: number;
  display_size?: number;
}

/** Disputes search uses `links`, not `_links`, at the top level (FACTS.md §16.6). */
export interface DisputeSearchResults {
  total: number;
  count: number;
  page: number;
  results: Dispute[];
  links: SearchLinks;
}

/** The body of every GOV.UK Pay error (`RequestError`). */
export interface PayErrorBody {
  code?: string;
  description?: string;
  field?: string;
  header?: string;
}
