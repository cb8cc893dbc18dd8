import { FINGERPRINT_MEMO_SIZE } from '../../src/settlement/fingerprint';
import { accountFingerprint, createLogFingerprint } from '../../src/settlement';

describe('createLogFingerprint', () => {
  it('is stable for one secret, differs by secret, and does not contain the id', () => {
    const id = 'hu20sqlact5260q2nanm0q8u93';
    const a = createLogFingerprint('a'.repeat(32));
    const b = createLogFingerprint('b'.repeat(32));
    expect(a(id)).toBe(a(id));
    expect(a(id)).not.toBe(b(id));
    expect(a(id)).not.toBe(a(`${id}x`));
    expect(a(id)).toHaveLength(12);
    expect(a(id)).not.toContain(id.slice(0, 6));
  });
});

describe('accountFingerprint', () => {
  it('names the account without containing the key', () => {
    const key = `api_test_${'a1'.repeat(29)}`;
    const fingerprint = accountFingerprint(key);
    expect(fingerprint).toMatch(/^acct_[A-Za-z0-9_-]{16}$/);
    expect(fingerprint).toBe(accountFingerprint(key));
    expect(fingerprint).not.toBe(accountFingerprint(`${key}b`));
  });
});

describe('createLogFingerprint memo', () => {
  it('answers the same as a fresh one, for remembered, forgotten and re-added ids', () => {
    const secret = 'c'.repeat(32);
    const memoised = createLogFingerprint(secret);
    const ids = Array.from({ length: FINGERPRINT_MEMO_SIZE + 50 }, (_, i) => `pay${i}`);
    const first = ids.map(memoised);
    // Past the bound the oldest are forgotten and computed again: the answers must not change.
    const again = ids.map(memoised);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(ids.length);
    for (const [i, id] of ids.entries()) {
      if (i % 97 === 0) expect(createLogFingerprint(secret)(id)).toBe(first[i]);
    }
  });
});
