import { decodeCanonicalBase64url } from '../../src/cookie/base64url';

describe('decodeCanonicalBase64url', () => {
  it('decodes the canonical encoding of any length of bytes', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) & 0xff));
      expect(decodeCanonicalBase64url(bytes.toString('base64url'))).toEqual(bytes);
    }
  });

  it.each([
    ['a length that leaves one character over', 'AAAAA'],
    ['padding', 'AA=='],
    ['standard base64 characters', 'ab+/'],
    ['whitespace', 'AA AA'],
    ['unused bits set after one byte', 'AB'],
    ['unused bits set after two bytes', 'AAB'],
    ['non-ASCII', 'AAÀA'],
  ])('refuses %s', (_name, text) => {
    expect(decodeCanonicalBase64url(text)).toBeUndefined();
  });
});
