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
  /**
   * True when every store `createStore` returns is a separate object (its own connection) over
   * the same shared data, as a Redis or PostgreSQL store is. Then the checks that only a shared
   * store can fail run too: two store objects racing for one lease, and data surviving a store
   * being closed and opened again.
   */
  shared?: boolean;
}

/** One conformance check: `run` resolves when the store passes and rejects with why not. */
export interface StoreConformanceCheck {
  readonly name: string;
  run(): Promise<void>;
}

const LONG_TTL_MS = 60 * 60 * 1000;
const SHORT_TTL_MS = 10_000;
const CONCURRENT_CLAIMS = 100;
const CONCURRENT_BEGINS = 50;
const LEASE_MS = 30_000;
const RETENTION_MS = 8 * 24 * 60 * 60 * 1000;
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

  add(
    `beginSettlement: exactly one of ${CONCURRENT_BEGINS} racing begins wins`,
    async (store, ids) => {
      const key = ids('race-begin');
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_BEGINS }, async () => store.beginSettlement(key, LEASE_MS)),
      );
      const won = results.filter((r) => r.status === 'acquired');
      check(won.length === 1, `${won.length} of ${CONCURRENT_BEGINS} racing begins acquired`);
      check(
        results.every((r) => r.status === 'acquired' || (r.status === 'leased' && r.attempt === 1)),
        `the losers saw ${JSON.stringify(results.filter((r) => r.status !== 'acquired'))}`,
      );
      const first = won[0];
      check(
        first?.status === 'acquired' && first.lease.attempt === 1,
        'the first attempt is not 1',
      );
    },
  );

  add(
    'commitSettlement: a committed key stays settled, and cannot be begun again',
    async (store, ids) => {
      const key = ids('commit');
      const begun = await store.beginSettlement(key, LEASE_MS);
      check(begun.status === 'acquired', 'begin on a fresh key did not acquire');
      check(
        (await store.renewSettlement(key, begun.lease.token, LEASE_MS)) === true,
        'the holder could not renew its lease',
      );
      check(
        (await store.commitSettlement(key, begun.lease.token, RETENTION_MS)) === true,
        'the holder could not commit',
      );
      const again = await store.beginSettlement(key, LEASE_MS);
      check(again.status === 'settled', `begin after commit gave ${again.status}`);
      check(
        (await store.renewSettlement(key, begun.lease.token, LEASE_MS)) === false,
        'a committed lease could still be renewed',
      );
      check(
        (await store.commitSettlement(key, begun.lease.token, RETENTION_MS)) === true ||
          (await store.beginSettlement(key, LEASE_MS)).status === 'settled',
        'a second commit unsettled the key',
      );
      await store.releaseSettlement(key, begun.lease.token);
      const afterRelease = await store.beginSettlement(key, LEASE_MS);
      check(afterRelease.status === 'settled', 'release after commit unsettled the key');
    },
  );

  add(
    'releaseSettlement: a released lease is taken again with the next attempt number',
    async (store, ids) => {
      const key = ids('release');
      const first = await store.beginSettlement(key, LEASE_MS);
      check(first.status === 'acquired', 'begin on a fresh key did not acquire');
      await store.releaseSettlement(key, 'not-the-token');
      const blocked = await store.beginSettlement(key, LEASE_MS);
      check(blocked.status === 'leased', 'release with a wrong token dropped the lease');
      await store.releaseSettlement(key, first.lease.token);
      const second = await store.beginSettlement(key, LEASE_MS);
      check(second.status === 'acquired', `begin after release gave ${second.status}`);
      check(
        second.lease.attempt === 2,
        `the attempt after a release is ${second.lease.attempt}, not 2`,
      );
      check(second.lease.token !== first.lease.token, 'a new lease reused the old fencing token');
      check(
        (await store.commitSettlement(key, first.lease.token, RETENTION_MS)) === false,
        'a released holder could still commit',
      );
      check(
        (await store.commitSettlement(key, second.lease.token, RETENTION_MS)) === true,
        'the new holder could not commit',
      );
    },
  );

  add(
    'settlementState (when the store has it): reads unsettled, leased and settled, and changes nothing',
    async (store, ids) => {
      if (store.settlementState === undefined) return;
      const readState = store.settlementState.bind(store);
      const key = ids('state');
      check((await readState(key)) === 'unsettled', 'a key never seen did not read unsettled');
      const first = await store.beginSettlement(key, LEASE_MS);
      check(first.status === 'acquired', 'reading the state of a fresh key took it');
      if (first.status !== 'acquired') return;
      check(first.lease.attempt === 1, 'reading counted an attempt');
      check((await readState(key)) === 'leased', 'a live lease did not read leased');
      await store.releaseSettlement(key, first.lease.token);
      check((await readState(key)) === 'unsettled', 'a released lease did not read unsettled');
      const second = await store.beginSettlement(key, LEASE_MS);
      check(
        second.status === 'acquired' && second.lease.attempt === 2,
        'reading the state changed the attempt count',
      );
      if (second.status !== 'acquired') return;
      check(
        (await store.commitSettlement(key, second.lease.token, RETENTION_MS)) === true,
        'the holder could not commit',
      );
      check((await readState(key)) === 'settled', 'a committed key did not read settled');
    },
  );

  add('settlement keys are independent of each other and of claims', async (store, ids) => {
    const [a, b] = [ids('lease-a'), ids('lease-b')];
    check((await store.beginSettlement(a, LEASE_MS)).status === 'acquired', 'a was not acquired');
    check((await store.beginSettlement(b, LEASE_MS)).status === 'acquired', 'b was not acquired');
    check((await store.claim(a, LEASE_MS)) === true, 'a claim collided with a lease key');
  });

  add(
    'getPending, markDue and listDue: due marks follow the pending record',
    async (store, ids) => {
      const due = record(ids('due'), 0);
      const notDue = record(ids('not-due'), 1);
      await store.savePending(due, LONG_TTL_MS);
      await store.savePending(notDue, LONG_TTL_MS);
      expectRecords([await store.getPending(due.paymentId)], [due], 'getPending');
      check((await store.getPending(ids('unknown'))) === undefined, 'getPending of an unknown id');
      check(
        (await store.markDue(due.paymentId)) === true,
        'markDue of a pending payment was false',
      );
      check(
        (await store.markDue(ids('unknown'))) === false,
        'markDue of an unknown payment was true',
      );
      const listDueOwn = async (): Promise<PaymentRecord[]> => {
        const found: PaymentRecord[] = [];
        for await (const r of store.listDue()) if (ids.owns(r.paymentId)) found.push(r);
        return found;
      };
      expectRecords(await listDueOwn(), [due], 'listDue after markDue');
      await store.deletePending(due.paymentId);
      expectRecords(await listDueOwn(), [], 'listDue after deletePending');
      check((await store.getPending(due.paymentId)) === undefined, 'getPending after delete');
    },
  );

  if (options.shared === true) {
    add(
      'shared: two store objects race for one lease and one claim, and one wins each',
      async (first, ids) => {
        const second = await createStore();
        try {
          const key = ids('shared-lease');
          const begins = await Promise.all(
            Array.from({ length: CONCURRENT_BEGINS }, async (_, i) =>
              (i % 2 === 0 ? first : second).beginSettlement(key, LEASE_MS),
            ),
          );
          const won = begins.filter((r) => r.status === 'acquired').length;
          check(won === 1, `${won} begins won across two store objects`);
          const claimKey = ids('shared-claim');
          const claims = await Promise.all(
            Array.from({ length: CONCURRENT_CLAIMS }, async (_, i) =>
              (i % 2 === 0 ? first : second).claim(claimKey, LONG_TTL_MS),
            ),
          );
          check(claims.filter(Boolean).length === 1, 'claims won across two store objects');
        } finally {
          await second.close?.();
        }
      },
    );

    add(
      'shared: data written by a store object survives its close and is read by a new one',
      async (store, ids) => {
        const kept = record(ids('survives'), 0);
        await store.savePending(kept, LONG_TTL_MS);
        await store.saveReturnId(ids('rid'), kept, LONG_TTL_MS);
        const begun = await store.beginSettlement(ids('settled'), LEASE_MS);
        check(begun.status === 'acquired', 'begin did not acquire');
        await store.commitSettlement(ids('settled'), begun.lease.token, RETENTION_MS);
        await store.close?.();
        const reopened = await createStore();
        try {
          expectRecords(
            await listOwn(reopened, ALL_TIME, ids),
            [kept],
            'listPending after reopening',
          );
          expectRecords(
            [await reopened.getReturnId(ids('rid'))],
            [kept],
            'getReturnId after reopening',
          );
          const again = await reopened.beginSettlement(ids('settled'), LEASE_MS);
          check(again.status === 'settled', `a commit was lost on reopening: ${again.status}`);
        } finally {
          await reopened.close?.();
        }
      },
    );
  }

  const { advanceTime } = options;
  if (advanceTime !== undefined) {
    add(
      'beginSettlement: a lease that runs out is taken again with attempt 2, and the old holder is fenced out',
      async (store, ids) => {
        const key = ids('expiring-lease');
        const first = await store.beginSettlement(key, SHORT_TTL_MS);
        check(first.status === 'acquired', 'begin on a fresh key did not acquire');
        await advanceTime(SHORT_TTL_MS / 2);
        const early = await store.beginSettlement(key, SHORT_TTL_MS);
        check(early.status === 'leased', `a live lease was taken over: ${early.status}`);
        await advanceTime(SHORT_TTL_MS);
        if (store.settlementState !== undefined) {
          check(
            (await store.settlementState(key)) === 'unsettled',
            'a lease that ran out still read leased',
          );
        }
        const second = await store.beginSettlement(key, SHORT_TTL_MS);
        check(second.status === 'acquired', `an expired lease was not taken: ${second.status}`);
        check(second.lease.attempt === 2, `the attempt after expiry is ${second.lease.attempt}`);
        check(
          (await store.renewSettlement(key, first.lease.token, SHORT_TTL_MS)) === false,
          'the old holder renewed a lease it had lost',
        );
        check(
          (await store.commitSettlement(key, first.lease.token, RETENTION_MS)) === false,
          'the old holder committed a lease it had lost',
        );
        const still = await store.beginSettlement(key, SHORT_TTL_MS);
        check(still.status === 'leased', 'the fenced-out commit changed the key');
        check(
          (await store.commitSettlement(key, second.lease.token, RETENTION_MS)) === true,
          'the new holder could not commit',
        );
      },
    );

    add('renewSettlement: a renewed lease outlives its first term', async (store, ids) => {
      const key = ids('renewed');
      const first = await store.beginSettlement(key, SHORT_TTL_MS);
      check(first.status === 'acquired', 'begin did not acquire');
      await advanceTime(SHORT_TTL_MS * 0.75);
      check(
        (await store.renewSettlement(key, first.lease.token, SHORT_TTL_MS)) === true,
        'renew failed',
      );
      await advanceTime(SHORT_TTL_MS * 0.75);
      const other = await store.beginSettlement(key, SHORT_TTL_MS);
      check(other.status === 'leased', `a renewed lease was taken over: ${other.status}`);
    });

    add(
      'commitSettlement: a committed key stays settled for its whole retention period',
      async (store, ids) => {
        const key = ids('retained');
        const begun = await store.beginSettlement(key, SHORT_TTL_MS);
        check(begun.status === 'acquired', 'begin did not acquire');
        check(
          (await store.commitSettlement(key, begun.lease.token, SHORT_TTL_MS * 20)) === true,
          'commit failed',
        );
        // Far past the lease, just short of the retention.
        await advanceTime(SHORT_TTL_MS * 19);
        const later = await store.beginSettlement(key, SHORT_TTL_MS);
        check(
          later.status === 'settled',
          `a commit was forgotten before its retention: ${later.status}`,
        );
      },
    );

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
