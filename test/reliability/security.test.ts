import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payment } from '../../src/client/types';
import { MAX_POST_BODY_BYTES } from '../../src/journey/router';
import { setCookies } from './support/http';
import {
  COOKIE_NAME,
  MOUNT,
  PUBLIC_URL,
  SAME_ORIGIN,
  startJourneyWorld,
  startSimulatorWorld,
  watchEscapes,
} from './support/world';
import type { JourneyWorld, SimulatorWorld } from './support/world';

const escapes = watchEscapes();
let world: SimulatorWorld;
let service: JourneyWorld;

beforeAll(async () => {
  world = await startSimulatorWorld();
  service = await startJourneyWorld(world);
});

afterAll(async () => {
  await service.close();
  await world.close();
  escapes.stop();
  expect(escapes.escaped).toEqual([]);
});

function newestPayment(): Payment & { return_url: string } {
  return world.sim.payments.list()[0] as Payment & { return_url: string };
}

async function start(headers: Record<string, string> = SAME_ORIGIN, body = '') {
  return service.http.request({ method: 'POST', path: `${MOUNT}/start`, headers, body });
}

describe('the payment cookie', () => {
  it('is HttpOnly, Secure, SameSite=Lax, scoped to the mount path, and outlives GOV.UK Pay’s 90 minutes', async () => {
    const answer = await start();
    expect(answer.status).toBe(303);
    const line = (answer.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${COOKIE_NAME}=`));
    expect(line).toBeDefined();
    const attributes = (line as string)
      .split(';')
      .slice(1)
      .map((a) => a.trim());
    const lower = attributes.map((a) => a.toLowerCase());
    expect(lower).toContain('httponly');
    expect(lower).toContain('secure');
    expect(lower).toContain('samesite=lax');
    expect(attributes).toContain(`Path=${MOUNT}`);
    expect(lower.some((a) => a.startsWith('domain='))).toBe(false);
    const maxAge = Number(
      attributes.find((a) => a.startsWith('Max-Age='))?.slice('Max-Age='.length),
    );
    expect(maxAge).toBeGreaterThanOrEqual(90 * 60 + 15 * 60);
    // Sealed, not merely signed: neither the id nor the reference can be read from it.
    const value = setCookies(answer).get(COOKIE_NAME) as string;
    const payment = newestPayment();
    expect(value).not.toContain(payment.payment_id);
    expect(Buffer.from(value.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain(
      'REL-0001',
    );
  });
});

describe('the Host header and forwarding headers', () => {
  it('never shape the return_url, the cookie or a page', async () => {
    const forged = {
      ...SAME_ORIGIN,
      host: 'evil.example.com',
      'x-forwarded-host': 'evil.example.com',
      'x-forwarded-proto': 'http',
      forwarded: 'host=evil.example.com;proto=http',
    };
    const answer = await start(forged);
    expect(answer.status).toBe(303);
    expect(newestPayment().return_url).toBe(`${PUBLIC_URL}${MOUNT}/return`);
    expect(JSON.stringify(answer.headers)).not.toContain('evil.example.com');

    const missing = await service.http.request({
      path: `${MOUNT}/return`,
      headers: { host: 'evil.example.com', 'x-forwarded-host': 'evil.example.com' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).not.toContain('evil.example.com');
    expect(JSON.stringify(missing.headers)).not.toContain('evil.example.com');
  });

  it('a cross-site POST /start is refused with 403 and creates nothing', async () => {
    const before = world.sim.payments.size;
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example.com' },
      { origin: 'https://evil.example.com' },
      { 'sec-fetch-site': 'same-site', origin: 'https://other.example.gov.uk' },
    ]) {
      const answer = await start({
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(answer.status).toBe(403);
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
    expect(world.sim.payments.size).toBe(before);
  });
});

describe('oversized input', () => {
  it('an oversized cookie header is refused with a 4xx and reaches nothing', async () => {
    const gets = world.apiGets();
    for (const size of [5_000, 12_000, 20_000, 64_000]) {
      const answer = await service.http
        .request({
          path: `${MOUNT}/return`,
          headers: { cookie: `${COOKIE_NAME}=${'A'.repeat(size)}` },
        })
        .catch(() => ({ status: 431, headers: {}, body: '' }));
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect(world.apiGets()).toBe(gets);
  });

  it('an oversized request line is refused with a 4xx', async () => {
    const answer = await service.http
      .request({ path: `${MOUNT}/return?${'q='.repeat(20_000)}` })
      .catch(() => ({ status: 431, headers: {}, body: '' }));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });

  it('an oversized POST /start body is refused with 413 and creates nothing', async () => {
    const before = world.sim.payments.size;
    // The server answers 413 and closes while the client may still be writing: an EPIPE or
    // reset on the client side is the refusal arriving early, not a success.
    const answer = await start(SAME_ORIGIN, 'x'.repeat(2_000_000)).catch(() => undefined);
    if (answer !== undefined) expect(answer.status).toBe(413);
    expect(world.sim.payments.size).toBe(before);
    // Just over the limit, the whole body is sent and the answer is read.
    expect((await start(SAME_ORIGIN, 'x'.repeat(MAX_POST_BODY_BYTES + 1))).status).toBe(413);
    expect(world.sim.payments.size).toBe(before);
    // A normal form body still starts a payment.
    expect((await start(SAME_ORIGIN, 'csrf=abc&permit=12')).status).toBe(303);
  });
});

/**
 * A GOV.UK Pay stand-in that answers like the real one, except that `next_url` points to a
 * host the service never allowed: the journey must not send the citizen there.
 */
async function startForeignNextUrlUpstream(template: Payment) {
  const requests: string[] = [];
  let createNextUrl = 'https://evil.example.com/steal';
  let getNextUrl = 'https://evil.example.com/steal';
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const payment = (status: string, nextUrl: string): Payment =>
        ({
          ...template,
          state: { status, finished: false },
          _links: {
            ...template._links,
            self: { href: `${origin}/v1/payments/${template.payment_id}`, method: 'GET' },
            next_url: { href: nextUrl, method: 'GET' },
          },
        }) as Payment;
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v1/payments') {
        res.statusCode = 201;
        res.end(JSON.stringify(payment('created', createNextUrl)));
      } else if (req.method === 'GET' && req.url === `/v1/payments/${template.payment_id}`) {
        res.end(JSON.stringify(payment('started', getNextUrl)));
      } else if (req.method === 'POST' && req.url?.endsWith('/cancel')) {
        res.statusCode = 204;
        res.end();
      } else {
        res.statusCode = 404;
        res.end('{"code":"P0200","description":"Not found"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    set(next: { create?: string; get?: string }) {
      if (next.create !== undefined) createNextUrl = next.create;
      if (next.get !== undefined) getNextUrl = next.get;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('open redirect', () => {
  it('a next_url on a host outside nextUrlHosts is never followed, and the payment is cancelled', async () => {
    await start();
    const upstream = await startForeignNextUrlUpstream(newestPayment());
    const foreign = await startJourneyWorld(world, {
      apiBaseUrl: upstream.url,
      nextUrlHosts: [new URL(upstream.url).host],
    });
    try {
      const answer = await foreign.http.request({
        method: 'POST',
        path: `${MOUNT}/start`,
        headers: SAME_ORIGIN,
        body: '',
      });
      expect(answer.status).not.toBe(303);
      expect(answer.headers.location).toBeUndefined();
      expect(answer.body).not.toContain('evil.example.com');
      expect(answer.headers['set-cookie']).toBeUndefined();
      // Nobody can pay it now, so it must not linger as payable.
      expect(upstream.requests.filter((r) => r.endsWith('/cancel'))).toHaveLength(1);
      // The error says which host, never the whole (single-use, secret) next_url.
      const messages = [...foreign.errors.map(String), foreign.logger.text()].join('\n');
      expect(messages).not.toContain('https://evil.example.com/steal');

      // A payment started on a good next_url, whose later reads point elsewhere: the back
      // button (pending) and a second press of Pay (resume) must not follow it either.
      upstream.set({ create: `${upstream.url}/secure/good-token` });
      const good = await foreign.http.request({
        method: 'POST',
        path: `${MOUNT}/start`,
        headers: SAME_ORIGIN,
        body: '',
      });
      expect(good.headers.location).toBe(`${upstream.url}/secure/good-token`);
      const cookie = `${COOKIE_NAME}=${setCookies(good).get(COOKIE_NAME)}`;
      const back = await foreign.http.request({ path: `${MOUNT}/return`, headers: { cookie } });
      expect(back.headers.location ?? '').not.toContain('evil.example.com');
      expect(back.body).not.toContain('evil.example.com');
      const again = await foreign.http.request({
        method: 'POST',
        path: `${MOUNT}/start`,
        headers: { ...SAME_ORIGIN, cookie },
        body: '',
      });
      expect(again.headers.location ?? '').not.toContain('evil.example.com');
      expect(again.body).not.toContain('evil.example.com');
    } finally {
      await foreign.close();
      await upstream.close();
    }
  });
});
