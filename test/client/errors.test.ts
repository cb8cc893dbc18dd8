import {
  PayAuthenticationError,
  PayConflictError,
  PayConnectionError,
  PayError,
  PayNotFoundError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
  PayValidationError,
  createPayError,
  parseErrorBody,
} from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { freePort, json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import { API_KEY, PAYMENT_ID, recordingSleep } from './bodies';

describe('createPayError', () => {
  it.each([
    [400, PayValidationError],
    [401, PayAuthenticationError],
    [402, PayError],
    [403, PayAuthenticationError],
    [404, PayNotFoundError],
    [409, PayConflictError],
    [412, PayConflictError],
    [422, PayValidationError],
    [429, PayRateLimitError],
    [500, PayServerError],
    [502, PayServerError],
    [503, PayServerError],
    [599, PayServerError],
    [302, PayResponseError],
    [200, PayResponseError],
  ])('maps %i to %p', (status, cls) => {
    const error = createPayError(status, '{}');
    expect(error).toBeInstanceOf(cls);
    expect(error.constructor).toBe(cls);
    expect(error.status).toBe(status);
    expect(error.name).toBe(cls.name);
  });

  it('carries code, field, description and header from the body', () => {
    const error = createPayError(
      422,
      JSON.stringify({
        field: 'amount',
        code: 'P0102',
        description: 'Invalid attribute value: amount. Must be less than or equal to 10000000',
        header: 'Idempotency-Key',
      }),
      { method: 'POST', path: '/v1/payments' },
    );
    expect(error).toMatchObject({
      status: 422,
      code: 'P0102',
      field: 'amount',
      header: 'Idempotency-Key',
      description: 'Invalid attribute value: amount. Must be less than or equal to 10000000',
      method: 'POST',
      path: '/v1/payments',
    });
    expect(error.message).toBe(
      'GOV.UK Pay answered 422 P0102 "Invalid attribute value: amount. Must be less than or equal to 10000000" to POST /v1/payments',
    );
  });

  it('tolerates bodies that are not JSON objects, and ignores non-string fields', () => {
    expect(parseErrorBody('<html>Bad gateway</html>')).toEqual({});
    expect(parseErrorBody('[1,2]')).toEqual({});
    expect(parseErrorBody({ code: 7, description: null, field: '' })).toEqual({});
    expect(createPayError(502, '<html>').message).toBe('GOV.UK Pay answered 502');
  });

  it('drops a description that echoes the secret', () => {
    const error = createPayError(
      400,
      { code: 'X', description: `bad header Bearer ${API_KEY}` },
      {
        secret: API_KEY,
      },
    );
    expect(error.code).toBe('X');
    expect(error.description).toBeUndefined();
    expect(error.message).not.toContain(API_KEY);
  });

  it('keeps retryAfterMs on rate-limit errors', () => {
    const error = createPayError(
      429,
      { code: 'P0900', description: 'Too many requests' },
      { retryAfterMs: 2000 },
    );
    expect(error).toBeInstanceOf(PayRateLimitError);
    expect((error as PayRateLimitError).retryAfterMs).toBe(2000);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ retryAfterMs: 2000, code: 'P0900' });
  });
});

describe('every error class over real HTTP', () => {
  let server: ScriptedServer;
  let client: PayClient;

  beforeEach(async () => {
    server = await startScriptedServer();
    client = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: server.url,
      maxRetries: 0,
      sleep: recordingSleep().sleep,
    });
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it.each([
    [401, '', PayAuthenticationError, undefined],
    [
      403,
      { code: 'P0940', description: 'Account is not fully configured.' },
      PayAuthenticationError,
      'P0940',
    ],
    [
      400,
      { code: 'P0101', field: 'x', description: 'Missing mandatory attribute: x' },
      PayValidationError,
      'P0101',
    ],
    [422, { code: 'P0102', description: 'Invalid' }, PayValidationError, 'P0102'],
    [404, { code: 'P0200', description: 'Not found' }, PayNotFoundError, 'P0200'],
    [
      409,
      { code: 'P0502', description: 'Cancellation of payment failed' },
      PayConflictError,
      'P0502',
    ],
    [
      412,
      { code: 'P0604', description: 'Refund amount available mismatch.' },
      PayConflictError,
      'P0604',
    ],
    [429, { code: 'P0900', description: 'Too many requests' }, PayRateLimitError, 'P0900'],
    [500, { code: 'P0298', description: 'Downstream system error' }, PayServerError, 'P0298'],
    [503, '<html>maintenance</html>', PayServerError, undefined],
  ])('status %i -> %p', async (status, body, cls, code) => {
    server.reply(json(status, body));
    const error = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(cls);
    expect(error).toMatchObject({ status, method: 'GET', path: '/v1/payments/{paymentId}' });
    expect((error as PayError).code).toBe(code);
    expect((error as Error).message).not.toContain(PAYMENT_ID);
  });

  it('PayConnectionError refused', async () => {
    const port = await freePort();
    const refused = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      maxRetries: 0,
    });
    const error = await refused.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('refused');
    refused.close();
  });

  it('PayConnectionError reset when the socket is destroyed without an answer', async () => {
    server.reply({ destroy: true });
    const error = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('reset');
  });

  it('PayConnectionError reset when the body is cut off mid-way', async () => {
    server.reply({
      status: 200,
      body: { payment_id: PAYMENT_ID, padding: 'x'.repeat(2000) },
      truncate: true,
    });
    const error = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('reset');
  });

  it('PayConnectionError timeout', async () => {
    server.reply({ ...json(200, {}), delayMs: 2000 });
    const error = await client.getPayment(PAYMENT_ID, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('timeout');
  });

  it('PayResponseError for malformed JSON, wrong content, missing fields, unexpected status', async () => {
    server.reply(
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"payment_id":' },
      { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>ok</html>' },
      json(200, { payment_id: PAYMENT_ID }),
      json(302, {}, { Location: 'https://evil.example/steal' }),
    );
    const malformed = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    const html = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    const missing = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    const redirect = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    for (const error of [malformed, html, missing, redirect])
      expect(error).toBeInstanceOf(PayResponseError);
    expect((malformed as Error).message).toMatch(/malformed or truncated JSON/);
    expect((html as Error).message).toMatch(/not JSON/);
    expect((missing as Error).message).toMatch(/fields missing: amount/);
    expect((redirect as PayResponseError).status).toBe(302);
    // The redirect was not followed.
    expect(server.requests).toHaveLength(4);
  });
});
