import { PayValidationError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import {
  validateCreateAgreementRequest,
  validateCreatePaymentRequest,
  validateIdempotencyKey,
  validateRefundRequest,
} from '../../src/client/validate';
import { startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import { API_KEY, PAYMENT_ID, validCreateRequest } from './bodies';

const base = validCreateRequest;
const metadataOf = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, 'v']));

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PayValidationError);
    expect((error as PayValidationError).status).toBeUndefined();
    return (error as PayValidationError).field;
  }
  return undefined;
}

describe('validateCreatePaymentRequest', () => {
  it('accepts a minimal and a full valid request', () => {
    expect(fieldOf(() => validateCreatePaymentRequest(base))).toBeUndefined();
    const full = {
      ...base,
      amount: 10_000_000,
      reference: 'r'.repeat(255),
      description: 'd'.repeat(255),
      return_url: `https://example.gov.uk/${'a'.repeat(1970)}`,
      language: 'cy',
      email: `${'e'.repeat(242)}@example.com`,
      metadata: { ...metadataOf(12), [`k${'x'.repeat(29)}`]: 'v'.repeat(100), n: 1.5, b: false },
      delayed_capture: true,
      moto: false,
      prefilled_cardholder_details: {
        cardholder_name: 'n'.repeat(255),
        billing_address: {
          line1: 'a'.repeat(255),
          line2: '',
          city: 'c'.repeat(255),
          postcode: 'p'.repeat(25),
          country: 'GB',
        },
      },
    };
    expect(Object.keys(full.metadata)).toHaveLength(15);
    expect(full.return_url.length).toBeLessThanOrEqual(2000);
    expect(fieldOf(() => validateCreatePaymentRequest(full))).toBeUndefined();
    expect(
      fieldOf(() =>
        validateCreatePaymentRequest({ ...base, return_url: 'http://localhost:3000/r' }),
      ),
    ).toBeUndefined();
    expect(fieldOf(() => validateCreatePaymentRequest({ ...base, metadata: {} }))).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['not an object', [] as unknown as Record<string, unknown>, 'request'],
    ['unknown field', { ...base, retrun_url: 'x' }, 'retrun_url'],
    ['amount missing', { ...base, amount: undefined }, 'amount'],
    ['amount 0', { ...base, amount: 0 }, 'amount'],
    ['amount negative', { ...base, amount: -5 }, 'amount'],
    ['amount fraction', { ...base, amount: 27.55 }, 'amount'],
    ['amount over max', { ...base, amount: 10_000_001 }, 'amount'],
    ['amount string', { ...base, amount: '100' }, 'amount'],
    ['amount NaN', { ...base, amount: Number.NaN }, 'amount'],
    ['reference missing', { ...base, reference: undefined }, 'reference'],
    ['reference blank', { ...base, reference: '   ' }, 'reference'],
    ['reference too long', { ...base, reference: 'r'.repeat(256) }, 'reference'],
    ['reference with <', { ...base, reference: 'a<b' }, 'reference'],
    ['reference with >', { ...base, reference: 'a>b' }, 'reference'],
    ['reference with |', { ...base, reference: 'a|b' }, 'reference'],
    ['description missing', { ...base, description: undefined }, 'description'],
    ['description too long', { ...base, description: 'd'.repeat(256) }, 'description'],
    ['description with |', { ...base, description: 'x|y' }, 'description'],
    ['description number', { ...base, description: 5 }, 'description'],
    ['return_url missing', { ...base, return_url: undefined }, 'return_url'],
    [
      'return_url too long',
      { ...base, return_url: `https://a.gov.uk/${'a'.repeat(2000)}` },
      'return_url',
    ],
    ['return_url ftp', { ...base, return_url: 'ftp://a.gov.uk/x' }, 'return_url'],
    ['return_url javascript', { ...base, return_url: 'javascript:alert(1)' }, 'return_url'],
    ['return_url relative', { ...base, return_url: '/done' }, 'return_url'],
    ['return_url with moto_api', { ...base, authorisation_mode: 'moto_api' }, 'return_url'],
    ['email too long', { ...base, email: `${'e'.repeat(243)}@example.com` }, 'email'],
    ['email not string', { ...base, email: 1 }, 'email'],
    ['language fr', { ...base, language: 'fr' }, 'language'],
    ['language empty', { ...base, language: '' }, 'language'],
    ['metadata array', { ...base, metadata: ['a'] }, 'metadata'],
    ['metadata 16 keys', { ...base, metadata: metadataOf(16) }, 'metadata'],
    ['metadata empty key', { ...base, metadata: { '': 'v' } }, 'metadata'],
    ['metadata key 31 chars', { ...base, metadata: { ['k'.repeat(31)]: 'v' } }, 'metadata'],
    [
      'metadata keys equal ignoring case',
      { ...base, metadata: { Ledger: 'a', ledger: 'b' } },
      'metadata',
    ],
    ['metadata null value', { ...base, metadata: { a: null } }, 'metadata'],
    ['metadata object value', { ...base, metadata: { a: { b: 1 } } }, 'metadata'],
    ['metadata value 101 chars', { ...base, metadata: { a: 'v'.repeat(101) } }, 'metadata'],
    [
      'metadata infinite number',
      { ...base, metadata: { a: Number.POSITIVE_INFINITY } },
      'metadata',
    ],
    ['delayed_capture string', { ...base, delayed_capture: 'true' }, 'delayed_capture'],
    ['moto number', { ...base, moto: 1 }, 'moto'],
    ['authorisation_mode bad', { ...base, authorisation_mode: 'external' }, 'authorisation_mode'],
    [
      'cardholder_name too long',
      { ...base, prefilled_cardholder_details: { cardholder_name: 'n'.repeat(256) } },
      'prefilled_cardholder_details.cardholder_name',
    ],
    [
      'line1 too long',
      { ...base, prefilled_cardholder_details: { billing_address: { line1: 'a'.repeat(256) } } },
      'prefilled_cardholder_details.billing_address.line1',
    ],
    [
      'line2 too long',
      { ...base, prefilled_cardholder_details: { billing_address: { line2: 'a'.repeat(256) } } },
      'prefilled_cardholder_details.billing_address.line2',
    ],
    [
      'city too long',
      { ...base, prefilled_cardholder_details: { billing_address: { city: 'a'.repeat(256) } } },
      'prefilled_cardholder_details.billing_address.city',
    ],
    [
      'postcode too long',
      { ...base, prefilled_cardholder_details: { billing_address: { postcode: 'p'.repeat(26) } } },
      'prefilled_cardholder_details.billing_address.postcode',
    ],
    [
      'unknown prefilled field',
      { ...base, prefilled_cardholder_details: { name: 'x' } },
      'prefilled_cardholder_details.name',
    ],
    [
      'agreement_id without agreement mode',
      { ...base, agreement_id: 'a'.repeat(26) },
      'agreement_id',
    ],
    [
      'agreement mode without agreement_id',
      { amount: 100, reference: 'r', description: 'd', authorisation_mode: 'agreement' },
      'agreement_id',
    ],
    [
      'email in agreement mode',
      {
        amount: 100,
        reference: 'r',
        description: 'd',
        authorisation_mode: 'agreement',
        agreement_id: 'a'.repeat(26),
        email: 'a@b.c',
      },
      'email',
    ],
    ['set_up_agreement wrong length', { ...base, set_up_agreement: 'abc' }, 'set_up_agreement'],
    [
      'agreement_payment_type alone',
      { ...base, agreement_payment_type: 'recurring' },
      'agreement_payment_type',
    ],
  ])('refuses %s', (_label, request, field) => {
    expect(fieldOf(() => validateCreatePaymentRequest(request))).toBe(field);
  });

  it('never echoes the value in the message (it may be personal data)', () => {
    const email = `${'secret'.repeat(50)}@example.com`;
    try {
      validateCreatePaymentRequest({ ...base, email });
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as Error).message).not.toContain('secretsecret');
      expect((error as Error).message).toMatch(/^govuk-pay-express: createPayment: email/);
    }
  });
});

describe('validateRefundRequest', () => {
  it.each<[Record<string, unknown>, string | undefined]>([
    [{ amount: 1 }, undefined],
    [{ amount: 10_000_000, refund_amount_available: 10_000_000 }, undefined],
    [{ amount: 100, refund_amount_available: 0 }, undefined],
    [{ amount: 0 }, 'amount'],
    [{ amount: 1.5 }, 'amount'],
    [{ amount: 10_000_001 }, 'amount'],
    [{}, 'amount'],
    [{ amount: 100, refund_amount_available: -1 }, 'refund_amount_available'],
    [{ amount: 100, refund_amount_available: 2.5 }, 'refund_amount_available'],
    [{ amount: 100, refund_amount_available: '200' }, 'refund_amount_available'],
    [{ amount: 100, reason: 'x' }, 'reason'],
  ])('%j -> %s', (request, field) => {
    expect(fieldOf(() => validateRefundRequest(request))).toBe(field);
  });
});

describe('validateCreateAgreementRequest', () => {
  it.each<[Record<string, unknown>, string | undefined]>([
    [{ reference: 'r', description: 'd' }, undefined],
    [{ reference: 'r', description: 'd', user_identifier: 'u-1' }, undefined],
    [{ description: 'd' }, 'reference'],
    [{ reference: 'r', description: 'd'.repeat(256) }, 'description'],
    [{ reference: 'r', description: 'd', user_identifier: '' }, 'user_identifier'],
    [{ reference: 'r', description: 'd', extra: 1 }, 'extra'],
  ])('%j -> %s', (request, field) => {
    expect(fieldOf(() => validateCreateAgreementRequest(request))).toBe(field);
  });
});

describe('validateIdempotencyKey', () => {
  it.each([
    ['abc-123', true],
    ['a'.repeat(255), true],
    ['', false],
    ['a'.repeat(256), false],
    ['has space', false],
    ['under_score', false],
    ['new\nline', false],
  ])('%j valid=%s', (key, valid) => {
    expect(fieldOf(() => validateIdempotencyKey(key))).toBe(valid ? undefined : 'idempotencyKey');
  });
});

describe('no HTTP call is made when local validation fails', () => {
  let server: ScriptedServer;
  let client: PayClient;
  beforeAll(async () => {
    server = await startScriptedServer();
    client = new PayClient({ apiKey: API_KEY, apiBaseUrl: server.url });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it.each<[string, (c: PayClient) => Promise<unknown>, string]>([
    ['createPayment amount', (c) => c.createPayment({ ...base, amount: 0 }), 'amount'],
    [
      'createPayment metadata',
      (c) => c.createPayment({ ...base, metadata: { a: 'v'.repeat(101) } }),
      'metadata',
    ],
    [
      'createPayment idempotencyKey',
      (c) => c.createPayment(base, { idempotencyKey: 'no spaces' }),
      'idempotencyKey',
    ],
    ['refundPayment amount', (c) => c.refundPayment(PAYMENT_ID, { amount: 0 }), 'amount'],
    ['refundPayment paymentId', (c) => c.refundPayment('../../v1/x', { amount: 1 }), 'paymentId'],
    ['getPayment path traversal', (c) => c.getPayment('../refunds'), 'paymentId'],
    ['getPayment encoded', (c) => c.getPayment('abc%2F..'), 'paymentId'],
    ['getRefund refundId', (c) => c.getRefund(PAYMENT_ID, 'a/b'), 'refundId'],
    ['cancelPayment empty', (c) => c.cancelPayment(''), 'paymentId'],
    ['createAgreement', (c) => c.createAgreement({ reference: '', description: 'd' }), 'reference'],
    ['getAgreement', (c) => c.getAgreement('x?y'), 'agreementId'],
    [
      'searchPayments unknown filter',
      (c) => c.searchPayments({ refrence: 'x' } as never),
      'refrence',
    ],
    ['searchPayments display_size', (c) => c.searchPayments({ display_size: 501 }), 'display_size'],
    ['searchRefunds page', (c) => c.searchRefunds({ page: 0 }), 'page'],
    ['searchDisputes unknown', (c) => c.searchDisputes({ state: 'won' } as never), 'state'],
    ['per-call timeout', (c) => c.getPayment(PAYMENT_ID, { timeoutMs: 0 }), 'timeoutMs'],
    ['unknown call option', (c) => c.getPayment(PAYMENT_ID, { retries: 3 } as never), 'retries'],
  ])('%s', async (_label, call, field) => {
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayValidationError);
    expect((error as PayValidationError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });

  it('allPayments validates lazily but before any request', async () => {
    const iterator = client.allPayments({ bogus: 1 } as never);
    await expect(iterator.next()).rejects.toBeInstanceOf(PayValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('a misspelt request field', () => {
  it('names the nearest field GOV.UK Pay accepts', () => {
    expect(() =>
      validateCreatePaymentRequest({
        amount: 100,
        reference: 'r',
        description: 'd',
        return_url: 'https://x.gov.uk/r',
        refrence: 'r',
      } as never),
    ).toThrow('refrence is not a field GOV.UK Pay accepts here; did you mean reference?');
  });
});
