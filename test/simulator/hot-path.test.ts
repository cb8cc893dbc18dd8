import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { FaultRule, RunningSimulator, Simulator } from '../../src/simulator';
import { paymentRequest } from '../helpers/simulator-harness';

/**
 * listen()'s server answers the polled `GET /v1/payments/{id}` without Express (the hot path).
 * These tests send the same bytes to it and to a plain server around `sim.app`, which always
 * goes through Express, and require the two answers to be the same byte for byte, apart from
 * the Date header and the fresh next_url token that every GET mints.
 */

interface RawAnswer {
  status: number;
  /** Header lines as sent, names in the case and order Node wrote them, Date left out. */
  headers: string[];
  body: string;
}

const HOST = '127.0.0.1:4567';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

let sim: Simulator;
let hot: RunningSimulator;
let viaExpress: Server;
let expressPort: number;
const key = generateTestApiKey();

beforeAll(async () => {
  sim = createSimulator({ rateLimit: false });
  hot = await sim.listen();
  viaExpress = createServer(sim.app);
  await new Promise<void>((resolve) => viaExpress.listen(0, '127.0.0.1', resolve));
  expressPort = (viaExpress.address() as AddressInfo).port;
});
afterEach(() => sim.faults.clear());
afterAll(async () => {
  viaExpress.closeAllConnections();
  await new Promise((resolve) => viaExpress.close(resolve));
  await hot.close();
});

function send(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<RawAnswer | 'dropped'> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => resolve('dropped'));
      res.on('aborted', () => resolve('dropped'));
      res.on('end', () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i] as string;
          if (name.toLowerCase() !== 'date') lines.push(`${name}: ${res.rawHeaders[i + 1]}`);
        }
        resolve({ status: res.statusCode ?? 0, headers: lines, body });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve('dropped') : reject(error),
    );
    req.end();
  });
}

const hotPort = (): number => Number(new URL(hot.url).port);
const withoutTokens = (answer: RawAnswer | 'dropped'): unknown =>
  answer === 'dropped' ? answer : { ...answer, body: answer.body.replace(UUID, '<token>') };

/** The same request to both servers; with `fault`, the same fault is drawn by each. */
async function both(
  path: string,
  headers: Record<string, string>,
  fault?: FaultRule['fault'],
  method = 'GET',
): Promise<[unknown, unknown]> {
  const answers: unknown[] = [];
  for (const port of [hotPort(), expressPort]) {
    if (fault !== undefined) sim.faults.inject({ route: 'getPayment', times: 1, fault });
    answers.push(withoutTokens(await send(port, path, headers, method)));
  }
  return answers as [unknown, unknown];
}

async function createPayment(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${hot.url}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(paymentRequest(overrides)),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { payment_id: string }).payment_id;
}

const auth = { host: HOST, authorization: `Bearer ${key}` };

describe('GET /v1/payments/{id} on the hot path', () => {
  it('answers an unfinished payment as Express does, with a next_url minted for each', async () => {
    const id = await createPayment({ metadata: { ledger_code: 'AB1' }, email: 'a@example.com' });
    const [fast, express] = await both(`/v1/payments/${id}`, auth);
    expect(fast).toEqual(express);
    expect(fast).toMatchObject({ status: 200 });
    const body = JSON.parse((fast as RawAnswer).body) as Record<string, unknown>;
    expect(body).toMatchObject({ payment_id: id, state: { status: 'created', finished: false } });
    expect(JSON.stringify(body)).toContain(`"href":"http://${HOST}/v1/payments/${id}"`);
    expect(JSON.stringify(body)).toContain('/secure/<token>');
  });

  it('answers a finished payment, a payment of another account and an unknown id alike', async () => {
    const id = await createPayment();
    sim.completePayment(id, { card: '4444333322221111' });
    const finished = await both(`/v1/payments/${id}`, auth);
    expect(finished[0]).toEqual(finished[1]);
    expect(finished[0]).toMatchObject({ status: 200 });
    expect((finished[0] as RawAnswer).body).toContain('"status":"success"');

    const otherKey = { host: HOST, authorization: `Bearer ${generateTestApiKey()}` };
    for (const [path, headers] of [
      [`/v1/payments/${id}`, otherKey],
      ['/v1/payments/0000000000000000000000000a', auth],
    ] as const) {
      const [fast, express] = await both(path, headers);
      expect(fast).toEqual(express);
      expect(fast).toMatchObject({
        status: 404,
        body: '{"code":"P0200","description":"Not found"}',
      });
    }
  });

  it('refuses a missing or malformed key and a non-JSON Accept (the firewall) as Express does', async () => {
    const id = await createPayment();
    const cases: [Record<string, string>, number][] = [
      [{ host: HOST }, 401],
      [{ host: HOST, authorization: 'Bearer not-a-key' }, 401],
      [{ ...auth, accept: 'text/html' }, 400],
    ];
    for (const [headers, status] of cases) {
      const [fast, express] = await both(`/v1/payments/${id}`, headers);
      expect(fast).toEqual(express);
      expect(fast).toMatchObject({ status });
    }
  });

  it('draws the getPayment faults as Express does', async () => {
    const id = await createPayment();
    const faults: FaultRule['fault'][] = [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 429, retryAfterSeconds: 2 },
      { kind: 'malformed' },
      { kind: 'missing-fields', fields: ['state'] },
      { kind: 'latency', ms: 20 },
      { kind: 'slow-body', ms: 20 },
      { kind: 'drop' },
    ];
    const answers: unknown[] = [];
    for (const fault of faults) {
      const [fast, express] = await both(`/v1/payments/${id}`, auth, fault);
      expect([fault.kind, fast]).toEqual([fault.kind, express]);
      answers.push(fast);
    }
    expect(answers[0]).toMatchObject({ status: 503 });
    expect((answers[1] as RawAnswer).headers).toContain('retry-after: 2');
    expect(answers[6]).toBe('dropped');
    const [spoiled] = await both(`/v1/payments/${id}`, auth, { kind: 'malformed' });
    expect(() => JSON.parse((spoiled as RawAnswer).body)).toThrow();
  });

  it('leaves the forms it does not take to Express, which answers them', async () => {
    const id = await createPayment();
    for (const path of [
      `/v1/payments/${id}?x=1`,
      `/v1/payments/${id}/`,
      `/V1/PAYMENTS/${id}`,
      `/v1/payments/${id.slice(0, 5)}%61${id.slice(6)}`,
    ]) {
      const [fast, express] = await both(path, auth);
      expect([path, fast]).toEqual([path, express]);
    }
    const [fast] = await both(`/v1/payments/${id}?x=1`, auth);
    expect(fast).toMatchObject({ status: 200 });
    const [head, headExpress] = await both(`/v1/payments/${id}`, auth, undefined, 'HEAD');
    expect(head).toEqual(headExpress);
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it("goes through Express while 'trust proxy' is on, so X-Forwarded-Proto is read", async () => {
    const id = await createPayment();
    sim.app.set('trust proxy', true);
    try {
      const [fast, express] = await both(`/v1/payments/${id}`, {
        ...auth,
        'x-forwarded-proto': 'https',
      });
      expect(fast).toEqual(express);
      expect((fast as RawAnswer).body).toContain(`"href":"https://${HOST}/v1/payments/${id}"`);
    } finally {
      sim.app.set('trust proxy', false);
    }
  });
});
