/**
 * A shared store that goes down mid-run (issue 12, "bad input and faults"): the journey's own
 * redis-server is stopped while citizens are paying. A return then shows `unconfirmed` (the
 * citizen may have paid), never `missing` and never a 500; a start leaves no payable payment.
 */
import { createClient } from 'redis';
import { RedisStore } from '../../src/stores/redis';
import { GOOD_CARD, MOUNT, renderedOutcome, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import { startRedis } from '../helpers/redis-servers';
import type { OwnRedis } from '../helpers/redis-servers';
import { describeWithServer } from '../helpers/store-servers';

describeWithServer('REDIS_URL', 'a shared store that goes down', () => {
  let redis: OwnRedis;
  let h: JourneyHarness;
  let client: ReturnType<typeof createClient>;

  beforeEach(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
  });

  afterEach(async () => {
    await h.close();
    if (client.isOpen) await client.quit().catch(() => undefined);
    await redis.stop();
  });

  for (const match of ['cookie', 'return-id'] as const) {
    it(`a return with the store down is unconfirmed, never missing or a 500 (${match})`, async () => {
      h = await startJourneyHarness({
        journey: {
          match,
          store: new RedisStore({ client, commandTimeoutMs: 1000 }),
          outcomes: {
            success: (_req, res, result) => res.json({ outcome: result.outcome }),
            failed: (_req, res, result) => res.json({ outcome: result.outcome }),
          },
        },
      });
      const browser = h.browser();
      const started = await h.start(browser);
      expect(started.status).toBe(303);
      const id = h.paymentIds()[0] as string;
      h.simulator.completePayment(id, { card: GOOD_CARD });

      await redis.stop();
      const returnUrl =
        match === 'cookie'
          ? `${h.appUrl}${MOUNT}/return`
          : (h.simulator.payments.get(id)?.return_url as string).replace(h.publicUrl, h.appUrl);
      const page = await browser.get(returnUrl);
      expect(page.status).toBe(503);
      expect(page.body).toMatch(/could not confirm/i);
      expect(page.body).not.toMatch(/at .*\.ts:\d+/);
      expect(h.settled).toEqual([]);
      expect(h.errors).toEqual([]);
    });
  }

  it('a start with the store down cancels the payment it created and says try again later', async () => {
    h = await startJourneyHarness({
      journey: { store: new RedisStore({ client, commandTimeoutMs: 1000 }) },
    });
    await redis.stop();
    const started = await h.start(h.browser());
    expect(started.status).not.toBe(303);
    expect(renderedOutcome(started)).toMatchObject({ outcome: 'error', reason: 'start_failed' });
    for (const id of h.paymentIds()) {
      expect(h.simulator.payments.get(id)?.state.status).toBe('cancelled');
    }
    expect(h.errors).toEqual([]);
  });
});
