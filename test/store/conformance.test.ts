import { MemoryStore, storeConformanceChecks } from '../../src/store';
import type { PaymentRecord, PaymentStore, SettlementBegin } from '../../src/store';

/** A store shaped like a networked one: every answer is a promise, listPending is async. */
class AsyncStore implements PaymentStore {
  constructor(protected readonly inner: MemoryStore) {}
  async savePending(record: PaymentRecord, ttlMs: number): Promise<void> {
    await tick();
    this.inner.savePending(record, ttlMs);
  }
  async deletePending(paymentId: string): Promise<void> {
    await tick();
    this.inner.deletePending(paymentId);
  }
  async *listPending(createdBefore: number): AsyncGenerator<PaymentRecord> {
    for (const record of this.inner.listPending(createdBefore)) {
      await tick();
      yield record;
    }
  }
  async saveReturnId(returnId: string, record: PaymentRecord, ttlMs: number): Promise<void> {
    await tick();
    this.inner.saveReturnId(returnId, record, ttlMs);
  }
  async getReturnId(returnId: string): Promise<PaymentRecord | undefined> {
    await tick();
    return this.inner.getReturnId(returnId);
  }
  async claim(key: string, ttlMs: number): Promise<boolean> {
    await tick();
    return this.inner.claim(key, ttlMs);
  }
  async release(key: string): Promise<void> {
    await tick();
    this.inner.release(key);
  }
  async beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> {
    await tick();
    return this.inner.beginSettlement(key, leaseMs);
  }
  async renewSettlement(key: string, token: string, leaseMs: number): Promise<boolean> {
    await tick();
    return this.inner.renewSettlement(key, token, leaseMs);
  }
  async commitSettlement(key: string, token: string, retentionMs: number): Promise<boolean> {
    await tick();
    return this.inner.commitSettlement(key, token, retentionMs);
  }
  async releaseSettlement(key: string, token: string): Promise<void> {
    await tick();
    this.inner.releaseSettlement(key, token);
  }
  async getPending(paymentId: string): Promise<PaymentRecord | undefined> {
    await tick();
    return this.inner.getPending(paymentId);
  }
  async markDue(paymentId: string): Promise<boolean> {
    await tick();
    return this.inner.markDue(paymentId);
  }
  async *listDue(): AsyncGenerator<PaymentRecord> {
    for (const record of this.inner.listDue()) {
      await tick();
      yield record;
    }
  }
  async close(): Promise<void> {
    await tick();
    this.inner.close();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Read-then-write over an async boundary: the classic lost-update race. */
class RacyClaimStore extends AsyncStore {
  readonly #held = new Set<string>();
  override async claim(key: string): Promise<boolean> {
    const taken = this.#held.has(key);
    await tick();
    if (taken) return false;
    this.#held.add(key);
    return true;
  }
  override async release(key: string): Promise<void> {
    this.#held.delete(key);
  }
}

/** Claims that never expire. */
class ImmortalClaimStore extends AsyncStore {
  override async claim(key: string): Promise<boolean> {
    return this.inner.claim(key, Number.MAX_SAFE_INTEGER);
  }
}

/** Read-then-write lease: two racing begins both acquire. */
class RacyLeaseStore extends AsyncStore {
  override async beginSettlement(key: string): Promise<SettlementBegin> {
    const seen = this.inner.beginSettlement(`peek:${key}`, 1);
    await tick();
    if (seen.status === 'acquired') this.inner.releaseSettlement(`peek:${key}`, seen.lease.token);
    return { status: 'acquired', lease: { token: String(Math.random()), attempt: 1 } };
  }
}

/** Commits whoever asks: no fencing. */
class UnfencedCommitStore extends AsyncStore {
  readonly #settled = new Set<string>();
  override async beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> {
    if (this.#settled.has(key)) return { status: 'settled' };
    return super.beginSettlement(key, leaseMs);
  }
  override async commitSettlement(key: string): Promise<boolean> {
    this.#settled.add(key);
    return true;
  }
}

/** Forgets the attempt count when a lease is released. */
class ForgetfulAttemptStore extends AsyncStore {
  override async releaseSettlement(key: string, token: string): Promise<void> {
    this.inner.releaseSettlement(key, token);
    this.inner.sweep();
    (this.inner as unknown as { forget?: (key: string) => void }).forget?.(key);
  }
  override async beginSettlement(key: string, leaseMs: number): Promise<SettlementBegin> {
    const begun = await super.beginSettlement(key, leaseMs);
    return begun.status === 'acquired'
      ? { status: 'acquired', lease: { token: begun.lease.token, attempt: 1 } }
      : begun;
  }
}

/** Release does nothing. */
class StickyClaimStore extends AsyncStore {
  override async release(): Promise<void> {}
}

/** A plain array walked by index while deletes splice it: records get skipped. */
class SplicingListStore extends AsyncStore {
  readonly #records: PaymentRecord[] = [];
  override async savePending(record: PaymentRecord): Promise<void> {
    const index = this.#records.findIndex((r) => r.paymentId === record.paymentId);
    if (index === -1) this.#records.push({ ...record });
    else this.#records[index] = { ...record };
  }
  override async deletePending(paymentId: string): Promise<void> {
    const index = this.#records.findIndex((r) => r.paymentId === paymentId);
    if (index !== -1) this.#records.splice(index, 1);
  }
  override async *listPending(createdBefore: number): AsyncGenerator<PaymentRecord> {
    for (let i = 0; i < this.#records.length; i++) {
      const record = this.#records[i] as PaymentRecord;
      if (record.createdAt < createdBefore) yield { ...record };
    }
  }
}

/** Ignores createdBefore. */
class UnfilteredListStore extends AsyncStore {
  override listPending(): AsyncGenerator<PaymentRecord> {
    return super.listPending(Number.MAX_SAFE_INTEGER);
  }
}

/** Hands out the objects it holds. */
class SharedObjectStore extends AsyncStore {
  readonly #byReturnId = new Map<string, PaymentRecord>();
  override async saveReturnId(returnId: string, record: PaymentRecord): Promise<void> {
    this.#byReturnId.set(returnId, record);
  }
  override async getReturnId(returnId: string): Promise<PaymentRecord | undefined> {
    return this.#byReturnId.get(returnId);
  }
}

/** Serialises a missing accountId as an explicit undefined. */
class UndefinedAccountStore extends AsyncStore {
  override async getReturnId(returnId: string): Promise<PaymentRecord | undefined> {
    const record = this.inner.getReturnId(returnId);
    return record && ({ ...record, accountId: record.accountId } as PaymentRecord);
  }
}

/** Return ids that never expire. */
class ImmortalReturnIdStore extends AsyncStore {
  override async saveReturnId(returnId: string, record: PaymentRecord): Promise<void> {
    this.inner.saveReturnId(returnId, record, Number.MAX_SAFE_INTEGER);
  }
}

type StoreClass = new (inner: MemoryStore) => AsyncStore;

async function failuresOf(Store: StoreClass): Promise<Map<string, string>> {
  let time = Date.UTC(2026, 0, 1);
  const checks = storeConformanceChecks(() => new Store(new MemoryStore({ now: () => time })), {
    advanceTime: async (ms) => {
      await tick();
      time += ms;
    },
  });
  const failures = new Map<string, string>();
  for (const check of checks) {
    await check.run().catch((err: unknown) => {
      expect(err).toBeInstanceOf(Error);
      failures.set(check.name, (err as Error).message);
    });
  }
  return failures;
}

describe('storeConformanceChecks', () => {
  it('passes a correct store whose every method is asynchronous', async () => {
    expect([...(await failuresOf(AsyncStore)).entries()]).toEqual([]);
  });

  it('leaves out the TTL checks, rather than faking a pass, when time cannot be advanced', () => {
    const withoutTime = storeConformanceChecks(() => new MemoryStore()).map((c) => c.name);
    const withTime = storeConformanceChecks(() => new MemoryStore(), {
      advanceTime: () => undefined,
    }).map((c) => c.name);
    expect(withTime.length).toBeGreaterThan(withoutTime.length);
    expect(withoutTime.some((name) => /\bttl\b/.test(name))).toBe(false);
    expect(withTime.filter((name) => !withoutTime.includes(name))).toHaveLength(7);
  });

  it('closes every store it creates, even when a check fails', async () => {
    const closed: boolean[] = [];
    class Tracked extends RacyClaimStore {
      override async close(): Promise<void> {
        closed.push(true);
        await super.close();
      }
    }
    const checks = storeConformanceChecks(() => new Tracked(new MemoryStore()));
    await Promise.allSettled(checks.map((c) => c.run()));
    expect(closed).toHaveLength(checks.length);
  });

  it.each([
    ['a racy claim', RacyClaimStore, /^claim: exactly one of 100/, /\d+ of 100 concurrent claims/],
    [
      'claims that never expire',
      ImmortalClaimStore,
      /^claim: a claim expires/,
      /still held after its ttl/,
    ],
    ['a release that does nothing', StickyClaimStore, /^release: a released claim/, /0 of 100/],
    ['a list broken by deletes', SplicingListStore, /^listPending: keeps streaming/, /skipped/],
    [
      'a list that ignores createdBefore',
      UnfilteredListStore,
      /^listPending: yields only records created strictly before/,
      /createdBefore = minute 2/,
    ],
    ['shared objects', SharedObjectStore, /^records: changing an object/, /getReturnId/],
    [
      'an explicit undefined accountId',
      UndefinedAccountStore,
      /^saveReturnId: getReturnId gives the record back/,
      /getReturnId\(return-1\)/,
    ],
    ['a racy lease', RacyLeaseStore, /^beginSettlement: exactly one of 50/, /50 of 50/],
    [
      'an unfenced commit',
      UnfencedCommitStore,
      /^releaseSettlement: a released lease/,
      /released holder could still commit/,
    ],
    [
      'an attempt count that restarts',
      ForgetfulAttemptStore,
      /^releaseSettlement: a released lease/,
      /attempt after a release is 1/,
    ],
    [
      'return ids that never expire',
      ImmortalReturnIdStore,
      /^saveReturnId: a return id expires/,
      /after its ttl/,
    ],
  ] as const)('catches %s', async (_name, Store, checkName, message) => {
    const failures = await failuresOf(Store);
    const failed = [...failures.entries()].find(([name]) => checkName.test(name));
    expect(failed).toBeDefined();
    expect(failed?.[1]).toMatch(/^store conformance: /);
    expect(failed?.[1]).toMatch(message);
  });
});
