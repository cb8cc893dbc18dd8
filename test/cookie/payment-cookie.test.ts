import { createHash } from 'node:crypto';
import type * as NodeCrypto from 'node:crypto';
import { PayConfigError } from '../../src/config-error';
import {
  createPaymentCookieSealer,
  MAX_SEALED_COOKIE_LENGTH,
  MIN_SECRET_LENGTH,
} from '../../src/cookie';
import type { PaymentCookieSealer } from '../../src/cookie';
import {
  COOKIE_NAME,
  manualClock,
  RECORD,
  SECRET_A,
  SECRET_B,
  SECRET_C,
  sealRaw,
} from './fixtures';

const HOUR = 60 * 60 * 1000;
// The module object the sources import, which (unlike an import namespace) can be spied on.
const nodeCrypto = jest.requireActual<typeof NodeCrypto>('node:crypto');

function sealer(
  secrets: readonly string[] = [SECRET_A],
  cookieName = COOKIE_NAME,
  now?: () => number,
): PaymentCookieSealer {
  return createPaymentCookieSealer({ secrets, cookieName, ...(now === undefined ? {} : { now }) });
}

function parts(value: string): string[] {
  return value.split('.');
}

/** Replaces one character of `text` at `index` with a different base64url character. */
function changeChar(text: string, index: number): string {
  const current = text.charAt(index);
  const replacement = current === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function flipBit(partText: string, bit: number): string {
  const bytes = Buffer.from(partText, 'base64url');
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return bytes.toString('base64url');
}

describe('createPaymentCookieSealer: round trip', () => {
  it('unseals what it sealed, unchanged', () => {
    const cookie = sealer();
    expect(cookie.unseal(cookie.seal(RECORD, 2 * HOUR))).toEqual(RECORD);
  });

  it('keeps an optional accountId, and adds nothing when there is none', () => {
    const cookie = sealer();
    const withAccount = { ...RECORD, accountId: 'acct-fingerprint-01' };
    expect(cookie.unseal(cookie.seal(withAccount, HOUR))).toEqual(withAccount);
    expect(Object.keys(cookie.unseal(cookie.seal(RECORD, HOUR)) ?? {}).sort()).toEqual([
      'amount',
      'createdAt',
      'paymentId',
      'reference',
      'selfHref',
    ]);
  });

  it('ignores fields that are not part of a payment record', () => {
    const cookie = sealer();
    const extra = { ...RECORD, nextUrl: 'https://card.payments.service.gov.uk/secure/x' };
    expect(cookie.unseal(cookie.seal(extra, HOUR))).toEqual(RECORD);
  });

  it('uses a fresh IV every time, so equal records never give equal cookies', () => {
    const cookie = sealer();
    const values = new Set(Array.from({ length: 1000 }, () => cookie.seal(RECORD, HOUR)));
    expect(values.size).toBe(1000);
    const ivs = new Set([...values].map((value) => parts(value)[2]));
    expect(ivs.size).toBe(1000);
  });

  it('produces the compact v1.<kid>.<iv>.<ct>.<tag> format in base64url', () => {
    const value = sealer().seal(RECORD, HOUR);
    expect(value).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(value).not.toContain(RECORD.paymentId);
    expect(value).not.toContain(RECORD.reference);
    expect(value.length).toBeLessThan(300);
  });

  it('does not expose the secret or a hash of it in the key id', () => {
    const value = sealer().seal(RECORD, HOUR);
    const kid = parts(value)[1] as string;
    const secretHash = createHash('sha256').update(SECRET_A).digest('base64url');
    expect(secretHash.startsWith(kid)).toBe(false);
    expect(value).not.toContain(SECRET_A.slice(0, 8));
  });

  it('derives keys once, at construction, never per seal or unseal', () => {
    const spy = jest.spyOn(nodeCrypto, 'hkdfSync');
    try {
      const cookie = sealer([SECRET_A, SECRET_B]);
      expect(spy).toHaveBeenCalledTimes(2);
      for (let i = 0; i < 50; i++) cookie.unseal(cookie.seal(RECORD, HOUR));
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createPaymentCookieSealer: rotation', () => {
  it('unseals a cookie sealed with the previous secret once a new one is put first', () => {
    const old = sealer([SECRET_A]).seal(RECORD, HOUR);
    expect(sealer([SECRET_B, SECRET_A]).unseal(old)).toEqual(RECORD);
    expect(sealer([SECRET_C, SECRET_B, SECRET_A]).unseal(old)).toEqual(RECORD);
  });

  it('seals with the first secret only', () => {
    const rotated = sealer([SECRET_B, SECRET_A]).seal(RECORD, HOUR);
    expect(sealer([SECRET_B]).unseal(rotated)).toEqual(RECORD);
    expect(sealer([SECRET_A]).unseal(rotated)).toBeUndefined();
    expect(parts(rotated)[1]).toBe(parts(sealer([SECRET_B]).seal(RECORD, HOUR))[1]);
    expect(parts(rotated)[1]).not.toBe(parts(sealer([SECRET_A]).seal(RECORD, HOUR))[1]);
  });

  it('stops unsealing an old cookie once its secret is dropped', () => {
    const old = sealer([SECRET_A]).seal(RECORD, HOUR);
    expect(sealer([SECRET_B]).unseal(old)).toBeUndefined();
  });

  it('picks the key by id: a known id with another key’s ciphertext fails', () => {
    const byA = parts(sealer([SECRET_A]).seal(RECORD, HOUR));
    const kidB = parts(sealer([SECRET_B]).seal(RECORD, HOUR))[1] as string;
    const relabelled = [byA[0], kidB, byA[2], byA[3], byA[4]].join('.');
    expect(sealer([SECRET_A, SECRET_B]).unseal(relabelled)).toBeUndefined();
  });
});

describe('createPaymentCookieSealer: refuses anything it did not seal', () => {
  const cookie = sealer();
  const value = cookie.seal(RECORD, HOUR);
  const [version, kid, iv, ct, tag] = parts(value) as [string, string, string, string, string];

  it.each([
    ['version', () => ['v2', kid, iv, ct, tag]],
    ['key id', () => [version, changeChar(kid, 0), iv, ct, tag]],
    ['iv (bit flip)', () => [version, kid, flipBit(iv, 17), ct, tag]],
    ['cipher text (bit flip)', () => [version, kid, iv, flipBit(ct, 3), tag]],
    [
      'cipher text (last byte)',
      () => [version, kid, iv, flipBit(ct, Buffer.from(ct, 'base64url').length * 8 - 1), tag],
    ],
    ['tag (bit flip)', () => [version, kid, iv, ct, flipBit(tag, 127)]],
    ['tag (first char)', () => [version, kid, iv, ct, changeChar(tag, 0)]],
  ])('a tampered %s', (_name, build) => {
    const tampered = build().join('.');
    expect(tampered).not.toBe(value);
    expect(cookie.unseal(tampered)).toBeUndefined();
  });

  it('a non-canonical base64url spelling of the same bytes', () => {
    // 16 tag bytes use 22 characters; the last one has 4 unused bits that Buffer.from ignores.
    const lastIndex = tag.length - 1;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = alphabet.charAt(alphabet.indexOf(tag.charAt(lastIndex)) | 1);
    const respelt = tag.slice(0, lastIndex) + sameBytes;
    expect(Buffer.from(respelt, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    expect(cookie.unseal([version, kid, iv, ct, respelt].join('.'))).toBeUndefined();
  });

  it('a value with padding or characters outside base64url', () => {
    expect(cookie.unseal([version, kid, iv, `${ct}==`, tag].join('.'))).toBeUndefined();
    expect(
      cookie.unseal([version, kid, iv, `${ct.slice(0, 4)}+${ct.slice(5)}`, tag].join('.')),
    ).toBeUndefined();
    expect(cookie.unseal([version, kid, iv, ` ${ct}`, tag].join('.'))).toBeUndefined();
  });

  it('every truncation', () => {
    for (let length = 0; length < value.length; length++) {
      expect(cookie.unseal(value.slice(0, length))).toBeUndefined();
    }
  });

  it('parts added, removed, swapped or emptied', () => {
    const bad = [
      [version, kid, iv, ct, tag, tag],
      [version, kid, iv, ct],
      [version, kid, ct, iv, tag],
      [version, kid, iv, tag, ct],
      [version, kid, iv, '', tag],
      [version, kid, '', ct, tag],
      [version, kid, iv, ct, ''],
      ['', kid, iv, ct, tag],
    ];
    for (const pieces of bad) expect(cookie.unseal(pieces.join('.'))).toBeUndefined();
    expect(cookie.unseal(`${value}.`)).toBeUndefined();
    expect(cookie.unseal(`.${value}`)).toBeUndefined();
    expect(cookie.unseal(`${value} `)).toBeUndefined();
  });

  it('a value sealed for another cookie name', () => {
    const forOther = sealer([SECRET_A], 'other-cookie').seal(RECORD, HOUR);
    expect(cookie.unseal(forOther)).toBeUndefined();
    expect(sealer([SECRET_A], 'other-cookie').unseal(value)).toBeUndefined();
  });

  it('a value sealed with an unknown key', () => {
    expect(cookie.unseal(sealer([SECRET_C]).seal(RECORD, HOUR))).toBeUndefined();
  });

  it('values that are not strings', () => {
    for (const garbage of [undefined, null, 0, 1n, true, {}, [], [value], { value }, () => value]) {
      expect(cookie.unseal(garbage)).toBeUndefined();
    }
    expect(cookie.unseal(Buffer.from(value))).toBeUndefined();
    expect(cookie.unseal(new String(value))).toBeUndefined();
  });

  it('garbage strings', () => {
    for (const garbage of ['', '.', '....', 'v1....', 'j:{"paymentId":"x"}', 'undefined', '%00']) {
      expect(cookie.unseal(garbage)).toBeUndefined();
    }
  });
});

describe('createPaymentCookieSealer: expiry', () => {
  it('holds an absolute expiry, checked on unseal whatever the browser did', () => {
    const clock = manualClock();
    const cookie = sealer([SECRET_A], COOKIE_NAME, clock.now);
    const value = cookie.seal(RECORD, 2 * HOUR);
    clock.advance(2 * HOUR - 1);
    expect(cookie.unseal(value)).toEqual(RECORD);
    clock.advance(1);
    expect(cookie.unseal(value)).toBeUndefined();
    clock.advance(365 * 24 * HOUR);
    expect(cookie.unseal(value)).toBeUndefined();
  });

  it('expires for every sealer sharing the secret, not just the one that sealed it', () => {
    const clock = manualClock();
    const value = sealer([SECRET_A], COOKIE_NAME, clock.now).seal(RECORD, HOUR);
    clock.advance(HOUR);
    expect(sealer([SECRET_B, SECRET_A], COOKIE_NAME, clock.now).unseal(value)).toBeUndefined();
  });

  it('treats a clock that throws or goes wrong as expired, without throwing', () => {
    let broken = false;
    const cookie = sealer([SECRET_A], COOKIE_NAME, () => {
      if (broken) throw new Error('clock exploded');
      return Date.now();
    });
    const value = cookie.seal(RECORD, HOUR);
    broken = true;
    expect(cookie.unseal(value)).toBeUndefined();
    const nanCookie = sealer([SECRET_A], COOKIE_NAME, () => NaN);
    expect(nanCookie.unseal(value)).toBeUndefined();
  });
});

describe('createPaymentCookieSealer: authentic but unacceptable plaintext', () => {
  const clock = manualClock();
  const cookie = sealer([SECRET_A], COOKIE_NAME, clock.now);
  const exp = clock.now() + HOUR;
  const good = [
    exp,
    RECORD.paymentId,
    RECORD.selfHref,
    RECORD.reference,
    RECORD.amount,
    RECORD.createdAt,
  ];
  const seal = (payload: unknown): string =>
    sealRaw(SECRET_A, COOKIE_NAME, typeof payload === 'string' ? payload : JSON.stringify(payload));
  const withField = (index: number, value: unknown): unknown[] =>
    good.map((item, i) => (i === index ? value : item));

  it('accepts the well-formed payload the fixture builds (so the refusals below mean something)', () => {
    expect(cookie.unseal(seal(good))).toEqual(RECORD);
    expect(cookie.unseal(seal([...good, 'acct']))).toEqual({ ...RECORD, accountId: 'acct' });
  });

  it.each([
    ['not JSON', '{"oops'],
    ['JSON null', null],
    ['an object', { ...RECORD, exp }],
    ['too few fields', good.slice(0, 5)],
    ['too many fields', [...good, 'acct', 'extra']],
    ['an expiry in the past', withField(0, clock.now() - 1)],
    ['an expiry equal to now', withField(0, clock.now())],
    ['an expiry as a string', withField(0, String(exp))],
    ['an empty payment id', withField(1, '')],
    ['a 65-character payment id', withField(1, 'a'.repeat(65))],
    ['a numeric payment id', withField(1, 42)],
    ['a javascript: self link', withField(2, 'javascript:alert(1)')],
    ['a relative self link', withField(2, '/v1/payments/x')],
    ['a self link with a space', withField(2, 'https://a.example/ x')],
    ['a self link over 2048 characters', withField(2, `https://a.example/${'x'.repeat(2031)}`)],
    ['an empty reference', withField(3, '')],
    ['a 256-character reference', withField(3, 'r'.repeat(256))],
    ['a fractional amount', withField(4, 10.5)],
    ['a zero amount', withField(4, 0)],
    ['an amount over £100,000', withField(4, 10_000_001)],
    ['an amount as a string', withField(4, '14500')],
    ['a createdAt as a string', withField(5, '2026-01-15')],
    ['a null createdAt', withField(5, null)],
    ['an empty accountId', [...good, '']],
    ['a numeric accountId', [...good, 7]],
  ])('refuses %s', (_name, payload) => {
    expect(cookie.unseal(seal(payload))).toBeUndefined();
  });

  it('refuses a payload authenticated under another format version', () => {
    expect(
      cookie.unseal(sealRaw(SECRET_A, COOKIE_NAME, JSON.stringify(good), 'v2')),
    ).toBeUndefined();
  });

  it('refuses an authentic value longer than a browser would keep, before decoding it', () => {
    const huge = seal([...good.slice(0, 3), 'r'.repeat(3000), ...good.slice(4)]);
    expect(huge.length).toBeGreaterThan(MAX_SEALED_COOKIE_LENGTH);
    expect(cookie.unseal(huge)).toBeUndefined();
    const spy = jest.spyOn(nodeCrypto, 'createDecipheriv');
    try {
      cookie.unseal(huge);
      cookie.unseal('x'.repeat(1_000_000));
      expect(spy).not.toHaveBeenCalled();
      cookie.unseal(seal(good));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createPaymentCookieSealer: seal refuses what could never be unsealed', () => {
  const cookie = sealer();

  it.each([
    ['paymentId', { ...RECORD, paymentId: '' }],
    ['selfHref', { ...RECORD, selfHref: 'ftp://x' }],
    ['reference', { ...RECORD, reference: 'r'.repeat(256) }],
    ['amount', { ...RECORD, amount: 0 }],
    ['createdAt', { ...RECORD, createdAt: Number.NaN }],
    ['accountId', { ...RECORD, accountId: '' }],
  ])('a record with a bad %s, naming the field but not its value', (field, record) => {
    expect(() => cookie.seal(record, HOUR)).toThrow(TypeError);
    expect(() => cookie.seal(record, HOUR)).toThrow(field);
    expect(() => cookie.seal(record, HOUR)).not.toThrow(RECORD.paymentId);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('a ttlMs of %p', (ttl) => {
    expect(() => cookie.seal(RECORD, ttl)).toThrow(RangeError);
  });

  it('a record whose sealed value would be too long for a browser', () => {
    const controlChars = {
      ...RECORD,
      reference: '\u0001'.repeat(255),
      selfHref: `https://a.example/${'x'.repeat(2000)}`,
    };
    expect(() => cookie.seal(controlChars, HOUR)).toThrow(/characters, over the 4096/);
  });
});

describe('createPaymentCookieSealer: configuration', () => {
  const hint = 'generate one with `openssl rand -base64 48`';

  function configError(options: unknown): { code: string; message: string } {
    try {
      createPaymentCookieSealer(options as Parameters<typeof createPaymentCookieSealer>[0]);
    } catch (err) {
      expect(err).toBeInstanceOf(PayConfigError);
      return { code: (err as PayConfigError).code, message: (err as PayConfigError).message };
    }
    throw new Error('expected a PayConfigError');
  }

  it('refuses a secret shorter than 32 characters, saying which and how to make one', () => {
    expect(MIN_SECRET_LENGTH).toBe(32);
    expect(configError({ secrets: ['x'.repeat(31)], cookieName: COOKIE_NAME })).toEqual({
      code: 'ERR_PAY_COOKIE_SECRET',
      message: `govuk-pay-express: createPaymentCookieSealer.secrets[0] must be a string of at least 32 characters; ${hint}`,
    });
    expect(configError({ secrets: [SECRET_A, 'short'], cookieName: COOKIE_NAME })).toEqual({
      code: 'ERR_PAY_COOKIE_SECRET',
      message: `govuk-pay-express: createPaymentCookieSealer.secrets[1] must be a string of at least 32 characters; ${hint}`,
    });
  });

  it('accepts a secret of exactly 32 characters', () => {
    const cookie = sealer(['y'.repeat(32)]);
    expect(cookie.unseal(cookie.seal(RECORD, HOUR))).toEqual(RECORD);
  });

  it('refuses no secrets, saying what to pass', () => {
    expect(configError({ cookieName: COOKIE_NAME })).toEqual({
      code: 'ERR_PAY_COOKIE_SECRET',
      message: `govuk-pay-express: createPaymentCookieSealer.secrets is required: [process.env.PAY_COOKIE_SECRET], each at least 32 characters; ${hint}`,
    });
  });

  it.each([
    ['an empty array', []],
    ['a single string instead of an array', SECRET_A],
  ])('refuses %s', (_name, secrets) => {
    expect(configError({ secrets, cookieName: COOKIE_NAME })).toEqual({
      code: 'ERR_PAY_COOKIE_SECRET',
      message: `govuk-pay-express: createPaymentCookieSealer.secrets must be a non-empty array of secrets, newest first, each at least 32 characters; ${hint}`,
    });
  });

  it('refuses a secret that is not a string', () => {
    expect(configError({ secrets: [SECRET_A, Buffer.alloc(48)], cookieName: COOKIE_NAME })).toEqual(
      {
        code: 'ERR_PAY_COOKIE_SECRET',
        message: `govuk-pay-express: createPaymentCookieSealer.secrets[1] must be a string of at least 32 characters; ${hint}`,
      },
    );
  });

  it('refuses a repeated secret', () => {
    expect(
      configError({ secrets: [SECRET_A, SECRET_B, SECRET_A], cookieName: COOKIE_NAME }),
    ).toEqual({
      code: 'ERR_PAY_COOKIE_SECRET',
      message:
        'govuk-pay-express: createPaymentCookieSealer.secrets[2] repeats createPaymentCookieSealer.secrets[0]; remove the duplicate',
    });
  });

  it('never puts a secret in an error message', () => {
    const { message } = configError({ secrets: [SECRET_A, SECRET_A], cookieName: COOKIE_NAME });
    expect(message).not.toContain(SECRET_A);
    const short = configError({ secrets: ['s3cr3t-but-too-short'], cookieName: COOKIE_NAME });
    expect(short.message).not.toContain('s3cr3t');
  });

  it.each(['', 'has space', 'semi;colon', 'comma,', 'quote"', 'é', 'x'.repeat(65), 42])(
    'refuses the cookie name %p',
    (cookieName) => {
      const error = configError({ secrets: [SECRET_A], cookieName });
      expect(error.code).toBe('ERR_PAY_INVALID_OPTION');
      expect(error.message).toMatch(
        /^govuk-pay-express: createPaymentCookieSealer\.cookieName must be 1 to 64 letters, digits or /,
      );
    },
  );

  it('takes a cookie name of 64 characters, the one limit payJourney has too', () => {
    const cookie = createPaymentCookieSealer({ secrets: [SECRET_A], cookieName: 'x'.repeat(64) });
    expect(cookie.unseal(cookie.seal(RECORD, HOUR))).toEqual(RECORD);
  });

  it('refuses a missing cookie name', () => {
    const error = configError({ secrets: [SECRET_A] });
    expect(error.code).toBe('ERR_PAY_MISSING_OPTION');
    expect(error.message).toMatch(/createPaymentCookieSealer\.cookieName is required/);
  });

  it('refuses a clock that is not a function', () => {
    const error = configError({ secrets: [SECRET_A], cookieName: COOKIE_NAME, now: 123 });
    expect(error.code).toBe('ERR_PAY_INVALID_OPTION');
    expect(error.message).toContain('now must be a function');
  });

  it('refuses unknown options, naming them', () => {
    const error = configError({ secrets: [SECRET_A], cookieName: COOKIE_NAME, secret: SECRET_A });
    expect(error).toEqual({
      code: 'ERR_PAY_UNKNOWN_OPTION',
      message:
        'govuk-pay-express: createPaymentCookieSealer.secret is not an option. Did you mean createPaymentCookieSealer.secrets? The options are: createPaymentCookieSealer.secrets, createPaymentCookieSealer.cookieName, createPaymentCookieSealer.now',
    });
  });

  it('refuses a missing options object', () => {
    expect(configError(undefined).code).toBe('ERR_PAY_MISSING_OPTION');
  });
});
