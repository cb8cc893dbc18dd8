import type { Payment } from '../../src/client/types';
import { AGREEMENT_AUTHORISATION_MS, generateTestApiKey } from '../../src/simulator';
import { describeWithShared, loadFixtures } from '../helpers/shared';
import type { Harness } from '../helpers/simulator-harness';
import { paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';
import { createSpecChecker } from './spec';

/**
 * Fidelity: every endpoint in every status the simulator can give, with each JSON body checked
 * against the response schemas of GOV.UK Pay's OpenAPI file (wire exceptions in ./spec.ts), and
 * the official docs examples' field sets compared with the simulator's for the same resource.
 */

/** The key of the plain account, which most of these tests use through the harness. */
const h0Key = generateTestApiKey();

/** Dotted paths of every key, arrays read through their first element. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [] : keyPaths(value[0], `${prefix}[]`);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(inner, path)];
  });
}

/** What only the fixture has, and what only the simulator has. */
function difference(
  fixture: unknown,
  simulated: unknown,
): { onlyInFixture: string[]; onlyInSimulator: string[] } {
  const a = new Set(keyPaths(fixture));
  const b = new Set(keyPaths(simulated));
  return {
    onlyInFixture: [...a].filter((k) => !b.has(k)).sort(),
    onlyInSimulator: [...b].filter((k) => !a.has(k)).sort(),
  };
}

describeWithShared('simulator fidelity', () => {
  let h: Harness;
  let fixtures: Record<string, unknown>;
  /** An account with every feature on, for agreements, MOTO, fees and surcharges. */
  const fullKey = generateTestApiKey();
  beforeAll(async () => {
    fixtures = loadFixtures();
    h = await startSimulator({
      rateLimit: false,
      accounts: [
        { keys: [h0Key] },
        {
          keys: [fullKey],
          moto: true,
          motoApi: true,
          fees: true,
          corporateSurcharge: { credit: 250, debit: 50 },
        },
      ],
    });
  });
  afterAll(() => h.close());

  const paid = async (overrides = {}): Promise<Payment> => {
    const p = await h.createPayment(overrides);
    h.sim.completePayment(p.payment_id, { card: '4000056655665556' });
    return p;
  };

  describe('against the OpenAPI response schemas', () => {
    it('the checker rejects bodies that break the spec (negative control)', () => {
      const checker = createSpecChecker();
      expect(
        checker.check({
          method: 'GET',
          path: '/v1/payments/abc',
          status: 200,
          body: { amount: '12' },
        }),
      ).not.toEqual([]);
      expect(
        checker.check({
          method: 'GET',
          path: '/v1/payments/abc/refunds/def',
          status: 200,
          body: { status: 'done' },
        }),
      ).not.toEqual([]);
      expect(
        checker.check({
          method: 'GET',
          path: '/v1/payments/abc',
          status: 200,
          body: { state: { status: 'failed', code: 'P010' } },
        }),
      ).not.toEqual([]);
      expect(
        checker.check({
          method: 'GET',
          path: '/v1/payments',
          status: 200,
          body: { results: [{ _links: { cancel: { params: { a: 1 } } } }] },
        }),
      ).not.toEqual([]);
    });

    it('every endpoint in every status validates', async () => {
      recorded.length = 0;
      const x = '0000000000000000000000000a';
      // Payments in every status.
      const created = await h.createPayment({
        metadata: { ledger_code: 'AB100', n: 2, flag: true },
        email: 'a@example.com',
      });
      const capturable = await h.createPayment({ delayed_capture: true });
      h.sim.completePayment(capturable.payment_id, { card: '4444333322221111' });
      const success = await paid({
        prefilled_cardholder_details: { billing_address: { line1: '1 A St', postcode: 'AB1 2CD' } },
      });
      const declined = await h.createPayment();
      h.sim.completePayment(declined.payment_id, { card: '4000000000000002' });
      const cancelled = await h.createPayment();
      h.sim.cancelByService(cancelled.payment_id);
      const errored = await h.createPayment();
      h.sim.completePayment(errored.payment_id, { card: '4000000000000119' });
      for (const p of [created, capturable, success, declined, cancelled, errored]) {
        await h.get(`/v1/payments/${p.payment_id}`);
        await h.get(`/v1/payments/${p.payment_id}/events`);
      }
      // Errors of create.
      await h.post('/v1/payments', paymentRequest({ amount: undefined }));
      await h.post('/v1/payments', paymentRequest({ amount: 0 }));
      await h.post('/v1/payments', undefined, {
        raw: '{',
        headers: { 'content-type': 'application/json' },
      });
      await h.get(`/v1/payments/${x}`);
      await h.get(`/v1/payments/${x}/events`);
      // Cancel and capture.
      await h.post(`/v1/payments/${created.payment_id}/cancel`);
      await h.post(`/v1/payments/${created.payment_id}/cancel`);
      await h.post(`/v1/payments/${x}/cancel`);
      await h.post(`/v1/payments/${success.payment_id}/capture`);
      await h.post(`/v1/payments/${x}/capture`);
      await h.post(`/v1/payments/${capturable.payment_id}/capture`);
      // Search.
      await h.get('/v1/payments?display_size=2&page=2');
      await h.get('/v1/payments?state=capturable');
      await h.get('/v1/payments?page=99');
      // Refunds.
      const r = await h.post(`/v1/payments/${success.payment_id}/refunds`, {
        amount: 100,
        refund_amount_available: 1250,
      });
      await h.post(`/v1/payments/${success.payment_id}/refunds`, {
        amount: 100,
        refund_amount_available: 1,
      });
      await h.post(`/v1/payments/${success.payment_id}/refunds`, { amount: 0 });
      await h.post(`/v1/payments/${success.payment_id}/refunds`, {});
      await h.post(`/v1/payments/${created.payment_id}/refunds`, { amount: 1 });
      await h.post(`/v1/payments/${x}/refunds`, { amount: 1 });
      await h.get(`/v1/payments/${success.payment_id}/refunds/${r.body.refund_id}`);
      await h.get(`/v1/payments/${success.payment_id}/refunds/${x}`);
      await h.get(`/v1/payments/${success.payment_id}/refunds`);
      await h.get(`/v1/payments/${x}/refunds`);
      await h.get('/v1/refunds');
      await h.get('/v1/refunds?page=0');
      await h.get('/v1/refunds?page=9');
      await h.get('/v1/disputes');
      await h.get('/v1/disputes?page=x');
      await h.get('/v1/disputes?page=9');
      // Agreements, on the account with every feature.
      const as = { key: fullKey };
      const agreement = (
        await h.post(
          '/v1/agreements',
          { reference: 'A', description: 'D', user_identifier: 'u' },
          as,
        )
      ).body;
      await h.post('/v1/agreements', { reference: 'A' }, as);
      await h.post('/v1/agreements', { reference: 'A', description: 'd'.repeat(256) }, as);
      await h.get(`/v1/agreements/${agreement.agreement_id}`, as);
      await h.get(`/v1/agreements/${x}`, as);
      const setUp = (
        await h.post(
          '/v1/payments',
          paymentRequest({ set_up_agreement: agreement.agreement_id }),
          as,
        )
      ).body;
      h.sim.completePayment(setUp.payment_id, { card: '4111111111111111' });
      await h.get(`/v1/agreements/${agreement.agreement_id}`, as);
      const recurring = {
        amount: 500,
        reference: 'R',
        description: 'D',
        authorisation_mode: 'agreement',
        agreement_id: agreement.agreement_id,
      };
      const taken = (
        await h.post('/v1/payments', recurring, { ...as, headers: { 'idempotency-key': 'f-1' } })
      ).body;
      await h.post('/v1/payments', recurring, { ...as, headers: { 'idempotency-key': 'f-1' } });
      await h.post(
        '/v1/payments',
        { ...recurring, amount: 1 },
        { ...as, headers: { 'idempotency-key': 'f-1' } },
      );
      await h.get(`/v1/payments/${taken.payment_id}`, as);
      // Read in time, it was still `submitted` (the clock also runs with real time).
      const readSubmittedInTime =
        h.sim.clock.now() < Date.parse(taken.created_date) + AGREEMENT_AUTHORISATION_MS;
      h.sim.declineNextAgreementPayment(agreement.agreement_id);
      const retry = (await h.post('/v1/payments', recurring, as)).body;
      h.sim.clock.advance(AGREEMENT_AUTHORISATION_MS);
      await h.get(`/v1/payments/${retry.payment_id}`, as);
      await h.get(`/v1/payments/${retry.payment_id}/events`, as);
      await h.get(`/v1/payments?agreement_id=${agreement.agreement_id}`, as);
      await h.get('/v1/agreements', as);
      await h.get('/v1/agreements?status=nope', as);
      await h.get('/v1/agreements?page=9', as);
      await h.post(`/v1/agreements/${agreement.agreement_id}/cancel`, undefined, as);
      await h.post(`/v1/agreements/${agreement.agreement_id}/cancel`, undefined, as);
      await h.post(`/v1/agreements/${x}/cancel`, undefined, as);
      await h.get(`/v1/agreements/${agreement.agreement_id}`, as);
      // MOTO: moto_api and /v1/auth in each answer.
      const moto = async (): Promise<string> =>
        (
          await h.post(
            '/v1/payments',
            paymentRequest({ authorisation_mode: 'moto_api', return_url: undefined }),
            as,
          )
        ).body._links.auth_url_post.params.one_time_token;
      const card = {
        card_number: '4444333322221111',
        cvc: '123',
        expiry_date: '12/35',
        cardholder_name: 'A',
      };
      const token = await moto();
      await h.post('/v1/auth', { ...card, one_time_token: token }, { key: null });
      await h.post('/v1/auth', { ...card, one_time_token: token }, { key: null });
      await h.post(
        '/v1/auth',
        { ...card, one_time_token: await moto(), card_number: '4000000000000002' },
        { key: null },
      );
      await h.post(
        '/v1/auth',
        { ...card, one_time_token: await moto(), card_number: '4000000000000119' },
        { key: null },
      );
      await h.post('/v1/auth', { ...card, one_time_token: token, cvc: 'x' }, { key: null });
      // A surcharged, fee-bearing, disputed payment.
      const corporate = (await h.post('/v1/payments', paymentRequest(), as)).body;
      h.sim.completePayment(corporate.payment_id, { card: '4111111111111111' });
      await h.get(`/v1/payments/${corporate.payment_id}`, as);
      const wallet = (await h.post('/v1/payments', paymentRequest(), as)).body;
      h.sim.completePayment(wallet.payment_id, { card: '4444333322221111', wallet: 'Apple Pay' });
      await h.get(`/v1/payments/${wallet.payment_id}`, as);
      const lost = h.sim.raiseDispute(corporate.payment_id);
      h.sim.raiseDispute(wallet.payment_id);
      h.sim.resolveDispute(lost, 'lost');
      await h.get('/v1/disputes', as);
      // Rate limit and injected server errors.
      const limited = await startSimulator({ rateLimit: { postsPerSecond: 1 } });
      try {
        limited.sim.clock.advance(1000 - (limited.sim.clock.now() % 1000));
        await Promise.all([1, 2].map(() => limited.post('/v1/payments', paymentRequest())));
      } finally {
        await limited.close();
      }
      h.sim.faults.inject({ route: 'getRefund', times: 1, fault: { kind: 'status', status: 500 } });
      await h.get(`/v1/payments/${success.payment_id}/refunds/${r.body.refund_id}`);
      h.sim.faults.inject({
        route: 'searchRefunds',
        times: 1,
        fault: { kind: 'status', status: 503 },
      });
      await h.get('/v1/refunds');

      const seen = new Set(
        recorded.map(
          (rec) => `${rec.method} ${rec.path.replace(/[0-9a-v]{26}/g, '{id}')} ${rec.status}`,
        ),
      );
      expect([...seen].sort()).toEqual(
        [
          'POST /v1/payments 201',
          'POST /v1/payments 400',
          'POST /v1/payments 422',
          'POST /v1/payments 429',
          'GET /v1/payments/{id} 200',
          'GET /v1/payments/{id} 404',
          'GET /v1/payments/{id}/events 200',
          'GET /v1/payments/{id}/events 404',
          'POST /v1/payments/{id}/cancel 400',
          'POST /v1/payments/{id}/cancel 404',
          'POST /v1/payments/{id}/capture 409',
          'POST /v1/payments/{id}/capture 404',
          'GET /v1/payments 200',
          'GET /v1/payments 422',
          'GET /v1/payments 404',
          'POST /v1/payments/{id}/refunds 202',
          'POST /v1/payments/{id}/refunds 400',
          'POST /v1/payments/{id}/refunds 404',
          'POST /v1/payments/{id}/refunds 412',
          'POST /v1/payments/{id}/refunds 422',
          'GET /v1/payments/{id}/refunds/{id} 200',
          'GET /v1/payments/{id}/refunds/{id} 404',
          'GET /v1/payments/{id}/refunds/{id} 500',
          'GET /v1/payments/{id}/refunds 200',
          'GET /v1/payments/{id}/refunds 404',
          'GET /v1/refunds 200',
          'GET /v1/refunds 422',
          'GET /v1/refunds 404',
          'GET /v1/refunds 503',
          'GET /v1/disputes 200',
          'GET /v1/disputes 422',
          'GET /v1/disputes 404',
          'POST /v1/payments 200',
          'POST /v1/payments 409',
          'POST /v1/agreements 201',
          'POST /v1/agreements 400',
          'POST /v1/agreements 422',
          'GET /v1/agreements/{id} 200',
          'GET /v1/agreements/{id} 404',
          'GET /v1/agreements 200',
          'GET /v1/agreements 422',
          'GET /v1/agreements 404',
          'POST /v1/agreements/{id}/cancel 400',
          'POST /v1/agreements/{id}/cancel 404',
          'POST /v1/auth 400',
          'POST /v1/auth 402',
          'POST /v1/auth 422',
          'POST /v1/auth 500',
        ].sort(),
      );
      const statuses = new Set(
        recorded.map((rec) => (rec.body as Payment).state?.status).filter(Boolean),
      );
      expect([...statuses].sort()).toEqual(
        [
          'cancelled',
          'capturable',
          'created',
          'error',
          'failed',
          ...(readSubmittedInTime || statuses.has('submitted') ? ['submitted'] : []),
          'success',
        ].sort(),
      );
      const checker = createSpecChecker();
      expect(recorded.flatMap((rec) => checker.check(rec))).toEqual([]);
    });
  });

  describe('against the official fixtures’ field sets', () => {
    const handled = new Set<string>();
    afterAll(() => {
      // A fixture added to ../shared later must be compared here or listed as not simulated.
      expect(
        Object.keys(fixtures)
          .filter((f) => !handled.has(f))
          .sort(),
      ).toEqual([]);
    });
    const fixture = (name: string): unknown => {
      handled.add(name);
      const value = fixtures[name];
      if (value === undefined) throw new Error(`fixture ${name} is missing`);
      return value;
    };

    it('create-payment-201: the same fields, plus authorisation_mode', async () => {
      const p = await h.createPayment({ reference: '12345', description: 'Pay your council tax.' });
      expect(difference(fixture('create-payment-201.docs.json'), p)).toEqual({
        onlyInFixture: [],
        // CardPayment serialises authorisation_mode whenever set; the docs example predates it.
        onlyInSimulator: ['authorisation_mode'],
      });
    });

    it('get-payment-success-200: the same fields, less 3-D Secure and settlement (Stripe only)', async () => {
      // The account with fees and a corporate surcharge, paid with a corporate debit card.
      const p = await h.createPayment(
        {
          email: 'sherlock.holmes@example.com',
          metadata: { ledger_code: 'AB100', internal_reference_number: 200 },
          prefilled_cardholder_details: {
            cardholder_name: 'Sherlock Holmes',
            billing_address: {
              line1: '221 Baker Street',
              line2: 'Flat b',
              postcode: 'NW1 6XE',
              city: 'London',
              country: 'GB',
            },
          },
        },
        fullKey,
      );
      h.sim.completePayment(p.payment_id, { card: '4988080000000000' });
      await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 500 }, { key: fullKey });
      const got = (await h.get(`/v1/payments/${p.payment_id}`, { key: fullKey })).body;
      expect(difference(fixture('get-payment-success-200.docs.json'), got)).toEqual({
        onlyInFixture: [
          // 3-D Secure only: the sandbox never does 3DS (FACTS.md §15).
          'authorisation_summary',
          'authorisation_summary.three_d_secure',
          'authorisation_summary.three_d_secure.required',
          // Stripe only (FACTS.md §4).
          'settlement_summary.settled_date',
        ],
        // Deprecated but still sent by publicapi (CardPayment.getCardBrand).
        onlyInSimulator: ['card_brand'],
      });
    });

    it('create-refund-202: the same fields', async () => {
      const p = await paid();
      const res = await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 1000 });
      expect(res.status).toBe(202);
      expect(difference(fixture('create-refund-202.docs.json'), res.body)).toEqual({
        onlyInFixture: [],
        onlyInSimulator: [],
      });
    });

    it('get-refund-200: the same fields, with _links the docs example leaves out', async () => {
      const p = await paid();
      const created = (await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 1000 })).body;
      const got = (await h.get(`/v1/payments/${p.payment_id}/refunds/${created.refund_id}`)).body;
      expect(difference(fixture('get-refund-200.docs.json'), got)).toEqual({
        onlyInFixture: ['settlement_summary.settled_date'],
        onlyInSimulator: [
          '_links',
          '_links.payment',
          '_links.payment.href',
          '_links.payment.method',
          '_links.self',
          '_links.self.href',
          '_links.self.method',
        ],
      });
    });

    it('get-payment-refunds-200: the same fields', async () => {
      const p = await paid();
      await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 100 });
      await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 200 });
      const list = (await h.get(`/v1/payments/${p.payment_id}/refunds`)).body;
      expect(difference(fixture('get-payment-refunds-200.docs.json'), list)).toEqual({
        onlyInFixture: [],
        onlyInSimulator: [],
      });
    });

    it('error-P0102: the very same body for an amount over the maximum', async () => {
      const res = await h.post('/v1/payments', paymentRequest({ amount: 10_000_001 }));
      expect(res.body).toEqual(fixture('error-P0102.docs.json'));
    });

    it('get-agreement-200: the same fields, plus when the card was saved', async () => {
      const as = { key: fullKey };
      const created = (
        await h.post(
          '/v1/agreements',
          { reference: 'CT-22-23-0001', description: 'Council tax' },
          as,
        )
      ).body;
      const p = await h.createPayment(
        {
          set_up_agreement: created.agreement_id,
          prefilled_cardholder_details: {
            cardholder_name: 'Sherlock Holmes',
            billing_address: {
              line1: '221 Baker Street',
              line2: 'Flat b',
              postcode: 'NW1 6XE',
              city: 'London',
              country: 'GB',
            },
          },
        },
        fullKey,
      );
      h.sim.completePayment(p.payment_id, { card: '4000056655665556' });
      const got = (await h.get(`/v1/agreements/${created.agreement_id}`, as)).body;
      expect(difference(fixture('get-agreement-200.docs.json'), got)).toEqual({
        onlyInFixture: [],
        // The example predates it: GOV.UK Pay records when the card was saved.
        onlyInSimulator: ['payment_instrument.created_date'],
      });
    });

    it('moto-auth-error-P0010-402: the very same body for a declined card', async () => {
      const as = { key: fullKey };
      const p = (
        await h.post(
          '/v1/payments',
          paymentRequest({ authorisation_mode: 'moto_api', return_url: undefined }),
          as,
        )
      ).body;
      const res = await h.post(
        '/v1/auth',
        {
          one_time_token: p._links.auth_url_post.params.one_time_token,
          card_number: '4000000000000002',
          cvc: '123',
          expiry_date: '12/35',
          cardholder_name: 'A',
        },
        { key: null },
      );
      expect(res.status).toBe(402);
      expect(res.body).toEqual(fixture('moto-auth-error-P0010-402.docs.json'));
    });

    it('webhook-card_payment_captured: compared in test/simulator/webhooks', () => {
      expect(fixture('webhook-card_payment_captured.docs.json')).toBeDefined();
    });
  });
});
