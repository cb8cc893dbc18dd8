import type { SettledResult } from '../../src/settlement';
import { MOUNT, renderedOutcome, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness, RenderedOutcome } from '../helpers/journey-harness';

const MINUTE = 60_000;

describe('settlement, exactly once', () => {
  let h: JourneyHarness;

  afterEach(async () => {
    await h.close();
  });

  it('50 concurrent returns: onSettled once, firstVisit true once, every one shown success', async () => {
    const calls: SettledResult[] = [];
    h = await startJourneyHarness({
      journey: {
        // A slow fulfilment widens the race window.
        onSettled: async (result) => {
          calls.push(result);
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      },
    });
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });

    const pages = await Promise.all(
      Array.from({ length: 50 }, () => browser.get(`${h.appUrl}${MOUNT}/return`)),
    );
    const shown: RenderedOutcome[] = pages.map(renderedOutcome);
    expect(shown.every((s) => s.outcome === 'success')).toBe(true);
    expect(shown.filter((s) => s.firstVisit)).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ outcome: 'success', source: 'return', firstVisit: true });
    expect(h.errors).toEqual([]);
  });

  it('onSettled throwing reaches next(err), and a later return settles it', async () => {
    let fail = true;
    const settled: SettledResult[] = [];
    const boom = new Error('order database down');
    h = await startJourneyHarness({
      journey: {
        onSettled: (result) => {
          if (fail) throw boom;
          settled.push(result);
        },
      },
    });
    const browser = h.browser();
    const first = await h.payWithCard(browser);
    expect(first.status).toBe(500);
    expect(h.errors).toEqual([boom]);
    expect(h.shown).toEqual([]);

    fail = false;
    const later = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    // Nothing was shown the first time, so this is still the first visit.
    expect(later).toMatchObject({ outcome: 'success', firstVisit: true });
    expect(settled).toHaveLength(1);
  });

  it('an async onSettled rejecting reaches next(err) too', async () => {
    h = await startJourneyHarness({
      journey: { onSettled: () => Promise.reject(new Error('queue full')) },
    });
    const response = await h.payWithCard(h.browser());
    expect(response.status).toBe(500);
    expect((h.errors[0] as Error).message).toBe('queue full');
  });

  it.each([
    [
      'throwing',
      () => {
        throw new Error('template missing');
      },
    ],
    ['rejecting', () => Promise.reject(new Error('template missing'))],
  ])('an outcome handler %s reaches next(err), after settling', async (_name, handler) => {
    h = await startJourneyHarness({
      journey: { outcomes: { success: handler, failed: handler } },
    });
    const response = await h.payWithCard(h.browser());
    expect(response.status).toBe(500);
    expect((h.errors[0] as Error).message).toBe('template missing');
    expect(h.settled).toHaveLength(1);
  });

  it('a payment abandoned after paying is settled by journey.reconcile(), once', async () => {
    h = await startJourneyHarness();
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
    h.advance(61 * MINUTE);

    const summary = await h.journey.reconcile();
    expect(summary).toMatchObject({ checked: 1, settled: { success: 1 } });
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]).toMatchObject({ outcome: 'success', source: 'reconcile' });

    // The citizen comes back later: shown success, not settled again.
    const back = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
    expect(back).toMatchObject({ outcome: 'success', firstVisit: true });
    expect(h.settled).toHaveLength(1);
    expect((await h.journey.reconcile()).checked).toBe(0);
  });

  it('reconciliation racing 20 returns still settles once', async () => {
    h = await startJourneyHarness();
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
    h.advance(61 * MINUTE);
    await Promise.all([
      h.journey.reconcile(),
      ...Array.from({ length: 20 }, () => browser.get(`${h.appUrl}${MOUNT}/return`)),
    ]);
    expect(h.settled).toHaveLength(1);
  });

  it('reconciliation leaves payments younger than olderThanMinutes, and expires abandoned ones', async () => {
    h = await startJourneyHarness({ journey: { reconcile: { olderThanMinutes: 60 } } });
    await h.start(h.browser());
    expect((await h.journey.reconcile()).checked).toBe(0);
    h.advance(91 * MINUTE);
    const summary = await h.journey.reconcile();
    expect(summary.settled.failed).toBe(1);
    expect(h.settled[0]).toMatchObject({
      outcome: 'failed',
      reason: 'expired',
      source: 'reconcile',
    });
  });
});
