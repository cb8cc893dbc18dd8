/**
 * The demo's own pieces, without a browser: translations, form checks, CSV cells, the admin's
 * filters, and its HTTP edges (headers, language switch, pay guard) over real HTTP.
 */
import type { RunningDemo } from '../helpers/browser-support';
import { startDemo } from '../helpers/browser-support';

/* eslint-disable @typescript-eslint/no-require-imports -- the demo is plain CommonJS JavaScript */
const i18n = require('../../demo-app/lib/i18n.js') as {
  messages: Record<'en' | 'cy', Record<string, string>>;
  translate(lang: string, key: string, params?: Record<string, unknown>): string;
  formatPence(pence: number): string;
};
const permits = require('../../demo-app/lib/permits.js') as {
  checkVehicleRegistration(input: unknown): { value?: string; error?: string };
  checkPermitLength(input: unknown): { value?: number; error?: string };
};
const admin = require('../../demo-app/lib/admin.js') as {
  csvCell(value: unknown): string;
  poundsToPence(input: unknown): number | undefined;
  readFilters(query: Record<string, string>): {
    errors: Array<{ text: string }>;
    search: Record<string, string>;
    page: number;
  };
};
/* eslint-enable @typescript-eslint/no-require-imports */

describe('demo-app translations', () => {
  test('every English text has a Welsh one, and no Welsh text is left over', () => {
    expect(Object.keys(i18n.messages.cy).sort()).toEqual(Object.keys(i18n.messages.en).sort());
    for (const [key, text] of Object.entries(i18n.messages.cy)) {
      expect([key, text.trim().length > 0]).toEqual([key, true]);
    }
  });

  test('fills placeholders, and refuses an unknown key rather than show it', () => {
    expect(i18n.translate('cy', 'check.months', { months: 6 })).toBe('6 mis');
    expect(i18n.translate('xx', 'check.months', { months: 6 })).toBe('6 months');
    expect(() => i18n.translate('en', 'no.such.key')).toThrow(/no en text/);
    expect(i18n.formatPence(2600)).toBe('£26.00');
  });
});

describe('demo-app form checks', () => {
  test.each([
    ['cu57  abc', { value: 'CU57 ABC' }],
    ['', { error: 'vehicle.errorEmpty' }],
    ['CU57-ABC', { error: 'vehicle.errorFormat' }],
    ['A', { error: 'vehicle.errorLength' }],
    ['ABCDEFGHJ', { error: 'vehicle.errorLength' }],
    [['CU57'], { error: 'vehicle.errorEmpty' }],
  ])('vehicle registration %j', (input, expected) => {
    expect(permits.checkVehicleRegistration(input)).toEqual(expected);
  });

  test('a permit length must be one on offer: the price is never taken from the form', () => {
    expect(permits.checkPermitLength('12')).toEqual({ value: 12 });
    for (const bad of ['4', '', '3.0e0x', undefined, ['3']]) {
      expect(permits.checkPermitLength(bad)).toEqual({ error: 'length.errorEmpty' });
    }
  });

  test('refund amounts in pounds', () => {
    expect(admin.poundsToPence('5')).toBe(500);
    expect(admin.poundsToPence('£5.5')).toBe(550);
    expect(admin.poundsToPence('0.01')).toBe(1);
    for (const bad of ['', '5.555', '-1', '1e3', 'five', undefined]) {
      expect(admin.poundsToPence(bad)).toBeUndefined();
    }
  });

  test('CSV cells are quoted, and formulas are defused', () => {
    expect(admin.csvCell('plain')).toBe('plain');
    expect(admin.csvCell('a,b')).toBe('"a,b"');
    expect(admin.csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(admin.csvCell('=1+1')).toBe("'=1+1");
    expect(admin.csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(admin.csvCell(undefined)).toBe('');
  });

  test('admin search dates: UTC midnights, to-date exclusive, real dates only', () => {
    const ok = admin.readFilters({
      'from-day': '1',
      'from-month': '3',
      'from-year': '2026',
      'to-day': '31',
      'to-month': '3',
      'to-year': '2026',
      state: 'success',
      page: '2',
    });
    expect(ok.errors).toEqual([]);
    expect(ok.search).toEqual({
      from_date: '2026-03-01T00:00:00Z',
      to_date: '2026-04-01T00:00:00Z',
      state: 'success',
    });
    expect(ok.page).toBe(2);

    const bad = admin.readFilters({
      'from-day': '30',
      'from-month': '2',
      'from-year': '2026',
      'to-day': '1',
    });
    expect(bad.errors.map((e) => e.text)).toEqual([
      'Date from must be a real date',
      'Date to must include a day, month and year',
    ]);
    expect(admin.readFilters({ state: 'capturable', page: '0' })).toMatchObject({
      search: {},
      page: 1,
    });
  });
});

describe('demo-app over HTTP', () => {
  let running: RunningDemo;

  beforeAll(async () => {
    running = await startDemo();
  });

  afterAll(async () => {
    await running?.close();
  });

  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${running.url}${path}`, { redirect: 'manual', ...init });

  test('a strict CSP: no inline script but the one with this response’s nonce; no-store on the citizen pages', async () => {
    const response = await get('/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // The Pay form's redirect goes to the simulator's card pages, on localhost: cross-site.
    expect(running.demo.simulatorPagesUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(csp).toContain(
      `form-action 'self' https://*.payments.service.gov.uk ${running.demo.simulatorPagesUrl}`,
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    // govuk/template.njk's one inline script carries the nonce the CSP names; none goes without.
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    const inline = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? [];
    expect(inline).toEqual([`<script nonce="${nonce}">`]);
    expect(html).toContain('<html lang="en"');
    const again = await get('/');
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  });

  test('the language switch only ever redirects to a path on this site', async () => {
    const switched = await get('/check-answers?lang=cy');
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/check-answers');
    const cookie = switched.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const welsh = await get('/', { headers: { cookie: cookie.split(';')[0]! } });
    expect(await welsh.text()).toContain('<html lang="cy"');

    for (const sneaky of ['//evil.example/?lang=cy', '/\\evil.example/?lang=cy']) {
      const response = await get(sneaky);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  test('the footer links to the cookies page and the accessibility statement, in both languages', async () => {
    const home = await (await get('/')).text();
    expect(home).toContain('<a class="govuk-footer__link" href="/cookies">');
    expect(home).toContain('<a class="govuk-footer__link" href="/accessibility-statement">');

    const cookies = await (await get('/cookies')).text();
    expect(cookies).toContain('<h1 class="govuk-heading-l">Cookies</h1>');
    // The cookies the demo really sets, by their real names.
    expect(cookies).toMatch(/<th scope="row" class="govuk-table__header">\s*demo_session\s*</);
    expect(cookies).toMatch(/<th scope="row" class="govuk-table__header">\s*govuk_pay\s*</);
    const statement = await (await get('/accessibility-statement')).text();
    expect(statement).toContain('Accessibility statement for Pay for a resident parking permit');
    expect(statement).toContain('Web Content Accessibility Guidelines version 2.2 AA');

    const switched = await get('/cookies?lang=cy');
    const welshCookie = { cookie: (switched.headers.get('set-cookie') ?? '').split(';')[0]! };
    const welsh = await (await get('/cookies', { headers: welshCookie })).text();
    expect(welsh).toContain('<html lang="cy"');
    expect(welsh).toContain('<h1 class="govuk-heading-l">Cwcis</h1>');
    expect(welsh).toContain('<a class="govuk-footer__link" href="/accessibility-statement">');
    expect(welsh).toMatch(/Datganiad hygyrchedd\s*<\/a>/);
    const welshStatement = await (
      await get('/accessibility-statement', { headers: welshCookie })
    ).text();
    expect(welshStatement).toContain('Datganiad hygyrchedd ar gyfer Talu am drwydded parcio');
  });

  test('paying without a complete application creates no payment', async () => {
    const before = running.demo.simulator.payments.size;
    const response = await get('/payment/start', { method: 'POST' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/vehicle-registration');
    expect(running.demo.simulator.payments.size).toBe(before);
  });

  test('the admin is off without a password, and unknown pages get a 404 page', async () => {
    expect((await get('/admin')).status).toBe(404);
    const missing = await get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
  });

  test('govuk-frontend assets are served; its source templates are not', async () => {
    expect((await get('/assets/govuk-frontend.min.css')).status).toBe(200);
    expect((await get('/assets/govuk-frontend.min.js')).status).toBe(200);
    expect((await get('/assets/images/govuk-crest.svg')).status).toBe(200);
    expect((await get('/public/init.mjs')).status).toBe(200);
    expect((await get('/assets/template.njk')).status).toBe(404);
  });
});
