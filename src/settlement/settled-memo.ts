/**
 * The payments this instance has lately seen settled. A commit is final: nothing in the store
 * ever takes a settlement back before its retention runs out, so "settled" seen once by any
 * instance stays true for every instance. Remembering it spares the store a lease attempt on
 * each refresh of a confirmation page, which is most of a return route's store traffic.
 *
 * Bounded in entries and in age, so memory stays flat and a memo never outlives the store's own
 * retention of the settlement it stands for.
 */
export interface SettledMemo {
  has(key: string): boolean;
  add(key: string): void;
}

/** Enough for every confirmation page refreshed within a few minutes on a busy instance. */
export const SETTLED_MEMO_ENTRIES = 10_000;

/** Far below the settlement's 8-day retention, so the store is asked again well before. */
export const SETTLED_MEMO_MS = 5 * 60_000;

export function createSettledMemo(
  now: () => number,
  maxEntries = SETTLED_MEMO_ENTRIES,
  maxAgeMs = SETTLED_MEMO_MS,
): SettledMemo {
  // A Map iterates in insertion order, so its first key is always the oldest entry.
  const seenAt = new Map<string, number>();
  return {
    has(key) {
      const at = seenAt.get(key);
      if (at === undefined) return false;
      if (now() - at < maxAgeMs) return true;
      seenAt.delete(key);
      return false;
    },
    add(key) {
      seenAt.delete(key);
      seenAt.set(key, now());
      if (seenAt.size > maxEntries) {
        const oldest = seenAt.keys().next();
        if (!oldest.done) seenAt.delete(oldest.value);
      }
    },
  };
}
