import { generateTestApiKey } from '../../src/simulator';
import type { Harness } from '../helpers/simulator-harness';
import { paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

afterAll(() => expectRecordedBodiesMatchSpec(recorded));

/** Sends n creates at once, so they land within one second of the simulator clock. */
const burst = (h: Harness, n: number, key?: string) =>
  Promise.all(
    Array.from({ length: n }, () =>
      h.post('/v1/payments', paymentRequest(), key === undefined ? {} : { key }),
    ),
  );

/** A burst from the top of a fresh second, or undefined if it ran past that second. */
async function burstInOneWindow(h: Harness, n: number) {
  h.sim.clock.advance(1000 - (h.sim.clock.now() % 1000));
  const second = Math.floor(h.sim.clock.now() / 1000);
  const results = await burst(h, n);
  return Math.floor(h.sim.clock.now() / 1000) === second ? results : undefined;
}

describe('the emulated rate limit', () => {
  it('allows 15 POSTs per second per account by default, then 429 P0900', async () => {
    const h = await startSimulator();
    try {
      // Start at the top of a second, and judge only a burst that ended in the same second: a
      // loaded machine can spread one across two windows. Bounded: a fresh window each try.
      let results = await burstInOneWindow(h, 16);
      for (let tries = 1; results === undefined && tries < 5; tries += 1) {
        results = await burstInOneWindow(h, 16);
      }
      if (results === undefined) throw new Error('no burst of 16 POSTs fitted in one second');
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(15);
      const limited = results.find((r) => r.status === 429);
      expect(limited?.body).toEqual({ code: 'P0900', description: 'Too many requests' });
    } finally {
      await h.close();
    }
  });

  it('opens a new window each second by the simulator clock', async () => {
    const h = await startSimulator({ rateLimit: { postsPerSecond: 2 } });
    try {
      h.sim.clock.advance(1000 - (h.sim.clock.now() % 1000));
      expect((await burst(h, 3)).map((r) => r.status).sort()).toEqual([201, 201, 429]);
      h.sim.clock.advance(1000);
      expect((await burst(h, 2)).map((r) => r.status)).toEqual([201, 201]);
    } finally {
      await h.close();
    }
  });

  it('counts per account, and counts creates, captures and other POSTs apart; GETs are free', async () => {
    const h = await startSimulator({ rateLimit: { postsPerSecond: 1 } });
    try {
      h.sim.clock.advance(1000 - (h.sim.clock.now() % 1000));
      const other = generateTestApiKey();
      const [mine, theirs] = await Promise.all([burst(h, 1), burst(h, 1, other)]);
      expect([mine[0]?.status, theirs[0]?.status]).toEqual([201, 201]);
      const id = mine[0]?.body.payment_id as string;
      // The create budget is spent, but cancel is an "other" POST with its own budget.
      expect((await h.post(`/v1/payments/${id}/cancel`)).status).toBe(204);
      expect((await h.post(`/v1/payments/${id}/cancel`)).status).toBe(429);
      expect((await h.post(`/v1/payments/${id}/capture`)).status).toBe(409);
      expect((await h.post(`/v1/payments/${id}/capture`)).status).toBe(429);
      for (let i = 0; i < 5; i++) expect((await h.get(`/v1/payments/${id}`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('can be switched off', async () => {
    const h = await startSimulator({ rateLimit: false });
    try {
      const results = await burst(h, 40);
      expect(results.every((r) => r.status === 201)).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('is cleared by reset', async () => {
    const h = await startSimulator({ rateLimit: { postsPerSecond: 1 } });
    try {
      h.sim.clock.advance(1000 - (h.sim.clock.now() % 1000));
      await burst(h, 1);
      h.sim.reset();
      expect((await burst(h, 1))[0]?.status).toBe(201);
    } finally {
      await h.close();
    }
  });
});
