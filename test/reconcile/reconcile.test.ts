import { PayConfigError } from '../../src/config-error';
import { classifyPayment } from '../../src/settlement';
import { reconcilePending } from '../../src/reconcile';
import type { ReconcileSummary, StaleInfo } from '../../src/reconcile';
import { PayClient } from '../../src/client/pay-client';
import { generateTestApiKey, TEST_CARDS } from '../../src/simulator';
import type { PaymentRecord } from '../../src/store/types';
import { MINUTE, pendingIds, recordOf, startHarness } from './harness';
import type { Harness } from './harness';

/**
 * Reads are timed when the harness's fetchPayment runs, a little after the rate gate released
 * them; on a loaded machine that delay reaches a few ms. Spacing checks allow this much, far less
 * than the half interval a burst or a doubled rate would show.
 */
const SCHEDULING_SLACK_MS = 25;

const PAID = TEST_CARDS.authorised[0] as string;
const DECLINED = TEST_CARDS.declined[0] as string;
const PROVIDER_ERROR = TEST_CARDS.error[0] as string;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function totalSettled(summary: ReconcileSummary): number {
  const s = summary.settled;
  return s.success + s.failed + s.cancelled + s.error;
}

function onSettledCountsById(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of h.settled)
    counts.set(r.payment.payment_id, (counts.get(r.payment.payment_id) ?? 0) + 1);
  return counts;
}

describe('abandoned journeys', () => {
  it('settles an abandoned success, decline and expiry once each, and leaves the unfinished for later', async () => {
    const success = await h.createPending();
    const declined = await h.createPending();
    const expiring = await h.createPending();
    h.simulator.completePayment(success.paymentId, { card: PAID });
    h.simulator.completePayment(declined.paymentId, { card: DECLINED });

    // Too young: nothing is touched.
    const early = await reconcilePending(h.deps);
    expect(early.checked).toBe(0);
    expect(h.settled).toHaveLength(0);

    h.simulator.clock.advance(61 * MINUTE);
    const first = await reconcilePending(h.deps);
    expect(first).toMatchObject({
      checked: 3,
      settled: { success: 1, failed: 1, cancelled: 0, error: 0 },
      alreadySettled: 0,
      stillPending: 1,
      failedToRead: 0,
      stale: 0,
    });
    expect(await pendingIds(h.store)).toEqual([expiring.paymentId]);

    // GOV.UK Pay expires it at 90 minutes.
    h.simulator.clock.advance(30 * MINUTE);
    const second = await reconcilePending(h.deps);
    expect(second).toMatchObject({ checked: 1, settled: { failed: 1 }, stillPending: 0 });

    const third = await reconcilePending(h.deps);
    expect(third.checked).toBe(0);

    expect(h.settled.map((r) => [r.payment.payment_id, r.outcome, r.reason, r.source])).toEqual([
      [success.paymentId, 'success', undefined, 'reconcile'],
      [declined.paymentId, 'failed', 'declined', 'reconcile'],
      [expiring.paymentId, 'failed', 'expired', 'reconcile'],
    ]);
    expect([...onSettledCountsById().values()]).toEqual([1, 1, 1]);
    expect(await pendingIds(h.store)).toEqual([]);
  });

  it('settles cancelled-by-user, cancelled-by-service and provider errors with their outcomes', async () => {
    const byUser = await h.createPending();
    const byService = await h.createPending();
    const providerError = await h.createPending();
    h.simulator.completePayment(byUser.paymentId, { cancel: true });
    h.simulator.cancelByService(byService.paymentId);
    h.simulator.completePayment(providerError.paymentId, { card: PROVIDER_ERROR });
    h.simulator.clock.advance(61 * MINUTE);

    const summary = await reconcilePending(h.deps);
    expect(summary.settled).toEqual({ success: 0, failed: 1, cancelled: 1, error: 1 });
    const byId = new Map(h.settled.map((r) => [r.payment.payment_id, r]));
    expect(byId.get(byUser.paymentId)).toMatchObject({
      outcome: 'failed',
      reason: 'cancelled_by_user',
    });
    expect(byId.get(byService.paymentId)).toMatchObject({ outcome: 'cancelled' });
    expect(byId.get(providerError.paymentId)).toMatchObject({
      outcome: 'error',
      reason: 'provider_error',
    });
  });

  it('honours olderThanMinutes', async () => {
    const older = await h.createPending();
    h.simulator.clock.advance(20 * MINUTE);
    const younger = await h.createPending();
    h.simulator.completePayment(older.paymentId, { card: PAID });
    h.simulator.completePayment(younger.paymentId, { card: PAID });
    h.simulator.clock.advance(15 * MINUTE);

    const summary = await reconcilePending(h.deps, { olderThanMinutes: 30 });
    expect(summary.checked).toBe(1);
    expect(h.settled.map((r) => r.payment.payment_id)).toEqual([older.paymentId]);
    expect(await pendingIds(h.store)).toEqual([younger.paymentId]);
  });
});

describe('exactly once, against the return route and other runs', () => {
  it('a return after reconciliation does not settle again', async () => {
    // The journey's return route calls settlePayment with source 'return'; this is that call.
    const record = await h.createPending();
    h.simulator.completePayment(record.paymentId, { card: PAID });
    h.simulator.clock.advance(61 * MINUTE);
    await reconcilePending(h.deps);
    expect(h.settled).toHaveLength(1);

    const payment = await h.client.getPayment(record.paymentId);
    const classification = classifyPayment(payment.state);
    if (!classification.final) throw new Error('expected a finished payment');
    const outcome = await h.settler.settle(payment, classification, 'return');
    expect(outcome).toBe('already_settled');
    expect(h.settled).toHaveLength(1);
  });

  it('reconciliation after a return counts it as already settled', async () => {
    const record = await h.createPending();
    h.simulator.completePayment(record.paymentId, { card: PAID });
    // A lease held by a return whose onSettled is still running: the pending record is still there.
    h.store.beginSettlement(h.settler.keys.settlement(record.paymentId), MINUTE * 60 * 24);
    h.simulator.clock.advance(61 * MINUTE);

    const summary = await reconcilePending(h.deps);
    expect(summary).toMatchObject({ checked: 1, inProgress: 1, alreadySettled: 0 });
    expect(totalSettled(summary)).toBe(0);
    expect(h.settled).toHaveLength(0);
  });

  it('two concurrent runs settle each payment once', async () => {
    const records: PaymentRecord[] = [];
    for (let i = 0; i < 12; i += 1) {
      const record = await h.createPending();
      h.simulator.completePayment(record.paymentId, { card: i % 3 === 0 ? DECLINED : PAID });
      records.push(record);
    }
    h.simulator.clock.advance(61 * MINUTE);

    const [a, b] = await Promise.all([
      reconcilePending(h.deps, { concurrency: 3, ratePerSecond: 1000 }),
      reconcilePending(h.deps, { concurrency: 3, ratePerSecond: 1000 }),
    ]);
    expect(h.settled).toHaveLength(12);
    expect([...onSettledCountsById().values()].every((n) => n === 1)).toBe(true);
    expect(totalSettled(a) + totalSettled(b)).toBe(12);
    // Every record was settled by one run and skipped or found settled by the other.
    expect(
      a.lockedElsewhere + a.alreadySettled + a.inProgress + totalSettled(a),
    ).toBeLessThanOrEqual(12);
    expect(await pendingIds(h.store)).toEqual([]);
  });

  it('a run racing returns for the same payments settles each once', async () => {
    const records: PaymentRecord[] = [];
    for (let i = 0; i < 8; i += 1) {
      const record = await h.createPending();
      h.simulator.completePayment(record.paymentId, { card: PAID });
      records.push(record);
    }
    h.simulator.clock.advance(61 * MINUTE);

    const returns = records.map(async (record) => {
      const payment = await h.client.getPayment(record.paymentId);
      const classification = classifyPayment(payment.state);
      if (!classification.final) throw new Error('expected a finished payment');
      return h.settler.settle(payment, classification, 'return');
    });
    const [summary, ...returnOutcomes] = await Promise.all([
      reconcilePending(h.deps, { concurrency: 4, ratePerSecond: 1000 }),
      ...returns,
    ]);
    expect(h.settled).toHaveLength(8);
    expect([...onSettledCountsById().values()].every((n) => n === 1)).toBe(true);
    const byReturn = returnOutcomes.filter((o) => o === 'settled').length;
    expect(byReturn + totalSettled(summary)).toBe(8);
    expect(h.settled.filter((r) => r.source === 'return')).toHaveLength(byReturn);
  });

  it('skips a payment locked by another instance and leaves it pending', async () => {
    const record = await h.createPending();
    h.simulator.completePayment(record.paymentId, { card: PAID });
    h.simulator.clock.advance(61 * MINUTE);
    // Another instance's run holds the lock on this payment.
    h.store.claim(h.settler.keys.reconcileLock(record.paymentId), MINUTE);
    const summary = await reconcilePending(h.deps);
    expect(summary).toMatchObject({ checked: 0, lockedElsewhere: 1 });
    expect(h.settled).toHaveLength(0);
    expect(await pendingIds(h.store)).toEqual([record.paymentId]);
  });

  it('releases its lock, so the next run can work the payment', async () => {
    const record = await h.createPending();
    h.simulator.clock.advance(61 * MINUTE);
    await reconcilePending(h.deps);
    expect(h.store.claim(h.settler.keys.reconcileLock(record.paymentId), MINUTE)).toBe(true);
  });
});

describe('faults', () => {
  async function finishedPayments(n: number): Promise<PaymentRecord[]> {
    const records: PaymentRecord[] = [];
    for (let i = 0; i < n; i += 1) {
      const record = await h.createPending();
      h.simulator.completePayment(record.paymentId, { card: PAID });
      records.push(record);
    }
    h.simulator.clock.advance(61 * MINUTE);
    return records;
  }

  it('forgets the pending record of a payment settled whose pending delete failed, instead of reading it every run', async () => {
    const [record] = await finishedPayments(1);
    const deletePending = h.store.deletePending.bind(h.store);
    h.store.deletePending = () => Promise.reject(new Error('store blipped'));
    const first = await reconcilePending(h.deps);
    expect(first.settled.success).toBe(1);
    expect(await pendingIds(h.store)).toEqual([record!.paymentId]);

    h.store.deletePending = deletePending;
    const second = await reconcilePending(h.deps);
    expect(second).toMatchObject({ checked: 1, alreadySettled: 1 });
    expect(await pendingIds(h.store)).toEqual([]);
    expect((await reconcilePending(h.deps)).checked).toBe(0);
    expect(h.settled).toHaveLength(1);
  });

  it('a 5xx, a dropped connection and a 404 do not stop the run; the next run settles the rest', async () => {
    await finishedPayments(5);
    // A payment made with another account's key: this account's key reads it as 404.
    const otherAccount = new PayClient({
      apiKey: generateTestApiKey(),
      apiBaseUrl: h.running.url,
      maxRetries: 0,
    });
    const foreign = await otherAccount.createPayment({
      amount: 700,
      reference: 'OTHER-1',
      description: 'Permit',
      return_url: 'https://service.example.gov.uk/payment/return',
    });
    h.store.savePending(recordOf(foreign), 24 * 60 * MINUTE);
    h.simulator.clock.advance(61 * MINUTE);

    h.simulator.faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'status', status: 503 },
    });
    h.simulator.faults.inject({ route: 'getPayment', times: 1, fault: { kind: 'drop' } });

    const first = await reconcilePending(h.deps, { concurrency: 1 });
    expect(first).toMatchObject({
      checked: 6,
      failedToRead: 3,
      settled: { success: 3 },
      stillPending: 0,
    });
    const warnings = h.logger.entries.filter((e) => e.level === 'warn');
    const statuses = warnings.map((e) => (e.obj as { status?: number }).status);
    expect(statuses).toEqual(expect.arrayContaining([503, 404]));
    expect(
      warnings.some((e) => (e.obj as { hint?: string }).hint?.includes('not a payment of this')),
    ).toBe(true);

    const second = await reconcilePending(h.deps, { concurrency: 1 });
    expect(second).toMatchObject({ checked: 3, failedToRead: 1, settled: { success: 2 } });
    expect(h.settled).toHaveLength(5);
    expect(new Set(h.settled.map((r) => r.payment.payment_id)).size).toBe(5);
    expect(await pendingIds(h.store)).toEqual([foreign.payment_id]);
  });

  it('a timeout on one payment does not stop the run', async () => {
    await h.close();
    h = await startHarness({ timeoutMs: 100 });
    await finishedPayments(3);
    h.simulator.faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'latency', ms: 400 },
    });

    const summary = await reconcilePending(h.deps, { concurrency: 1 });
    expect(summary).toMatchObject({ checked: 3, failedToRead: 1, settled: { success: 2 } });
    const timeout = h.logger.entries.find(
      (e) => (e.obj as { error?: string }).error === 'PayConnectionError',
    );
    expect(timeout).toBeDefined();
  });

  it('a 429 pauses the whole run for Retry-After and halves the rate', async () => {
    await finishedPayments(6);
    h.simulator.faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'status', status: 429, code: 'P0900', retryAfterSeconds: 7 },
    });

    const summary = await reconcilePending(h.deps, { concurrency: 1, ratePerSecond: 10 });
    expect(summary).toMatchObject({
      checked: 6,
      failedToRead: 1,
      rateLimited: 1,
      settled: { success: 5 },
    });
    // First read free, then the 429 on it; everything after waits Retry-After, then 200 ms
    // apart (5 per second instead of 10).
    const big = h.gateSleeps.filter((ms) => ms > 1000);
    expect(big).toHaveLength(1);
    expect(big[0]).toBeGreaterThan(6_000);
    expect(big[0]).toBeLessThanOrEqual(7_000);
    const gaps = h.fetchTimes.slice(2).map((t, i) => t - (h.fetchTimes[i + 1] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200 - SCHEDULING_SLACK_MS);
    expect(h.logger.messages('warn').some((m) => m.includes('rate-limited'))).toBe(true);

    const next = await reconcilePending(h.deps);
    expect(next.settled.success).toBe(1);
  });

  it('never settles a payment other than the one recorded', async () => {
    const [a, b] = await finishedPayments(2);
    if (a === undefined || b === undefined) throw new Error('setup');
    const deps = { ...h.deps, fetchPayment: () => h.client.getPayment(b.paymentId) };
    const summary = await reconcilePending(deps, { concurrency: 1 });
    // a's record read b's payment: refused. b's record read b: settled.
    expect(summary).toMatchObject({ failedToRead: 1, settled: { success: 1 } });
    expect(h.settled.map((r) => r.payment.payment_id)).toEqual([b.paymentId]);
  });

  it('an onSettled failure counts as settleFailed, releases the claim, and the next run settles it', async () => {
    await finishedPayments(3);
    let failures = 1;
    h.onSettled = (result) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('fulfilment database down');
      }
      h.settled.push(result);
    };
    const first = await reconcilePending(h.deps, { concurrency: 1 });
    expect(first).toMatchObject({ checked: 3, settleFailed: 1, settled: { success: 2 } });
    expect(h.logger.messages('error').some((m) => m.includes('onSettled failed'))).toBe(true);

    const second = await reconcilePending(h.deps);
    expect(second).toMatchObject({ checked: 1, settled: { success: 1 } });
    expect(h.settled).toHaveLength(3);
  });

  it('a store that fails to list rejects the run after the work in hand', async () => {
    const deps = {
      ...h.deps,
      store: Object.assign(Object.create(h.store) as typeof h.store, {
        // eslint-disable-next-line require-yield
        async *listPending(): AsyncGenerator<PaymentRecord> {
          throw new Error('connection lost');
        },
        listDue: () => h.store.listDue(),
      }),
    };
    await expect(reconcilePending(deps)).rejects.toThrow('connection lost');
    expect(h.logger.messages('error').some((m) => m.includes('could not list'))).toBe(true);
  });
});

describe('stale payments', () => {
  it('reports a payment still unfinished long after expiry, every run, without its id in logs', async () => {
    const payment = await h.client.createPayment({
      amount: 500,
      reference: 'STALE-1',
      description: 'Permit',
      return_url: 'https://service.example.gov.uk/payment/return',
    });
    // The store believes it was created 7 hours ago (clock skew, a restored backup): GOV.UK Pay
    // still says it is unfinished.
    const record: PaymentRecord = {
      paymentId: payment.payment_id,
      selfHref: payment._links.self.href,
      reference: payment.reference,
      amount: payment.amount,
      createdAt: Date.parse(payment.created_date) - 7 * 60 * MINUTE,
    };
    h.store.savePending(record, 60 * MINUTE * 24);
    const stale: Array<[PaymentRecord, StaleInfo]> = [];
    const deps = {
      ...h.deps,
      onStale: (r: PaymentRecord, info: StaleInfo) => void stale.push([r, info]),
    };

    const summary = await reconcilePending(deps);
    expect(summary).toMatchObject({ stillPending: 1, stale: 1 });
    expect(stale).toHaveLength(1);
    expect(stale[0]?.[0]).toEqual(record);
    expect(stale[0]?.[1]).toMatchObject({ reason: 'unfinished', status: 'created' });
    expect(stale[0]?.[1].ageMinutes).toBeGreaterThanOrEqual(420);
    const warning = h.logger.entries.find((e) => e.msg?.includes('long after'));
    expect(warning?.obj).toMatchObject({ payment: h.deps.fingerprint(payment.payment_id) });
    expect(await pendingIds(h.store)).toEqual([payment.payment_id]);

    await reconcilePending(deps);
    expect(stale).toHaveLength(2);
    expect(h.logger.text()).not.toContain(payment.payment_id);
  });

  it('reports a payment unreadable past staleAfterMinutes, and survives onStale throwing', async () => {
    await h.createPending();
    h.simulator.clock.advance(61 * MINUTE);
    h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 500 } });
    const infos: StaleInfo[] = [];
    const deps = {
      ...h.deps,
      onStale: (_r: PaymentRecord, info: StaleInfo) => {
        infos.push(info);
        throw new Error('pager down');
      },
    };
    expect(await reconcilePending(deps, { staleAfterMinutes: 120 })).toMatchObject({
      failedToRead: 1,
      stale: 0,
    });
    h.simulator.clock.advance(60 * MINUTE);
    expect(await reconcilePending(deps, { staleAfterMinutes: 120 })).toMatchObject({
      failedToRead: 1,
      stale: 1,
    });
    expect(infos).toEqual([
      expect.objectContaining({
        reason: 'unreadable',
        errorName: 'PayServerError',
        httpStatus: 500,
      }),
    ]);
    expect(h.logger.messages('error')).toContain('govuk-pay-express: onStale threw');
  });

  it('reports a payment whose onSettled keeps failing', async () => {
    const record = await h.createPending();
    h.simulator.completePayment(record.paymentId, { card: PAID });
    h.simulator.clock.advance(7 * 60 * MINUTE);
    h.onSettled = () => {
      throw new Error('down');
    };
    const infos: StaleInfo[] = [];
    const summary = await reconcilePending({
      ...h.deps,
      onStale: (_r, info) => void infos.push(info),
    });
    expect(summary).toMatchObject({ settleFailed: 1, stale: 1 });
    expect(infos[0]).toMatchObject({
      reason: 'settle_failed',
      status: 'success',
      errorName: 'Error',
    });
  });
});

describe('rate and concurrency', () => {
  async function abandoned(n: number): Promise<void> {
    for (let i = 0; i < n; i += 1) await h.createPending();
    h.simulator.clock.advance(61 * MINUTE);
  }

  it('spaces reads at ratePerSecond, with no burst', async () => {
    await abandoned(10);
    await reconcilePending(h.deps, { ratePerSecond: 5, concurrency: 1 });
    expect(h.fetchTimes).toHaveLength(10);
    const gaps = h.fetchTimes.slice(1).map((t, i) => t - (h.fetchTimes[i] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200 - SCHEDULING_SLACK_MS);
    // Nine waits of (almost exactly) 200 ms: the simulator clock also runs with real time.
    expect(h.gateSleeps).toHaveLength(9);
    const total = h.gateSleeps.reduce((a, b) => a + b, 0);
    // Real time passing between reads (slow on a loaded machine) shortens the sleeps, never
    // lengthens them: the lower bound only has to show that the gate did wait.
    expect(total).toBeGreaterThan(9 * 200 * 0.5);
    expect(total).toBeLessThanOrEqual(9 * 200);
  });

  it('keeps the rate with several workers, and never exceeds concurrency', async () => {
    await abandoned(12);
    let inFlight = 0;
    let peak = 0;
    const deps = {
      ...h.deps,
      fetchPayment: async (record: PaymentRecord) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await h.deps.fetchPayment(record);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const summary = await reconcilePending(deps, { ratePerSecond: 4, concurrency: 3 });
    expect(summary.checked).toBe(12);
    expect(peak).toBeLessThanOrEqual(3);
    const sorted = [...h.fetchTimes].sort((a, b) => a - b);
    const span = (sorted.at(-1) as number) - (sorted[0] as number);
    expect(span).toBeGreaterThanOrEqual(11 * 250 - 2 * SCHEDULING_SLACK_MS);
  });

  it('stops taking payments once its signal aborts and says so', async () => {
    await abandoned(6);
    const controller = new AbortController();
    const deps = {
      ...h.deps,
      fetchPayment: async (record: PaymentRecord) => {
        if (h.fetchTimes.length === 2) controller.abort();
        return h.deps.fetchPayment(record);
      },
    };
    const summary = await reconcilePending(deps, { concurrency: 1, signal: controller.signal });
    expect(summary.aborted).toBe(true);
    expect(summary.checked).toBeLessThan(6);
    expect((await pendingIds(h.store)).length).toBe(6);
  });
});

describe('options', () => {
  it.each([
    [
      { ratePerSecond: 0 },
      'ERR_PAY_INVALID_OPTION',
      /^govuk-pay-express: reconcile\.ratePerSecond must be a number of reads per second from 0\.01 /,
    ],
    [{ ratePerSecond: Number.NaN }, 'ERR_PAY_INVALID_OPTION', /ratePerSecond must be a number/],
    [
      { olderThanMinutes: -1 },
      'ERR_PAY_INVALID_OPTION',
      /reconcile\.olderThanMinutes must be a number of minutes from 0 /,
    ],
    [
      { concurrency: 0 },
      'ERR_PAY_INVALID_OPTION',
      /reconcile\.concurrency must be a whole number of payments from 1 to 64/,
    ],
    [{ concurrency: 2.5 }, 'ERR_PAY_INVALID_OPTION', /concurrency must be a whole number/],
    [
      { staleAfterMinutes: 30 },
      'ERR_PAY_INVALID_OPTION',
      /staleAfterMinutes must be a number of minutes from 90 .*expires unfinished payments after 90 minutes/,
    ],
    [
      { everyMinutes: 5 },
      'ERR_PAY_UNKNOWN_OPTION',
      /reconcile\.everyMinutes is not an option\. The options are/,
    ],
    [{ signal: 'stop' }, 'ERR_PAY_INVALID_OPTION', /AbortSignal/],
  ])('%j is refused with %s', async (options, code, message) => {
    const error = await reconcilePending(h.deps, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayConfigError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe('logging', () => {
  it('logs a summary and never a payment id', async () => {
    const a = await h.createPending();
    const b = await h.createPending();
    h.simulator.completePayment(a.paymentId, { card: PAID });
    h.simulator.clock.advance(61 * MINUTE);
    h.simulator.faults.inject({
      route: 'getPayment',
      times: 1,
      fault: { kind: 'status', status: 500 },
    });
    await reconcilePending(h.deps, { concurrency: 1 });
    const done = h.logger.entries.find((e) => e.msg?.includes('run finished'));
    expect(done?.obj).toMatchObject({ checked: 2 });
    const text = h.logger.text();
    expect(text).not.toContain(a.paymentId);
    expect(text).not.toContain(b.paymentId);
  });
});
