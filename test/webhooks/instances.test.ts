import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createClient } from 'redis';
import { payJourney } from '../../src/journey/pay-journey';
import type { PayJourney } from '../../src/journey/pay-journey';
import type { PayJourneyOptions } from '../../src/journey/options';
import { RedisStore } from '../../src/stores/redis';
import { COOKIE_NAME, COOKIE_SECRET, MOUNT } from '../helpers/journey-harness';
import { describeWithServer } from '../helpers/store-servers';
import {
  WEBHOOK_SECRET,
  eventually,
  postRaw,
  signedDelivery,
  startWebhookHarness,
} from '../helpers/webhook-support';
import type { WebhookHarness } from '../helpers/webhook-support';

/** A second instance of the harness's journey: same options, its own store client and server. */
async function startSecondInstance(
  h: WebhookHarness,
  store: RedisStore,
): Promise<{ journey: PayJourney; webhookUrl: string; close(): Promise<void> }> {
  const options: PayJourneyOptions = {
    apiKey: h.apiKey,
    apiBaseUrl: h.simulatorUrl,
    publicUrl: h.publicUrl,
    mountPath: MOUNT,
    cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME, secure: false },
    nextUrlHosts: [new URL(h.simulatorUrl).host],
    createPayment: () => ({ ...h.payment }),
    outcomes: { success: () => undefined, failed: () => undefined },
    onSettled: (result) => void h.settled.push(result),
    logger: h.logger,
    timeoutMs: 500,
    maxRetries: 2,
    sleep: () => Promise.resolve(),
    now: () => h.simulator.clock.now(),
    store,
    webhooks: { secrets: [WEBHOOK_SECRET] },
  };
  const journey = payJourney(options);
  const app = express();
  app.use(MOUNT, journey);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    journey,
    webhookUrl: `${url}${MOUNT}/webhooks`,
    close: async () => {
      await journey.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeWithServer('REDIS_URL', 'webhooks on two instances sharing a RedisStore', (url) => {
  const prefix = `test-webhooks-${randomUUID().slice(0, 8)}:`;
  const clients: ReturnType<typeof createClient>[] = [];
  let h: WebhookHarness;
  let second: Awaited<ReturnType<typeof startSecondInstance>>;

  async function redisStore(): Promise<RedisStore> {
    const client = createClient({ url });
    await client.connect();
    clients.push(client);
    return new RedisStore({ client, prefix });
  }

  beforeEach(async () => {
    h = await startWebhookHarness({ journey: { store: await redisStore() } });
    second = await startSecondInstance(h, await redisStore());
  });

  afterEach(async () => {
    await second.close();
    await h.close();
    for (const client of clients.splice(0)) client.destroy();
  });

  it('settles once for 100 copies of a message spread over both instances', async () => {
    const payment = await h.paidButNotReturned();
    const { body, headers } = signedDelivery(
      h.message('card_payment_succeeded', payment.payment_id),
    );
    const reads = h.paymentReads();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        postRaw(i % 2 === 0 ? h.webhookUrl : second.webhookUrl, body, headers),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await eventually(() => h.settled.length === 1, 'the settlement');
    await second.journey.close();
    await h.redeploy({});
    expect(h.settled).toHaveLength(1);
    expect(h.paymentReads() - reads).toBe(1);
  });

  it('leaves a due mark that the other instance’s reconciliation settles', async () => {
    const payment = await h.paidButNotReturned();
    const removeFault = h.simulator.faults.inject({
      route: 'getPayment',
      fault: { kind: 'status', status: 503 },
    });
    expect((await h.deliver(h.message('card_payment_succeeded', payment.payment_id))).status).toBe(
      200,
    );
    // The first instance goes away once its attempt has failed.
    await h.journey.close();
    removeFault();
    expect(h.settled).toHaveLength(0);
    const summary = await second.journey.reconcile({ olderThanMinutes: 60 });
    expect(summary.due).toBe(1);
    expect(summary.settled.success).toBe(1);
    expect(h.settled.map((s) => s.source)).toEqual(['reconcile']);
    await h.redeploy({});
  });
});
