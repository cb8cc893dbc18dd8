import { inspect } from 'node:util';
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
} from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import type { PayClientOptions } from '../../src/client/options';
import {
  API_KEY,
  PAYMENT_ID,
  REFUND_ID,
  paymentBody,
  recordingSleep,
  refundBody,
  searchPage,
  validCreateRequest,
} from './bodies';
import { jsonAnswer, scriptedTransport } from './scripted-transport';
import type { ScriptedTransport } from './scripted-transport';

/*
 * The request pipeline through an in-memory transport: retries, Retry-After, response handling,
 * pagination and logging, with no socket and no real wait. The socket tests (pay-client, retry,
 * leak) prove the axios transport itself.
 */

const ORIGIN = 'https://publicapi.payments.service.gov.uk';

let transport: ScriptedTransport;
let sleeper: ReturnType<typeof recordingSleep>;
let logs: { level: string; entry: Record<string, unknown>; message: string | undefined }[];

function client(options: Partial<PayClientOptions> = {}): PayClient {
  const record =
    (level: string) =>
    (entry: object, message?: string): void => {
      logs.push({ level, entry: entry as Record<string, unknown>, message });
    };
  return new PayClient({
    apiKey: API_KEY,
    transport,
    sleep: sleeper.sleep,
    random: () => 0.5,
    logger: {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    },
    ...options,
  });
}

beforeEach(() => {
  transport = scriptedTransport();
  sleeper = recordingSleep();
  logs = [];
});
afterEach(() => {
  expect(transport.pending).toBe(0);
});

describe('what the transport is handed', () => {
  it('one request with the key, JSON headers, the origin, the real path and its template', async () => {
    transport.reply(jsonAnswer(201, paymentBody(ORIGIN)));
    await client({ timeoutMs: 4321 }).createPayment(validCreateRequest, {
      idempotencyKey: 'key-1',
    });
    expect(transport.requests).toHaveLength(1);
    const [request] = transport.requests;
    expect(request).toMatchObject({
      method: 'POST',
      origin: ORIGIN,
      url: '/v1/payments',
      pathTemplate: '/v1/payments',
      timeoutMs: 4321,
      headers: {
        Authorization: `Bearer ${API_KEY}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'Idempotency-Key': 'key-1',
      },
    });
    expect(request?.headers['User-Agent']).toMatch(/^govuk-pay-express /);
    expect(JSON.parse(request?.body ?? '')).toEqual(validCreateRequest);
  });

  it('ids go into the path template; a GET has no body; a call timeout overrides', async () => {
    transport.reply(jsonAnswer(200, refundBody(ORIGIN)));
    await client().getRefund(PAYMENT_ID, REFUND_ID, { timeoutMs: 50 });
    expect(transport.requests[0]).toMatchObject({
      method: 'GET',
      url: `/v1/payments/${PAYMENT_ID}/refunds/${REFUND_ID}`,
      pathTemplate: '/v1/payments/{paymentId}/refunds/{refundId}',
      timeoutMs: 50,
    });
    expect(transport.requests[0]?.body).toBeUndefined();
  });

  it('a search query is encoded after the path, never in the template', async () => {
    transport.reply(jsonAnswer(200, searchPage(ORIGIN, 1, [])));
    await client().searchPayments({ reference: 'a b&c', display_size: 5 });
    expect(transport.requests[0]?.url).toBe('/v1/payments?reference=a+b%26c&display_size=5');
    expect(transport.requests[0]?.pathTemplate).toBe('/v1/payments');
  });

  it('an id that could change the path is refused before anything is sent', async () => {
    await expect(client().getPayment('../refunds')).rejects.toBeInstanceOf(PayValidationError);
    await expect(client().cancelPayment('a/b')).rejects.toMatchObject({ field: 'paymentId' });
    expect(transport.requests).toHaveLength(0);
  });

  it('an injected transport belongs to its owner: close() leaves it open', () => {
    client().close();
    expect(transport.closed).toBe(0);
  });
});

describe('retries', () => {
  it('a GET retries a 5xx and a reset with jittered backoff, then succeeds', async () => {
    transport.reply(
      jsonAnswer(503, { code: 'P0999' }),
      { fail: 'reset' },
      jsonAnswer(200, paymentBody(ORIGIN)),
    );
    const payment = await client().getPayment(PAYMENT_ID);
    expect(payment.payment_id).toBe(PAYMENT_ID);
    expect(transport.requests).toHaveLength(3);
    // Equal jitter with random 0.5: 3/4 of each step (500 ms, then 1000 ms).
    expect(sleeper.sleeps).toEqual([375, 750]);
  });

  it('gives up after maxRetries with the last error', async () => {
    transport.reply(jsonAnswer(500, {}), jsonAnswer(502, {}));
    const error = await client({ maxRetries: 1 })
      .getPayment(PAYMENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayServerError);
    expect(error).toMatchObject({ status: 502 });
    expect(transport.requests).toHaveLength(2);
  });

  it('maxRetries 0 sends once', async () => {
    transport.reply({ fail: 'timeout' });
    await expect(client({ maxRetries: 0 }).getPayment(PAYMENT_ID)).rejects.toBeInstanceOf(
      PayConnectionError,
    );
    expect(sleeper.sleeps).toEqual([]);
  });

  it.each([
    ['a 500', jsonAnswer(500, {})],
    ['a timeout', { fail: 'timeout' as const }],
    ['a reset', { fail: 'reset' as const }],
    ['a 429 without P0900', jsonAnswer(429, {})],
  ])('a POST is not repeated after %s: GOV.UK Pay may have acted on it', async (_l, answer) => {
    transport.reply(answer);
    await expect(client().createPayment(validCreateRequest)).rejects.toBeInstanceOf(PayError);
    expect(transport.requests).toHaveLength(1);
  });

  it('a POST is repeated after a refused connection and a 429 P0900', async () => {
    transport.reply(
      { fail: 'refused' },
      jsonAnswer(429, { code: 'P0900' }),
      jsonAnswer(201, paymentBody(ORIGIN)),
    );
    await client().createPayment(validCreateRequest);
    expect(transport.requests).toHaveLength(3);
    expect(transport.requests.map((r) => r.body)).toEqual(
      Array(3).fill(JSON.stringify(validCreateRequest)),
    );
  });

  it('an aborted signal stops the retries', async () => {
    const controller = new AbortController();
    transport.reply(() => {
      controller.abort();
      return jsonAnswer(500, {});
    });
    const error = await client()
      .getPayment(PAYMENT_ID, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayServerError);
    expect(transport.requests).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('waits the seconds a 429 asks for', async () => {
    transport.reply(
      jsonAnswer(429, { code: 'P0900' }, { 'retry-after': '3' }),
      jsonAnswer(200, paymentBody(ORIGIN)),
    );
    await client().getPayment(PAYMENT_ID);
    expect(sleeper.sleeps).toEqual([3000]);
  });

  it('reads an HTTP date', async () => {
    const at = new Date(Date.now() + 10 * 60_000).toUTCString();
    transport.reply(jsonAnswer(429, { code: 'P0900' }, { 'retry-after': at }));
    const error = (await client()
      .getPayment(PAYMENT_ID)
      .catch((e: unknown) => e)) as PayRateLimitError;
    // Ten minutes is longer than worth holding a call for: it fails at once, saying how long.
    expect(error).toBeInstanceOf(PayRateLimitError);
    expect(error.retryAfterMs).toBeGreaterThan(9 * 60_000);
    expect(sleeper.sleeps).toEqual([]);
  });

  it("without one, waits at least GOV.UK Pay's one-second window", async () => {
    transport.reply(jsonAnswer(429, { code: 'P0900' }), jsonAnswer(200, paymentBody(ORIGIN)));
    await client().getPayment(PAYMENT_ID);
    expect(sleeper.sleeps).toEqual([1000]);
  });

  it('ignores a Retry-After on anything but a 429', async () => {
    transport.reply(
      jsonAnswer(503, {}, { 'retry-after': '20' }),
      jsonAnswer(200, paymentBody(ORIGIN)),
    );
    await client().getPayment(PAYMENT_ID);
    expect(sleeper.sleeps).toEqual([375]);
  });
});

describe('responses', () => {
  it.each<[number, new (...args: never[]) => PayError]>([
    [400, PayValidationError],
    [401, PayAuthenticationError],
    [403, PayAuthenticationError],
    [404, PayNotFoundError],
    [409, PayConflictError],
    [412, PayConflictError],
    [422, PayValidationError],
    [418, PayError],
    [301, PayResponseError],
  ])('%d becomes %p, with what GOV.UK Pay said and the template', async (status, type) => {
    transport.reply(jsonAnswer(status, { code: 'P0123', field: 'amount', description: 'no' }));
    const error = await client()
      .refundPayment(PAYMENT_ID, { amount: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      status,
      method: 'POST',
      path: '/v1/payments/{paymentId}/refunds',
    });
    if (status >= 400) expect(error).toMatchObject({ code: 'P0123', field: 'amount' });
    expect((error as Error).message).not.toContain(PAYMENT_ID);
  });

  it.each([
    [
      'a 2xx the call does not expect',
      jsonAnswer(200, paymentBody(ORIGIN)),
      /answered 200 to POST \/v1\/payments\/\{paymentId\}\/cancel; expected 204$/,
    ],
    [
      'content that is not JSON',
      { status: 201, headers: { 'content-type': 'text/html' }, body: '<p>' },
      /not JSON/,
    ],
    [
      'truncated JSON',
      { status: 201, headers: { 'content-type': 'application/json' }, body: '{"a' },
      /malformed or truncated/,
    ],
    ['fields missing', jsonAnswer(201, { payment_id: PAYMENT_ID }), /fields missing/],
  ])('%s is a PayResponseError', async (_label, answer, message) => {
    transport.reply(answer);
    const call = client({ maxRetries: 0 });
    const result = _label.startsWith('a 2xx')
      ? call.cancelPayment(PAYMENT_ID)
      : call.createPayment(validCreateRequest);
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it('an answer about another payment than the one asked for is refused', async () => {
    transport.reply(jsonAnswer(200, paymentBody(ORIGIN, {}, 'aaaaaaaaaaaaaaaaaaaaaaaaaa')));
    await expect(client().getPayment(PAYMENT_ID)).rejects.toMatchObject({
      name: 'PayResponseError',
      field: 'payment_id',
    });
  });

  it("a transport's own error never reaches the caller: it may hold the headers", async () => {
    const leaky = Object.assign(new Error('socket hang up'), {
      config: { headers: { Authorization: `Bearer ${API_KEY}` } },
    });
    transport.reply({ throw: leaky });
    const error = await client()
      .createPayment(validCreateRequest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayResponseError);
    expect(inspect(error, { showHidden: true, depth: Infinity })).not.toContain(API_KEY.slice(9));
    expect((error as PayError).cause).toBeUndefined();
  });
});

describe('pagination', () => {
  const next = (page: number, path = '/v1/payments'): string => `${ORIGIN}${path}?page=${page}`;
  const result = (n: number): Record<string, unknown> => paymentBody(ORIGIN, {}, `p${n}`);
  const refund = (n: number): Record<string, unknown> => ({
    ...refundBody(ORIGIN),
    refund_id: `r${n}`,
  });

  it('follows next_page lazily, one page per iteration, to the end', async () => {
    transport.reply(
      jsonAnswer(200, searchPage(ORIGIN, 1, [result(1), result(2)], next(2))),
      jsonAnswer(200, searchPage(ORIGIN, 2, [result(3)], next(3))),
      jsonAnswer(200, searchPage(ORIGIN, 3, [result(4)])),
    );
    const iterator = client().allPayments({ reference: 'r' });
    expect(transport.requests).toHaveLength(0);
    // Each step: the id it yields, and how many pages have been asked for by then.
    for (const [id, pages] of [
      ['p1', 1],
      ['p2', 1],
      ['p3', 2],
      ['p4', 3],
    ] as const) {
      const step = await iterator.next();
      expect((step.value as { payment_id: string }).payment_id).toBe(id);
      expect(transport.requests).toHaveLength(pages);
    }
    expect((await iterator.next()).done).toBe(true);
    expect(transport.requests.map((r) => r.url)).toEqual([
      '/v1/payments?reference=r',
      '/v1/payments?page=2',
      '/v1/payments?page=3',
    ]);
  });

  it('refunds page through their own path', async () => {
    transport.reply(
      jsonAnswer(200, searchPage(ORIGIN, 1, [refund(1)], next(2, '/v1/refunds'), '/v1/refunds')),
      jsonAnswer(200, searchPage(ORIGIN, 2, [refund(2)], undefined, '/v1/refunds')),
    );
    const seen: unknown[] = [];
    for await (const item of client().allRefunds()) seen.push(item);
    expect(seen).toHaveLength(2);
    expect(transport.requests[1]?.url).toBe('/v1/refunds?page=2');
  });

  it.each([
    [
      'another origin',
      'https://evil.example/v1/payments?page=2',
      /outside the configured API origin/,
    ],
    ['another path', `${ORIGIN}/v1/refunds?page=2`, /expected path/],
    ['a page already read', next(1), /repeats an earlier page/],
  ])('a next_page to %s is not followed', async (_label, link, message) => {
    transport.reply(
      jsonAnswer(200, searchPage(ORIGIN, 1, [result(1)], next(1))),
      jsonAnswer(200, searchPage(ORIGIN, 1, [result(1)], link)),
    );
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const item of client().allPayments()) seen.push(item);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayResponseError);
    expect((error as Error).message).toMatch(message);
    expect(transport.requests).toHaveLength(2);
  });

  it('a failed page is retried like any GET', async () => {
    transport.reply(
      jsonAnswer(200, searchPage(ORIGIN, 1, [result(1)], next(2))),
      jsonAnswer(500, {}),
      jsonAnswer(200, searchPage(ORIGIN, 2, [result(2)])),
    );
    const seen: unknown[] = [];
    for await (const item of client().allPayments()) seen.push(item);
    expect(seen).toHaveLength(2);
    expect(sleeper.sleeps).toEqual([375]);
  });
});

describe('logging', () => {
  it('one entry per attempt, with the template and never an id or the key', async () => {
    transport.reply(jsonAnswer(500, { code: 'P0999' }), jsonAnswer(200, paymentBody(ORIGIN)));
    await client().getPayment(PAYMENT_ID);
    expect(logs.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'GOV.UK Pay request failed; retrying'],
      ['debug', 'GOV.UK Pay request'],
    ]);
    expect(logs[0]?.entry).toMatchObject({
      method: 'GET',
      path: '/v1/payments/{paymentId}',
      status: 500,
      attempt: 1,
      error: 'PayServerError',
      code: 'P0999',
      retryInMs: 375,
    });
    expect(logs[1]?.entry).toMatchObject({ status: 200, attempt: 2 });
    const text = JSON.stringify(logs);
    expect(text).not.toContain(PAYMENT_ID);
    expect(text).not.toContain(API_KEY.slice(9));
  });

  it('a logger that throws does not break the call', async () => {
    transport.reply(jsonAnswer(200, paymentBody(ORIGIN)));
    const broken = (): never => {
      throw new Error('logger down');
    };
    const c = client({ logger: { debug: broken, info: broken, warn: broken, error: broken } });
    await expect(c.getPayment(PAYMENT_ID)).resolves.toMatchObject({ payment_id: PAYMENT_ID });
  });
});
