import fc from 'fast-check';
import { createPaymentCookieSealer, MAX_SEALED_COOKIE_LENGTH } from '../../src/cookie';
import type { PaymentRecord } from '../../src/store/types';
import { COOKIE_NAME, RECORD, SECRET_A, SECRET_B, SECRET_C, sealRaw } from './fixtures';

const HOUR = 60 * 60 * 1000;
const cookie = createPaymentCookieSealer({
  secrets: [SECRET_A, SECRET_B],
  cookieName: COOKIE_NAME,
});

/** Any UTF-16 code unit, lone surrogates included: references are arbitrary JS strings. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const text = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength }),
    fc.string({ minLength: 1, maxLength, unit: codeUnit }),
  );

const paymentRecord: fc.Arbitrary<PaymentRecord> = fc
  .record(
    {
      paymentId: text(64),
      selfHref: fc.oneof(
        fc.webUrl({ validSchemes: ['http', 'https'] }).filter((url) => !/["\\\s]/.test(url)),
        fc
          .string({ minLength: 1, maxLength: 60, unit: 'grapheme-ascii' })
          .map(
            (tail) =>
              `https://publicapi.payments.service.gov.uk/v1/payments/${encodeURIComponent(tail)}`,
          ),
      ),
      reference: text(255),
      amount: fc.integer({ min: 1, max: 10_000_000 }),
      // -0 is left out: JSON has no negative zero, and no clock gives one.
      createdAt: fc.oneof(
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
      ),
      accountId: text(64),
    },
    { requiredKeys: ['paymentId', 'selfHref', 'reference', 'amount', 'createdAt'] },
  )
  .filter((record) => record.selfHref.length <= 2048);

/** The exact length of the value sealed from `record`, from the size of its plaintext. */
function expectedSealedLength(record: PaymentRecord, expiresAt: number): number {
  const fields: unknown[] = [
    expiresAt,
    record.paymentId,
    record.selfHref,
    record.reference,
    record.amount,
    record.createdAt,
  ];
  if (record.accountId !== undefined) fields.push(record.accountId);
  const bytes = Buffer.byteLength(JSON.stringify(fields), 'utf8');
  return 'v1.'.length + 9 + 17 + Math.ceil((bytes * 4) / 3) + 1 + 22;
}

describe('payment cookie properties', () => {
  it('round-trips any valid payment record, or refuses to seal one too long for a browser', () => {
    const now = Date.UTC(2026, 0, 1);
    const fixed = createPaymentCookieSealer({
      secrets: [SECRET_A],
      cookieName: COOKIE_NAME,
      now: () => now,
    });
    fc.assert(
      fc.property(paymentRecord, (record) => {
        if (expectedSealedLength(record, now + HOUR) > MAX_SEALED_COOKIE_LENGTH) {
          expect(() => fixed.seal(record, HOUR)).toThrow(RangeError);
          return;
        }
        const value = fixed.seal(record, HOUR);
        expect(value.length).toBeLessThanOrEqual(MAX_SEALED_COOKIE_LENGTH);
        expect(fixed.unseal(value)).toStrictEqual({ ...record });
      }),
      { numRuns: 2_000 },
    );
  });

  it('always seals a realistic record, even a 255-character non-ASCII reference', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 255, maxLength: 255, unit: fc.constantFrom('é', '€', '語', 'a') }),
        (reference) => {
          const record = { ...RECORD, reference, accountId: 'a'.repeat(64) };
          expect(cookie.unseal(cookie.seal(record, HOUR))).toEqual(record);
        },
      ),
      { numRuns: 100 },
    );
  });

  describe('10,000+ random and mutated cookies all read as no cookie, without throwing', () => {
    const valid = cookie.seal(RECORD, HOUR);
    const byOtherKey = createPaymentCookieSealer({ secrets: [SECRET_C], cookieName: COOKIE_NAME });
    const forOtherName = createPaymentCookieSealer({
      secrets: [SECRET_A, SECRET_B],
      cookieName: 'other',
    });
    const base64urlChar = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.',
    );

    const bitFlip = fc.integer({ min: 0, max: valid.length * 8 - 1 }).map((bit) => {
      const bytes = Buffer.from(valid, 'latin1');
      bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
      return bytes.toString('latin1');
    });
    const decodedBitFlip = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.nat())
      .map(([partIndex, bitSeed]) => {
        const pieces = valid.split('.');
        const bytes = Buffer.from(pieces[partIndex] as string, 'base64url');
        const bit = bitSeed % (bytes.length * 8);
        bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
        pieces[partIndex] = bytes.toString('base64url');
        return pieces.join('.');
      });
    const substitution = fc
      .tuple(fc.nat({ max: valid.length - 1 }), base64urlChar)
      .map(([index, char]) => valid.slice(0, index) + char + valid.slice(index + 1));
    const insertion = fc
      .tuple(fc.nat({ max: valid.length }), fc.string({ minLength: 1, maxLength: 8 }))
      .map(([index, extra]) => valid.slice(0, index) + extra + valid.slice(index));
    const deletion = fc
      .tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 1, max: 40 }))
      .map(([index, count]) => valid.slice(0, index) + valid.slice(index + count));
    const truncation = fc.nat({ max: valid.length - 1 }).map((length) => valid.slice(0, length));
    const otherKey = fc.constant(null).map(() => byOtherKey.seal(RECORD, HOUR));
    const otherName = fc.constant(null).map(() => forOtherName.seal(RECORD, HOUR));
    const huge = fc
      .tuple(fc.integer({ min: MAX_SEALED_COOKIE_LENGTH + 1, max: 200_000 }), base64urlChar)
      .map(([length, char]) => valid + char.repeat(length - valid.length));
    const hugeAuthentic = fc
      .integer({ min: 3_100, max: 6_000 })
      .map((length) =>
        sealRaw(
          SECRET_A,
          COOKIE_NAME,
          JSON.stringify([Date.now() + HOUR, 'id', RECORD.selfHref, 'r'.repeat(length), 1, 0]),
        ),
      );
    const randomString = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 400, unit: 'binary' }),
      fc.string({ maxLength: 400, unit: base64urlChar }),
    );
    const wellShapedRandom = fc
      .tuple(
        fc.constantFrom(valid.split('.')[1] as string, 'AAAAAAAA'),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
      )
      .map(([kid, iv, ct, tag]) =>
        [
          'v1',
          kid,
          Buffer.from(iv).toString('base64url'),
          Buffer.from(ct).toString('base64url'),
          Buffer.from(tag).toString('base64url'),
        ].join('.'),
      );
    const authenticGarbage = fc
      .jsonValue()
      .map((payload) => sealRaw(SECRET_A, COOKIE_NAME, JSON.stringify(payload) ?? 'null'));
    const notAString = fc.anything().filter((value) => typeof value !== 'string');

    it.each([
      ['bit flips anywhere in the string', bitFlip, 1_500],
      ['bit flips in the decoded bytes of a part', decodedBitFlip, 1_500],
      ['character substitutions', substitution, 1_500],
      ['insertions', insertion, 800],
      ['deletions', deletion, 800],
      ['truncations', truncation, 500],
      ['values sealed by another key', otherKey, 200],
      ['values sealed for another cookie name', otherName, 200],
      ['huge values', huge, 300],
      ['authentic values too long for a browser', hugeAuthentic, 200],
      ['random strings', randomString, 1_500],
      ['random values in the right shape', wellShapedRandom, 1_000],
      ['authentic values holding arbitrary JSON', authenticGarbage, 500],
      ['values that are not strings', notAString, 500],
    ] as const)('%s', (_name, arbitrary: fc.Arbitrary<unknown>, numRuns) => {
      fc.assert(
        fc.property(arbitrary, (candidate) => {
          fc.pre(candidate !== valid);
          expect(cookie.unseal(candidate)).toBeUndefined();
        }),
        { numRuns },
      );
    });
  });
});
