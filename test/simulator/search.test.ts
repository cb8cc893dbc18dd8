import type { Payment } from '../../src/client/types';
import type { Harness } from '../helpers/simulator-harness';
import { recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

const HOUR = 3_600_000;
let h: Harness;
let older: Payment; // created at 00:00, paid by Visa debit, "Ada Lovelace", email ada@…
let newer: Payment; // created at 01:00, Mastercard, "Alan Turing"
let pending: Payment; // created at 02:00, reference "Shared-Ref"

beforeAll(async () => {
  h = await startSimulator({ rateLimit: false, startTime: Date.parse('2030-01-01T00:00:00Z') });
  older = await h.createPayment({
    reference: 'shared-ref',
    email: 'ada@example.com',
    prefilled_cardholder_details: { cardholder_name: 'Ada Lovelace' },
  });
  h.sim.completePayment(older.payment_id, { card: '4000056655665556' });
  h.sim.clock.advance(HOUR);
  newer = await h.createPayment({
    reference: 'other',
    email: 'alan@example.org',
    prefilled_cardholder_details: { cardholder_name: 'Alan Turing' },
  });
  h.sim.completePayment(newer.payment_id, { card: '5105105105105100' });
  h.sim.clock.advance(HOUR);
  pending = await h.createPayment({ reference: 'Shared-Ref' });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

const ids = async (query: string): Promise<string[]> => {
  const res = await h.get(`/v1/payments${query}`);
  expect(res.status).toBe(200);
  return res.body.results.map((p: Payment) => p.payment_id);
};

describe('GET /v1/payments filters', () => {
  it('returns everything newest first, as payments without next_url', async () => {
    const res = await h.get('/v1/payments');
    expect(res.body).toMatchObject({ total: 3, count: 3, page: 1 });
    expect(res.body.results.map((p: Payment) => p.payment_id)).toEqual([
      pending.payment_id,
      newer.payment_id,
      older.payment_id,
    ]);
    const [first] = res.body.results;
    expect(Object.keys(first._links).sort()).toEqual(['cancel', 'events', 'refunds', 'self']);
    expect(first.state.status).toBe('created');
  });

  it.each([
    ['reference, exact and case-insensitive', '?reference=SHARED-REF', () => [pending, older]],
    ['reference does not match a part', '?reference=shared', () => []],
    ['email, partial', '?email=example.com', () => [older]],
    ['email, case-insensitive', '?email=ALAN@', () => [newer]],
    ['state', '?state=success', () => [newer, older]],
    ['state created', '?state=created', () => [pending]],
    ['card_brand slug', '?card_brand=master-card', () => [newer]],
    ['card_brand visa', '?card_brand=visa', () => [older]],
    ['several card brands', '?card_brand=visa,master-card', () => [newer, older]],
    ['cardholder_name, partial', '?cardholder_name=turing', () => [newer]],
    ['first_digits_card_number', '?first_digits_card_number=400005', () => [older]],
    ['last_digits_card_number', '?last_digits_card_number=5100', () => [newer]],
    ['from_date is inclusive', '?from_date=2030-01-01T01:00:00Z', () => [pending, newer]],
    ['to_date is exclusive', '?to_date=2030-01-01T01:00:00Z', () => [older]],
    [
      'a date window',
      '?from_date=2030-01-01T00:30:00Z&to_date=2030-01-01T01:30:00Z',
      () => [newer],
    ],
    [
      'settled dates (Stripe only) match nothing in sandbox',
      '?from_settled_date=2030-01-01',
      () => [],
    ],
    ['agreement_id matches nothing without agreements', '?agreement_id=abc', () => []],
    ['filters combine', '?reference=shared-ref&state=success', () => [older]],
  ])('%s', async (_name, query, expected) => {
    expect(await ids(query)).toEqual(expected().map((p) => p.payment_id));
  });

  it('sees a payment’s current state', async () => {
    const p = await h.createPayment({ reference: 'to-cancel' });
    await h.post(`/v1/payments/${p.payment_id}/cancel`);
    const res = await h.get('/v1/payments?reference=to-cancel');
    expect(res.body.results[0].state).toMatchObject({ status: 'cancelled', code: 'P0040' });
    expect(res.body.results[0]._links.cancel).toBeUndefined();
  });
});

describe('GET /v1/payments validation', () => {
  it.each([
    ['?state=capturable', 'state'],
    ['?state=paid', 'state'],
    ['?page=0', 'page'],
    ['?page=x', 'page'],
    ['?display_size=0', 'display_size'],
    ['?display_size=501', 'display_size'],
    ['?from_date=2030-01-01', 'from_date'],
    ['?to_date=tomorrow', 'to_date'],
    ['?first_digits_card_number=12345', 'first_digits_card_number'],
    ['?last_digits_card_number=12a4', 'last_digits_card_number'],
    ['?from_settled_date=2030-01-01T00:00:00Z', 'from_settled_date'],
    ['?reference=' + 'r'.repeat(256), 'reference'],
    ['?card_brand=' + 'b'.repeat(21), 'card_brand'],
    ['?page=0&display_size=0&state=x', 'state, page, display_size'],
  ])('%s → 422 P0401', async (query, names) => {
    const res = await h.get(`/v1/payments${query}`);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      code: 'P0401',
      description: `Invalid parameters: ${names}. See Public API documentation for the correct data formats`,
    });
  });

  it('ignores unknown parameters', async () => {
    expect((await h.get('/v1/payments?colour=red')).status).toBe(200);
  });
});

describe('GET /v1/payments pagination', () => {
  let p: Harness;
  let created: string[];
  beforeAll(async () => {
    p = await startSimulator({ rateLimit: false });
    created = [];
    for (let i = 0; i < 7; i++)
      created.push((await p.createPayment({ reference: `page-${i}` })).payment_id);
  });
  afterAll(() => p.close());

  const link = (page: number, size = 3, filter = '') => ({
    href: `${p.url}/v1/payments?${filter}page=${page}&display_size=${size}`,
    method: 'GET',
  });

  it('pages newest first with self, first, last, prev and next links', async () => {
    const res = await p.get('/v1/payments?display_size=3&page=2');
    expect(res.body).toMatchObject({ total: 7, count: 3, page: 2 });
    expect(res.body.results.map((x: Payment) => x.payment_id)).toEqual([
      created[3],
      created[2],
      created[1],
    ]);
    expect(res.body._links).toEqual({
      self: link(2),
      first_page: link(1),
      last_page: link(3),
      prev_page: link(1),
      next_page: link(3),
    });
  });

  it('has no prev_page on the first page and no next_page on the last', async () => {
    const first = await p.get('/v1/payments?display_size=3');
    expect(first.body._links.prev_page).toBeUndefined();
    expect(first.body._links.next_page).toEqual(link(2));
    const last = await p.get('/v1/payments?display_size=3&page=3');
    expect(last.body).toMatchObject({ count: 1, page: 3 });
    expect(last.body.results[0].payment_id).toBe(created[0]);
    expect(last.body._links.next_page).toBeUndefined();
  });

  it('keeps filters in the links', async () => {
    const res = await p.get('/v1/payments?reference=page-1&display_size=3');
    expect(res.body._links.self).toEqual(link(1, 3, 'reference=page-1&'));
  });

  it('defaults to display_size 500 and answers an empty search with page 1', async () => {
    const all = await p.get('/v1/payments');
    expect(all.body.count).toBe(7);
    expect(all.body._links.self.href).toBe(`${p.url}/v1/payments?page=1&display_size=500`);
    const none = await p.get('/v1/payments?reference=nothing');
    expect(none.body).toMatchObject({ total: 0, count: 0, page: 1, results: [] });
    expect(none.body._links.last_page).toEqual(link(1, 500, 'reference=nothing&'));
  });

  it('answers 404 P0402 past the last page', async () => {
    const res = await p.get('/v1/payments?display_size=3&page=4');
    expect([res.status, res.body]).toEqual([404, { code: 'P0402', description: 'Page not found' }]);
  });
});

describe('GET /v1/disputes', () => {
  it('answers an empty search with `links`, not `_links`, and validates its parameters', async () => {
    const res = await h.get('/v1/disputes');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 0, count: 0, page: 1, results: [] });
    expect(res.body.links.self.href).toBe(`${h.url}/v1/disputes?page=1&display_size=500`);
    expect(res.body._links).toBeUndefined();
    const bad = await h.get('/v1/disputes?status=open');
    expect([bad.status, bad.body.code]).toEqual([422, 'P0401']);
  });
});
