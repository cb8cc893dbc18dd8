import {
  PayConnectionError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
  PayValidationError,
} from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
} from '../../src/client/retry';
import { freePort, json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import {
  API_KEY,
  PAYMENT_ID,
  paymentBody,
  recordingSleep,
  refundBody,
  validCreateRequest,
} from './bodies';

describe('retry policy (pure)', () => {
  const refused = new PayConnectionError('x', 'refused');
  const timeout = new PayConnectionError('x', 'timeout');
  const reset = new PayConnectionError('x', 'reset');
  const server = new PayServerError('x', { status: 500 });
  const limited = new PayRateLimitError('x', { status: 429, code: 'P0900' });
  const limitedNoCode = new PayRateLimitError('x', { status: 429 });
  const invalid = new PayValidationError('x', { status: 422 });
  const malformed = new PayResponseError('x');

  it('reads retry on connection errors, 5xx and 429 only', () => {
    for (const e of [refused, timeout, reset, server, limited, limitedNoCode]) {
      expect(isRetryable(e, 'read')).toBe(true);
    }
    for (const e of [invalid, malformed]) expect(isRetryable(e, 'read')).toBe(false);
  });

  it('writes retry only when GOV.UK Pay cannot have processed them', () => {
    expect(isRetryable(refused, 'write')).toBe(true);
    expect(isRetryable(limited, 'write')).toBe(true);
    for (const e of [timeout, reset, server, limitedNoCode, invalid, malformed]) {
      expect(isRetryable(e, 'write')).toBe(false);
    }
  });

  it('backs off exponentially with equal jitter, capped', () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 8000 };
    expect(backoffDelayMs(1, () => 0, policy)).toBe(250);
    expect(backoffDelayMs(1, () => 1, policy)).toBe(500);
    expect(backoffDelayMs(2, () => 0, policy)).toBe(500);
    expect(backoffDelayMs(3, () => 0.5, policy)).toBe(1500);
    expect(backoffDelayMs(10, () => 1, policy)).toBe(8000);
    expect(backoffDelayMs(10, () => 0, policy)).toBe(4000);
  });

  it('honours Retry-After, waits a rate window without it, and gives up on a long one', () => {
    const withAfter = new PayRateLimitError('x', { retryAfterMs: 3000 });
    expect(retryDelayMs(withAfter, 1, () => 0, DEFAULT_RETRY_POLICY)).toBe(3000);
    expect(retryDelayMs(limited, 1, () => 0, DEFAULT_RETRY_POLICY)).toBe(1000);
    const tooLong = new PayRateLimitError('x', { retryAfterMs: 120_000 });
    expect(retryDelayMs(tooLong, 1, () => 0, DEFAULT_RETRY_POLICY)).toBeUndefined();
    expect(retryDelayMs(server, 2, () => 0, DEFAULT_RETRY_POLICY)).toBe(500);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('retries over real HTTP', () => {
  let server: ScriptedServer;
  let clients: PayClient[];
  const make = (options: Partial<ConstructorParameters<typeof PayClient>[0]> = {}): PayClient => {
    const client = new PayClient({
      apiKey: API_KEY,
      apiBaseUrl: server.url,
      random: () => 0,
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    server = await startScriptedServer();
    clients = [];
  });
  afterEach(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('a GET retries 5xx twice by default with growing backoff, then succeeds', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(json(500, { code: 'P0298' }), json(503, ''), json(200, paymentBody(server.url)));
    const payment = await make({ sleep }).getPayment(PAYMENT_ID);
    expect(payment.payment_id).toBe(PAYMENT_ID);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it('a GET gives up after maxRetries and throws the last error', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(json(500, {}), json(500, {}), json(502, { code: 'LAST' }));
    const error = await make({ sleep })
      .getPayment(PAYMENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayServerError);
    expect((error as PayServerError).code).toBe('LAST');
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('maxRetries is configurable, 0 included', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(json(500, {}), json(500, {}), json(500, {}), json(500, {}), json(500, {}));
    await expect(make({ sleep, maxRetries: 4 }).getPayment(PAYMENT_ID)).rejects.toBeInstanceOf(
      PayServerError,
    );
    expect(server.requests).toHaveLength(5);
    expect(sleeps).toEqual([250, 500, 1000, 2000]);

    server.reply(json(500, {}));
    await expect(make({ sleep, maxRetries: 0 }).getPayment(PAYMENT_ID)).rejects.toBeInstanceOf(
      PayServerError,
    );
    expect(server.requests).toHaveLength(6);
  });

  it('a GET on 429 waits for Retry-After', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(
      json(429, { code: 'P0900', description: 'Too many requests' }, { 'Retry-After': '3' }),
      json(429, { code: 'P0900', description: 'Too many requests' }),
      json(200, paymentBody(server.url)),
    );
    await make({ sleep }).getPayment(PAYMENT_ID);
    expect(sleeps).toEqual([3000, 1000]);
  });

  it('a Retry-After beyond 30 s is not waited for: the 429 surfaces with retryAfterMs', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(json(429, { code: 'P0900' }, { 'Retry-After': '120' }));
    const error = await make({ sleep })
      .getPayment(PAYMENT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayRateLimitError);
    expect((error as PayRateLimitError).retryAfterMs).toBe(120_000);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('a GET retries a timeout and a reset connection', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(
      { ...json(200, {}), delayMs: 30_000 },
      { destroy: true },
      json(200, paymentBody(server.url)),
    );
    // Long enough for the third answer to arrive on a loaded machine; the first never does.
    const payment = await make({ sleep, timeoutMs: 1000 }).getPayment(PAYMENT_ID);
    expect(payment.amount).toBe(14500);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a 4xx or a malformed answer', async () => {
    const { sleep, sleeps } = recordingSleep();
    server.reply(json(404, { code: 'P0200' }), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: 'nope',
    });
    const client = make({ sleep });
    await expect(client.getPayment(PAYMENT_ID)).rejects.toMatchObject({ status: 404 });
    await expect(client.getPayment(PAYMENT_ID)).rejects.toBeInstanceOf(PayResponseError);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  describe('createPayment', () => {
    it.each([
      ['500', json(500, { code: 'P0198' })],
      ['503', json(503, '')],
      ['429 without P0900', json(429, { code: 'OTHER' })],
      ['a reset connection', { destroy: true }],
    ])('is NOT retried on %s: GOV.UK Pay may have created the payment', async (_label, answer) => {
      const { sleep, sleeps } = recordingSleep();
      server.reply(answer, json(201, paymentBody(server.url)));
      await expect(make({ sleep }).createPayment(validCreateRequest)).rejects.toBeDefined();
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('is NOT retried on a timeout', async () => {
      const { sleep, sleeps } = recordingSleep();
      // The timeout is long enough for the request to reach the server on a loaded machine (the
      // point is that it got there and may have created the payment); the answer comes far later.
      server.reply({ ...json(201, paymentBody(server.url)), delayMs: 30_000 });
      const error = await make({ sleep, timeoutMs: 1000 })
        .createPayment(validCreateRequest)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayConnectionError);
      expect((error as PayConnectionError).reason).toBe('timeout');
      expect(server.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('IS retried on 429 P0900, honouring Retry-After, with the same body and Idempotency-Key', async () => {
      const { sleep, sleeps } = recordingSleep();
      server.reply(
        json(429, { code: 'P0900', description: 'Too many requests' }, { 'Retry-After': '1' }),
        json(201, paymentBody(server.url)),
      );
      const payment = await make({ sleep }).createPayment(validCreateRequest, {
        idempotencyKey: 'order-1234',
      });
      expect(payment.payment_id).toBe(PAYMENT_ID);
      expect(sleeps).toEqual([1000]);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
      expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
        'order-1234',
        'order-1234',
      ]);
    });

    it('IS retried when the connection is refused (the request reached nobody)', async () => {
      const port = await freePort();
      let late: ScriptedServer | undefined;
      const sleeps: number[] = [];
      // The injected sleep is where the server comes up: no real waiting.
      const sleep = async (ms: number): Promise<void> => {
        sleeps.push(ms);
        late = await startScriptedServer({ port });
        late.reply(json(201, paymentBody(`http://127.0.0.1:${port}`)));
      };
      const client = make({ sleep, apiBaseUrl: `http://127.0.0.1:${port}` });
      const payment = await client.createPayment(validCreateRequest);
      expect(payment.payment_id).toBe(PAYMENT_ID);
      expect(sleeps).toEqual([250]);
      expect(late?.requests).toHaveLength(1);
      client.close();
      await late?.close();
    });

    it('gives up on refused connections after maxRetries', async () => {
      const port = await freePort();
      const { sleep, sleeps } = recordingSleep();
      const error = await make({ sleep, apiBaseUrl: `http://127.0.0.1:${port}` })
        .createPayment(validCreateRequest)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayConnectionError);
      expect((error as PayConnectionError).reason).toBe('refused');
      expect(sleeps).toHaveLength(2);
    });
  });

  it.each([
    ['cancelPayment', (c: PayClient) => c.cancelPayment(PAYMENT_ID)],
    ['capturePayment', (c: PayClient) => c.capturePayment(PAYMENT_ID)],
    ['refundPayment', (c: PayClient) => c.refundPayment(PAYMENT_ID, { amount: 100 })],
  ])('%s follows the create rule: no retry on 5xx, retry on 429 P0900', async (_name, call) => {
    const { sleep, sleeps } = recordingSleep();
    const client = make({ sleep });
    server.reply(json(500, {}));
    await expect(call(client)).rejects.toBeInstanceOf(PayServerError);
    expect(server.requests).toHaveLength(1);
    server.reply(
      json(429, { code: 'P0900' }),
      _name === 'refundPayment' ? json(202, refundBody(server.url)) : { status: 204 },
    );
    await call(client);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000]);
  });

  it('a caller abort stops retries', async () => {
    const controller = new AbortController();
    const sleeps: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      sleeps.push(ms);
      controller.abort();
      return Promise.resolve();
    };
    server.reply(json(500, {}), json(200, paymentBody(server.url)));
    const error = await make({ sleep })
      .getPayment(PAYMENT_ID, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('other');
    expect(server.requests).toHaveLength(1);
  });
});
