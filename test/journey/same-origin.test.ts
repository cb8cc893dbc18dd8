import { isCrossSiteRequest } from '../../src/journey/same-origin';

const ORIGIN = 'https://apply.example.gov.uk';

describe('isCrossSiteRequest', () => {
  it.each([
    [{ 'sec-fetch-site': 'cross-site' }, true],
    [{ 'sec-fetch-site': 'cross-site', origin: ORIGIN }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: ORIGIN }, false],
    [{ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }, true],
    // Chrome under helmet's default `Referrer-Policy: no-referrer` sends this on same-origin posts.
    [{ 'sec-fetch-site': 'same-origin', origin: 'null' }, false],
    [{ 'sec-fetch-site': 'same-site', origin: 'null' }, true],
    [{ origin: 'null' }, true],
    [{ 'sec-fetch-site': 'same-site' }, true],
    [{ 'sec-fetch-site': 'same-site', origin: ORIGIN }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{ origin: ORIGIN }, false],
    [{ origin: 'HTTPS://APPLY.EXAMPLE.GOV.UK' }, false],
    [{ origin: 'https://apply.example.gov.uk.evil.example' }, true],
    [{ origin: 'http://apply.example.gov.uk' }, true],
    [{ origin: 'null' }, true],
    [{}, false],
  ])('%j -> %s', (headers, expected) => {
    expect(isCrossSiteRequest(headers, ORIGIN)).toBe(expected);
  });
});
