/**
 * The optional govuk-frontend templates (`govuk-pay-express/views`), rendered with real Nunjucks
 * and govuk-frontend: every outcome in English and Welsh, in govuk-frontend's own template and in
 * a service's layout. test/browser/views.test.ts checks the same pages with axe in chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { viewsPath } from '../../views';
import { ALL_VIEW_CASES, VIEW_CASES, contextFor, createViewsEnvironment } from './fixtures';
import type { ViewLanguage } from './fixtures';

const ROOT = path.join(__dirname, '..', '..');
const LANGUAGES: ViewLanguage[] = ['en', 'cy'];
const OUTCOMES = ['success', 'failed', 'cancelled', 'error', 'pending', 'unconfirmed', 'missing'];

const env = createViewsEnvironment();

function mainOf(html: string): string {
  return html.slice(html.indexOf('<main'), html.indexOf('</main>'));
}

describe('govuk-pay-express/views', () => {
  it('exports the absolute folder holding one template per outcome', () => {
    expect(path.isAbsolute(viewsPath)).toBe(true);
    const templates = readdirSync(path.join(viewsPath, 'govuk-pay-express'));
    for (const outcome of OUTCOMES) expect(templates).toContain(`${outcome}.njk`);
  });

  it.each([
    ['require', `console.log(require('govuk-pay-express/views').viewsPath)`, []],
    ['import', `import('govuk-pay-express/views').then((m) => console.log(m.viewsPath))`, []],
  ])('resolves by the package name with %s', (_, source) => {
    const printed = execFileSync(process.execPath, ['-e', source], { cwd: ROOT, encoding: 'utf8' });
    expect(printed.trim()).toBe(viewsPath);
  });

  it('ships the folder in the package', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      files: string[];
    };
    expect(pkg.files).toContain('views');
    expect(existsSync(path.join(ROOT, 'views', 'index.d.ts'))).toBe(true);
  });
});

describe.each(LANGUAGES)('every outcome template in %s', (lang) => {
  const other: ViewLanguage = lang === 'en' ? 'cy' : 'en';

  it.each(ALL_VIEW_CASES.map((c) => [c.name, c] as const))('%s', (_, viewCase) => {
    const html = env.render(`govuk-pay-express/${viewCase.view}.njk`, contextFor(viewCase, lang));
    const main = mainOf(html);
    expect(html).toMatch(new RegExp(`<html lang="${lang}" class="govuk-template">`));
    expect(html).toContain(
      `<title>${viewCase.heading[lang]} – Pay for a parking permit – GOV.UK</title>`,
    );
    expect(main).toMatch(
      new RegExp(`<h1 class="govuk-[a-z-_]+">\\s*${viewCase.heading[lang]}\\s*</h1>`),
    );
    expect(main).toContain(viewCase.says[lang]);
    // Nothing of the other language leaks in, nor an unset variable.
    expect(main).not.toContain(viewCase.heading[other]);
    expect(html).not.toMatch(/undefined|\[object Object\]/);
    // govuk/template.njk's own English parts follow the page's language.
    expect(html).toContain(lang === 'cy' ? 'Neidio i’r prif gynnwys' : 'Skip to main content');
    expect(html).toContain(lang === 'cy' ? 'Hawlfraint y Goron' : 'Crown copyright');
  });
});

describe('the templates', () => {
  const success = VIEW_CASES[0]!;

  it("follow the payment's language unless the service names one", () => {
    const welshPayment = contextFor(success, 'cy');
    expect(env.render('govuk-pay-express/success.njk', welshPayment)).toContain('<html lang="cy"');
    const html = env.render('govuk-pay-express/success.njk', {
      ...welshPayment,
      govukPayLanguage: 'en',
    });
    expect(html).toContain('<html lang="en"');
    expect(mainOf(html)).toContain('Payment complete');
  });

  it('fall back to English for a language they do not have', () => {
    const html = env.render('govuk-pay-express/missing.njk', {
      result: { outcome: 'missing', reason: 'no_cookie' },
      govukPayLanguage: 'fr',
    });
    expect(html).toContain('<html lang="en"');
  });

  it("escape what comes from the payment and the service's context", () => {
    const context = contextFor(success, 'en');
    const result = context.result as { payment: Record<string, unknown> };
    const html = env.render('govuk-pay-express/success.njk', {
      ...context,
      result: { ...result, payment: { ...result.payment, reference: '<script>alert(1)</script>' } },
    });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    const failed = env.render('govuk-pay-express/failed.njk', {
      ...contextFor(VIEW_CASES[1]!, 'en'),
      startUrl: '/a"onmouseover="x',
    });
    expect(failed).toContain('href="/a&quot;onmouseover=&quot;x"');
  });

  it('link "Try again" and "Go back to the start" to startUrl, "/" by default', () => {
    const failed = VIEW_CASES[1]!;
    expect(env.render('govuk-pay-express/failed.njk', contextFor(failed, 'en'))).toContain(
      'href="/check-answers"',
    );
    const { startUrl: _, ...noStart } = contextFor(failed, 'en');
    expect(mainOf(env.render('govuk-pay-express/failed.njk', noStart))).toContain('href="/"');
  });

  it('never offer to pay again when the payment may have been taken', () => {
    for (const name of ['unconfirmed', 'error (unknown status)']) {
      const viewCase = ALL_VIEW_CASES.find((c) => c.name === name)!;
      for (const lang of LANGUAGES) {
        const main = mainOf(
          env.render(`govuk-pay-express/${viewCase.view}.njk`, contextFor(viewCase, lang)),
        );
        expect(main).not.toContain('href="/check-answers"');
      }
    }
    const unconfirmed = ALL_VIEW_CASES.find((c) => c.name === 'unconfirmed')!;
    const withCheck = env.render(
      'govuk-pay-express/unconfirmed.njk',
      contextFor(unconfirmed, 'cy', { checkAgainUrl: '/payment/return' }),
    );
    expect(withCheck).toContain(
      '<a class="govuk-link" href="/payment/return">Gwirio eich taliad eto</a>',
    );
  });

  describe("in a service's own layout", () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'govuk-pay-views-'));
      writeFileSync(
        path.join(dir, 'layout.njk'),
        `{% extends "govuk/template.njk" %}
{% block head %}<link rel="stylesheet" href="/assets/service.css">{% endblock %}
{% block govukFooter %}<p class="service-footer">Service footer {{ htmlLang }}</p>{% endblock %}`,
      );
      writeFileSync(
        path.join(dir, 'paid.njk'),
        `{% extends "govuk-pay-express/success.njk" %}
{% block govukPayMore %}<h2 class="govuk-heading-m">Your permit number</h2><p class="govuk-body">{{ permitNumber }}</p>{% endblock %}`,
      );
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("keeps the layout's blocks and passes on the CSP nonce", () => {
      const html = createViewsEnvironment(dir).render('govuk-pay-express/pending.njk', {
        ...contextFor(
          VIEW_CASES.find((c) => c.name === 'pending')!,
          'cy',
        ),
        govukPayLayout: 'layout.njk',
        cspNonce: 'n0nce-value',
      });
      expect(html).toContain('<link rel="stylesheet" href="/assets/service.css">');
      expect(html).toContain('<p class="service-footer">Service footer cy</p>');
      expect(html).not.toContain('Hawlfraint y Goron');
      expect(html).toContain('<script nonce="n0nce-value">');
      expect(html).toContain('<html lang="cy"');
      expect(mainOf(html)).toContain('Nid yw eich taliad wedi’i orffen');
    });

    it('lets a service add its own next steps by extending a template', () => {
      const html = createViewsEnvironment(dir).render('paid.njk', {
        ...contextFor(success, 'en'),
        permitNumber: 'RP-0042',
      });
      const main = mainOf(html);
      expect(main).toContain('Payment complete');
      expect(main).toContain('<p class="govuk-body">RP-0042</p>');
      expect(main.indexOf('You paid')).toBeLessThan(main.indexOf('RP-0042'));
    });
  });
});
