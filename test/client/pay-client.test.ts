import { inspect } from 'node:util';
import { PayConfigError } from '../../src/config-error';
import { PayConflictError, PayConnectionError, PayResponseError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import {
  AGREEMENT_ID,
  API_KEY,
  PAYMENT_ID,
  REFUND_ID,
  paymentBody,
  recordingSleep,
  refundBody,
  searchPage,
  validCreateRequest,
} from './bodies';

let server: ScriptedServer;
let client: PayClient;
const logs: { level: string; entry: Record<string, unknown>; message: string | undefined }[] = [];
const logger = {
  debug: (entry: object, message?: string) =>
    logs.push({ level: 'debug', entry: entry as Record<string, unknown>, message }),
  info: (entry: object, message?: string) =>
    logs.push({ level: 'info', entry: entry as Record<string, unknown>, message }),
  warn: (entry: object, message?: string) =>
    logs.push({ level: 'warn', entry: entry as Record<string, unknown>, message }),
  error: (entry: object, message?: string) =>
    logs.push({ level: 'error', entry: entry as Record<string, unknown>, message }),
};

beforeEach(async () => {
  server = await startScriptedServer();
  logs.length = 0;
  client = new PayClient({
    apiKey: API_KEY,
    apiBaseUrl: server.url,
    logger,
    sleep: recordingSleep().sleep,
  });
});
afterEach(async () => {
  client.close();
  await server.close();
});

describe('requests on the wire', () => {
  it('sends the bearer key, JSON headers and a User-Agent, over one kept-alive connection', async () => {
    server.reply(json(200, paymentBody(server.url)), json(200, paymentBody(server.url)));
    await client.getPayment(PAYMENT_ID);
    await client.getPayment(PAYMENT_ID);
    const [first, second] = server.requests;
    expect(first?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(first?.headers.accept).toBe('application/json');
    expect(first?.headers['content-type']).toBe('application/json');
    expect(first?.headers['user-agent']).toMatch(/^govuk-pay-express /);
    expect(first?.headers.connection).toBe('keep-alive');
    expect(second?.remotePort).toBe(first?.remotePort);
  });

  it('createPayment POSTs the request as JSON and returns the typed payment', async () => {
    server.reply(json(201, paymentBody(server.url)));
    const payment = await client.createPayment({
      ...validCreateRequest,
      metadata: { ledger: 'AB1' },
    });
    expect(payment.state).toEqual({ status: 'created', finished: false });
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v1/payments');
    expect(req?.json).toEqual({ ...validCreateRequest, metadata: { ledger: 'AB1' } });
    expect(req?.headers['idempotency-key']).toBeUndefined();
  });

  it('createPayment accepts 200 (an Idempotency-Key replay) but not another 2xx', async () => {
    server.reply(json(200, paymentBody(server.url)), json(202, paymentBody(server.url)));
    await expect(
      client.createPayment(validCreateRequest, { idempotencyKey: 'k-1' }),
    ).resolves.toMatchObject({
      payment_id: PAYMENT_ID,
    });
    expect(server.requests[0]?.headers['idempotency-key']).toBe('k-1');
    await expect(client.createPayment(validCreateRequest)).rejects.toBeInstanceOf(PayResponseError);
  });

  it.each<[string, (c: PayClient) => Promise<unknown>, string, string, unknown]>([
    ['getPayment', (c) => c.getPayment(PAYMENT_ID), 'GET', `/v1/payments/${PAYMENT_ID}`, undefined],
    [
      'getPaymentEvents',
      (c) => c.getPaymentEvents(PAYMENT_ID),
      'GET',
      `/v1/payments/${PAYMENT_ID}/events`,
      undefined,
    ],
    [
      'cancelPayment',
      (c) => c.cancelPayment(PAYMENT_ID),
      'POST',
      `/v1/payments/${PAYMENT_ID}/cancel`,
      undefined,
    ],
    [
      'capturePayment',
      (c) => c.capturePayment(PAYMENT_ID),
      'POST',
      `/v1/payments/${PAYMENT_ID}/capture`,
      undefined,
    ],
    [
      'searchPayments',
      (c) =>
        c.searchPayments({
          reference: 'a b&c',
          state: 'success',
          page: 2,
          display_size: 50,
          // JavaScript callers may pass undefined filters: they are left out.
          email: undefined,
        } as never),
      'GET',
      '/v1/payments?reference=a+b%26c&state=success&page=2&display_size=50',
      undefined,
    ],
    [
      'refundPayment',
      (c) => c.refundPayment(PAYMENT_ID, { amount: 500, refund_amount_available: 3500 }),
      'POST',
      `/v1/payments/${PAYMENT_ID}/refunds`,
      { amount: 500, refund_amount_available: 3500 },
    ],
    [
      'getRefund',
      (c) => c.getRefund(PAYMENT_ID, REFUND_ID),
      'GET',
      `/v1/payments/${PAYMENT_ID}/refunds/${REFUND_ID}`,
      undefined,
    ],
    [
      'getRefunds',
      (c) => c.getRefunds(PAYMENT_ID),
      'GET',
      `/v1/payments/${PAYMENT_ID}/refunds`,
      undefined,
    ],
    [
      'searchRefunds',
      (c) => c.searchRefunds({ from_date: '2024-01-01T00:00:00Z' }),
      'GET',
      '/v1/refunds?from_date=2024-01-01T00%3A00%3A00Z',
      undefined,
    ],
    [
      'createAgreement',
      (c) =>
        c.createAgreement({
          reference: 'CT-1',
          description: 'Council tax',
          user_identifier: 'u-1',
        }),
      'POST',
      '/v1/agreements',
      { reference: 'CT-1', description: 'Council tax', user_identifier: 'u-1' },
    ],
    [
      'getAgreement',
      (c) => c.getAgreement(AGREEMENT_ID),
      'GET',
      `/v1/agreements/${AGREEMENT_ID}`,
      undefined,
    ],
    [
      'searchAgreements',
      (c) => c.searchAgreements({ status: 'active' }),
      'GET',
      '/v1/agreements?status=active',
      undefined,
    ],
    [
      'cancelAgreement',
      (c) => c.cancelAgreement(AGREEMENT_ID),
      'POST',
      `/v1/agreements/${AGREEMENT_ID}/cancel`,
      undefined,
    ],
    [
      'searchDisputes',
      (c) => c.searchDisputes({ status: 'lost' }),
      'GET',
      '/v1/disputes?status=lost',
      undefined,
    ],
  ])('%s sends %s %s', async (name, call, method, url, body) => {
    const origin = server.url;
    const agreement = {
      agreement_id: AGREEMENT_ID,
      reference: 'CT-1',
      description: 'Council tax',
      status: 'created',
      created_date: '2022-07-08T14:33:00.000Z',
    };
    const answers: Record<string, ReturnType<typeof json>> = {
      getPayment: json(200, paymentBody(origin)),
      getPaymentEvents: json(200, {
        payment_id: PAYMENT_ID,
        events: [
          {
            payment_id: PAYMENT_ID,
            state: { status: 'created', finished: false },
            updated: '2022-03-25T13:11:29.019Z',
            _links: { payment_url: { href: `${origin}/v1/payments/${PAYMENT_ID}`, method: 'GET' } },
          },
        ],
        _links: { self: { href: `${origin}/v1/payments/${PAYMENT_ID}/events`, method: 'GET' } },
      }),
      cancelPayment: { status: 204 },
      capturePayment: { status: 204 },
      searchPayments: json(200, searchPage(origin, 2, [paymentBody(origin)])),
      refundPayment: json(202, refundBody(origin, { amount: 500, status: 'submitted' })),
      getRefund: json(200, refundBody(origin)),
      getRefunds: json(200, {
        payment_id: PAYMENT_ID,
        _links: {
          self: { href: `${origin}/v1/payments/${PAYMENT_ID}/refunds`, method: 'GET' },
          payment: { href: `${origin}/v1/payments/${PAYMENT_ID}`, method: 'GET' },
        },
        _embedded: { refunds: [refundBody(origin)] },
      }),
      searchRefunds: json(
        200,
        searchPage(
          origin,
          1,
          [{ ...refundBody(origin), payment_id: PAYMENT_ID }],
          undefined,
          '/v1/refunds',
        ),
      ),
      createAgreement: json(201, agreement),
      getAgreement: json(200, agreement),
      searchAgreements: json(200, searchPage(origin, 1, [agreement], undefined, '/v1/agreements')),
      cancelAgreement: { status: 204 },
      searchDisputes: json(200, {
        total: 1,
        count: 1,
        page: 1,
        results: [
          {
            dispute_id: 'd1',
            amount: 1000,
            created_date: '2022-07-28T16:44:40.000Z',
            evidence_due_date: '2022-08-04T23:59:59.000Z',
            payment_id: PAYMENT_ID,
            reason: 'fraudulent',
            status: 'lost',
            _links: { payment: { href: `${origin}/v1/payments/${PAYMENT_ID}`, method: 'GET' } },
          },
        ],
        links: { self: { href: `${origin}/v1/disputes?page=1`, method: 'GET' } },
      }),
    };
    const answer = answers[name];
    if (answer === undefined) throw new Error(`no answer for ${name}`);
    server.reply(answer);
    const result = await call(client);
    const [req] = server.requests;
    expect(req?.method).toBe(method);
    expect(req?.url).toBe(url);
    expect(req?.json).toEqual(body);
    if (answer.status === 204) expect(result).toBeUndefined();
    else expect(result).toEqual(answer.body);
  });

  it('cancelPayment refuses a 200 where GOV.UK Pay promises 204', async () => {
    server.reply(json(200, {}));
    await expect(client.cancelPayment(PAYMENT_ID)).rejects.toBeInstanceOf(PayResponseError);
  });

  it('a 412 P0604 refund mismatch is a PayConflictError', async () => {
    server.reply(json(412, { code: 'P0604', description: 'Refund amount available mismatch.' }));
    const error = await client
      .refundPayment(PAYMENT_ID, { amount: 100, refund_amount_available: 900 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConflictError);
    expect((error as PayConflictError).code).toBe('P0604');
  });
});

describe('timeouts', () => {
  it('the client timeout applies to every call', async () => {
    const quick = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: server.url,
      timeoutMs: 40,
      maxRetries: 0,
    });
    server.reply({ ...json(200, paymentBody(server.url)), delayMs: 1000 });
    const error = await quick.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/within 40 ms/);
    quick.close();
  });

  it('a per-call timeout overrides the client one, both ways', async () => {
    const quick = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: server.url,
      timeoutMs: 40,
      maxRetries: 0,
    });
    server.reply({ ...json(200, paymentBody(server.url)), delayMs: 100 });
    await expect(quick.getPayment(PAYMENT_ID, { timeoutMs: 5000 })).resolves.toMatchObject({
      amount: 14500,
    });
    server.reply({ ...json(204, ''), delayMs: 1000 });
    const error = await client
      .cancelPayment(PAYMENT_ID, { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PayConnectionError', reason: 'timeout' });
    quick.close();
  });

  it('the timeout covers a body that arrives too slowly, not only the headers', async () => {
    const once = new PayClient({ apiKey: API_KEY, apiBaseUrl: server.url, maxRetries: 0 });
    server.reply({ ...json(200, paymentBody(server.url)), slowBodyMs: 1000 });
    const error = await once.getPayment(PAYMENT_ID, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('timeout');
    once.close();
  });
});

describe('response guards', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['payment_id missing', { payment_id: undefined }, 'payment_id'],
    ['amount a string', { amount: '14500' }, 'amount'],
    ['amount a fraction', { amount: 1.5 }, 'amount'],
    ['state missing', { state: undefined }, 'state'],
    [
      'state.finished a string',
      { state: { status: 'success', finished: 'true' } },
      'state.finished',
    ],
    ['state.status missing', { state: { finished: true } }, 'state.status'],
    ['_links missing', { _links: undefined }, '_links'],
    ['self href missing', { _links: { self: { method: 'GET' } } }, '_links.self.href'],
    [
      'refund_summary malformed',
      { refund_summary: { status: 'available', amount_available: '1' } },
      'refund_summary.amount_available',
    ],
    ['body an array', { __array: true }, ''],
  ])('%s -> PayResponseError naming %s', async (_label, overrides, field) => {
    const body =
      '__array' in overrides ? [paymentBody(server.url)] : paymentBody(server.url, overrides);
    server.reply(json(200, body));
    const error = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayResponseError);
    expect((error as Error).message).toMatch(/fields missing/);
    expect((error as PayResponseError).field).toBe(field === '' ? undefined : field);
  });

  it('tolerates unknown extra properties and unknown statuses', async () => {
    const body = paymentBody(server.url, {
      brand_new_field: { nested: true },
      state: { status: 'declined', finished: true, future: 1 },
    });
    server.reply(json(200, body));
    await expect(client.getPayment(PAYMENT_ID)).resolves.toMatchObject({
      brand_new_field: { nested: true },
    });
  });

  it('accepts application/json with a charset, refuses an empty 200', async () => {
    server.reply(
      json(200, paymentBody(server.url), { 'Content-Type': 'application/json; charset=utf-8' }),
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '' },
    );
    await expect(client.getPayment(PAYMENT_ID)).resolves.toBeDefined();
    await expect(client.getPayment(PAYMENT_ID)).rejects.toThrow(/malformed or truncated JSON/);
  });

  it('refuses a payment whose id is not the one asked for', async () => {
    server.reply(json(200, paymentBody(server.url, {}, 'someoneelse0000000000000000')));
    await expect(client.getPayment(PAYMENT_ID)).rejects.toThrow(/different payment_id/);
  });
});

describe('links', () => {
  it('getPaymentBySelfLink follows a self link on the API origin', async () => {
    server.reply(json(200, paymentBody(server.url)));
    const payment = await client.getPaymentBySelfLink(`${server.url}/v1/payments/${PAYMENT_ID}`);
    expect(payment.payment_id).toBe(PAYMENT_ID);
    expect(server.requests[0]?.url).toBe(`/v1/payments/${PAYMENT_ID}`);
  });

  it.each([
    ['another host', `https://evil.example/v1/payments/${PAYMENT_ID}`],
    ['another port', `http://127.0.0.1:1/v1/payments/${PAYMENT_ID}`],
    ['another scheme', `https://127.0.0.1/v1/payments/${PAYMENT_ID}`],
    ['credentials', `http://user:pw@127.0.0.1/v1/payments/${PAYMENT_ID}`],
    ['not a URL', 'not a url'],
    ['a relative link', `/v1/payments/${PAYMENT_ID}`],
    ['another path', 'SAME/v1/refunds'],
    ['a traversal', `SAME/v1/payments/${PAYMENT_ID}/../../agreements/x`],
    ['a nested path', `SAME/v1/payments/${PAYMENT_ID}/refunds`],
    ['a query', `SAME/v1/payments/${PAYMENT_ID}?x=1`],
    ['a fragment', `SAME/v1/payments/${PAYMENT_ID}#x`],
    ['javascript', 'javascript:alert(1)'],
  ])('getPaymentBySelfLink refuses %s without sending anything', async (_label, raw) => {
    const href = raw.replace('SAME', server.url);
    const error = await client.getPaymentBySelfLink(href).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayResponseError);
    expect((error as Error).message).not.toContain(PAYMENT_ID);
    expect(server.requests).toHaveLength(0);
  });
});

describe('logging and secrecy', () => {
  it('logs method, path template, status, attempt and duration, never the key or the id', async () => {
    server.reply(json(500, {}), json(200, paymentBody(server.url)));
    await client.getPayment(PAYMENT_ID);
    expect(logs.map((l) => l.level)).toEqual(['warn', 'debug']);
    expect(logs[0]?.entry).toMatchObject({
      method: 'GET',
      path: '/v1/payments/{paymentId}',
      status: 500,
      attempt: 1,
      error: 'PayServerError',
    });
    expect(logs[1]?.entry).toMatchObject({
      method: 'GET',
      path: '/v1/payments/{paymentId}',
      status: 200,
      attempt: 2,
    });
    expect(typeof logs[1]?.entry.durationMs).toBe('number');
    const text = JSON.stringify(logs);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(PAYMENT_ID);
  });

  it('does not log search queries (they hold emails and references)', async () => {
    server.reply(json(200, searchPage(server.url, 1, [])));
    await client.searchPayments({ email: 'citizen@example.com' });
    expect(JSON.stringify(logs)).not.toContain('citizen');
  });

  it('a throwing logger does not break the call', async () => {
    const broken = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: server.url,
      logger: {
        debug: () => {
          throw new Error('x');
        },
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    server.reply(json(200, paymentBody(server.url)));
    await expect(broken.getPayment(PAYMENT_ID)).resolves.toBeDefined();
    broken.close();
  });

  it('the client itself does not show the key when inspected or serialised', () => {
    expect(inspect(client, { depth: Infinity, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(client)).not.toContain(API_KEY);
    expect(client.apiOrigin).toBe(server.url);
  });
});

describe('construction', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['no apiKey', {}, 'ERR_PAY_API_KEY'],
    ['empty apiKey', { apiKey: '' }, 'ERR_PAY_API_KEY'],
    ['Bearer prefix', { apiKey: `Bearer ${API_KEY}` }, 'ERR_PAY_API_KEY'],
    ['newline in key', { apiKey: `${API_KEY}\n` }, 'ERR_PAY_API_KEY'],
    ['unknown option', { apiKey: API_KEY, retries: 3 }, 'ERR_PAY_UNKNOWN_OPTION'],
    [
      'bad base URL',
      { apiKey: API_KEY, apiBaseUrl: 'publicapi.payments.service.gov.uk' },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'base URL with path',
      { apiKey: API_KEY, apiBaseUrl: 'https://publicapi.payments.service.gov.uk/v1' },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'base URL with query',
      { apiKey: API_KEY, apiBaseUrl: 'https://a.example?x=1' },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['ftp base URL', { apiKey: API_KEY, apiBaseUrl: 'ftp://a.example' }, 'ERR_PAY_INVALID_OPTION'],
    [
      'live key over http',
      { apiKey: API_KEY.replace('api_test_', 'api_live_'), apiBaseUrl: 'http://127.0.0.1:1' },
      'ERR_PAY_API_KEY',
    ],
    [
      'unprefixed old key over http (it may be live)',
      { apiKey: API_KEY.slice('api_test_'.length), apiBaseUrl: 'http://127.0.0.1:1' },
      'ERR_PAY_API_KEY',
    ],
    ['a key that is not GOV.UK Pay-shaped', { apiKey: 'secret' }, 'ERR_PAY_API_KEY'],
    [
      'http to a host that is not loopback',
      { apiKey: API_KEY, apiBaseUrl: 'http://pay.internal:9090' },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'timeoutMs over two minutes',
      { apiKey: API_KEY, timeoutMs: 120_001 },
      'ERR_PAY_INVALID_OPTION',
    ],
    [
      'transport without send',
      { apiKey: API_KEY, transport: { request() {} } },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['timeoutMs 0', { apiKey: API_KEY, timeoutMs: 0 }, 'ERR_PAY_INVALID_OPTION'],
    ['timeoutMs fraction', { apiKey: API_KEY, timeoutMs: 1.5 }, 'ERR_PAY_INVALID_OPTION'],
    ['maxRetries negative', { apiKey: API_KEY, maxRetries: -1 }, 'ERR_PAY_INVALID_OPTION'],
    ['maxRetries huge', { apiKey: API_KEY, maxRetries: 100 }, 'ERR_PAY_INVALID_OPTION'],
    [
      'logger without warn',
      { apiKey: API_KEY, logger: { debug() {}, info() {}, error() {} } },
      'ERR_PAY_INVALID_OPTION',
    ],
    ['sleep not a function', { apiKey: API_KEY, sleep: 5 }, 'ERR_PAY_INVALID_OPTION'],
  ])('%s -> PayConfigError, never echoing the key', (_label, options, code) => {
    let caught: unknown;
    try {
      new PayClient(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PayConfigError);
    expect((caught as PayConfigError).code).toBe(code);
    expect((caught as Error).message).toMatch(/^govuk-pay-express: PayClient\.[a-zA-Z]+ /);
    expect((caught as Error).message).not.toContain(API_KEY);
  });

  it('defaults to the GOV.UK Pay origin and normalises a trailing slash', () => {
    const defaults = new PayClient({ apiKey: API_KEY });
    expect(defaults.apiOrigin).toBe('https://publicapi.payments.service.gov.uk');
    const slash = new PayClient({ apiKey: API_KEY, apiBaseUrl: 'http://127.0.0.1:4567/' });
    expect(slash.apiOrigin).toBe('http://127.0.0.1:4567');
    defaults.close();
    slash.close();
  });
});
