import fc from 'fast-check';
import { PendingIndex } from '../../src/store/pending-index';
import type { PendingEntry } from '../../src/store/pending-index';

function entry(
  paymentId: string,
  createdAt: number,
  expiresAt = Number.MAX_SAFE_INTEGER,
): PendingEntry {
  return {
    record: { paymentId, selfHref: `https://x/${paymentId}`, reference: 'R', amount: 1, createdAt },
    expiresAt,
  };
}

function walk(index: PendingIndex): PendingEntry[] {
  const seen: PendingEntry[] = [];
  let at = index.first();
  while (at !== undefined) {
    seen.push(at);
    at = index.after(at.record.createdAt, at.record.paymentId);
  }
  return seen;
}

function byKey(a: PendingEntry, b: PendingEntry): number {
  if (a.record.createdAt !== b.record.createdAt) return a.record.createdAt - b.record.createdAt;
  return a.record.paymentId < b.record.paymentId
    ? -1
    : a.record.paymentId > b.record.paymentId
      ? 1
      : 0;
}

describe('PendingIndex', () => {
  it('keeps entries in (createdAt, paymentId) order through any mix of inserts and removes', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('insert' as const),
        id: fc.integer({ min: 0, max: 3000 }),
        at: fc.integer({ min: 0, max: 50 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('removeOldest' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const index = new PendingIndex();
        const model = new Map<string, PendingEntry>();
        for (const o of ops) {
          if (o.kind === 'insert') {
            const id = `p${o.id}`;
            const previous = model.get(id);
            if (previous !== undefined) index.remove(previous);
            const e = entry(id, o.at);
            model.set(id, e);
            index.insert(e);
          } else {
            const live = [...model.values()].sort(byKey);
            const victim =
              o.kind === 'removeOldest' ? live[0] : live[o.pick % Math.max(live.length, 1)];
            if (victim === undefined) continue;
            model.delete(victim.record.paymentId);
            index.remove(victim);
          }
        }
        const expected = [...model.values()].sort(byKey);
        expect(index.size).toBe(expected.length);
        expect(walk(index)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('splits into chunks past a thousand entries and still walks every one in order', () => {
    const index = new PendingIndex();
    const all: PendingEntry[] = [];
    // Out of order on purpose: inserts land inside chunks, not only at the end.
    for (let i = 0; i < 5000; i += 1) {
      const e = entry(`p${String(i).padStart(5, '0')}`, (i * 7919) % 5003);
      all.push(e);
      index.insert(e);
    }
    all.sort(byKey);
    expect(walk(index)).toEqual(all);
    for (const e of all.slice(0, 4000)) index.remove(e);
    expect(index.size).toBe(1000);
    expect(index.first()).toBe(all[4000]);
    expect(walk(index)).toEqual(all.slice(4000));
  });

  it('remove ignores an entry that is not the one held under its key', () => {
    const index = new PendingIndex();
    const held = entry('p1', 5);
    index.insert(held);
    index.remove(entry('p1', 5));
    index.remove(entry('p2', 1));
    expect(walk(index)).toEqual([held]);
  });

  it('a reader holding a key neither skips nor repeats entries while others are added and removed', () => {
    const index = new PendingIndex();
    const entries = Array.from({ length: 3000 }, (_, i) =>
      entry(`p${String(i).padStart(5, '0')}`, i),
    );
    for (const e of entries) index.insert(e);
    const yielded: string[] = [];
    let at = index.first();
    let step = 0;
    while (at !== undefined) {
      yielded.push(at.record.paymentId);
      index.remove(at);
      step += 1;
      if (step === 10) {
        // Ahead of the reader: removed ones must not come out, added ones (newer) must.
        for (const e of entries.slice(2000, 2500)) index.remove(e);
        index.insert(entry('late', 99_999));
      }
      at = index.after(at.record.createdAt, at.record.paymentId);
    }
    const expected = [
      ...entries.slice(0, 2000).map((e) => e.record.paymentId),
      ...entries.slice(2500).map((e) => e.record.paymentId),
      'late',
    ];
    expect(yielded).toEqual(expected);
    expect(index.size).toBe(0);
  });

  it('removeWhere drops the picked entries in one pass and keeps the order of the rest', () => {
    const index = new PendingIndex();
    const entries = Array.from({ length: 4000 }, (_, i) =>
      entry(`p${String(i).padStart(5, '0')}`, i, i % 3 === 0 ? 1 : 10),
    );
    for (const e of entries) index.insert(e);
    index.removeWhere((e) => e.expiresAt <= 1);
    const kept = entries.filter((e) => e.expiresAt > 1);
    expect(index.size).toBe(kept.length);
    expect(walk(index)).toEqual(kept);
    index.insert(entry('p00001a', 1));
    expect(walk(index)[1]?.record.paymentId).toBe('p00001a');
    index.clear();
    expect(index.size).toBe(0);
    expect(index.first()).toBeUndefined();
  });
});
