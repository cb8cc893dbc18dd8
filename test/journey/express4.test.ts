/**
 * The journey on Express 4.21+: the same flows with `express` resolved to Express 4, both for
 * the service's app and for the journey's own Router (as a service on Express 4 would get it,
 * since express is a peer dependency).
 */
jest.mock('express', () => jest.requireActual('express4'));

import { TEST_CARDS } from '../../src/simulator';
import { MOUNT, renderedOutcome, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

describe('on Express 4', () => {
  let h: JourneyHarness;

  beforeEach(async () => {
    h = await startJourneyHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('really runs Express 4', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const express = require('express') as { query?: unknown };
    // express.query was removed in Express 5.
    expect(typeof express.query).toBe('function');
    expect(express).toBe(jest.requireActual('express4'));
  });

  it('pays, declines, and shows a refresh as not the first visit', async () => {
    const browser = h.browser();
    expect(renderedOutcome(await h.payWithCard(browser))).toMatchObject({ outcome: 'success' });
    expect(renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`)).firstVisit).toBe(false);
    expect(
      renderedOutcome(await h.payWithCard(h.browser(), TEST_CARDS.declined[0] as string)),
    ).toMatchObject({ outcome: 'failed', reason: 'declined' });
    expect(h.settled).toHaveLength(2);
  });

  it('redirects a pending return and answers missing without a cookie', async () => {
    const browser = h.browser();
    await h.start(browser);
    expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).status).toBe(303);
    expect((await h.browser().get(`${h.appUrl}${MOUNT}/return`)).status).toBe(400);
  });

  it('forwards a rejected onSettled and a failed start to the right places, with no unhandled rejection', async () => {
    await h.redeploy({ onSettled: () => Promise.reject(new Error('fulfilment down')) });
    expect((await h.payWithCard(h.browser())).status).toBe(500);
    expect((h.errors[0] as Error).message).toBe('fulfilment down');
    h.simulator.faults.inject({ route: 'createPayment', fault: { kind: 'status', status: 503 } });
    expect(renderedOutcome(await h.start(h.browser()))).toMatchObject({
      outcome: 'error',
      reason: 'start_failed',
    });
  });

  it('serves return-id mode', async () => {
    await h.redeploy({ match: 'return-id' });
    expect(renderedOutcome(await h.payWithCard(h.browser())).outcome).toBe('success');
  });
});
