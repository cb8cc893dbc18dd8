import { PayResponseError, PayServerError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { json, startScriptedServer } from '../helpers/scripted-server';
import type { ScriptedServer } from '../helpers/scripted-server';
import { API_KEY, paymentBody, recordingSleep, refundBody, searchPage } from './bodies';

let server: ScriptedServer;
let client: PayClient;

beforeEach(async () => {
  server = await startScriptedServer();
  client = new PayClient({
    apiKey: API_KEY,
    apiBaseUrl: server.url,
    sleep: recordingSleep().sleep,
  });
});
afterEach(async () => {
  client.close();
  await server.close();
});

const id = (n: number): string => `pay${String(n).padStart(23, '0')}`;
const pageOf = (page: number, ids: number[], last: boolean): ReturnType<typeof json> =>
  json(
    200,
    searchPage(
      server.url,
      page,
      ids.map((n) => paymentBody(server.url, {}, id(n))),
      last ? undefined : `${server.url}/v1/payments?reference=ref&display_size=2&page=${page + 1}`,
    ),
  );

describe('allPayments', () => {
  it('follows next_page across every page, fetching each only when iterated to', async () => {
    server.reply(pageOf(1, [1, 2], false), pageOf(2, [3, 4], false), pageOf(3, [5], true));
    const iterator = client.allPayments({ reference: 'ref', display_size: 2 });
    expect(server.requests).toHaveLength(0);

    const seen: string[] = [];
    const next = async (): Promise<void> => {
      const r = await iterator.next();
      if (r.done !== true) seen.push(r.value.payment_id);
    };
    await next();
    expect(server.requests).toHaveLength(1);
    await next();
    expect(server.requests).toHaveLength(1);
    await next();
    expect(server.requests).toHaveLength(2);
    await next();
    await next();
    expect(server.requests).toHaveLength(3);
    const end = await iterator.next();
    expect(end.done).toBe(true);
    expect(seen).toEqual([id(1), id(2), id(3), id(4), id(5)]);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/payments?reference=ref&display_size=2',
      '/v1/payments?reference=ref&display_size=2&page=2',
      '/v1/payments?reference=ref&display_size=2&page=3',
    ]);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(
      true,
    );
  });

  it('stopping early fetches no further page', async () => {
    server.reply(pageOf(1, [1, 2], false), pageOf(2, [3, 4], true));
    for await (const payment of client.allPayments({ reference: 'ref' })) {
      if (payment.payment_id === id(1)) break;
    }
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['another origin', 'https://evil.example/v1/payments?page=2'],
    ['another path', 'SAME/v1/refunds?page=2'],
    ['a non-URL', 'page 2'],
  ])('refuses a next_page link on %s, sending nothing there', async (_label, raw) => {
    const href = raw.replace('SAME', server.url);
    server.reply(json(200, searchPage(server.url, 1, [paymentBody(server.url)], href)));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const p of client.allPayments()) seen.push(p);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(PayResponseError);
    expect((error as Error).message).toMatch(/next_page/);
    expect(server.requests).toHaveLength(1);
  });

  it('stops a next_page loop instead of iterating for ever', async () => {
    const loop = `${server.url}/v1/payments?page=2`;
    server.reply(
      json(200, searchPage(server.url, 1, [], loop)),
      json(200, searchPage(server.url, 2, [], loop)),
    );
    const iterator = client.allPayments();
    await expect(iterator.next()).rejects.toThrow(/repeats an earlier page/);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a page that failed with a 5xx, then continues', async () => {
    server.reply(pageOf(1, [1], false), json(503, ''), pageOf(2, [2], true));
    const ids: string[] = [];
    for await (const p of client.allPayments({ reference: 'ref', display_size: 2 }))
      ids.push(p.payment_id);
    expect(ids).toEqual([id(1), id(2)]);
  });

  it('a page that keeps failing ends the iteration with the error', async () => {
    const once = new PayClient({ apiKey: API_KEY, apiBaseUrl: server.url, maxRetries: 0 });
    server.reply(pageOf(1, [1], false), json(500, {}));
    const ids: string[] = [];
    const error = await (async () => {
      for await (const p of once.allPayments({ reference: 'ref' })) ids.push(p.payment_id);
    })().catch((e: unknown) => e);
    expect(ids).toEqual([id(1)]);
    expect(error).toBeInstanceOf(PayServerError);
    once.close();
  });

  it('a malformed page is a PayResponseError', async () => {
    server.reply(json(200, { total: 1, count: 1, page: 1, _links: {} }));
    await expect(client.allPayments().next()).rejects.toThrow(/fields missing: results/);
  });
});

describe('allRefunds', () => {
  it('follows next_page on /v1/refunds', async () => {
    const refund = (n: number): Record<string, unknown> => ({
      ...refundBody(server.url),
      refund_id: `r${n}`,
    });
    server.reply(
      json(
        200,
        searchPage(server.url, 1, [refund(1)], `${server.url}/v1/refunds?page=2`, '/v1/refunds'),
      ),
      json(200, searchPage(server.url, 2, [refund(2)], undefined, '/v1/refunds')),
    );
    const ids: string[] = [];
    for await (const r of client.allRefunds({ from_date: '2024-01-01T00:00:00Z' }))
      ids.push(r.refund_id);
    expect(ids).toEqual(['r1', 'r2']);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/refunds?from_date=2024-01-01T00%3A00%3A00Z',
      '/v1/refunds?page=2',
    ]);
  });

  it('refuses a refunds next_page pointing at payments search', async () => {
    server.reply(
      json(200, searchPage(server.url, 1, [], `${server.url}/v1/payments?page=2`, '/v1/refunds')),
    );
    await expect(client.allRefunds().next()).rejects.toBeInstanceOf(PayResponseError);
    expect(server.requests).toHaveLength(1);
  });
});
