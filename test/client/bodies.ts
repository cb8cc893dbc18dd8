/** Wire-shaped GOV.UK Pay bodies for scripted answers, with links on a given origin. */

export const API_KEY = 'api_test_7g1sa6lq8m5h0bcnke6k2jlkbi3j0m8rkf3l0vd1lqn5lh9g0ct3o2qe0b';
export const PAYMENT_ID = 'hu20sqlact5260q2nanm0q8u93';
export const REFUND_ID = '4jfabcee0ev36so050kooajabk';
export const AGREEMENT_ID = 'cgc1ocvh0pt9fqs0ma67r42l58';

export function paymentBody(
  origin: string,
  overrides: Record<string, unknown> = {},
  id = PAYMENT_ID,
): Record<string, unknown> {
  return {
    amount: 14500,
    description: 'Pay your council tax.',
    reference: '12345',
    language: 'en',
    state: { status: 'created', finished: false },
    payment_id: id,
    payment_provider: 'sandbox',
    created_date: '2022-03-25T13:11:29.019Z',
    refund_summary: { status: 'pending', amount_available: 14500, amount_submitted: 0 },
    settlement_summary: {},
    delayed_capture: false,
    moto: false,
    return_url: 'https://your.service.gov.uk/completed',
    _links: {
      self: { href: `${origin}/v1/payments/${id}`, method: 'GET' },
      next_url: { href: `https://www.payments.service.gov.uk/secure/ef1b6ff1`, method: 'GET' },
      events: { href: `${origin}/v1/payments/${id}/events`, method: 'GET' },
      refunds: { href: `${origin}/v1/payments/${id}/refunds`, method: 'GET' },
      cancel: { href: `${origin}/v1/payments/${id}/cancel`, method: 'POST' },
    },
    ...overrides,
  };
}

export function refundBody(
  origin: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    refund_id: REFUND_ID,
    created_date: '2022-03-22T12:44:15.226Z',
    amount: 1000,
    status: 'success',
    _links: {
      self: { href: `${origin}/v1/payments/${PAYMENT_ID}/refunds/${REFUND_ID}`, method: 'GET' },
      payment: { href: `${origin}/v1/payments/${PAYMENT_ID}`, method: 'GET' },
    },
    ...overrides,
  };
}

/** A search page; `next` is the full href of the next page, if any. */
export function searchPage(
  origin: string,
  page: number,
  results: unknown[],
  next?: string,
  path = '/v1/payments',
): Record<string, unknown> {
  return {
    total: 100,
    count: results.length,
    page,
    results,
    _links: {
      self: { href: `${origin}${path}?page=${page}`, method: 'GET' },
      ...(next === undefined ? {} : { next_page: { href: next, method: 'GET' } }),
    },
  };
}

export const validCreateRequest = {
  amount: 14500,
  reference: '12345',
  description: 'Pay your council tax.',
  return_url: 'https://your.service.gov.uk/completed',
};

/** An injected sleep that records what it was asked to wait, and never waits. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}
