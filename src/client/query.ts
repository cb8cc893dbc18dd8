import { PayValidationError } from './errors.js';
import { guards } from './guards.js';
import type { PageRoute } from './pipeline.js';
import { isPlainObject } from '../options/index.js';
import type {
  PaymentSearchResult,
  RefundSearchResult,
  SearchAgreementsQuery,
  SearchDisputesQuery,
  SearchPaymentsQuery,
  SearchRefundsQuery,
} from './types.js';

/** The documented filters of each search (FACTS.md §6, §7, §9). Anything else is a typo. */
export const PAYMENT_SEARCH_PARAMS = [
  'reference',
  'email',
  'state',
  'card_brand',
  'from_date',
  'to_date',
  'from_settled_date',
  'to_settled_date',
  'cardholder_name',
  'first_digits_card_number',
  'last_digits_card_number',
  'agreement_id',
  'page',
  'display_size',
] as const satisfies readonly (keyof SearchPaymentsQuery)[];

export const REFUND_SEARCH_PARAMS = [
  'from_date',
  'to_date',
  'from_settled_date',
  'to_settled_date',
  'page',
  'display_size',
] as const satisfies readonly (keyof SearchRefundsQuery)[];

export const AGREEMENT_SEARCH_PARAMS = [
  'reference',
  'status',
  'page',
  'display_size',
] as const satisfies readonly (keyof SearchAgreementsQuery)[];

export const DISPUTE_SEARCH_PARAMS = [
  'from_date',
  'to_date',
  'from_settled_date',
  'to_settled_date',
  'status',
  'page',
  'display_size',
] as const satisfies readonly (keyof SearchDisputesQuery)[];

/** The searches whose every page the client follows: `allPayments`, `allRefunds`. */
export const PAYMENT_PAGES: PageRoute<PaymentSearchResult> = {
  pathPattern: /^\/v1\/payments$/,
  pathTemplate: '/v1/payments',
  parse: guards.paymentSearchResults,
};
export const REFUND_PAGES: PageRoute<RefundSearchResult> = {
  pathPattern: /^\/v1\/refunds$/,
  pathTemplate: '/v1/refunds',
  parse: guards.refundSearchResults,
};

const MAX_DISPLAY_SIZE = 500;

/**
 * Turns a search query into a query string, refusing unknown filters and malformed paging before
 * anything is sent. Values are encoded by URLSearchParams, so they cannot change the path.
 */
export function buildSearchQuery(
  operation: string,
  query: unknown,
  allowed: readonly string[],
): string {
  if (query === undefined) return '';
  const fail = (field: string, problem: string): never => {
    throw new PayValidationError(`govuk-pay-express: ${operation}: ${field} ${problem}`, { field });
  };
  if (!isPlainObject(query)) return fail('query', 'must be an object of search filters');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) {
      fail(key, `is not a filter of this search; use one of ${allowed.join(', ')}`);
    }
    if (value === undefined) continue;
    if (key === 'page' || key === 'display_size') {
      const max = key === 'page' ? Number.MAX_SAFE_INTEGER : MAX_DISPLAY_SIZE;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
        fail(key, `must be a whole number from 1${key === 'page' ? '' : ` to ${max}`}`);
      }
      params.set(key, String(value));
      continue;
    }
    if (typeof value !== 'string') fail(key, 'must be a string');
    params.set(key, value as string);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
