import type { Browser } from '../helpers/browser';
import { MOUNT, renderedOutcome, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import type { StaleInfo } from '../../src/reconcile';
import { TEST_CARDS } from '../../src/simulator';
import type { PaymentRecord } from '../../src/store/types';

/**
 * Real journeys: the citizen starts on the service, pays (or not) on the simulator's hosted
 * pages, and never comes back. `journey.reconcile()` must settle each exactly once, and a late
 * return must show the outcome without settling again.
 */
const MINUTE = 60_000;
const PAID = TEST_CARDS.authorised[0] as string;
const DECLINED = TEST_CARDS.declined[0] as string;

let h: JourneyHarness;
afterEach(async () => {
  await h.close();
});

/** POST {mount}/start as the citizen; returns the new payment's id and the citizen's browser. */
async function abandonAfterStart(): Promise<{ browser: Browser; paymentId: string }> {
  const browser = h.browser();
  const started = await h.start(browser);
  expect(started.status).toBe(303);
  const paymentId = h.paymentIds()[0] as string;
  return { browser, paymentId };
}

function returnTo(browser: Browser) {
  return browser.navigate('GET', `${h.appUrl}${MOUNT}/return`);
}

describe('journey.reconcile() on abandoned journeys', () => {
  beforeEach(async () => {
    h = await startJourneyHarness();
  });

  it('settles an abandoned success, decline and expiry exactly once each', async () => {
    const success = await abandonAfterStart();
    h.simulator.completePayment(success.paymentId, { card: PAID });
    const declined = await abandonAfterStart();
    h.simulator.completePayment(declined.paymentId, { card: DECLINED });
    const expired = await abandonAfterStart();

    h.advance(61 * MINUTE);
    const first = await h.journey.reconcile();
    expect(first).toMatchObject({
      checked: 3,
      settled: { success: 1, failed: 1, cancelled: 0, error: 0 },
      stillPending: 1,
      failedToRead: 0,
    });

    h.advance(30 * MINUTE);
    const second = await h.journey.reconcile();
    expect(second).toMatchObject({ checked: 1, settled: { failed: 1 }, stillPending: 0 });
    expect((await h.journey.reconcile()).checked).toBe(0);

    expect(h.settled.map((r) => [r.payment.payment_id, r.outcome, r.reason, r.source])).toEqual([
      [success.paymentId, 'success', undefined, 'reconcile'],
      [declined.paymentId, 'failed', 'declined', 'reconcile'],
      [expired.paymentId, 'failed', 'expired', 'reconcile'],
    ]);
    expect(h.settled.every((r) => r.firstVisit === false)).toBe(true);
  });

  it('a return after reconciliation shows the outcome but does not settle again', async () => {
    const { browser, paymentId } = await abandonAfterStart();
    h.simulator.completePayment(paymentId, { card: PAID });
    h.advance(61 * MINUTE);
    await h.journey.reconcile();
    expect(h.settled).toHaveLength(1);

    const back = await returnTo(browser);
    expect(renderedOutcome(back)).toMatchObject({ outcome: 'success' });
    expect(h.settled).toHaveLength(1);
  });

  it('reconciliation after a return finds nothing left to settle', async () => {
    const { browser, paymentId } = await abandonAfterStart();
    h.simulator.completePayment(paymentId, { card: PAID });
    expect(renderedOutcome(await returnTo(browser))).toMatchObject({ outcome: 'success' });
    expect(h.settled.map((r) => r.source)).toEqual(['return']);

    h.advance(61 * MINUTE);
    const summary = await h.journey.reconcile();
    expect(summary.checked).toBe(0);
    expect(h.settled).toHaveLength(1);
  });

  it('returns racing a run settle each payment once', async () => {
    const journeys = [];
    for (let i = 0; i < 6; i += 1) {
      const started = await abandonAfterStart();
      h.simulator.completePayment(started.paymentId, { card: i % 2 === 0 ? PAID : DECLINED });
      journeys.push(started);
    }
    h.advance(61 * MINUTE);
    const [summary, ...returns] = await Promise.all([
      h.journey.reconcile({ concurrency: 3, ratePerSecond: 1000 }),
      ...journeys.map((j) => returnTo(j.browser)),
    ]);
    expect(returns.map((r) => renderedOutcome(r).outcome)).toEqual([
      'success',
      'failed',
      'success',
      'failed',
      'success',
      'failed',
    ]);
    const ids = h.settled.map((r) => r.payment.payment_id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const byRun = summary.settled.success + summary.settled.failed;
    expect(h.settled.filter((r) => r.source === 'reconcile')).toHaveLength(byRun);
  });
});

describe('journey reconcile options', () => {
  it('reports stale payments through reconcile.onStale', async () => {
    const stale: Array<[PaymentRecord, StaleInfo]> = [];
    h = await startJourneyHarness({
      journey: {
        reconcile: {
          onStale: (record, info) => {
            stale.push([record, info]);
          },
          staleAfterMinutes: 120,
        },
      },
    });
    const { paymentId } = await abandonAfterStart();
    h.advance(61 * MINUTE);
    h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 500 } });
    expect(await h.journey.reconcile()).toMatchObject({ failedToRead: 1, stale: 0 });
    h.advance(60 * MINUTE);
    expect(await h.journey.reconcile()).toMatchObject({ failedToRead: 1, stale: 1 });
    expect(stale).toHaveLength(1);
    expect(stale[0]?.[0].paymentId).toBe(paymentId);
    expect(stale[0]?.[1]).toMatchObject({ reason: 'unreadable', httpStatus: 500 });
    expect(h.logger.text()).not.toContain(paymentId);
  });
});
