/**
 * Behind a TLS-terminating proxy (an https DEMO_PUBLIC_URL), the demo trusts one proxy hop: its
 * session cookie is Secure and still set, and the per-IP limit on starts counts each client by
 * X-Forwarded-For. Over plain http nothing is in front, so a forged X-Forwarded-For changes
 * nothing.
 */
import type { AddressInfo } from 'node:net';
import { Browser } from '../helpers/browser';
import type { BrowserResponse } from '../helpers/browser';
import type { RunningDemo } from '../helpers/browser-support';
import { startDemo } from '../helpers/browser-support';

const PER_CLIENT = 2;

describe('the demo behind a proxy', () => {
  let running: RunningDemo | undefined;
  /** Where the demo really listens, whatever its public URL says. */
  let local = '';

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(publicUrl?: string): Promise<void> {
    running = await startDemo({
      ...(publicUrl === undefined ? {} : { publicUrl }),
      payStartLimits: { perClient: PER_CLIENT, perSession: 100 },
    });
    local = `http://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  }

  /** A start by a new citizen (so the per-session limit never decides) from `clientIp`. */
  function startFrom(clientIp: string, https: boolean): Promise<BrowserResponse> {
    return new Browser().post(`${local}/payment/start`, {
      headers: { 'x-forwarded-for': clientIp, ...(https ? { 'x-forwarded-proto': 'https' } : {}) },
    });
  }

  test('with an https publicUrl: a Secure session cookie, and the per-IP limit per forwarded client', async () => {
    await start('https://permits.example.test');
    const page = await new Browser().get(`${local}/vehicle-registration`, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    });
    expect(page.status).toBe(200);
    // express-session sets a Secure cookie only on a request it knows came over https.
    const cookie = String(page.headers['set-cookie'] ?? '');
    expect(cookie).toMatch(/^demo_session=/);
    expect(cookie).toMatch(/;\s*Secure/i);

    for (let i = 0; i < PER_CLIENT; i += 1) {
      expect([i, (await startFrom('203.0.113.7', true)).status]).toEqual([i, 303]);
    }
    expect((await startFrom('203.0.113.7', true)).status).toBe(429);
    // Another citizen behind the same proxy has a budget of their own.
    expect((await startFrom('198.51.100.20', true)).status).toBe(303);
  });

  test('over http: X-Forwarded-For is not trusted, so it cannot dodge the per-IP limit', async () => {
    await start();
    for (let i = 0; i < PER_CLIENT; i += 1) {
      expect([i, (await startFrom(`203.0.113.${i + 1}`, false)).status]).toEqual([i, 303]);
    }
    expect((await startFrom('198.51.100.20', false)).status).toBe(429);
  });
});
