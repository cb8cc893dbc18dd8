import { inspect } from 'node:util';
import { PayError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { freePort, json, startScriptedServer } from '../helpers/scripted-server';
import type { Script, ScriptedServer } from '../helpers/scripted-server';
import {
  API_KEY,
  PAYMENT_ID,
  paymentBody,
  recordingSleep,
  searchPage,
  validCreateRequest,
} from './bodies';

/*
 * The API key must not be recoverable from any error the client throws, however it is printed.
 * Axios errors carry the request config with its Authorization header, so a client that kept one
 * as `cause` (or spread it into its error) would leak the key into every log line.
 */

/** The secret part, so a partial or re-encoded leak is caught as well as the whole key. */
const SECRET_PART = API_KEY.slice('api_test_'.length);

function renderings(error: unknown): string[] {
  const e = error as { cause?: unknown; stack?: string };
  const out = [
    inspect(error, { depth: Infinity, showHidden: true }),
    JSON.stringify(error),
    String(error),
    String(e.stack),
    inspect(e.cause, { depth: Infinity, showHidden: true }),
    String(e.cause),
    JSON.stringify(e.cause) ?? '',
  ];
  // Every own property, enumerable or not, down the whole graph.
  const seen = new Set<unknown>();
  const walk = (value: unknown): void => {
    if (
      value === null ||
      (typeof value !== 'object' && typeof value !== 'function') ||
      seen.has(value)
    ) {
      if (typeof value === 'string') out.push(value);
      return;
    }
    seen.add(value);
    for (const key of Reflect.ownKeys(value as object)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor !== undefined && 'value' in descriptor) walk(descriptor.value);
    }
  };
  walk(error);
  return out;
}

let server: ScriptedServer;
let client: PayClient;
beforeEach(async () => {
  server = await startScriptedServer();
  client = new PayClient({
    apiKey: API_KEY,
    apiBaseUrl: server.url,
    maxRetries: 1,
    sleep: recordingSleep().sleep,
  });
});
afterEach(async () => {
  client.close();
  await server.close();
});

const echoAuthorization: Script = (req) =>
  json(400, {
    code: 'P0102',
    field: String(req.headers.authorization),
    description: `Invalid header ${String(req.headers.authorization)}`,
    header: String(req.headers.authorization),
  });

const scenarios: [string, Script[], (c: PayClient, s: ScriptedServer) => Promise<unknown>][] = [
  ['401', [json(401, '')], (c) => c.getPayment(PAYMENT_ID)],
  ['403', [json(403, { code: 'P0940' })], (c) => c.createPayment(validCreateRequest)],
  [
    '400',
    [json(400, { code: 'P0101', field: 'reference' })],
    (c) => c.createPayment(validCreateRequest),
  ],
  ['422', [json(422, { code: 'P0102' })], (c) => c.refundPayment(PAYMENT_ID, { amount: 1 })],
  ['404', [json(404, { code: 'P0200' })], (c) => c.getPayment(PAYMENT_ID)],
  ['409', [json(409, { code: 'P0502' })], (c) => c.cancelPayment(PAYMENT_ID)],
  [
    '412',
    [json(412, { code: 'P0604' })],
    (c) => c.refundPayment(PAYMENT_ID, { amount: 1, refund_amount_available: 5 }),
  ],
  [
    '429',
    [json(429, { code: 'P0900' }, { 'Retry-After': '999' })],
    (c) => c.getPayment(PAYMENT_ID),
  ],
  ['500 twice', [json(500, {}), json(500, {})], (c) => c.getPayment(PAYMENT_ID)],
  ['503 html', [json(503, '<html/>')], (c) => c.createPayment(validCreateRequest)],
  [
    'an echo of the Authorization header',
    [echoAuthorization],
    (c) => c.createPayment(validCreateRequest),
  ],
  [
    'an echo in a 500',
    [(req) => json(500, { description: String(req.headers.authorization) })],
    (c) => c.capturePayment(PAYMENT_ID),
  ],
  ['reset', [{ destroy: true }], (c) => c.createPayment(validCreateRequest)],
  [
    'truncated body',
    [{ ...json(200, paymentBody('http://x')), truncate: true }],
    (c) => c.createPayment(validCreateRequest),
  ],
  [
    'timeout',
    [{ ...json(200, {}), delayMs: 1000 }],
    (c) => c.createPayment(validCreateRequest, { timeoutMs: 20 }),
  ],
  [
    'slow body timeout',
    [{ ...json(200, paymentBody('http://x')), slowBodyMs: 1000 }],
    (c) => c.createPayment(validCreateRequest, { timeoutMs: 30 }),
  ],
  [
    'caller abort',
    [{ ...json(200, {}), delayMs: 1000 }],
    (c) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      return c.createPayment(validCreateRequest, { signal: controller.signal });
    },
  ],
  [
    'malformed JSON',
    [{ status: 201, headers: { 'Content-Type': 'application/json' }, body: '{' }],
    (c) => c.createPayment(validCreateRequest),
  ],
  [
    'wrong content type',
    [{ status: 200, headers: { 'Content-Type': 'text/plain' }, body: API_KEY }],
    (c) => c.getPayment(PAYMENT_ID),
  ],
  ['missing fields', [json(200, { payment_id: PAYMENT_ID })], (c) => c.getPayment(PAYMENT_ID)],
  [
    'redirect',
    [json(307, {}, { Location: 'https://evil.example/' })],
    (c) => c.getPayment(PAYMENT_ID),
  ],
  [
    'foreign self link',
    [],
    (c) => c.getPaymentBySelfLink(`https://evil.example/v1/payments/${PAYMENT_ID}`),
  ],
  [
    'foreign next_page',
    [json(200, searchPage('http://x', 1, [], 'https://evil.example/v1/payments?page=2'))],
    async (c) => {
      for await (const _ of c.allPayments()) void _;
    },
  ],
  ['local validation', [], (c) => c.createPayment({ ...validCreateRequest, amount: 0 })],
  [
    'bad idempotency key',
    [],
    (c) => c.createPayment(validCreateRequest, { idempotencyKey: API_KEY.replace(/_/g, ' ') }),
  ],
];

describe('the API key never appears in a thrown error', () => {
  it.each(scenarios)('%s', async (_label, scripts, call) => {
    server.reply(...scripts);
    const error = await call(client, server).then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PayError);
    for (const text of renderings(error)) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(SECRET_PART);
    }
    // Nothing of axios survives: no config, request or headers on the error or its cause.
    const cause = (error as { cause?: unknown }).cause;
    for (const holder of [error, cause]) {
      if (holder === undefined) continue;
      for (const key of ['config', 'request', 'response', 'headers', 'toJSON']) {
        if (key === 'toJSON' && holder === error) continue;
        expect(Object.prototype.hasOwnProperty.call(holder, key)).toBe(false);
      }
    }
    if (cause !== undefined) expect(Object.getPrototypeOf(cause)).toBe(Error.prototype);
  });

  it('refused connections leak nothing either', async () => {
    const port = await freePort();
    const refused = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      sleep: recordingSleep().sleep,
    });
    const error = await refused.createPayment(validCreateRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayError);
    for (const text of renderings(error)) expect(text).not.toContain(SECRET_PART);
    refused.close();
  });

  it('the test really would catch a leak', () => {
    const leaky = new Error('boom', {
      cause: { config: { headers: { Authorization: `Bearer ${API_KEY}` } } },
    });
    expect(renderings(leaky).some((t) => t.includes(SECRET_PART))).toBe(true);
  });
});
