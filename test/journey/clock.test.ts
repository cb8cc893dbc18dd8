import express from 'express';
import request from 'supertest';
import { PayConfigError } from '../../src/config-error';
import { payJourney } from '../../src/journey/pay-journey';
import type { PayJourney } from '../../src/journey/pay-journey';
import type { PayJourneyOptions } from '../../src/journey/options';
import type { SettledResult } from '../../src/settlement';
import { createSimulator, generateTestApiKey, TEST_CARDS } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';

/**
 * `clock: sim.clock` puts the journey on the simulator's time: moving that clock forward makes
 * the journey's reconciliation timer run and its ages count, with no real wait beyond the
 * timer's one-second look at the clock.
 */
const SECRET = 'clock-test-cookie-secret-0123456789-abcdefghijkl';
const MINUTE = 60_000;

let sim: Simulator;
let running: RunningSimulator;
const journeys: PayJourney[] = [];

beforeEach(async () => {
  sim = createSimulator({ rateLimit: false });
  running = await sim.listen();
});

afterEach(async () => {
  await Promise.all(journeys.splice(0).map((journey) => journey.close()));
  await running.close();
});

interface ClockJourney {
  app: express.Express;
  journey: PayJourney;
  /** Resolves with the first settlement. */
  settled: Promise<SettledResult>;
  settledCount: () => number;
}

function clockJourney(extra: Partial<PayJourneyOptions> = {}): ClockJourney {
  let count = 0;
  let resolveSettled: (result: SettledResult) => void = () => undefined;
  const settled = new Promise<SettledResult>((resolve) => {
    resolveSettled = resolve;
  });
  const journey = payJourney({
    apiKey: generateTestApiKey(),
    apiBaseUrl: running.url,
    nextUrlHosts: [new URL(running.pagesUrl).host],
    publicUrl: 'https://apply.example.gov.uk',
    cookie: { secrets: [SECRET] },
    mountPath: '/payment',
    createPayment: () => ({ amount: 4800, reference: 'PERMIT-1', description: 'Parking permit' }),
    outcomes: { success: (_req, res) => res.send('paid'), failed: (_req, res) => res.send('no') },
    onSettled: (result) => {
      count += 1;
      resolveSettled(result);
    },
    clock: sim.clock,
    reconcile: { everyMinutes: 30, olderThanMinutes: 60 },
    ...extra,
  });
  journeys.push(journey);
  return {
    app: express().use('/payment', journey),
    journey,
    settled,
    settledCount: () => count,
  };
}

async function startAndAbandon(app: express.Express): Promise<string> {
  const start = await request(app).post('/payment/start');
  expect(start.status).toBe(303);
  const [payment] = sim.payments.list();
  if (payment === undefined) throw new Error('the start created no payment');
  return payment.payment_id;
}

describe('payJourney({ clock: sim.clock })', () => {
  it('reconciles an abandoned payment that expired once the simulator clock passes 90 minutes', async () => {
    const { app, settled, settledCount } = clockJourney();
    await startAndAbandon(app);

    sim.clock.advance(91 * MINUTE);
    // The 30-minute timer, counted on the simulator clock, now runs; nothing else is called.
    const result = await settled;
    expect(result.source).toBe('reconcile');
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe('expired');
    expect(settledCount()).toBe(1);
  }, 60_000);

  it('settles a payment paid on GOV.UK Pay whose citizen never came back, once it is old enough', async () => {
    const { app, settled } = clockJourney();
    const paymentId = await startAndAbandon(app);
    sim.completePayment(paymentId, { card: TEST_CARDS.authorised[0] as string });

    sim.clock.advance(61 * MINUTE);
    const result = await settled;
    expect(result.source).toBe('reconcile');
    expect(result.outcome).toBe('success');
    expect(result.payment?.payment_id).toBe(paymentId);
  }, 60_000);

  it("counts reconciliation's olderThanMinutes on the clock: journey.reconcile() takes the payment only after an advance", async () => {
    const { app, journey } = clockJourney({ reconcile: { olderThanMinutes: 60 } });
    const paymentId = await startAndAbandon(app);
    sim.completePayment(paymentId, { card: TEST_CARDS.authorised[0] as string });

    const early = await journey.reconcile();
    expect(early.checked).toBe(0);

    sim.clock.advance(61 * MINUTE);
    const late = await journey.reconcile();
    expect(late.checked).toBe(1);
    expect(late.settled.success).toBe(1);
  }, 60_000);

  it('leaves the timer alone until the clock has moved a whole interval on', async () => {
    const { app, settled, settledCount } = clockJourney({
      reconcile: { everyMinutes: 30, olderThanMinutes: 1 },
    });
    const paymentId = await startAndAbandon(app);
    sim.completePayment(paymentId, { card: TEST_CARDS.authorised[0] as string });

    sim.clock.advance(29 * MINUTE);
    // A few of the timer's looks at the clock: none may start a run yet.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(settledCount()).toBe(0);

    sim.clock.advance(2 * MINUTE);
    expect((await settled).outcome).toBe('success');
  }, 60_000);
});

describe('the clock option is checked at construction', () => {
  const base = (): PayJourneyOptions => ({
    apiKey: generateTestApiKey(),
    publicUrl: 'https://apply.example.gov.uk',
    cookie: { secrets: [SECRET] },
    createPayment: () => ({ amount: 100, reference: 'R', description: 'D' }),
    outcomes: { success: () => undefined, failed: () => undefined },
  });

  it('refuses a clock without now()', () => {
    expect(() => payJourney({ ...base(), clock: {} as never })).toThrow(PayConfigError);
    expect(() => payJourney({ ...base(), clock: {} as never })).toThrow(
      /govuk-pay-express: clock must be a clock with now\(\) in epoch milliseconds: it lacks now; such as the simulator's: clock: sim.clock/,
    );
  });

  it('refuses clock and now together', () => {
    expect(() => payJourney({ ...base(), clock: sim.clock, now: Date.now })).toThrow(
      /now cannot be given with clock/,
    );
  });

  it("expires the payment cookie on the clock's time", async () => {
    const { app } = clockJourney();
    const start = await request(app).post('/payment/start');
    const cookie = (start.headers['set-cookie'] as unknown as string[] | undefined)?.[0];
    expect(cookie).toBeDefined();
    const jar = (cookie as string).split(';')[0] as string;

    const fresh = await request(app).get('/payment/return').set('Cookie', jar);
    expect(fresh.status).toBe(303); // pending: back to the card page

    sim.clock.advance(121 * MINUTE); // past the cookie's 120 minutes
    const stale = await request(app).get('/payment/return').set('Cookie', jar);
    expect(stale.status).toBe(400); // missing: the sealed cookie has expired
  }, 60_000);
});
