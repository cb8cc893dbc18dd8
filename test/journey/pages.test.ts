import {
  acceptedLanguage,
  forbiddenPage,
  missingPage,
  pageLanguage,
  pendingPage,
  renderPage,
  tooLargePage,
  unconfirmedPage,
} from '../../src/journey/pages';
import type { DefaultPage, PageLanguage } from '../../src/journey/pages';

const PAGES: [string, (lang: PageLanguage) => DefaultPage][] = [
  ['unconfirmed', (lang) => unconfirmedPage(lang)],
  ['missing', (lang) => missingPage(lang, '/apply')],
  ['pending', (lang) => pendingPage(lang, '/apply')],
  ['too large', (lang) => tooLargePage(lang)],
  ['forbidden', (lang) => forbiddenPage(lang)],
];

describe('default pages', () => {
  it('render as a complete, labelled HTML document', () => {
    const html = renderPage(unconfirmedPage('en'));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>We could not confirm your payment</title>');
    expect(html).toContain('<h1>We could not confirm your payment</h1>');
    expect(html).toContain('Do not try to pay again');
    expect(html).not.toMatch(/<script/i);
  });

  it('escape the start link', () => {
    const html = renderPage(missingPage('en', '/apply?a=1&b="x"<'));
    expect(html).toContain('href="/apply?a=1&amp;b=&quot;x&quot;&lt;"');
    expect(renderPage(missingPage('cy', "/a'b>"))).toContain('href="/a&#39;b&gt;"');
  });

  it.each(PAGES)('%s: Welsh and English copy, each in a page of its own language', (_, build) => {
    const english = build('en');
    const welsh = build('cy');
    expect(welsh.status).toBe(english.status);
    expect(renderPage(english)).toContain('<html lang="en">');
    expect(renderPage(welsh)).toContain('<html lang="cy">');
    // Every string is translated: none of the Welsh page's words is the English one.
    expect(welsh.title).not.toBe(english.title);
    expect(welsh.paragraphs).toHaveLength(english.paragraphs.length);
    welsh.paragraphs.forEach((text, i) => expect(text).not.toBe(english.paragraphs[i]));
    expect(welsh.link?.href).toBe(english.link?.href);
    if (english.link !== undefined) expect(welsh.link?.text).not.toBe(english.link.text);
  });

  it('keep the statuses the journey answers with', () => {
    expect(unconfirmedPage('cy').status).toBe(503);
    expect(missingPage('cy', '/').status).toBe(400);
    expect(pendingPage('cy', '/').status).toBe(200);
    expect(tooLargePage('cy').status).toBe(413);
    expect(forbiddenPage('cy').status).toBe(403);
  });

  it('tell the citizen in Welsh not to pay again when the payment is unconfirmed', () => {
    expect(renderPage(unconfirmedPage('cy'))).toContain('Peidiwch â cheisio talu eto');
    expect(renderPage(missingPage('cy', '/'))).toContain('peidiwch â thalu eto');
  });

  it('mark a developer note as English, escaped, on a Welsh page', () => {
    const html = renderPage(forbiddenPage('cy', 'publicUrl is <http://127.0.0.1:3000>'));
    expect(html).toContain('<html lang="cy">');
    expect(html).toMatch(/<p lang="en">.*publicUrl is &lt;http:\/\/127\.0\.0\.1:3000&gt;/);
    expect(renderPage(forbiddenPage('cy'))).not.toContain('For developers');
  });
});

describe('pageLanguage', () => {
  it("follows the payment's language over the browser's", () => {
    expect(pageLanguage({ 'accept-language': 'en' }, 'cy')).toBe('cy');
    expect(pageLanguage({ 'accept-language': 'cy' }, 'en')).toBe('en');
  });

  it('follows the browser when there is no payment, or its language is unknown', () => {
    expect(pageLanguage({ 'accept-language': 'cy' })).toBe('cy');
    expect(pageLanguage({ 'accept-language': 'cy' }, 'fr')).toBe('cy');
    expect(pageLanguage({})).toBe('en');
  });

  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['cy', 'cy'],
    ['CY-gb', 'cy'],
    ['cy-GB,cy;q=0.9,en-GB;q=0.8,en;q=0.7', 'cy'],
    ['en-GB,en;q=0.9,cy;q=0.8', 'en'],
    ['en;q=0.5, cy', 'cy'],
    ['cy;q=0', 'en'],
    ['fr-FR,cy;q=0.5', 'cy'],
    ['*;q=0.8,cy;q=0.5', 'en'],
    ['cy;q=0.5,*;q=0.4', 'cy'],
    ['fr', 'en'],
    ['cy;q=garbage', 'cy'],
    [`${'fr;q=0.1,'.repeat(40)}cy`, 'en'],
  ])('Accept-Language %j -> %s', (header, expected) => {
    expect(acceptedLanguage(header)).toBe(expected);
  });
});
