import { PAYMENT_STATUSES } from '../../src/client/types';
import type { Payment } from '../../src/client/types';
import {
  classifyPayment,
  createSettler,
  isCancellable,
  journeyId,
  paymentKeys,
  SETTLEMENT_RETENTION_MS,
  STALE_AFTER_ATTEMPTS,
} from '../../src/settlement';
import type { FinalClassification, SettledResult, StaleInfo } from '../../src/settlement';
import { MemoryStore } from '../../src/store';
import type { PaymentRecord } from '../../src/store';
import { CapturingLogger } from '../helpers/capturing-logger';

const PAID: FinalClassification = { final: true, outcome: 'success' };
const LEASE_MS = 60_000;

function payment(id = 'pay00000000000000000000001'): Payment {
  return {
    payment_id: id,
    amount: 2500,
    reference: 'REF-1',
    description: 'Permit',
    created_date: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    state: { status: 'success', finished: true },
    _links: {
      self: { href: `https://publicapi.payments.service.gov.uk/v1/payments/${id}`, method: 'GET' },
    },
  } as unknown as Payment;
}

describe('createSettler', () => {
  let time: number;
  let store: MemoryStore;
  let logger: CapturingLogger;

  beforeEach(() => {
    time = Date.UTC(2026, 0, 1, 12);
    store = new MemoryStore({ now: () => time });
    logger = new CapturingLogger();
  });
  afterEach(() => store.close());

  function settler(
    onSettled: (result: SettledResult) => void | Promise<void>,
    extra: { onStale?: (record: PaymentRecord, info: StaleInfo) => void } = {},
  ): ReturnType<typeof createSettler> {
    return createSettler({
      store,
      journey: 'j1',
      onSettled,
      logger,
      fingerprint: (id) => `fp-${id.length}`,
      leaseMs: LEASE_MS,
      now: () => time,
      ...extra,
    });
  }

  it('settles once with attempt 1, commits, and forgets the pending record', async () => {
    const seen: SettledResult[] = [];
    const s = settler((r) => void seen.push(r));
    const p = payment();
    store.savePending(
      { paymentId: p.payment_id, selfHref: 'x', reference: 'R', amount: 1, createdAt: 0 },
      1e9,
    );
    expect(await s.settle(p, PAID, 'return')).toBe('settled');
    expect(await s.settle(p, PAID, 'reconcile')).toBe('already_settled');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      outcome: 'success',
      attempt: 1,
      source: 'return',
      firstVisit: true,
    });
    expect(store.getPending(p.payment_id)).toBeUndefined();
    // Committed for the whole retention period.
    time += SETTLEMENT_RETENTION_MS - 1000;
    expect(await s.settle(p, PAID, 'webhook')).toBe('already_settled');
  });

  it('a throwing onSettled releases the lease; the next feed settles with attempt 2', async () => {
    let fail = true;
    const seen: SettledResult[] = [];
    const s = settler((r) => {
      seen.push(r);
      if (fail) throw new Error('fulfilment down');
    });
    await expect(s.settle(payment(), PAID, 'return')).rejects.toThrow('fulfilment down');
    fail = false;
    expect(await s.settle(payment(), PAID, 'return')).toBe('settled');
    expect(seen.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('while a live holder settles, another feed is told in_progress and does not call onSettled', async () => {
    let finish: () => void = () => undefined;
    const calls: number[] = [];
    const s = settler(
      (r) =>
        new Promise<void>((resolve) => {
          calls.push(r.attempt);
          finish = resolve;
        }),
    );
    const first = s.settle(payment(), PAID, 'return');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await s.settle(payment(), PAID, 'reconcile')).toBe('in_progress');
    finish();
    expect(await first).toBe('settled');
    expect(calls).toEqual([1]);
  });

  it('a holder that lost its lease cannot commit; the taker settles with attempt 2', async () => {
    let finishFirst: () => void = () => undefined;
    const seen: SettledResult[] = [];
    const s = settler((r) => {
      seen.push(r);
      if (r.attempt === 1) return new Promise<void>((resolve) => (finishFirst = resolve));
      return undefined;
    });
    const first = s.settle(payment(), PAID, 'return');
    await new Promise((resolve) => setImmediate(resolve));
    time += LEASE_MS + 1;
    expect(await s.settle(payment(), PAID, 'reconcile')).toBe('settled');
    finishFirst();
    expect(await first).toBe('in_progress');
    expect(seen.map((r) => r.attempt)).toEqual([1, 2]);
    expect(logger.messages('error').some((m) => /lease was taken over/.test(m))).toBe(true);
  });

  it(`reports a payment whose attempts keep failing as stale from attempt ${STALE_AFTER_ATTEMPTS}, and keeps trying`, async () => {
    const stale: StaleInfo[] = [];
    const s = settler(
      () => {
        throw new TypeError('bug');
      },
      { onStale: (_record, info) => void stale.push(info) },
    );
    for (let i = 1; i <= STALE_AFTER_ATTEMPTS + 1; i += 1) {
      await expect(s.settle(payment(), PAID, 'reconcile')).rejects.toThrow('bug');
    }
    expect(stale.map((i) => i.attempt)).toEqual([STALE_AFTER_ATTEMPTS, STALE_AFTER_ATTEMPTS + 1]);
    expect(stale[0]).toMatchObject({
      reason: 'settle_failed',
      errorName: 'TypeError',
      status: 'success',
    });
  });

  it('answers a payment it saw settled without asking the store again, for a few minutes', async () => {
    const first = settler(() => {});
    await first.settle(payment(), PAID, 'return');
    const begun: string[] = [];
    const beginSettlement = store.beginSettlement.bind(store);
    store.beginSettlement = (key, ms) => {
      begun.push(key);
      return beginSettlement(key, ms);
    };
    await expect(first.settle(payment(), PAID, 'return')).resolves.toBe('already_settled');
    expect(begun).toHaveLength(0);
    // Another instance has its own memory: it asks the store, which says settled.
    await expect(settler(() => {}).settle(payment(), PAID, 'webhook')).resolves.toBe(
      'already_settled',
    );
    expect(begun).toHaveLength(1);
    time += 5 * 60_000;
    await expect(first.settle(payment(), PAID, 'return')).resolves.toBe('already_settled');
    expect(begun).toHaveLength(2);
  });

  it('never remembers a payment whose onSettled threw, so its next feed settles it', async () => {
    const attempts: number[] = [];
    const flaky = settler((result) => {
      attempts.push(result.attempt);
      if (attempts.length === 1) throw new Error('fulfilment down');
    });
    await expect(flaky.settle(payment(), PAID, 'return')).rejects.toThrow('fulfilment down');
    await expect(flaky.settle(payment(), PAID, 'return')).resolves.toBe('settled');
    expect(attempts).toEqual([1, 2]);
  });

  it('namespaces keys per journey, with the payment id as a Redis hash tag', () => {
    const a = paymentKeys(journeyId('https://a.example.gov.uk', '/payment'));
    const b = paymentKeys(journeyId('https://a.example.gov.uk', '/other'));
    expect(a.settlement('abc')).not.toBe(b.settlement('abc'));
    expect(a.settlement('abc')).toMatch(/\{abc\}$/);
    expect(a.shown('abc')).toMatch(/\{abc\}$/);
    expect(journeyId('https://a.example.gov.uk', '/PAYMENT')).toBe(
      journeyId('https://a.example.gov.uk', '/payment'),
    );
  });
});

describe('classifyPayment and isCancellable', () => {
  it('only created, started and submitted are cancellable, and only they are open', () => {
    for (const status of PAYMENT_STATUSES) {
      const open = !classifyPayment({ status }).final;
      expect(isCancellable(status)).toBe(open);
    }
  });
});
