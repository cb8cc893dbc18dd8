import { createClient } from 'redis';
import { PayConfigError } from '../../src/config-error';
import { RedisStore } from '../../src/stores/redis';
import { GOOD_CARD, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import { startRedis } from '../helpers/redis-servers';
import type { OwnRedis } from '../helpers/redis-servers';
import { describeWithServer } from '../helpers/store-servers';
import { WEBHOOK_SECRET, postRaw, startWebhookHarness } from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

/**
 * journey.health(), for a service's health endpoint: the store probed for real (MemoryStore,
 * and a real redis-server stopped or paused), the last reconciliation run after a real one
 * against the simulator, and webhook deliveries after real signed and forged requests.
 */

const MINUTE = 60_000;

/** A payment started through the journey and paid, whose citizen never came back. */
async function abandonedPaidPayment(h: JourneyHarness): Promise<string> {
  const started = await h.start(h.browser());
  expect(started.status).toBe(303);
  const [id] = h.paymentIds();
  if (id === undefined) throw new Error('no payment was created');
  h.simulator.completePayment(id, { card: GOOD_CARD });
  return id;
}

/** Checks an ISO time fell within [from, to] on the journey clock (which runs with real time). */
function within(iso: string | null | undefined, from: number, to: number): void {
  const at = Date.parse(iso ?? '');
  expect(at).toBeGreaterThanOrEqual(from);
  expect(at).toBeLessThanOrEqual(to);
}

/** What a health endpoint would send: the JSON text. */
function asSent(value: unknown): string {
  return JSON.stringify(value);
}

describe('journey.health() with a MemoryStore', () => {
  let h: JourneyHarness;
  afterEach(async () => h.close());

  it('says the store is reachable and no run has ended yet, as plain JSON', async () => {
    h = await startJourneyHarness();
    const from = h.simulator.clock.now();
    const health = await h.journey.health();
    within(health.checkedAt, from, h.simulator.clock.now());
    expect(health).toEqual({
      ok: true,
      checkedAt: expect.any(String) as string,
      store: { ok: true, latencyMs: expect.any(Number) as number },
      reconcile: { everyMinutes: null, running: false, lastRun: null },
    });
    expect(JSON.parse(asSent(health))).toEqual(health);
    expect('webhooks' in health).toBe(false);
  });

  it('reports the last reconciliation run: its times on the journey clock and its summary', async () => {
    h = await startJourneyHarness({ journey: { reconcile: { everyMinutes: 30 } } });
    const id = await abandonedPaidPayment(h);
    h.advance(61 * MINUTE);
    const from = h.simulator.clock.now();
    const summary = await h.journey.reconcile();
    const to = h.simulator.clock.now();
    expect(summary.settled.success).toBe(1);

    const health = await h.journey.health();
    expect(health.ok).toBe(true);
    expect(health.reconcile.everyMinutes).toBe(30);
    expect(health.reconcile.running).toBe(false);
    within(health.reconcile.lastRun?.startedAt, from, to);
    within(health.reconcile.lastRun?.finishedAt, from, to);
    expect(health.reconcile.lastRun).toEqual({
      startedAt: expect.any(String) as string,
      finishedAt: expect.any(String) as string,
      durationMs: expect.any(Number) as number,
      ok: true,
      error: null,
      summary,
    });
    expect(asSent(health)).not.toContain(id);
    expect(asSent(health)).not.toContain(h.apiKey);
  });

  it('shows only the newest run, and says when one is in flight', async () => {
    let releaseRead: () => void = () => undefined;
    let hold = false;
    h = await startJourneyHarness({
      journey: { timeoutMs: 30_000 },
      onSimulatorRequest: (req, res) => {
        if (!hold || req.method !== 'GET' || req.url?.startsWith('/v1/payments/') !== true) return;
        const end = res.end.bind(res) as (...args: unknown[]) => unknown;
        res.end = ((...args: unknown[]) => {
          releaseRead = () => end(...args);
          return res;
        }) as typeof res.end;
      },
    });
    await h.journey.reconcile();
    const first = (await h.journey.health()).reconcile.lastRun;
    expect(first?.summary?.checked).toBe(0);

    await abandonedPaidPayment(h);
    h.advance(61 * MINUTE);
    hold = true;
    const run = h.journey.reconcile();
    // The run is in flight until GOV.UK Pay's answer is let go.
    for (
      let i = 0;
      i < 500 && h.simulatorRequests.filter((r) => r.method === 'GET').length === 0;
      i += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const during = await h.journey.health();
    expect(during.reconcile.running).toBe(true);
    expect(during.reconcile.lastRun).toEqual(first);
    hold = false;
    releaseRead();
    await run;
    const after = await h.journey.health();
    expect(after.reconcile.running).toBe(false);
    expect(after.reconcile.lastRun?.summary?.settled.success).toBe(1);
  });

  it('throws PayConfigError at once for a bad option, saying what to pass', async () => {
    h = await startJourneyHarness();
    expect(() => h.journey.health({ timeoutMs: 0 })).toThrow(PayConfigError);
    expect(() => h.journey.health({ timeoutMs: 0 })).toThrow(
      'journey.health() timeoutMs must be a whole number of milliseconds from 1 to 60000',
    );
    expect(() => h.journey.health({ timeout: 5 } as never)).toThrow(PayConfigError);
  });
});

describe('journey.health() with webhooks', () => {
  let h: WebhookHarness;
  afterEach(async () => h.close());

  it('counts signed deliveries and refused signatures, with the time of the last of each', async () => {
    h = await startWebhookHarness();
    const before = await h.journey.health();
    expect(before.webhooks).toEqual({
      deliveries: 0,
      lastDeliveryAt: null,
      verificationFailures: 0,
      lastVerificationFailureAt: null,
    });

    const payment = await h.paidButNotReturned();
    const message = h.message('card_payment_succeeded', payment.payment_id);
    const firstDelivery = h.simulator.clock.now();
    expect((await h.deliver(message)).status).toBe(200);
    // The same message again is a delivery too (GOV.UK Pay retries); it is de-duplicated.
    expect((await h.deliver(message)).status).toBe(200);
    const lastDelivered = h.simulator.clock.now();
    h.advance(5 * MINUTE);
    const firstForgery = h.simulator.clock.now();
    const forged = await postRaw(h.webhookUrl, JSON.stringify(message), {
      'pay-signature': 'f'.repeat(64),
    });
    expect(forged.status).toBe(401);
    expect((await postRaw(h.webhookUrl, JSON.stringify(message))).status).toBe(401);

    const health = await h.journey.health();
    expect(health.webhooks).toEqual({
      deliveries: 2,
      lastDeliveryAt: expect.any(String) as string,
      verificationFailures: 2,
      lastVerificationFailureAt: expect.any(String) as string,
    });
    within(health.webhooks?.lastDeliveryAt, firstDelivery, lastDelivered);
    within(health.webhooks?.lastVerificationFailureAt, firstForgery, h.simulator.clock.now());
    expect(asSent(health)).not.toContain(payment.payment_id);
    expect(asSent(health)).not.toContain(WEBHOOK_SECRET);
  });
});

describeWithServer('REDIS_URL', 'journey.health() with a RedisStore that is down', () => {
  let redis: OwnRedis;
  let client: ReturnType<typeof createClient>;
  let h: JourneyHarness;

  beforeEach(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    h = await startJourneyHarness({
      journey: { store: new RedisStore({ client, commandTimeoutMs: 10_000 }) },
    });
  });

  afterEach(async () => {
    await h.close();
    if (client.isOpen) await client.quit().catch(() => undefined);
    await redis.stop();
  });

  it('is ok while Redis answers', async () => {
    const health = await h.journey.health();
    expect(health.ok).toBe(true);
    expect(health.store.ok).toBe(true);
  });

  it('resolves not ok, with the store error’s code and nothing of its message, once Redis is gone', async () => {
    await redis.stop();
    const health = await h.journey.health();
    expect(health.ok).toBe(false);
    expect(health.store).toEqual({
      ok: false,
      latencyMs: expect.any(Number) as number,
      error: expect.stringMatching(/^[A-Za-z0-9_]{1,40}$/) as string,
    });
    expect(asSent(health)).not.toContain(String(redis.port));
    expect(asSent(health)).not.toContain('redis://');
  });

  it('records a reconciliation run that failed as a whole, by its code', async () => {
    await redis.stop();
    await expect(h.journey.reconcile()).rejects.toThrow();
    const health = await h.journey.health();
    expect(health.reconcile.lastRun).toMatchObject({ ok: false, summary: null });
    expect(health.reconcile.lastRun?.error).toMatch(/^[A-Za-z0-9_]{1,40}$/);
  });

  it('answers "timeout" within its own limit when Redis holds every command', async () => {
    const admin = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    admin.on('error', () => undefined);
    await admin.connect();
    // A real server that stops answering for a while: every client's commands wait, the
    // store's too (and the pausing client's own, so the pause simply runs out).
    await admin.sendCommand(['CLIENT', 'PAUSE', '3000', 'ALL']);
    const health = await h.journey.health({ timeoutMs: 300 });
    expect(health.ok).toBe(false);
    expect(health.store).toMatchObject({ ok: false, error: 'timeout' });
    await admin.quit();
  });
});
