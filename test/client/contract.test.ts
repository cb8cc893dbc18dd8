import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { PayClient } from '../../src/client/pay-client';
import type { CreatePaymentRequest } from '../../src/client/types';
import { CREATE_PAYMENT_KEYS, validateCreatePaymentRequest } from '../../src/client/validate';
import { json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import { describeWithShared, loadSpec } from '../helpers/shared';
import { AGREEMENT_ID, API_KEY, PAYMENT_ID, paymentBody, refundBody } from './bodies';

/**
 * The bodies the client really puts on the wire (captured by the scripted server) must satisfy
 * the request schemas of GOV.UK Pay's own OpenAPI file. `$ref`s resolve because the spec's
 * components are added to ajv under the spec's own document.
 */
describeWithShared('request bodies match the GOV.UK Pay OpenAPI spec', () => {
  let server: ScriptedServer;
  let client: PayClient;
  let schemaFor: (name: string) => ValidateFunction;
  let specSchemas: Record<string, { properties?: Record<string, unknown> }>;

  beforeAll(async () => {
    const spec = loadSpec() as { components: { schemas: typeof specSchemas } };
    specSchemas = spec.components.schemas;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    // OpenAPI's int32/int64 are not JSON Schema formats; the integer type and range still apply.
    ajv.addFormat('int32', {
      type: 'number',
      validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
    });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajv.addSchema({ $id: 'govuk-pay-spec', components: spec.components });
    schemaFor = (name) => {
      const validate = ajv.getSchema(`govuk-pay-spec#/components/schemas/${name}`);
      if (validate === undefined) throw new Error(`no schema ${name} in the spec`);
      return validate;
    };
    server = await startScriptedServer();
    client = new PayClient({ apiKey: API_KEY, apiBaseUrl: server.url, maxRetries: 0 });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const lastBody = (): unknown => server.requests[server.requests.length - 1]?.json;
  const expectValid = (schema: string, body: unknown): void => {
    const validate = schemaFor(schema);
    const ok = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  };

  it('CreateCardPaymentRequest: a minimal web payment', async () => {
    server.reply(json(201, paymentBody(server.url)));
    await client.createPayment({
      amount: 100,
      reference: 'ref-1',
      description: 'A licence',
      return_url: 'https://service.gov.uk/return',
    });
    expectValid('CreateCardPaymentRequest', lastBody());
  });

  it('CreateCardPaymentRequest: every optional field of a web payment', async () => {
    server.reply(json(201, paymentBody(server.url)));
    const request: CreatePaymentRequest = {
      amount: 10_000_000,
      reference: 'r'.repeat(255),
      description: 'd'.repeat(255),
      return_url: 'https://service.gov.uk/return/abc',
      language: 'cy',
      email: 'simulate-delivered@notifications.service.gov.uk',
      prefilled_cardholder_details: {
        cardholder_name: 'J. Bogs',
        billing_address: {
          line1: '1 Street',
          line2: 'Flat 2',
          postcode: 'AB1 2CD',
          city: 'Cardiff',
          country: 'GB',
        },
      },
      // Flat on the wire (FACTS.md §16.8); the spec's nested shape does not forbid it.
      metadata: { ledger_code: 'AB100', internal_reference_number: 200, paid_online: true },
      delayed_capture: true,
      moto: false,
      set_up_agreement: AGREEMENT_ID,
      agreement_payment_type: 'recurring',
    };
    await client.createPayment(request);
    expect(lastBody()).toEqual(request);
    expectValid('CreateCardPaymentRequest', lastBody());
  });

  it('CreateCardPaymentRequest: an agreement payment has no return_url (FACTS.md §3.1; the spec says required)', async () => {
    server.reply(json(201, paymentBody(server.url)));
    await client.createPayment({
      amount: 500,
      reference: 'sub-1',
      description: 'Monthly',
      authorisation_mode: 'agreement',
      agreement_id: AGREEMENT_ID,
    });
    const body = lastBody() as Record<string, unknown>;
    expect(body.return_url).toBeUndefined();
    // Validate everything but the spec's `required: return_url`, which the wire does not enforce here.
    expectValid('CreateCardPaymentRequest', { ...body, return_url: 'https://x.gov.uk/' });
  });

  it('PaymentRefundRequest: with and without refund_amount_available', async () => {
    server.reply(json(202, refundBody(server.url)), json(202, refundBody(server.url)));
    await client.refundPayment(PAYMENT_ID, { amount: 1000, refund_amount_available: 3500 });
    expect(lastBody()).toEqual({ amount: 1000, refund_amount_available: 3500 });
    expectValid('PaymentRefundRequest', lastBody());
    await client.refundPayment(PAYMENT_ID, { amount: 1 });
    expect(lastBody()).toEqual({ amount: 1 });
    expectValid('PaymentRefundRequest', lastBody());
  });

  it('CreateAgreementRequest', async () => {
    const agreement = {
      agreement_id: AGREEMENT_ID,
      reference: 'CT-22-23-0001',
      description: 'Council tax',
      status: 'created',
      created_date: '2022-07-08T14:33:00.000Z',
    };
    server.reply(json(201, agreement), json(201, agreement));
    await client.createAgreement({ reference: 'CT-22-23-0001', description: 'Council tax' });
    expectValid('CreateAgreementRequest', lastBody());
    await client.createAgreement({
      reference: 'CT',
      description: 'Council tax',
      user_identifier: 'user-3fb8',
    });
    expectValid('CreateAgreementRequest', lastBody());
  });

  it('cancel and capture send no body', async () => {
    server.reply({ status: 204 }, { status: 204 });
    await client.cancelPayment(PAYMENT_ID);
    await client.capturePayment(PAYMENT_ID);
    expect(server.requests.slice(-2).map((r) => r.body)).toEqual(['', '']);
  });

  it('the schemas really reject bad bodies (the test has teeth)', () => {
    expect(
      schemaFor('CreateCardPaymentRequest')({
        amount: '1',
        reference: 'r',
        description: 'd',
        return_url: 'u',
      }),
    ).toBe(false);
    expect(
      schemaFor('CreateCardPaymentRequest')({
        amount: 1,
        reference: 'r'.repeat(256),
        description: 'd',
        return_url: 'u',
      }),
    ).toBe(false);
    expect(schemaFor('PaymentRefundRequest')({ amount: 0 })).toBe(false);
    expect(schemaFor('CreateAgreementRequest')({ reference: '', description: 'd' })).toBe(false);
  });

  it('every field the local validator accepts is a field of the spec, and the other way round', () => {
    const specFields = Object.keys(specSchemas.CreateCardPaymentRequest?.properties ?? {}).sort();
    expect(specFields.length).toBeGreaterThan(5);
    const accepted = specFields.filter((field) => {
      try {
        validateCreatePaymentRequest({
          amount: 1,
          reference: 'r',
          description: 'd',
          return_url: 'https://a.gov.uk/',
          [field]: Symbol('probe'),
        });
        return true;
      } catch (error) {
        // Refused for its value (named field), not as an unknown key.
        return !(error as Error).message.includes('is not a field GOV.UK Pay accepts');
      }
    });
    expect(accepted).toEqual(specFields);
    expect([...CREATE_PAYMENT_KEYS].sort()).toEqual(specFields);
  });
});
