import type { Dispute, PaymentSearchResult, RefundSearchResult } from '../client/index.js';

/** A report cell: text, whole pence, or empty (`null`) where GOV.UK Pay gave no value. */
export type ReportValue = string | number | null;

export interface ReportColumns<T> {
  header: readonly string[];
  row(item: T): ReportValue[];
}

/**
 * The columns a finance team reconciles on. Amounts are whole pence, as GOV.UK Pay gives them.
 * `fee` and `net_amount` exist only for Stripe live accounts; `settled_date` only for Stripe;
 * `captured_date` is there for accounts on other providers. `total_amount_pence` is what was
 * paid: `total_amount` where a corporate card surcharge applied, else the amount.
 */
export const PAYMENT_COLUMNS: ReportColumns<PaymentSearchResult> = {
  header: [
    'payment_id',
    'reference',
    'description',
    'amount_pence',
    'fee_pence',
    'net_amount_pence',
    'state',
    'created_date',
    'captured_date',
    'settled_date',
    'card_brand',
    'refunded_amount_pence',
    'total_amount_pence',
  ],
  row: (p) => [
    p.payment_id,
    p.reference,
    p.description,
    p.amount,
    p.fee ?? null,
    p.net_amount ?? null,
    p.state.status,
    p.created_date,
    p.settlement_summary?.captured_date ?? null,
    p.settlement_summary?.settled_date ?? null,
    p.card_details?.card_brand ?? p.card_brand ?? null,
    p.refund_summary?.amount_submitted ?? null,
    // What the citizen paid: the amount plus any corporate card surcharge.
    p.total_amount ?? p.amount,
  ],
};

/** Disputes (chargebacks). A lost dispute's `net_amount` is negative: what the PSP takes back. */
export const DISPUTE_COLUMNS: ReportColumns<Dispute> = {
  header: [
    'dispute_id',
    'payment_id',
    'amount_pence',
    'fee_pence',
    'net_amount_pence',
    'status',
    'reason',
    'created_date',
    'evidence_due_date',
    'settled_date',
  ],
  row: (d) => [
    d.dispute_id,
    d.payment_id,
    d.amount,
    d.fee ?? null,
    d.net_amount ?? null,
    d.status,
    d.reason,
    d.created_date,
    d.evidence_due_date,
    d.settlement_summary?.settled_date ?? null,
  ],
};

export const REFUND_COLUMNS: ReportColumns<RefundSearchResult> = {
  header: ['refund_id', 'payment_id', 'amount_pence', 'status', 'created_date', 'settled_date'],
  row: (r) => [
    r.refund_id,
    r.payment_id ?? paymentIdFromLink(r._links?.payment.href),
    r.amount,
    r.status,
    r.created_date,
    r.settlement_summary?.settled_date ?? null,
  ],
};

/** Older refund search results omit `payment_id`; their `payment` link ends with it. */
function paymentIdFromLink(href: string | undefined): string | null {
  if (href === undefined) return null;
  const match = /\/v1\/payments\/([^/?#]+)\/?(?:[?#].*)?$/.exec(href);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}
