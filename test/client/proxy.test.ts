import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { PayConfigError } from '../../src/config-error';
import { PayConnectionError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { ProxyRoute } from '../../src/client/proxy';
import { AxiosTransport } from '../../src/client/transport';
import type { CreatePaymentRequest } from '../../src/client/types';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { Simulator } from '../../src/simulator';
import { closedPort, startConnectProxy } from '../helpers/connect-proxy';
import type { ConnectProxy } from '../helpers/connect-proxy';

/**
 * The egress proxy, end to end: the client against the simulator through a real local CONNECT
 * proxy, over TLS (a throwaway certificate for `pay.test`, a name only the proxy can resolve,
 * so a call that did not go through the proxy cannot reach the simulator at all) and over http.
 */

const request: CreatePaymentRequest = {
  amount: 1500,
  reference: 'PROXY-1',
  description: 'Permit',
  return_url: 'https://service.example.gov.uk/payment/return',
};
const PROXY_USER = 'egress-user';
const PROXY_PASSWORD = 'pr0xy-p@ss-word';
const PROXY_AUTHORIZATION = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
const PROXY_ENV_NAMES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
] as const;

/** A self-signed certificate for `pay.test`, made with openssl for this run only. */
function throwawayCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-test-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=pay.test',
        '-addext',
        'subjectAltName=DNS:pay.test',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let certificate: { key: string; cert: string };
let tlsServer: https.Server;
let tlsSimulator: Simulator;
let tlsOrigin: string;
let tlsPort: number;
let plainServer: http.Server;
let plainSimulator: Simulator;
let plainOrigin: string;
let plainPort: number;
let apiKey: string;
const savedEnv: Partial<Record<string, string>> = {};
const clients: PayClient[] = [];
const proxies: ConnectProxy[] = [];

function track<T extends PayClient>(client: T): T {
  clients.push(client);
  return client;
}

async function proxy(options: Parameters<typeof startConnectProxy>[0] = {}): Promise<ConnectProxy> {
  const started = await startConnectProxy({ hosts: { 'pay.test': '127.0.0.1' }, ...options });
  proxies.push(started);
  return started;
}

function withCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = PROXY_USER;
  parsed.password = encodeURIComponent(PROXY_PASSWORD);
  return parsed.href;
}

/** Through the proxy to the TLS simulator, trusting the throwaway certificate. */
function tlsClient(route: ProxyRoute | undefined, extra: { timeoutMs?: number } = {}): PayClient {
  return track(
    new PayClient({
      apiKey,
      apiBaseUrl: tlsOrigin,
      maxRetries: 0,
      ...extra,
      transport: new AxiosTransport({ proxy: route, ca: certificate.cert }),
    }),
  );
}

function secretsIn(text: string): string[] {
  return [apiKey, PROXY_PASSWORD, encodeURIComponent(PROXY_PASSWORD), PROXY_USER].filter((s) =>
    text.includes(s),
  );
}

function everythingShownOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 5 }),
    inspect(cause, { depth: 5 }),
  ].join('\n');
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  certificate = throwawayCertificate();
  apiKey = generateTestApiKey();

  let tlsHandler: http.RequestListener = (_req, res) => res.end();
  tlsServer = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) =>
    tlsHandler(req, res),
  );
  tlsPort = await listen(tlsServer);
  tlsOrigin = `https://pay.test:${tlsPort}`;
  tlsSimulator = createSimulator({ rateLimit: false, baseUrl: tlsOrigin });
  tlsHandler = tlsSimulator.app;

  plainSimulator = createSimulator({ rateLimit: false });
  plainServer = http.createServer(plainSimulator.app);
  plainPort = await listen(plainServer);
  plainOrigin = `http://127.0.0.1:${plainPort}`;
});

afterAll(async () => {
  await closeServer(tlsServer);
  await closeServer(plainServer);
});

beforeEach(() => {
  tlsSimulator.reset();
  plainSimulator.reset();
  for (const name of PROXY_ENV_NAMES) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const started of proxies.splice(0)) await started.close();
  for (const name of PROXY_ENV_NAMES) {
    const saved = savedEnv[name];
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
});

describe('https to GOV.UK Pay through a CONNECT tunnel', () => {
  it('creates and reads a payment through the tunnel, and the proxy never sees the API key, a path or a payment id', async () => {
    const egress = await proxy();
    const client = tlsClient(new ProxyRoute(new URL(egress.url)));
    const created = await client.createPayment(request);
    const read = await client.getPayment(created.payment_id);
    expect(read.payment_id).toBe(created.payment_id);
    expect(read.state.status).toBe('created');

    expect(egress.connects.length).toBeGreaterThanOrEqual(1);
    expect(egress.connects.every((seen) => seen.target === `pay.test:${tlsPort}`)).toBe(true);
    expect(egress.plainRequests).toEqual([]);
    const relayed = egress.relayedFromClient();
    expect(relayed.length).toBeGreaterThan(0);
    // TLS from the first byte: the ClientHello names the host, nothing else is readable.
    expect(relayed[0]).toBe(0x16);
    const text = relayed.toString('latin1');
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain('/v1/payments');
    expect(text).not.toContain(created.payment_id);
  });

  it('keeps the tunnel alive: sequential calls share it rather than opening one each', async () => {
    const egress = await proxy();
    const client = tlsClient(new ProxyRoute(new URL(egress.url)));
    const created = await client.createPayment(request);
    const calls = 6;
    for (let call = 0; call < calls; call += 1) await client.getPayment(created.payment_id);
    expect(egress.connects.length).toBeLessThan(calls);
  });

  it('sends Proxy-Authorization from the URL’s user and password, decoded', async () => {
    const egress = await proxy({ requireAuthorization: PROXY_AUTHORIZATION });
    const client = tlsClient(new ProxyRoute(new URL(withCredentials(egress.url))));
    await client.createPayment(request);
    expect(egress.connects[0]?.proxyAuthorization).toBe(PROXY_AUTHORIZATION);
  });

  it('still checks GOV.UK Pay’s certificate inside the tunnel: an untrusted one fails closed', async () => {
    const egress = await proxy();
    const client = track(
      new PayClient({
        apiKey,
        apiBaseUrl: tlsOrigin,
        maxRetries: 0,
        transport: new AxiosTransport({ proxy: new ProxyRoute(new URL(egress.url)) }),
      }),
    );
    const error = await failure(() => client.createPayment(request));
    expect(error).toBeInstanceOf(PayConnectionError);
    expect(egress.connects).toHaveLength(1);
    expect(tlsSimulator.payments.size).toBe(0);
  });
});

describe('proxy failures are PayConnectionErrors without secrets', () => {
  it('a dead proxy: refused, naming the proxy by host and port only', async () => {
    const port = await closedPort();
    const client = track(
      new PayClient({
        apiKey,
        apiBaseUrl: plainOrigin,
        maxRetries: 0,
        proxy: `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${port}`,
      }),
    );
    const error = await failure(() => client.createPayment(request));
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('refused');
    expect((error as Error).message).toBe(
      `POST /v1/payments to GOV.UK Pay through the proxy at 127.0.0.1:${port} failed: the proxy refused the connection`,
    );
    expect(secretsIn(everythingShownOf(error))).toEqual([]);
    expect(plainSimulator.payments.size).toBe(0);
  });

  it('wrong credentials: 407, with advice, and no credential in the error', async () => {
    const egress = await proxy({ requireAuthorization: 'Basic something-else' });
    const client = tlsClient(new ProxyRoute(new URL(withCredentials(egress.url))));
    const error = await failure(() => client.createPayment(request));
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('refused');
    expect((error as Error).message).toContain('HTTP 407');
    expect((error as Error).message).toContain("check the credentials in the proxy's URL");
    expect(secretsIn(everythingShownOf(error))).toEqual([]);
    expect(tlsSimulator.payments.size).toBe(0);
  });

  it('a proxy that forbids the tunnel: 403, and a create is not taken as possibly sent', async () => {
    const egress = await proxy({ refuseWith: 403 });
    const client = track(
      new PayClient({
        apiKey,
        apiBaseUrl: plainOrigin,
        maxRetries: 1,
        sleep: () => Promise.resolve(),
        proxy: egress.url,
      }),
    );
    const error = await failure(() => client.createPayment(request));
    expect((error as Error).message).toContain('HTTP 403');
    // Nothing can have reached GOV.UK Pay, so the create was retried, as after a refusal.
    expect(egress.connects).toHaveLength(2);
  });

  it('a proxy that never answers: the call’s own timeout', async () => {
    const egress = await proxy({ silent: true });
    // Generous, so the CONNECT reaches the proxy on a loaded machine before the call gives up.
    const client = tlsClient(new ProxyRoute(new URL(egress.url)), { timeoutMs: 2000 });
    const error = await failure(() => client.getPayment('abcdefghijklmnopqrstuvwxyz'));
    expect(error).toBeInstanceOf(PayConnectionError);
    expect((error as PayConnectionError).reason).toBe('timeout');
    expect(egress.connects).toHaveLength(1);
  });
});

describe('the environment: HTTPS_PROXY, HTTP_PROXY, NO_PROXY', () => {
  it('HTTP_PROXY routes an http origin through a tunnel', async () => {
    const egress = await proxy();
    process.env.HTTP_PROXY = egress.url;
    const client = track(new PayClient({ apiKey, apiBaseUrl: plainOrigin }));
    const created = await client.createPayment(request);
    expect(created.state.status).toBe('created');
    expect(egress.connects.map((seen) => seen.target)).toEqual([`127.0.0.1:${plainPort}`]);
  });

  it('the lower-case variable wins over the upper-case one', async () => {
    const used = await proxy();
    const ignored = await proxy();
    process.env.http_proxy = used.url;
    process.env.HTTP_PROXY = ignored.url;
    await track(new PayClient({ apiKey, apiBaseUrl: plainOrigin })).createPayment(request);
    expect(used.connects).toHaveLength(1);
    expect(ignored.connects).toHaveLength(0);
  });

  it('HTTPS_PROXY routes an https origin through a tunnel, whose certificate is still checked', async () => {
    const egress = await proxy();
    process.env.HTTPS_PROXY = egress.url.replace('http://', '');
    const client = track(new PayClient({ apiKey, apiBaseUrl: tlsOrigin, maxRetries: 0 }));
    // pay.test resolves only at the proxy, so the call reached it; the throwaway certificate is
    // not trusted by Node, so it went no further.
    const error = await failure(() => client.createPayment(request));
    expect(error).toBeInstanceOf(PayConnectionError);
    expect(egress.connects.map((seen) => seen.target)).toEqual([`pay.test:${tlsPort}`]);
    expect(tlsSimulator.payments.size).toBe(0);
  });

  it('NO_PROXY naming the host (or *) connects directly; a different port does not', async () => {
    const egress = await proxy();
    process.env.HTTP_PROXY = egress.url;
    for (const noProxy of ['127.0.0.1', 'example.com, 127.0.0.1', '*', `127.0.0.1:${plainPort}`]) {
      process.env.NO_PROXY = noProxy;
      await track(new PayClient({ apiKey, apiBaseUrl: plainOrigin })).createPayment(request);
    }
    expect(egress.connects).toHaveLength(0);
    process.env.NO_PROXY = `127.0.0.1:${plainPort + 1}`;
    await track(new PayClient({ apiKey, apiBaseUrl: plainOrigin })).createPayment(request);
    expect(egress.connects).toHaveLength(1);
  });

  it('proxy: false ignores the environment; an explicit URL is used without it', async () => {
    const fromEnv = await proxy();
    const explicit = await proxy();
    process.env.HTTP_PROXY = fromEnv.url;
    await track(new PayClient({ apiKey, apiBaseUrl: plainOrigin, proxy: false })).createPayment(
      request,
    );
    await track(
      new PayClient({ apiKey, apiBaseUrl: plainOrigin, proxy: explicit.url }),
    ).createPayment(request);
    expect(fromEnv.connects).toHaveLength(0);
    expect(explicit.connects).toHaveLength(1);
  });

  it('a malformed variable fails at construction, naming the variable and not its value', () => {
    process.env.HTTPS_PROXY = `socks5://${PROXY_USER}:${PROXY_PASSWORD}@proxy.internal:1080`;
    let thrown: unknown;
    try {
      new PayClient({ apiKey });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PayConfigError);
    expect((thrown as PayConfigError).code).toBe('ERR_PAY_INVALID_OPTION');
    expect((thrown as Error).message).toContain('the HTTPS_PROXY environment variable must be');
    expect((thrown as Error).message).toContain('socks5 proxies are not supported');
    expect(secretsIn(everythingShownOf(thrown))).toEqual([]);
  });

  it('a custom transport is left alone by the environment', async () => {
    process.env.HTTPS_PROXY = 'not a url at all';
    const sent: string[] = [];
    const client = new PayClient({
      apiKey,
      transport: {
        send: (req) => {
          sent.push(req.pathTemplate);
          return Promise.resolve({ status: 404, headers: {}, body: '' });
        },
      },
      maxRetries: 0,
    });
    await expect(client.getPayment('abcdefghijklmnopqrstuvwxyz')).rejects.toThrow();
    expect(sent).toEqual(['/v1/payments/{paymentId}']);
  });
});

describe('the proxy option is checked at construction', () => {
  const cases: [string, unknown, string][] = [
    [
      'a number',
      3128,
      "PayClient.proxy must be false (connect directly, whatever HTTPS_PROXY says) or an http:// proxy URL such as 'http://proxy.internal:3128'",
    ],
    ['true', true, 'PayClient.proxy must be false'],
    [
      'an https proxy',
      `https://${PROXY_USER}:${PROXY_PASSWORD}@proxy.internal`,
      'https proxies are not supported',
    ],
    ['a path', 'http://proxy.internal:3128/squid', 'with no path, query or fragment'],
    ['nonsense', 'http://', 'PayClient.proxy must be an http:// proxy URL'],
  ];
  it.each(cases)(
    'refuses %s with a message saying what to pass, never echoing it',
    (_name, value, message) => {
      let thrown: unknown;
      try {
        new PayClient({ apiKey, proxy: value as string });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PayConfigError);
      expect((thrown as Error).message).toContain(message);
      expect(secretsIn(everythingShownOf(thrown))).toEqual([]);
    },
  );

  it('refuses proxy together with transport, saying why', () => {
    expect(
      () =>
        new PayClient({
          apiKey,
          proxy: 'http://proxy.internal:3128',
          transport: { send: () => Promise.reject(new Error('unused')) },
        }),
    ).toThrow(
      'PayClient.proxy applies to the built-in transport only; route your own transport through the proxy, or leave transport out',
    );
  });

  it('never shows the proxy’s credentials when the client is inspected', async () => {
    const egress = await proxy();
    const client = track(
      new PayClient({ apiKey, apiBaseUrl: plainOrigin, proxy: withCredentials(egress.url) }),
    );
    expect(secretsIn(inspect(client, { depth: 10, showHidden: true }))).toEqual([]);
  });
});
