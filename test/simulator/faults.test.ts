import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import axios from 'axios';
import { PayConfigError } from '../../src/config-error';
import type { FaultRule } from '../../src/simulator';
import type { Harness } from '../helpers/simulator-harness';
import { paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

let h: Harness;
let randomValues: number[] = [];
beforeAll(async () => {
  h = await startSimulator({
    rateLimit: false,
    admin: true,
    random: () => randomValues.shift() ?? 0.99,
  });
});
afterEach(() => h.sim.faults.clear());
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

interface RawResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: string;
  /** The connection failed or closed before the whole body arrived. */
  failed?: string;
  headersAt?: number;
  endAt?: number;
}

/** node:http directly, to see exactly what arrives: headers, partial bodies, resets. */
function raw(method: string, path: string, body?: string): Promise<RawResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const result: RawResult = { body: '' };
    const req = request(
      `${h.url}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${h.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        if (res.statusCode !== undefined) result.status = res.statusCode;
        result.headers = res.headers;
        result.headersAt = performance.now() - started;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (result.body += chunk));
        res.on('end', () => {
          result.endAt = performance.now() - started;
          resolve(result);
        });
        res.on('aborted', () => resolve({ ...result, failed: 'aborted' }));
        res.on('error', (e) => resolve({ ...result, failed: e.message }));
      },
    );
    req.on('error', (e) =>
      resolve({ ...result, failed: (e as NodeJS.ErrnoException).code ?? e.message }),
    );
    req.end(body);
  });
}

const inject = (rule: FaultRule) => h.sim.faults.inject(rule);

describe('fault kinds', () => {
  it('latency delays the answer; longer than a client timeout it is a timeout', async () => {
    const p = await h.createPayment();
    inject({ route: 'getPayment', fault: { kind: 'latency', ms: 60 } });
    const started = performance.now();
    const res = await h.get(`/v1/payments/${p.payment_id}`);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    inject({ route: 'getPayment', times: 1, fault: { kind: 'latency', ms: 2_000 } });
    await expect(
      axios.get(`${h.url}/v1/payments/${p.payment_id}`, {
        headers: { authorization: `Bearer ${h.key}` },
        timeout: 50,
      }),
    ).rejects.toMatchObject({ code: 'ECONNABORTED' });
  });

  it('latency on create still creates the payment (an ambiguous create)', async () => {
    const before = h.sim.payments.size;
    inject({ route: 'createPayment', times: 1, fault: { kind: 'latency', ms: 30 } });
    const res = await h.post('/v1/payments', paymentRequest());
    expect(res.status).toBe(201);
    expect(h.sim.payments.size).toBe(before + 1);
  });

  it('status answers with a GOV.UK Pay error body and Retry-After, and changes nothing', async () => {
    const before = h.sim.payments.size;
    inject({
      route: 'createPayment',
      times: 1,
      fault: { kind: 'status', status: 503, retryAfterSeconds: 2 },
    });
    const res = await h.post('/v1/payments', paymentRequest());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'P0198', description: 'Downstream system error' });
    expect(res.headers['retry-after']).toBe('2');
    expect(h.sim.payments.size).toBe(before);
  });

  it.each([
    ['getPayment', 500, { code: 'P0298', description: 'Downstream system error' }],
    ['getPayment', 429, { code: 'P0900', description: 'Too many requests' }],
    ['getPayment', 404, { code: 'P0200', description: 'Not found' }],
    ['getEvents', 500, { code: 'P0398', description: 'Downstream system error' }],
    ['searchPayments', 502, { code: 'P0498', description: 'Downstream system error' }],
  ] as const)('status on %s %i has the route’s own code', async (route, status, body) => {
    const p = await h.createPayment();
    inject({ route, times: 1, fault: { kind: 'status', status } });
    const path =
      route === 'getEvents'
        ? `/v1/payments/${p.payment_id}/events`
        : route === 'searchPayments'
          ? '/v1/payments'
          : `/v1/payments/${p.payment_id}`;
    const res = await h.get(path);
    expect([res.status, res.body]).toEqual([status, body]);
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('status takes a custom code and description', async () => {
    inject({
      route: '*',
      times: 1,
      fault: {
        kind: 'status',
        status: 503,
        code: 'P0999',
        description: 'GOV.UK Pay is temporarily down',
      },
    });
    const res = await h.get('/v1/payments');
    expect(res.body).toEqual({ code: 'P0999', description: 'GOV.UK Pay is temporarily down' });
  });

  it('drop handles the request and then destroys the connection without an answer', async () => {
    const before = h.sim.payments.size;
    inject({ route: 'createPayment', times: 1, fault: { kind: 'drop' } });
    const res = await raw('POST', '/v1/payments', JSON.stringify(paymentRequest()));
    expect(res.status).toBeUndefined();
    expect(res.failed).toMatch(/ECONNRESET|socket hang up/);
    expect(h.sim.payments.size).toBe(before + 1);
  });

  it('malformed sends invalid JSON with a JSON content type', async () => {
    const p = await h.createPayment();
    inject({ route: 'getPayment', times: 1, fault: { kind: 'malformed' } });
    const res = await raw('GET', `/v1/payments/${p.payment_id}`);
    expect(res.status).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(res.body.startsWith('{"amount":1250')).toBe(true);
    expect(() => JSON.parse(res.body)).toThrow(SyntaxError);
  });

  it('truncated promises the full Content-Length, sends part and closes', async () => {
    const p = await h.createPayment();
    inject({ route: 'getPayment', times: 1, fault: { kind: 'truncated' } });
    const res = await raw('GET', `/v1/payments/${p.payment_id}`);
    expect(res.status).toBe(200);
    expect(res.failed).toBeDefined();
    expect(Number(res.headers?.['content-length'])).toBeGreaterThan(Buffer.byteLength(res.body));
  });

  it('missing-fields drops state and _links by default, or the fields given', async () => {
    const p = await h.createPayment();
    inject({ route: 'getPayment', times: 1, fault: { kind: 'missing-fields' } });
    const res = await h.get(`/v1/payments/${p.payment_id}`);
    expect(res.status).toBe(200);
    expect(res.body.payment_id).toBe(p.payment_id);
    expect(res.body).not.toHaveProperty('state');
    expect(res.body).not.toHaveProperty('_links');
    inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'missing-fields', fields: ['amount'] },
    });
    const res2 = await h.get(`/v1/payments/${p.payment_id}`);
    expect(res2.body).not.toHaveProperty('amount');
    expect(res2.body).toHaveProperty('state');
  });

  it('slow-body sends the headers at once and the body later', async () => {
    const p = await h.createPayment();
    inject({ route: 'getPayment', times: 1, fault: { kind: 'slow-body', ms: 150 } });
    const res = await raw('GET', `/v1/payments/${p.payment_id}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).payment_id).toBe(p.payment_id);
    expect((res.endAt ?? 0) - (res.headersAt ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it('body faults leave a 204 alone; drop still drops it', async () => {
    const p = await h.createPayment();
    inject({ route: 'cancelPayment', times: 1, fault: { kind: 'malformed' } });
    expect((await raw('POST', `/v1/payments/${p.payment_id}/cancel`)).status).toBe(204);
    const q = await h.createPayment();
    inject({ route: 'cancelPayment', times: 1, fault: { kind: 'drop' } });
    expect((await raw('POST', `/v1/payments/${q.payment_id}/cancel`)).failed).toBeDefined();
    expect(h.sim.payments.get(q.payment_id)?.state.status).toBe('cancelled');
  });
});

describe('fault rules', () => {
  it('times applies to the next N matching requests only', async () => {
    inject({ route: 'searchPayments', times: 2, fault: { kind: 'status', status: 500 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.get('/v1/payments')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('a rule without times applies until removed', async () => {
    const remove = inject({ route: 'searchPayments', fault: { kind: 'status', status: 502 } });
    expect((await h.get('/v1/payments')).status).toBe(502);
    expect((await h.get('/v1/payments')).status).toBe(502);
    remove();
    expect((await h.get('/v1/payments')).status).toBe(200);
  });

  it('only its route is affected; * matches every route', async () => {
    inject({ route: 'getRefund', fault: { kind: 'status', status: 500 } });
    expect((await h.get('/v1/payments')).status).toBe(200);
    h.sim.faults.clear();
    inject({ route: '*', times: 2, fault: { kind: 'status', status: 500 } });
    expect((await h.get('/v1/payments')).status).toBe(500);
    expect((await h.get('/v1/refunds')).status).toBe(500);
    expect((await h.get('/v1/refunds')).status).toBe(200);
  });

  it('probability uses the injected random source', async () => {
    randomValues = [0.7, 0.2, 0.5];
    inject({ route: 'searchPayments', probability: 0.5, fault: { kind: 'status', status: 500 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.get('/v1/payments')).status);
    // 0.7 ≥ 0.5: no fault; 0.2 < 0.5: fault; 0.5 is not < 0.5: no fault.
    expect(statuses).toEqual([200, 500, 200]);
  });

  it('probability with times counts only the faults that fired', async () => {
    randomValues = [0.9, 0.1, 0.1];
    inject({
      route: 'searchPayments',
      probability: 0.5,
      times: 1,
      fault: { kind: 'status', status: 500 },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.get('/v1/payments')).status);
    expect(statuses).toEqual([200, 500, 200]);
  });

  it.each([
    [{ route: 'nowhere', fault: { kind: 'drop' } }, /route must be/],
    [{ route: '*', times: 0, fault: { kind: 'drop' } }, /times must be a whole number/],
    [{ route: '*', probability: 2, fault: { kind: 'drop' } }, /probability/],
    [{ route: '*', fault: { kind: 'explode' } }, /fault.kind must be/],
    [{ route: '*', fault: { kind: 'latency' } }, /latency needs ms/],
    [{ route: '*', fault: { kind: 'status', status: 200 } }, /status from 400 to 599/],
    [{ route: '*', fault: { kind: 'missing-fields', fields: 'state' } }, /array/],
  ])('refuses a bad rule: %j', (rule, message) => {
    expect(() => h.sim.faults.inject(rule as never)).toThrow(PayConfigError);
    expect(() => h.sim.faults.inject(rule as never)).toThrow(message);
  });
});

describe('admin routes', () => {
  const admin = axios.create({ validateStatus: () => true });

  it('are off unless admin is true', async () => {
    const plain = await startSimulator();
    try {
      expect((await admin.post(`${plain.url}/__simulator/reset`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('inject and remove faults', async () => {
    const added = await admin.post(`${h.url}/__simulator/faults`, {
      route: 'searchPayments',
      fault: { kind: 'status', status: 500 },
    });
    expect(added.status).toBe(201);
    expect((await h.get('/v1/payments')).status).toBe(500);
    expect((await admin.delete(`${h.url}/__simulator/faults/${added.data.id}`)).status).toBe(204);
    expect((await h.get('/v1/payments')).status).toBe(200);
    await admin.post(`${h.url}/__simulator/faults`, {
      route: '*',
      fault: { kind: 'status', status: 500 },
    });
    expect((await admin.delete(`${h.url}/__simulator/faults`)).status).toBe(204);
    expect((await h.get('/v1/payments')).status).toBe(200);
    const bad = await admin.post(`${h.url}/__simulator/faults`, {
      route: 'x',
      fault: { kind: 'drop' },
    });
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatch(/route must be/);
  });

  it('advance the clock, cancel by the service, fail with a provider error, complete and reset', async () => {
    const a = await h.createPayment();
    const before = h.sim.clock.now();
    const advanced = await admin.post(`${h.url}/__simulator/clock/advance`, { ms: 60_000 });
    expect(advanced.status).toBe(200);
    expect(Date.parse(advanced.data.now)).toBeGreaterThanOrEqual(before + 60_000);
    expect((await admin.post(`${h.url}/__simulator/clock/advance`, { ms: -5 })).status).toBe(400);

    expect(
      (await admin.post(`${h.url}/__simulator/payments/${a.payment_id}/service-cancel`)).status,
    ).toBe(204);
    expect((await h.get(`/v1/payments/${a.payment_id}`)).body.state.code).toBe('P0040');
    expect(
      (await admin.post(`${h.url}/__simulator/payments/${a.payment_id}/service-cancel`)).status,
    ).toBe(400);

    const b = await h.createPayment();
    expect(
      (await admin.post(`${h.url}/__simulator/payments/${b.payment_id}/provider-error`)).status,
    ).toBe(204);
    expect((await h.get(`/v1/payments/${b.payment_id}`)).body.state.code).toBe('P0050');

    const c = await h.createPayment();
    const done = await admin.post(`${h.url}/__simulator/payments/${c.payment_id}/complete`, {
      card: '4444333322221111',
    });
    expect([done.status, done.data.state.status]).toEqual([200, 'success']);
    expect(
      (await admin.post(`${h.url}/__simulator/payments/nope/complete`, { cancel: true })).status,
    ).toBe(404);

    expect((await admin.post(`${h.url}/__simulator/reset`)).status).toBe(204);
    expect(h.sim.payments.size).toBe(0);
  });
});
