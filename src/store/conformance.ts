import { randomUUID } from 'node:crypto';
import type { Awaitable, PaymentRecord, PaymentStore } from './types.js';

/** Options of {@link storeConformanceChecks}. */
export interface StoreConformanceOptions {
  /**
   * Moves the clock of the stores under test forward by `ms` milliseconds. When given, the
   * TTL checks run; a store on real time can pass a function that sleeps. When left out, the
   * TTL checks are not returned at all, rather than passing without testing anything.
   */
  advanceTime?: (ms: number) => Awaitable<void>;
}

/** One conformance check: `run` resolves when the store passes and rejects with why not. */
export interface StoreConformanceCheck {
  readonly name: string;
  run(): Promise<void>;
}

const LONG_TTL_MS = 60 * 60 * 1000;
const SHORT_TTL_MS = 10_000;
const CONCURRENT_CLAIMS = 100;
const BASE_TIME = Date.UTC(2026, 0, 15, 9, 0);
const ALL_TIME = Number.MAX_SAFE_INTEGER;

/**
 * The checks every {@link PaymentStore} must pass, framework-agnostic: run each `run()` from any
 * test runner. Each check gets a fresh store from `createStore` and closes it afterwards. Keys
 * carry a random prefix, and only records with that prefix are looked at, so a store shared
 * with other data (a Redis database) can be checked too.
 *
 * ```ts
 * for (const check of storeConformanceChecks(() => new MyStore(), { advanceTime })) {
 *   it(check.name, () => check.run());
 * }
 * ```
 */
export function storeConformanceChecks(
  createStore: () => Awaitable<PaymentStore>,
  options: StoreConformanceOptions = {},
): StoreConformanceCheck[] {
  const checks: StoreConformanceCheck[] = [];
  const add = (name: string, body: (store: PaymentStore, ids: IdMaker) => Promise<void>): void => {
    checks.push({
      name,
      async run() {
        const store = await createStore();
        try {
          await body(store, idMaker());
        } finally {
          await store.close?.();
        }
      },
    });
  };

  add(
    'savePending: a record reads back from listPending unchanged, accountId included',
    async (store, ids) => {
      const plain = record(ids('plain'), 0);
      const withAccount = { ...record(ids('account'), 1), accountId: 'acct-7f3a9c' };
      await store.savePending(plain, LONG_TTL_MS);
      await store.savePending(withAccount, LONG_TTL_MS);
      const listed = await listOwn(store, ALL_TIME, ids);
      expectRecords(listed, [plain, withAccount], 'listPending after two savePending calls');
    },
  );

  add(
    'listPending: yields only records created strictly before createdBefore',
    async (store, ids) => {
      const records = [0, 1, 2, 3, 4].map((minute) => record(ids(`m${minute}`), minute));
      for (const r of records) await store.savePending(r, LONG_TTL_MS);
      const cutoff = BASE_TIME + 2 * 60_000;
      expectRecords(
        await listOwn(store, cutoff, ids),
        records.slice(0, 2),
        'listPending(createdBefore = minute 2)',
      );
      expectRecords(
        await listOwn(store, BASE_TIME, ids),
        [],
        'listPending(createdBefore = minute 0)',
      );
      expectRecords(await listOwn(store, ALL_TIME, ids), records, 'listPending(far future)');
    },
  );

  add('listPending: yields only pending payments, not return ids or claims', async (store, ids) => {
    const pending = record(ids('pending'), 0);
    await store.savePending(pending, LONG_TTL_MS);
    await store.saveReturnId(ids('return-id'), record(ids('via-return-id'), 1), LONG_TTL_MS);
    await store.claim(ids('claimed'), LONG_TTL_MS);
    expectRecords(await listOwn(store, ALL_TIME, ids), [pending], 'listPending');
  });

  add(
    'deletePending: forgets one payment, leaves the others, and ignores unknown ids',
    async (store, ids) => {
      const [a, b, c] = [0, 1, 2].map((minute) => record(ids(`p${minute}`), minute)) as [
        PaymentRecord,
        PaymentRecord,
        PaymentRecord,
      ];
      for (const r of [a, b, c]) await store.savePending(r, LONG_TTL_MS);
      await store.deletePending(b.paymentId);
      await store.deletePending(b.paymentId);
      await store.deletePending(ids('never-saved'));
      expectRecords(await listOwn(store, ALL_TIME, ids), [a, c], 'listPending after deletePending');
    },
  );

  add(
    'savePending: saving a payment id again replaces its record, never duplicates it',
    async (store, ids) => {
      const first = record(ids('same'), 0);
      const second = { ...first, reference: 'REF-REPLACED', amount: 999, createdAt: BASE_TIME + 5 };
      await store.savePending(first, LONG_TTL_MS);
      await store.savePending(second, LONG_TTL_MS);
      expectRecords(
        await listOwn(store, ALL_TIME, ids),
        [second],
        'listPending after saving twice',
      );
    },
  );

  add('listPending: keeps streaming while records are deleted and added', async (store, ids) => {
    const count = 120;
    const records = Array.from({ length: count }, (_, i) => record(ids(`s${i}`), i));
    for (const r of records) await store.savePending(r, LONG_TTL_MS);
    const deletedAhead = new Set(records.slice(100).map((r) => r.paymentId));
    const seen = new Set<string>();
    for await (const r of store.listPending(ALL_TIME)) {
      if (!ids.owns(r.paymentId)) continue;
      check(!seen.has(r.paymentId), `listPending yielded ${r.paymentId} twice`);
      seen.add(r.paymentId);
      // What reconciliation does: settle, then forget, the record just read.
      await store.deletePending(r.paymentId);
      if (seen.size === 1) {
        for (const id of deletedAhead) await store.deletePending(id);
        await store.savePending(record(ids('added-during'), count + 1), LONG_TTL_MS);
      }
    }
    for (const r of records.slice(0, 100)) {
      check(
        seen.has(r.paymentId),
        `listPending skipped ${r.paymentId} while earlier records were deleted`,
      );
    }
    // Records deleted ahead of the iteration may still come out of a store that reads in pages,
    // which is harmless (settlement is claimed); they must not come out of a fresh listing.
    const after = await listOwn(store, ALL_TIME, ids);
    check(
      after.every((r) => r.paymentId === ids('added-during')),
      `listPending after the streaming deletes still yields ${JSON.stringify(after.map((r) => r.paymentId))}`,
    );
  });

  add('listPending: stopping part way leaves every record in place', async (store, ids) => {
    const records = [0, 1, 2, 3].map((minute) => record(ids(`b${minute}`), minute));
    for (const r of records) await store.savePending(r, LONG_TTL_MS);
    for await (const r of store.listPending(ALL_TIME)) {
      if (ids.owns(r.paymentId)) break;
    }
    expectRecords(await listOwn(store, ALL_TIME, ids), records, 'listPending after an early break');
  });

  add(
    'saveReturnId: getReturnId gives the record back unchanged; unknown ids give undefined',
    async (store, ids) => {
      const plain = record(ids('r1'), 0);
      const withAccount = { ...record(ids('r2'), 1), accountId: 'acct-2' };
      await store.saveReturnId(ids('return-1'), plain, LONG_TTL_MS);
      await store.saveReturnId(ids('return-2'), withAccount, LONG_TTL_MS);
      expectRecords([await store.getReturnId(ids('return-1'))], [plain], 'getReturnId(return-1)');
      expectRecords(
        [await store.getReturnId(ids('return-2'))],
        [withAccount],
        'getReturnId(return-2)',
      );
      const unknown = await store.getReturnId(ids('return-unknown'));
      check(unknown === undefined, `getReturnId of an unknown id gave ${JSON.stringify(unknown)}`);
    },
  );

  add(
    'records: changing an object after saving it, or after reading it, does not change the store',
    async (store, ids) => {
      const original = record(ids('copy'), 0);
      const saved = { ...original };
      await store.savePending(saved, LONG_TTL_MS);
      await store.saveReturnId(ids('copy-return'), saved, LONG_TTL_MS);
      saved.amount = 1;
      const read = await store.getReturnId(ids('copy-return'));
      if (read !== undefined) read.reference = 'CHANGED';
      for (const r of await listOwn(store, ALL_TIME, ids)) r.reference = 'CHANGED';
      expectRecords(await listOwn(store, ALL_TIME, ids), [original], 'listPending');
      expectRecords([await store.getReturnId(ids('copy-return'))], [original], 'getReturnId');
    },
  );

  add(`claim: exactly one of ${CONCURRENT_CLAIMS} concurrent claims wins`, async (store, ids) => {
    const key = ids('settled');
    const wins = await concurrentClaims(store, key);
    check(
      wins === 1,
      `${wins} of ${CONCURRENT_CLAIMS} concurrent claims of one key succeeded; exactly 1 must`,
    );
    check((await store.claim(key, LONG_TTL_MS)) === false, 'a claim of a held key succeeded');
  });

  add(
    'release: a released claim can be claimed again, by exactly one caller',
    async (store, ids) => {
      const key = ids('retry');
      check(
        (await store.claim(key, LONG_TTL_MS)) === true,
        'the first claim of a fresh key failed',
      );
      await store.release(key);
      const wins = await concurrentClaims(store, key);
      check(
        wins === 1,
        `${wins} of ${CONCURRENT_CLAIMS} concurrent claims after release succeeded; exactly 1 must`,
      );
    },
  );

  add('claim: separate keys are independent', async (store, ids) => {
    const [a, b] = [ids('key-a'), ids('key-b')];
    check((await store.claim(a, LONG_TTL_MS)) === true, 'claiming key a failed');
    check(
      (await store.claim(b, LONG_TTL_MS)) === true,
      'claiming key b failed while only key a was held',
    );
    await store.release(a);
    check((await store.claim(b, LONG_TTL_MS)) === false, 'releasing key a released key b too');
    check(
      (await store.claim(a, LONG_TTL_MS)) === true,
      'key a could not be claimed after its release',
    );
  });

  add('release: releasing a key that is not held is harmless', async (store, ids) => {
    await store.release(ids('never-claimed'));
    check(
      (await store.claim(ids('never-claimed'), LONG_TTL_MS)) === true,
      'claim after a stray release failed',
    );
  });

  const { advanceTime } = options;
  if (advanceTime !== undefined) {
    add('claim: a claim expires after its ttl, and not before', async (store, ids) => {
      const key = ids('ttl-claim');
      check((await store.claim(key, SHORT_TTL_MS)) === true, 'the first claim failed');
      await advanceTime(SHORT_TTL_MS / 2);
      check((await store.claim(key, SHORT_TTL_MS)) === false, 'a claim was lost before its ttl');
      await advanceTime(SHORT_TTL_MS);
      check(
        (await store.claim(key, SHORT_TTL_MS)) === true,
        'a claim was still held after its ttl',
      );
    });

    add('claim: each claim keeps its own ttl', async (store, ids) => {
      const [short, long] = [ids('short'), ids('long')];
      await store.claim(short, SHORT_TTL_MS);
      await store.claim(long, SHORT_TTL_MS * 6);
      await advanceTime(SHORT_TTL_MS * 3);
      check((await store.claim(short, SHORT_TTL_MS)) === true, 'the short claim outlived its ttl');
      check(
        (await store.claim(long, SHORT_TTL_MS)) === false,
        'the long claim expired with the short one',
      );
    });

    add(
      'savePending: a pending record expires after its ttl, and not before',
      async (store, ids) => {
        const kept = record(ids('kept'), 0);
        const expiring = record(ids('expiring'), 1);
        await store.savePending(kept, LONG_TTL_MS);
        await store.savePending(expiring, SHORT_TTL_MS);
        await advanceTime(SHORT_TTL_MS / 2);
        expectRecords(
          await listOwn(store, ALL_TIME, ids),
          [kept, expiring],
          'listPending before the ttl',
        );
        await advanceTime(SHORT_TTL_MS);
        expectRecords(await listOwn(store, ALL_TIME, ids), [kept], 'listPending after the ttl');
      },
    );

    add('saveReturnId: a return id expires after its ttl, and not before', async (store, ids) => {
      const r = record(ids('ttl-return'), 0);
      await store.saveReturnId(ids('rid'), r, SHORT_TTL_MS);
      await advanceTime(SHORT_TTL_MS / 2);
      expectRecords([await store.getReturnId(ids('rid'))], [r], 'getReturnId before the ttl');
      await advanceTime(SHORT_TTL_MS);
      const expired = await store.getReturnId(ids('rid'));
      check(expired === undefined, 'getReturnId still gave a record after its ttl');
    });
  }

  return checks;
}

interface IdMaker {
  (name: string): string;
  owns(id: string): boolean;
}

/** Ids unique to one check run, so a shared store's other data never interferes. */
function idMaker(): IdMaker {
  const prefix = `conformance-${randomUUID().slice(0, 8)}-`;
  return Object.assign((name: string) => `${prefix}${name}`, {
    owns: (id: string) => id.startsWith(prefix),
  });
}

function record(paymentId: string, minute: number): PaymentRecord {
  return {
    paymentId,
    selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${paymentId}`,
    reference: `REF-${minute}`,
    amount: 1_000 + minute,
    createdAt: BASE_TIME + minute * 60_000,
  };
}

async function listOwn(
  store: PaymentStore,
  createdBefore: number,
  ids: IdMaker,
): Promise<PaymentRecord[]> {
  const records: PaymentRecord[] = [];
  for await (const r of store.listPending(createdBefore)) {
    if (ids.owns(r.paymentId)) records.push(r);
  }
  return records;
}

async function concurrentClaims(store: PaymentStore, key: string): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: CONCURRENT_CLAIMS }, async () => store.claim(key, LONG_TTL_MS)),
  );
  return results.filter((won) => won === true).length;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`store conformance: ${message}`);
}

/** Same records, same fields (no extra keys, not even undefined ones), in any order. */
function expectRecords(
  actual: readonly (PaymentRecord | undefined)[],
  expected: readonly PaymentRecord[],
  what: string,
): void {
  const canonical = (r: PaymentRecord | undefined): string =>
    r === undefined
      ? 'undefined'
      : JSON.stringify(
          Object.keys(r)
            .sort()
            .map((key) => [key, (r as unknown as Record<string, unknown>)[key]]),
        );
  const got = actual.map(canonical).sort();
  const want = expected.map(canonical).sort();
  check(
    got.length === want.length && got.every((value, i) => value === want[i]),
    `${what} gave ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
  );
}
