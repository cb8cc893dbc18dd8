/**
 * A crash inside onSettled (issue 10): instance A, its own process, hangs in onSettled and is
 * killed with SIGKILL. Instance B shares A's store (a real Redis). Once A's lease runs out, B's
 * reconciliation, or the citizen's refresh on B, settles the payment with attempt 2.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import { createClient } from 'redis';
import request from 'supertest';
import { payJourney } from '../../src/journey/pay-journey';
import type { PayJourney } from '../../src/journey/pay-journey';
import type { SettledResult } from '../../src/settlement';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';
import { RedisStore } from '../../src/stores/redis';
import { describeWithServer } from '../helpers/store-servers';

const LEASE_SECONDS = 2;
const PUBLIC_URL = 'http://127.0.0.1:65001';
const COOKIE_SECRET = 'crash-test-secret-0123456789-abcdefghijklmnopqrstuv';
const GOOD_CARD = '4444333322221111';

interface Instance {
  child: ChildProcess;
  url: string;
  /** Every attempt the instance's onSettled began. */
  attempts: number[];
  /** Resolves when onSettled has begun this many times. */
  settling(count: number): Promise<void>;
}

describeWithServer('REDIS_URL', 'a crash inside onSettled', (redisUrl) => {
  let simulator: Simulator;
  let running: RunningSimulator;
  let apiKey: string;
  let prefix: string;
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    apiKey = generateTestApiKey();
    simulator = createSimulator({ apiKeys: [apiKey], rateLimit: false });
    running = await simulator.listen();
    prefix = `crash-${randomBytes(4).toString('hex')}`;
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await running.close();
  });

  function nextUrlHosts(): string[] {
    const port = new URL(running.url).port;
    return [`127.0.0.1:${port}`, `localhost:${port}`];
  }

  async function startInstance(hang: boolean): Promise<Instance> {
    const child = fork(join(__dirname, 'support', 'crash-instance.cjs'), [], {
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        STORE_PREFIX: prefix,
        API_KEY: apiKey,
        SIM_URL: running.url,
        PUBLIC_URL,
        COOKIE_SECRET,
        NEXT_URL_HOSTS: nextUrlHosts().join(','),
        LEASE_SECONDS: String(LEASE_SECONDS),
        HANG: hang ? '1' : '0',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const attempts: number[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    child.on('message', (message: { type: string; attempt?: number }) => {
      if (message.type !== 'settling') return;
      attempts.push(message.attempt as number);
      for (const waiter of waiters) if (attempts.length >= waiter.count) waiter.resolve();
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.on('message', (message: { type: string; port?: number; message?: string }) => {
        if (message.type === 'listening') resolve(message.port as number);
        if (message.type === 'failed') reject(new Error(message.message));
      });
      child.once('exit', (code) => reject(new Error(`instance exited with ${String(code)}`)));
    });
    return {
      child,
      url: `http://127.0.0.1:${port}`,
      attempts,
      settling: (count) =>
        new Promise<void>((resolve) => {
          if (attempts.length >= count) resolve();
          else waiters.push({ count, resolve });
        }),
    };
  }

  /** Instance B, in this process, on the same Redis under the same prefix. */
  async function startInstanceB(): Promise<{
    journey: PayJourney;
    app: express.Express;
    settled: SettledResult[];
  }> {
    const client = createClient({ url: redisUrl });
    client.on('error', () => undefined);
    await client.connect();
    const settled: SettledResult[] = [];
    const journey = payJourney({
      apiKey,
      apiBaseUrl: running.url,
      publicUrl: PUBLIC_URL,
      mountPath: '/payment',
      cookie: { secrets: [COOKIE_SECRET], secure: false },
      nextUrlHosts: nextUrlHosts(),
      leaseSeconds: LEASE_SECONDS,
      store: new RedisStore({ client, prefix }),
      createPayment: () => ({ amount: 2500, reference: 'CRASH-1', description: 'Permit' }),
      outcomes: {
        success: (_req, res, result) =>
          res.json({ outcome: result.outcome, settledBefore: settled.length }),
        failed: (_req, res, result) => res.json({ outcome: result.outcome }),
      },
      onSettled: (result) => {
        settled.push(result);
      },
    });
    cleanups.push(async () => {
      await journey.close();
      await client.quit();
    });
    const app = express();
    app.use('/payment', journey);
    return { journey, app, settled };
  }

  /** A's citizen: starts, pays, and comes back; A begins onSettled and hangs there. */
  async function payAndHangOnA(a: Instance): Promise<string> {
    const started = await request(a.url)
      .post('/payment/start')
      .set('Origin', PUBLIC_URL)
      .set('Sec-Fetch-Site', 'same-origin');
    expect(started.status).toBe(303);
    const cookie = (started.headers['set-cookie'] as unknown as string[])[0]?.split(
      ';',
    )[0] as string;
    const id = simulator.payments.list()[0]?.payment_id as string;
    simulator.completePayment(id, { card: GOOD_CARD });
    // The return never answers: A is stuck in onSettled.
    request(a.url)
      .get('/payment/return')
      .set('Cookie', cookie)
      .timeout(60_000)
      .catch(() => undefined);
    await a.settling(1);
    return cookie;
  }

  async function killHard(a: Instance): Promise<void> {
    const exited = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGKILL');
    await exited;
  }

  it('B’s reconciliation settles the payment with attempt 2 once A’s lease has run out', async () => {
    const a = await startInstance(true);
    await payAndHangOnA(a);
    await killHard(a);
    expect(a.attempts).toEqual([1]);

    const b = await startInstanceB();
    // Until the lease runs out, B sees the settlement in progress and leaves it; then it takes
    // it over. Bounded: 40 runs, far beyond the 2 s lease.
    let summary = await b.journey.reconcile({ olderThanMinutes: 0 });
    for (let run = 0; run < 40 && summary.settled.success === 0; run += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      summary = await b.journey.reconcile({ olderThanMinutes: 0 });
    }
    expect(summary.settled.success).toBe(1);
    expect(b.settled).toHaveLength(1);
    expect(b.settled[0]).toMatchObject({ outcome: 'success', attempt: 2, source: 'reconcile' });
    // Committed now: another run finds nothing to do.
    const again = await b.journey.reconcile({ olderThanMinutes: 0 });
    expect(again.settled.success).toBe(0);
  });

  it('a refresh on B after A’s lease has run out settles the payment before it shows success', async () => {
    const a = await startInstance(true);
    const cookie = await payAndHangOnA(a);
    await killHard(a);

    const b = await startInstanceB();
    // The lease is a Redis PX: after this long it has run out whatever the machine's load.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 500));
    const refreshed = await request(b.app).get('/payment/return').set('Cookie', cookie);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ outcome: 'success', settledBefore: 1 });
    expect(b.settled).toHaveLength(1);
    expect(b.settled[0]).toMatchObject({ outcome: 'success', attempt: 2, source: 'return' });
  });
});
