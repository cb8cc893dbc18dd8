import { missingPage, renderPage, unconfirmedPage } from '../../src/journey/pages';

describe('default pages', () => {
  it('render as a complete, labelled HTML document', () => {
    const html = renderPage(unconfirmedPage());
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>We could not confirm your payment</title>');
    expect(html).toContain('<h1>We could not confirm your payment</h1>');
    expect(html).toContain('Do not try to pay again');
    expect(html).not.toMatch(/<script/i);
  });

  it('escape the start link', () => {
    const html = renderPage(missingPage('/apply?a=1&b="x"<'));
    expect(html).toContain('href="/apply?a=1&amp;b=&quot;x&quot;&lt;"');
    expect(renderPage(missingPage("/a'b>"))).toContain('href="/a&#39;b&gt;"');
    expect(missingPage('/').status).toBe(400);
    expect(unconfirmedPage().status).toBe(503);
  });
});
