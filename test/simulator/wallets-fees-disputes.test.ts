import axios from 'axios';
import { generateTestApiKey } from '../../src/simulator';
import { expectRecordedBodiesMatchSpec } from './spec';
import type { Harness, Loose } from '../helpers/simulator-harness';
import { recorded, startSimulator } from '../helpers/simulator-harness';

/** Apple Pay and Google Pay, corporate card surcharges, fees, and disputes (issue 14, item 6). */

const key = generateTestApiKey();
const feesKey = generateTestApiKey();
let h: Harness;
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    admin: true,
    accounts: [
      { keys: [key], corporateSurcharge: { credit: 250, debit: 50 } },
      { keys: [feesKey], fees: true },
    ],
  });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

const read = async (paymentId: string, withKey = key): Promise<Loose> =>
  (await h.get(`/v1/payments/${paymentId}`, { key: withKey })).body;

describe('wallets', () => {
  it.each(['Apple Pay', 'Google Pay'] as const)(
    '%s: card_details with the wallet type and the fields a wallet hides as null',
    async (wallet) => {
      const p = await h.createPayment({}, key);
      h.sim.completePayment(p.payment_id, { card: '4444333322221111', wallet });
      const got = await read(p.payment_id);
      expect(got.state.status).toBe('success');
      expect(got.card_details).toEqual({
        last_digits_card_number: '1111',
        first_digits_card_number: null,
        cardholder_name: 'Sandbox Tester',
        expiry_date: null,
        billing_address: null,
        card_brand: 'Visa',
        card_type: null,
        wallet_type: wallet,
      });
    },
  );

  it('through the admin route too; a declined wallet card fails as a card would', async () => {
    const p = await h.createPayment({}, key);
    const res = await axios.post(`${h.url}/__simulator/payments/${p.payment_id}/complete`, {
      card: '4000000000000002',
      wallet: 'Google Pay',
    });
    expect(res.data.state.code).toBe('P0010');
    expect(res.data.card_details.wallet_type).toBe('Google Pay');
    const bad = await axios.post(
      `${h.url}/__simulator/payments/${(await h.createPayment({}, key)).payment_id}/complete`,
      { card: '4444333322221111', wallet: 'Samsung Pay' },
      { validateStatus: () => true },
    );
    expect([bad.status, bad.data.error]).toEqual([400, expect.stringMatching(/wallet must be/)]);
  });
});

describe('corporate card surcharges', () => {
  it('adds the account’s surcharge for a corporate card: corporate_card_surcharge and total_amount', async () => {
    const credit = await h.createPayment({ amount: 1000 }, key);
    h.sim.completePayment(credit.payment_id, { card: '4111111111111111' });
    const got = await read(credit.payment_id);
    expect([got.amount, got.corporate_card_surcharge, got.total_amount]).toEqual([1000, 250, 1250]);
    expect(got.refund_summary.amount_available).toBe(1250);
    const debit = await h.createPayment({ amount: 1000 }, key);
    h.sim.completePayment(debit.payment_id, { card: '4988080000000000' });
    expect((await read(debit.payment_id)).total_amount).toBe(1050);
  });

  it('leaves other cards and accounts alone', async () => {
    const p = await h.createPayment({ amount: 1000 }, key);
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    const got = await read(p.payment_id);
    expect(got).not.toHaveProperty('corporate_card_surcharge');
    expect(got).not.toHaveProperty('total_amount');
  });
});

describe('fee and net_amount, an account setting', () => {
  it('appear on captured payments of an account with fees, and nowhere else', async () => {
    const p = await h.createPayment({ amount: 10000 }, feesKey);
    expect(await read(p.payment_id, feesKey)).not.toHaveProperty('fee');
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    const got = await read(p.payment_id, feesKey);
    expect([got.fee, got.net_amount]).toEqual([170, 9830]);
    const plain = await h.createPayment({ amount: 10000 }, key);
    h.sim.completePayment(plain.payment_id, { card: '4444333322221111' });
    expect(await read(plain.payment_id)).not.toHaveProperty('fee');
  });
});

describe('disputes', () => {
  it('are raised, reviewed, won and lost, and listed in GET /v1/disputes with top-level links', async () => {
    const a = await h.createPayment({ amount: 3000 }, key);
    h.sim.completePayment(a.payment_id, { card: '4444333322221111' });
    const b = await h.createPayment({ amount: 4000 }, key);
    h.sim.completePayment(b.payment_id, { card: '4444333322221111' });
    const won = h.sim.raiseDispute(a.payment_id);
    const lost = (
      await axios.post(`${h.url}/__simulator/payments/${b.payment_id}/dispute`, {
        reason: 'product_not_received',
      })
    ).data.dispute_id as string;

    const open = (await h.get('/v1/disputes', { key })).body;
    expect(open).toMatchObject({ total: 2, count: 2, page: 1 });
    expect(open).not.toHaveProperty('_links');
    expect(open.links.self.href).toMatch(/\/v1\/disputes\?/);
    expect(open.results[0]).toEqual({
      dispute_id: lost,
      amount: 4000,
      created_date: expect.stringMatching(/Z$/),
      evidence_due_date: expect.stringMatching(/Z$/),
      payment_id: b.payment_id,
      reason: 'product_not_received',
      status: 'needs_response',
      _links: { payment: { href: `${h.url}/v1/payments/${b.payment_id}`, method: 'GET' } },
    });
    // A disputed payment cannot be refunded.
    const refund = await h.post(`/v1/payments/${a.payment_id}/refunds`, { amount: 1 }, { key });
    expect([refund.status, refund.body]).toEqual([
      400,
      { code: 'P0603', description: 'The payment is disputed and cannot be refunded' },
    ]);

    h.sim.resolveDispute(won, 'under_review');
    h.sim.resolveDispute(won, 'won');
    await axios.post(`${h.url}/__simulator/disputes/${lost}/resolve`, { outcome: 'lost' });
    const lostOne = (await h.get('/v1/disputes?status=lost', { key })).body;
    expect(lostOne.results).toHaveLength(1);
    expect(lostOne.results[0]).toMatchObject({
      dispute_id: lost,
      status: 'lost',
      fee: 1500,
      net_amount: -5500,
    });
    expect((await h.get('/v1/disputes?status=won', { key })).body.results[0].dispute_id).toBe(won);
    // Once won, the payment can be refunded again.
    expect(
      (await h.post(`/v1/payments/${a.payment_id}/refunds`, { amount: 1 }, { key })).status,
    ).toBe(202);
    // Another account sees none of them.
    expect((await h.get('/v1/disputes', { key: feesKey })).body.total).toBe(0);
    expect(() => h.sim.resolveDispute(won, 'lost')).toThrow(/is over/);
  });

  it('only a successful payment can be disputed', async () => {
    const p = await h.createPayment({}, key);
    expect(() => h.sim.raiseDispute(p.payment_id)).toThrow(/created payment cannot be disputed/);
  });
});
