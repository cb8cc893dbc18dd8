import { readCookieValues, serializePaymentCookie } from '../../src/journey/cookie-header';

describe('readCookieValues', () => {
  it('finds every value of one name, in order, ignoring others', () => {
    expect(readCookieValues('a=1; govuk_pay=v1.x; b=2; govuk_pay=v1.y', 'govuk_pay')).toEqual([
      'v1.x',
      'v1.y',
    ]);
  });

  it('is exact about names and tolerant of spacing and quotes', () => {
    expect(readCookieValues('xgovuk_pay=1;govuk_pay2=2;  govuk_pay = "3" ', 'govuk_pay')).toEqual([
      '3',
    ]);
  });

  it('reads nothing from an absent, empty or malformed header', () => {
    expect(readCookieValues(undefined, 'govuk_pay')).toEqual([]);
    expect(readCookieValues('', 'govuk_pay')).toEqual([]);
    expect(readCookieValues('govuk_pay', 'govuk_pay')).toEqual([]);
  });

  it('yields every value of the name, so tossed junk cannot push the real one out', () => {
    const header = Array.from({ length: 50 }, (_, i) => `govuk_pay=${i}`).join('; ');
    const values = readCookieValues(header, 'govuk_pay');
    expect(values).toHaveLength(50);
    expect(values.at(-1)).toBe('49');
  });
});

describe('serializePaymentCookie', () => {
  it('sets HttpOnly, SameSite=Lax, Path, Max-Age and Secure', () => {
    expect(
      serializePaymentCookie('govuk_pay', 'v1.abc', {
        path: '/payment',
        maxAgeSeconds: 7200,
        secure: true,
      }),
    ).toBe('govuk_pay=v1.abc; Path=/payment; Max-Age=7200; HttpOnly; Secure; SameSite=Lax');
  });

  it('leaves Secure off only when asked', () => {
    expect(
      serializePaymentCookie('p', 'v', { path: '/', maxAgeSeconds: 5400, secure: false }),
    ).toBe('p=v; Path=/; Max-Age=5400; HttpOnly; SameSite=Lax');
  });
});
