import { SEARCHABLE_PAYMENT_STATES } from '../client/index.js';
import type {
  Agreement,
  Dispute,
  DisputeSearchResults,
  Link,
  PaymentSearchResult,
  RefundSearchResult,
  SearchLinks,
  SearchResults,
} from '../client/index.js';
import type { ApiError } from './errors.js';
import { apiError, isApiError } from './errors.js';
import type { SimAgreement, SimDispute, SimPayment, SimRefund } from './model.js';

/** A query string as Express parses it: repeated parameters arrive as arrays. */
export type RawQuery = Record<string, unknown>;

const MAX_DISPLAY_SIZE = 500;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** JAX-RS reads the first of repeated parameters. */
function firstValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstValue(value[0]);
  return typeof value === 'string' ? value : undefined;
}

const validDateTime = (v: string): boolean => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
const validDate = (v: string): boolean => DATE.test(v) && !Number.isNaN(Date.parse(v));
const positiveInt = (v: string): boolean => /^\d{1,9}$/.test(v) && Number(v) >= 1;
const displaySize = (v: string): boolean => positiveInt(v) && Number(v) <= MAX_DISPLAY_SIZE;
const maxLen = (n: number) => (v: string) => v.length <= n;
const any = (): boolean => true;

type Rule = readonly [name: string, valid: (value: string) => boolean];

const PAYMENT_STATES: ReadonlySet<string> = new Set(SEARCHABLE_PAYMENT_STATES);

// In the order GOV.UK Pay's validator reports them.
const PAYMENT_RULES: readonly Rule[] = [
  ['reference', maxLen(255)],
  ['email', maxLen(254)],
  // `capturable` is refused, although the docs list it (FACTS.md §6).
  ['state', (v) => PAYMENT_STATES.has(v)],
  ['card_brand', maxLen(20)],
  ['from_date', validDateTime],
  ['to_date', validDateTime],
  ['page', positiveInt],
  ['display_size', displaySize],
  ['cardholder_name', any],
  ['first_digits_card_number', (v) => /^\d{6}$/.test(v)],
  ['last_digits_card_number', (v) => /^\d{4}$/.test(v)],
  ['from_settled_date', validDate],
  ['to_settled_date', validDate],
  ['agreement_id', maxLen(26)],
];

const REFUND_RULES: readonly Rule[] = [
  ['from_date', validDateTime],
  ['to_date', validDateTime],
  ['from_settled_date', validDate],
  ['to_settled_date', validDate],
  ['page', positiveInt],
  ['display_size', displaySize],
];

const DISPUTE_RULES: readonly Rule[] = [
  ['from_date', validDateTime],
  ['to_date', validDateTime],
  ['from_settled_date', validDate],
  ['to_settled_date', validDate],
  ['status', (v) => ['needs_response', 'under_review', 'lost', 'won'].includes(v)],
  ['page', positiveInt],
  ['display_size', displaySize],
];

const AGREEMENT_RULES: readonly Rule[] = [
  ['reference', maxLen(255)],
  ['status', (v) => ['created', 'active', 'cancelled', 'inactive'].includes(v.toLowerCase())],
  ['page', positiveInt],
  ['display_size', displaySize],
];

interface ParsedQuery {
  readonly params: ReadonlyMap<string, string>;
  readonly page: number;
  readonly size: number;
}

function parseQuery(
  query: RawQuery,
  rules: readonly Rule[],
  invalidCode: string,
): ParsedQuery | ApiError {
  const params = new Map<string, string>();
  const invalid: string[] = [];
  for (const [name, valid] of rules) {
    const value = firstValue(query[name]);
    if (value === undefined) continue;
    if (!valid(value)) invalid.push(name);
    else params.set(name, value);
  }
  if (invalid.length > 0) {
    return apiError(
      422,
      invalidCode,
      `Invalid parameters: ${invalid.join(', ')}. See Public API documentation for the correct data formats`,
    );
  }
  return {
    params,
    page: Number(params.get('page') ?? 1),
    size: Number(params.get('display_size') ?? MAX_DISPLAY_SIZE),
  };
}

function pageLinks(base: string, parsed: ParsedQuery, lastPage: number): SearchLinks {
  const filters = new URLSearchParams();
  for (const [name, value] of parsed.params) {
    if (name !== 'page' && name !== 'display_size') filters.append(name, value);
  }
  const link = (page: number): Link => {
    const q = new URLSearchParams(filters);
    q.set('page', String(page));
    q.set('display_size', String(parsed.size));
    return { href: `${base}?${q.toString()}`, method: 'GET' };
  };
  const links: SearchLinks = {
    self: link(parsed.page),
    first_page: link(1),
    last_page: link(lastPage),
  };
  if (parsed.page > 1) links.prev_page = link(parsed.page - 1);
  if (parsed.page < lastPage) links.next_page = link(parsed.page + 1);
  return links;
}

/**
 * Scans `items` (oldest first) newest first, keeping only the requested page, so a search over
 * 100,000 payments allocates one page of results.
 */
function paginate<T, R>(
  items: readonly T[],
  matches: (item: T) => boolean,
  render: (item: T) => R,
  parsed: ParsedQuery,
  base: string,
  notFoundCode: string,
): SearchResults<R> | ApiError {
  const start = (parsed.page - 1) * parsed.size;
  const end = start + parsed.size;
  const results: R[] = [];
  let total = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (!matches(item)) continue;
    if (total >= start && total < end) results.push(render(item));
    total++;
  }
  const lastPage = Math.max(1, Math.ceil(total / parsed.size));
  if (parsed.page > lastPage) return apiError(404, notFoundCode, 'Page not found');
  return {
    total,
    count: results.length,
    page: parsed.page,
    results,
    _links: pageLinks(base, parsed, lastPage),
  };
}

/** Docs slugs for `card_brand` and the display names that payments carry. */
const BRAND_SLUGS: Readonly<Record<string, string>> = {
  'american-express': 'american express',
  'diners-club': 'diners club',
  discover: 'discover',
  jcb: 'jcb',
  maestro: 'maestro',
  'master-card': 'mastercard',
  mastercard: 'mastercard',
  unionpay: 'union pay',
  visa: 'visa',
};

function paymentMatcher(params: ReadonlyMap<string, string>): (p: SimPayment) => boolean {
  const tests: Array<(p: SimPayment) => boolean> = [];
  const lower = (name: string): string | undefined => params.get(name)?.toLowerCase();
  const reference = lower('reference');
  if (reference !== undefined) tests.push((p) => p.reference.toLowerCase() === reference);
  const email = lower('email');
  if (email !== undefined) tests.push((p) => p.email?.toLowerCase().includes(email) === true);
  const state = params.get('state');
  if (state !== undefined) tests.push((p) => p.status === state);
  const brands = lower('card_brand');
  if (brands !== undefined) {
    const wanted = new Set(brands.split(',').map((b) => BRAND_SLUGS[b.trim()] ?? b.trim()));
    tests.push((p) => wanted.has(p.card?.card_brand?.toLowerCase() ?? ''));
  }
  const from = params.get('from_date');
  if (from !== undefined) {
    const t = Date.parse(from);
    tests.push((p) => p.createdAt >= t);
  }
  const to = params.get('to_date');
  if (to !== undefined) {
    const t = Date.parse(to);
    tests.push((p) => p.createdAt < t);
  }
  const name = lower('cardholder_name');
  if (name !== undefined) {
    tests.push((p) => p.card?.cardholder_name?.toLowerCase().includes(name) === true);
  }
  const first = params.get('first_digits_card_number');
  if (first !== undefined) tests.push((p) => p.card?.first_digits_card_number === first);
  const last = params.get('last_digits_card_number');
  if (last !== undefined) tests.push((p) => p.card?.last_digits_card_number === last);
  // The sandbox never settles (settled dates are Stripe only), so these match nothing.
  if (params.has('from_settled_date') || params.has('to_settled_date')) tests.push(() => false);
  const agreementId = params.get('agreement_id');
  if (agreementId !== undefined) tests.push((p) => p.agreement?.id === agreementId);
  return (p) => tests.every((test) => test(p));
}

export function searchPayments(
  payments: readonly SimPayment[],
  query: RawQuery,
  origin: string,
  render: (payment: SimPayment) => PaymentSearchResult,
): SearchResults<PaymentSearchResult> | ApiError {
  const parsed = parseQuery(query, PAYMENT_RULES, 'P0401');
  if (isApiError(parsed)) return parsed;
  return paginate(
    payments,
    paymentMatcher(parsed.params),
    render,
    parsed,
    `${origin}/v1/payments`,
    'P0402',
  );
}

export function searchRefunds(
  refunds: readonly SimRefund[],
  query: RawQuery,
  origin: string,
  render: (refund: SimRefund) => RefundSearchResult,
): SearchResults<RefundSearchResult> | ApiError {
  const parsed = parseQuery(query, REFUND_RULES, 'P1101');
  if (isApiError(parsed)) return parsed;
  const from = parsed.params.get('from_date');
  const to = parsed.params.get('to_date');
  const fromMs = from === undefined ? -Infinity : Date.parse(from);
  const toMs = to === undefined ? Infinity : Date.parse(to);
  const settled = parsed.params.has('from_settled_date') || parsed.params.has('to_settled_date');
  return paginate(
    refunds,
    (r) => !settled && r.createdAt >= fromMs && r.createdAt < toMs,
    render,
    parsed,
    `${origin}/v1/refunds`,
    'P1100',
  );
}

/** Disputes use `links`, not `_links`, at the top level (FACTS.md §16.6). */
export function searchDisputes(
  disputes: readonly SimDispute[],
  query: RawQuery,
  origin: string,
  render: (dispute: SimDispute) => Dispute,
): DisputeSearchResults | ApiError {
  const parsed = parseQuery(query, DISPUTE_RULES, 'P0401');
  if (isApiError(parsed)) return parsed;
  const from = parsed.params.get('from_date');
  const to = parsed.params.get('to_date');
  const fromMs = from === undefined ? -Infinity : Date.parse(from);
  const toMs = to === undefined ? Infinity : Date.parse(to);
  const status = parsed.params.get('status');
  // The sandbox never settles, so a settled-date filter matches nothing.
  const settled = parsed.params.has('from_settled_date') || parsed.params.has('to_settled_date');
  const result = paginate(
    disputes,
    (d) =>
      !settled &&
      d.createdAt >= fromMs &&
      d.createdAt < toMs &&
      (status === undefined || d.status === status),
    render,
    parsed,
    `${origin}/v1/disputes`,
    'P0402',
  );
  if (isApiError(result)) return result;
  const { _links, ...rest } = result;
  return { ...rest, links: _links };
}

/**
 * `GET /v1/agreements`: a parameter it does not know is 400 P2401, a bad value 422 P2401
 * (FACTS.md §9).
 */
export function searchAgreements(
  agreements: readonly SimAgreement[],
  query: RawQuery,
  origin: string,
  render: (agreement: SimAgreement) => Agreement,
): SearchResults<Agreement> | ApiError {
  const known = new Set(AGREEMENT_RULES.map(([name]) => name));
  const unknown = Object.keys(query).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    return apiError(
      400,
      'P2401',
      `Invalid parameters: ${unknown.join(', ')}. See Public API documentation for the correct data formats`,
    );
  }
  const parsed = parseQuery(query, AGREEMENT_RULES, 'P2401');
  if (isApiError(parsed)) return parsed;
  const reference = parsed.params.get('reference');
  const status = parsed.params.get('status')?.toLowerCase();
  return paginate(
    agreements,
    (a) =>
      (reference === undefined || a.reference === reference) &&
      (status === undefined || a.status === status),
    render,
    parsed,
    `${origin}/v1/agreements`,
    'P2402',
  );
}
