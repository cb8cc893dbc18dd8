import { createSettledMemo, SETTLED_MEMO_MS } from '../../src/settlement/settled-memo';

describe('createSettledMemo', () => {
  it('remembers a key until it is older than the age limit', () => {
    let time = 1_000;
    const memo = createSettledMemo(() => time);
    expect(memo.has('a')).toBe(false);
    memo.add('a');
    time += SETTLED_MEMO_MS - 1;
    expect(memo.has('a')).toBe(true);
    time += 1;
    expect(memo.has('a')).toBe(false);
  });

  it('forgets the oldest key first once full, so memory stays bounded', () => {
    const memo = createSettledMemo(() => 0, 3, 60_000);
    for (const key of ['a', 'b', 'c', 'd']) memo.add(key);
    expect(['a', 'b', 'c', 'd'].map((k) => memo.has(k))).toEqual([false, true, true, true]);
  });

  it('counts a key added again as new, so a busy key is not the first evicted', () => {
    const memo = createSettledMemo(() => 0, 2, 60_000);
    memo.add('a');
    memo.add('b');
    memo.add('a');
    memo.add('c');
    expect([memo.has('a'), memo.has('b'), memo.has('c')]).toEqual([true, false, true]);
  });
});
