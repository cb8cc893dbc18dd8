import { PayConfigError } from '../../src/config-error';
import { MemoryStore, storeConformanceChecks } from '../../src/store';
import type { PaymentRecord } from '../../src/store';

function manualClock(start = Date.UTC(2026, 0, 15, 12)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

function record(id: string, createdAt: number): PaymentRecord {
  return {
    paymentId: id,
    selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${id}`,
    reference: `REF-${id}`,
    amount: 100,
    createdAt,
  };
}

const HOUR = 60 * 60 * 1000;

describe('MemoryStore conformance', () => {
  let clock = manualClock();
  const checks = storeConformanceChecks(
    () => {
      clock = manualClock();
      return new MemoryStore({ now: () => clock.now() });
    },
    { advanceTime: (ms) => clock.advance(ms) },
  );

  it('runs the TTL checks when time can be advanced', () => {
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^claim: a claim expires/)]),
    );
    expect(checks.length).toBeGreaterThanOrEqual(17);
  });

  it.each(checks.map((c) => [c.name, c] as const))('%s', async (_name, check) => {
    await check.run();
  });
});

describe('MemoryStore', () => {
  const stores: MemoryStore[] = [];
  function store(options?: ConstructorParameters<typeof MemoryStore>[0]): MemoryStore {
    const created = new MemoryStore(options);
    stores.push(created);
    return created;
  }
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('streams pending payments oldest first, whatever order they were saved in', () => {
    const s = store();
    const times = [5, 1, 9, 3, 3, 7, 0, 8, 2, 6];
    times.forEach((t, i) => s.savePending(record(`p${i}`, t), HOUR));
    const listed = [...s.listPending(Infinity)].map((r) => [r.createdAt, r.paymentId]);
    const expected = times
      .map((t, i) => [t, `p${i}`] as [number, string])
      .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
    expect(listed).toEqual(expected);
  });

  it('is lazy: it reads one record per step, not all of them first', () => {
    const s = store();
    for (let i = 0; i < 5; i++) s.savePending(record(`p${i}`, i), HOUR);
    const iterator = s.listPending(Infinity);
    expect(iterator.next().value).toMatchObject({ paymentId: 'p0' });
    // Saved after the iteration started, and still seen: nothing was copied up front.
    s.savePending(record('late', 10), HOUR);
    s.deletePending('p1');
    expect([...iterator].map((r) => r.paymentId)).toEqual(['p2', 'p3', 'p4', 'late']);
  });

  it('keeps its place when the current record is deleted, replaced or re-dated', () => {
    const s = store();
    for (let i = 0; i < 6; i++) s.savePending(record(`p${i}`, i * 10), HOUR);
    const seen: string[] = [];
    for (const r of s.listPending(Infinity)) {
      seen.push(r.paymentId);
      if (r.paymentId === 'p1') s.deletePending('p1');
      if (r.paymentId === 'p2') s.savePending({ ...record('p2', 20), amount: 5 }, HOUR);
      // Moved behind the cursor: it must not come round again.
      if (r.paymentId === 'p3') s.savePending(record('p3', 1), HOUR);
    }
    expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('copes with many records deleted at random while streaming', () => {
    const s = store();
    const n = 2_000;
    for (let i = 0; i < n; i++) s.savePending(record(`p${i}`, (i * 7919) % 1000), HOUR);
    const deleted = new Set<string>();
    const seen = new Set<string>();
    let step = 0;
    for (const r of s.listPending(Infinity)) {
      expect(seen.has(r.paymentId)).toBe(false);
      expect(deleted.has(r.paymentId)).toBe(false);
      seen.add(r.paymentId);
      const victim = `p${(step++ * 104729) % n}`;
      if (!seen.has(victim)) deleted.add(victim);
      s.deletePending(victim);
    }
    expect(seen.size + deleted.size).toBe(n);
  });

  it('sweeps expired entries on its timer, not only when they are read', () => {
    jest.useFakeTimers();
    const clock = manualClock();
    const s = store({ now: clock.now, sweepIntervalMs: 1_000 });
    s.savePending(record('short', 0), 5_000);
    s.savePending(record('long', 1), HOUR);
    s.saveReturnId('rid', record('r', 0), 5_000);
    s.claim('settled:x', 5_000);
    clock.advance(5_000);
    expect(s.counts()).toEqual({ pending: 2, returnIds: 1, claims: 1, settlements: 0 });
    jest.advanceTimersByTime(1_000);
    expect(s.counts()).toEqual({ pending: 1, returnIds: 0, claims: 0, settlements: 0 });
    expect([...s.listPending(Infinity)].map((r) => r.paymentId)).toEqual(['long']);
  });

  it('unref()s its sweep timer, so it never keeps the process alive', () => {
    const spy = jest.spyOn(globalThis, 'setInterval');
    store({ sweepIntervalMs: 5_000 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe(5_000);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
  });

  it('close() stops the timer, is idempotent, and leaves the store readable', () => {
    jest.useFakeTimers();
    const clock = manualClock();
    const s = store({ now: clock.now, sweepIntervalMs: 1_000 });
    s.claim('k', 1_000);
    s.close();
    s.close();
    expect(jest.getTimerCount()).toBe(0);
    clock.advance(2_000);
    jest.advanceTimersByTime(10_000);
    expect(s.counts().claims).toBe(1);
    expect(s.claim('k', 1_000)).toBe(true);
  });

  it('survives a clock that throws during a sweep', () => {
    jest.useFakeTimers();
    let broken = false;
    store({
      now: () => {
        if (broken) throw new Error('clock exploded');
        return 0;
      },
      sweepIntervalMs: 10,
    });
    broken = true;
    expect(() => jest.advanceTimersByTime(100)).not.toThrow();
  });

  it('answers synchronously, so a claim is atomic within the process', () => {
    const s = store();
    expect(s.claim('k', HOUR)).toBe(true);
    expect(s.claim('k', HOUR)).toBe(false);
    expect(s.getReturnId('nope')).toBeUndefined();
  });

  it.each([0, -1, Number.NaN, Infinity, '1000'])('refuses a ttlMs of %p', (ttl) => {
    const s = store();
    expect(() => s.claim('k', ttl as number)).toThrow(RangeError);
    expect(() => s.savePending(record('p', 0), ttl as number)).toThrow(RangeError);
    expect(() => s.saveReturnId('r', record('p', 0), ttl as number)).toThrow(RangeError);
  });

  it('refuses a record whose createdAt would break the order', () => {
    expect(() => store().savePending(record('p', Number.NaN), HOUR)).toThrow(TypeError);
  });

  describe('options', () => {
    function configError(options: unknown): PayConfigError {
      try {
        store(options as ConstructorParameters<typeof MemoryStore>[0]);
      } catch (err) {
        expect(err).toBeInstanceOf(PayConfigError);
        return err as PayConfigError;
      }
      throw new Error('expected a PayConfigError');
    }

    it('has working defaults', () => {
      const s = store();
      s.savePending(record('p', 0), HOUR);
      expect([...s.listPending(1)]).toHaveLength(1);
    });

    it.each([0, -5, 1.5, Number.NaN, Infinity, 2_147_483_648, '1000'])(
      'refuses sweepIntervalMs %p',
      (sweepIntervalMs) => {
        const error = configError({ sweepIntervalMs });
        expect(error.code).toBe('ERR_PAY_INVALID_OPTION');
        expect(error.message).toBe(
          'govuk-pay-express: MemoryStore.sweepIntervalMs must be a whole number of milliseconds from 1 to 2147483647',
        );
      },
    );

    it('refuses a clock that is not a function', () => {
      expect(configError({ now: Date.now() }).message).toContain(
        'MemoryStore.now must be a function',
      );
    });

    it('refuses unknown options, naming them', () => {
      const error = configError({ ttl: 5 });
      expect(error.code).toBe('ERR_PAY_UNKNOWN_OPTION');
      expect(error.message).toBe(
        'govuk-pay-express: MemoryStore.ttl is not an option. The options are: MemoryStore.now, MemoryStore.sweepIntervalMs',
      );
    });

    it('refuses options that are not an object', () => {
      expect(configError(null).code).toBe('ERR_PAY_INVALID_OPTION');
      expect(configError(60_000).code).toBe('ERR_PAY_INVALID_OPTION');
    });
  });
});
