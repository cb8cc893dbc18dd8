import { PayError, PayValidationError, createPayError } from '../../src/client/errors';
import { guards } from '../../src/client/guards';
import { PayClient } from '../../src/client/pay-client';
import { refundable } from '../../src/client/refundable';
import type { Agreement, Payment, PaymentRefunds, Refund } from '../../src/client/types';
import { json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import { describeWithShared, loadFixtures } from '../helpers/shared';
import { API_KEY } from './bodies';

/**
 * Each official example from the GOV.UK Pay docs goes through the client as a real HTTP answer
 * (or through the guard or error factory that would read it). The fixtures' links are on the
 * real API origin, so each body has that origin swapped for the scripted server's.
 */

const REAL_ORIGIN = 'https://publicapi.payments.service.gov.uk';

describeWithShared('official GOV.UK Pay fixtures', () => {
  let server: ScriptedServer;
  let client: PayClient;
  let fixtures: Record<string, unknown>;
  const local = (fixture: unknown): unknown =>
    JSON.parse(JSON.stringify(fixture).split(REAL_ORIGIN).join(server.url)) as unknown;
  const fixture = (name: string): unknown => {
    const value = fixtures[name];
    if (value === undefined) throw new Error(`fixture ${name} is missing from ../shared`);
    return value;
  };

  beforeAll(async () => {
    fixtures = loadFixtures();
    server = await startScriptedServer();
    client = new PayClient({ apiKey: API_KEY, apiBaseUrl: server.url, maxRetries: 0 });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const handled = new Set<string>();
  afterAll(() => {
    // A fixture added to ../shared later must get a test here.
    expect(
      Object.keys(fixtures)
        .filter((f) => !handled.has(f))
        .sort(),
    ).toEqual([]);
  });

  it('create-payment-201: createPayment', async () => {
    handled.add('create-payment-201.docs.json');
    const body = local(fixture('create-payment-201.docs.json')) as Payment;
    server.reply(json(201, body));
    const payment = await client.createPayment({
      amount: 14500,
      reference: '12345',
      description: 'Pay your council tax.',
      return_url: 'https://your.service.gov.uk/completed',
    });
    expect(payment).toEqual(body);
    expect(payment.state.finished).toBe(false);
    expect(payment._links.next_url?.href).toMatch(
      /^https:\/\/www\.payments\.service\.gov\.uk\/secure\//,
    );
    expect(refundable(payment)).toBe(0);
    // Its self link is on the API origin, so it can be followed.
    server.reply(json(200, body));
    await expect(client.getPaymentBySelfLink(payment._links.self.href)).resolves.toEqual(body);
  });

  it('get-payment-success-200: getPayment', async () => {
    handled.add('get-payment-success-200.docs.json');
    const body = local(fixture('get-payment-success-200.docs.json')) as Payment;
    server.reply(json(200, body));
    const payment = await client.getPayment(body.payment_id);
    expect(payment.state).toEqual({ status: 'success', finished: true });
    expect(payment.card_details?.billing_address?.postcode).toBe('NW1 6XE');
    expect(payment.metadata).toEqual({ ledger_code: 'AB100', internal_reference_number: 200 });
    expect(refundable(payment)).toBe(3500);
  });

  it('create-refund-202: refundPayment', async () => {
    handled.add('create-refund-202.docs.json');
    const body = local(fixture('create-refund-202.docs.json')) as Refund;
    server.reply(json(202, body));
    const refund = await client.refundPayment('01k7da2d0021m0pcbjov354et8', {
      amount: 1000,
      refund_amount_available: 3500,
    });
    expect(refund).toEqual(body);
  });

  it('get-refund-200: getRefund (the docs example has no _links)', async () => {
    handled.add('get-refund-200.docs.json');
    const body = local(fixture('get-refund-200.docs.json')) as Refund;
    server.reply(json(200, body));
    const refund = await client.getRefund('01k7da2d0021m0pcbjov354et8', body.refund_id);
    expect(refund.settlement_summary?.settled_date).toBe('2019-09-21');
  });

  it('get-payment-refunds-200: getRefunds', async () => {
    handled.add('get-payment-refunds-200.docs.json');
    const body = local(fixture('get-payment-refunds-200.docs.json')) as PaymentRefunds;
    server.reply(json(200, body));
    const refunds = await client.getRefunds(body.payment_id);
    expect(refunds._embedded.refunds.map((r) => r.amount)).toEqual([5000, 1000]);
  });

  it('get-agreement-200: getAgreement', async () => {
    handled.add('get-agreement-200.docs.json');
    const body = local(fixture('get-agreement-200.docs.json')) as Agreement;
    server.reply(json(200, body));
    const agreement = await client.getAgreement(body.agreement_id);
    expect(agreement.payment_instrument?.card_details?.card_brand).toBe('Visa');
  });

  it('error-P0102: a 422 becomes a PayValidationError naming the field', async () => {
    handled.add('error-P0102.docs.json');
    server.reply(json(422, fixture('error-P0102.docs.json')));
    const error = await client
      .createPayment({
        amount: 100,
        reference: 'r',
        description: 'd',
        return_url: 'https://a.gov.uk/',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayValidationError);
    expect(error).toMatchObject({ status: 422, code: 'P0102', field: 'amount' });
  });

  it('moto-auth-error-P0010-402: the factory keeps the code', () => {
    handled.add('moto-auth-error-P0010-402.docs.json');
    const error = createPayError(402, fixture('moto-auth-error-P0010-402.docs.json'));
    expect(error).toBeInstanceOf(PayError);
    expect(error).toMatchObject({
      status: 402,
      code: 'P0010',
      description: 'The payment was rejected',
    });
  });

  it('webhook-card_payment_captured: its resource passes the payment guard (no _links)', () => {
    handled.add('webhook-card_payment_captured.docs.json');
    const webhook = fixture('webhook-card_payment_captured.docs.json') as { resource: unknown };
    const resource = guards.paymentResource(webhook.resource);
    expect(resource.state.status).toBe('success');
    expect(() => guards.payment(webhook.resource)).toThrow(/_links/);
  });
});
