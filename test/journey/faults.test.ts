import type { Fault } from '../../src/simulator';
import {
  COOKIE_NAME,
  MOUNT,
  renderedOutcome,
  sameOriginHeaders,
  startJourneyHarness,
} from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

/** The journey's client gives up after this; latency faults go well past it. */
const TIMEOUT_MS = 150;

const FAULTS: [string, Fault][] = [
  ['500', { kind: 'status', status: 500 }],
  ['502', { kind: 'status', status: 502 }],
  ['503', { kind: 'status', status: 503 }],
  ['504', { kind: 'status', status: 504 }],
  ['429 P0900', { kind: 'status', status: 429, code: 'P0900', retryAfterSeconds: 1 }],
  ['a timeout', { kind: 'latency', ms: TIMEOUT_MS * 3 }],
  ['a dropped connection', { kind: 'drop' }],
  ['malformed JSON', { kind: 'malformed' }],
  ['a truncated body', { kind: 'truncated' }],
  ['a body missing its fields', { kind: 'missing-fields', fields: ['_links', 'state'] }],
  ['a body too slow to arrive', { kind: 'slow-body', ms: TIMEOUT_MS * 3 }],
];

describe('GOV.UK Pay failing: designed answers, never a crash', () => {
  let h: JourneyHarness;

  beforeEach(async () => {
    h = await startJourneyHarness({ journey: { timeoutMs: TIMEOUT_MS, maxRetries: 2 } });
  });
  afterEach(async () => {
    h.simulator.faults.clear();
    await h.close();
  });

  describe.each(FAULTS)('on start: %s', (_name, fault) => {
    it('shows error start_failed (by the failed handler), with at most one payment and no redirect', async () => {
      h.simulator.faults.inject({ route: 'createPayment', fault });
      const browser = h.browser();
      const response = await h.start(browser);
      expect(renderedOutcome(response)).toMatchObject({ outcome: 'error', reason: 'start_failed' });
      expect(response.headers.location).toBeUndefined();
      expect(browser.cookie(COOKIE_NAME)).toBeUndefined();
      expect(h.simulator.payments.size).toBeLessThanOrEqual(1);
      expect(h.errors).toEqual([]);
      expect(h.settled).toEqual([]);
      // Only a create GOV.UK Pay cannot have processed is retried.
      const creates = h.apiCalls('POST');
      if (fault.kind === 'status' && fault.status === 429) expect(creates).toBe(3);
      else expect(creates).toBe(1);
    });
  });

  describe.each(FAULTS)('on return: %s', (_name, fault) => {
    it('is unconfirmed (503, "do not pay again"), settles nothing, and settles once GOV.UK Pay answers', async () => {
      const browser = h.browser();
      await h.start(browser);
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
      h.simulator.faults.inject({ route: 'getPayment', fault });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`);
      expect(page.status).toBe(503);
      expect(page.body).toContain('Do not try to pay again');
      expect(h.settled).toEqual([]);
      expect(h.errors).toEqual([]);

      h.simulator.faults.clear();
      const later = renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`));
      expect(later).toMatchObject({ outcome: 'success', firstVisit: true });
      expect(h.settled).toHaveLength(1);
    });
  });

  it('a fault on cancel is unconfirmed, and the payment stays unfinished', async () => {
    const browser = h.browser();
    await h.start(browser);
    h.simulator.faults.inject({ route: 'cancelPayment', fault: { kind: 'status', status: 503 } });
    const page = await browser.post(`${h.appUrl}${MOUNT}/cancel`, {
      headers: sameOriginHeaders(h.publicUrl),
    });
    expect(page.status).toBe(503);
    expect(h.simulator.payments.get(h.paymentIds()[0] as string)?.state.status).toBe('created');
    expect(h.settled).toEqual([]);
  });

  it('a transient 503 on return is absorbed by the client’s retries', async () => {
    const browser = h.browser();
    await h.start(browser);
    h.simulator.completePayment(h.paymentIds()[0] as string, { card: '4444333322221111' });
    h.simulator.faults.inject({
      route: 'getPayment',
      times: 2,
      fault: { kind: 'status', status: 503 },
    });
    expect(renderedOutcome(await browser.get(`${h.appUrl}${MOUNT}/return`)).outcome).toBe(
      'success',
    );
  });

  it('a 401 (revoked key) on return is unconfirmed too, never failed', async () => {
    const browser = h.browser();
    await h.start(browser);
    h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 401 } });
    expect((await browser.get(`${h.appUrl}${MOUNT}/return`)).status).toBe(503);
  });

  it('a 401 on start is a service problem: next(err), not "try again later"', async () => {
    h.simulator.faults.inject({ route: 'createPayment', fault: { kind: 'status', status: 401 } });
    const response = await h.start(h.browser());
    expect(response.headers.location).toBeUndefined();
    expect((h.errors[0] as Error).name).toBe('PayAuthenticationError');
  });
});
