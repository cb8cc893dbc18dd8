/**
 * axe-core in chromium on every template of `govuk-pay-express/views`, in English and Welsh, in a
 * service layout with govuk-frontend's stylesheet (so colour contrast is checked against the real
 * styles), and in govuk-frontend's own template: no serious or critical violation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  ALL_VIEW_CASES,
  GOVUK_FRONTEND_DIST,
  contextFor,
  createViewsEnvironment,
} from '../views/fixtures';
import type { ViewLanguage } from '../views/fixtures';
import {
  describeBrowser,
  formatViolations,
  heading,
  launchBrowser,
  newPage,
  seriousViolations,
} from '../helpers/browser-support';

const LANGUAGES: ViewLanguage[] = ['en', 'cy'];
const LAYOUTS = ['govuk/template.njk', 'service layout'] as const;

describeBrowser('accessibility of the govuk-pay-express/views templates (axe-core)', () => {
  let browser: Browser;
  let server: http.Server;
  let base: string;
  let layoutDir: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    layoutDir = mkdtempSync(path.join(tmpdir(), 'govuk-pay-views-a11y-'));
    writeFileSync(
      path.join(layoutDir, 'layout.njk'),
      `{% extends "govuk/template.njk" %}
{% block head %}<link rel="stylesheet" href="/assets/govuk-frontend.min.css">{% endblock %}`,
    );
    const env = createViewsEnvironment(layoutDir);
    const app = express();
    const govuk = path.join(GOVUK_FRONTEND_DIST, 'govuk');
    app.get('/assets/govuk-frontend.min.css', (_req, res) =>
      res.sendFile(path.join(govuk, 'govuk-frontend.min.css')),
    );
    app.use('/assets', express.static(path.join(govuk, 'assets')));
    app.get('/:index/:lang/:layout', (req, res) => {
      const viewCase = ALL_VIEW_CASES[Number(req.params.index)];
      const lang = req.params.lang as ViewLanguage;
      if (viewCase === undefined) return res.status(404).end();
      const extra = req.params.layout === 'service' ? { govukPayLayout: 'layout.njk' } : {};
      return res
        .type('html')
        .send(
          env.render(`govuk-pay-express/${viewCase.view}.njk`, contextFor(viewCase, lang, extra)),
        );
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    // One page for every template: each is a plain GET, with no cookies or state between them.
    ({ context, page } = await newPage(browser, { bypassCSP: true }));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(layoutDir, { recursive: true, force: true });
  });

  // Every outcome in the service layout; govuk/template.njk's own header, skip link and footer
  // are the same around every outcome, so one outcome in each language covers them.
  const cases = ALL_VIEW_CASES.flatMap((viewCase, index) =>
    LANGUAGES.flatMap((lang) =>
      LAYOUTS.filter((layout) => layout === 'service layout' || index === 0).map(
        (layout) => [viewCase.name, lang, layout, index, viewCase.heading[lang]] as const,
      ),
    ),
  );

  it.each(cases)('%s, %s, in %s', async (name, lang, layout, index, expectedHeading) => {
    await page.goto(`${base}/${index}/${lang}/${layout === 'service layout' ? 'service' : 'own'}`);
    expect(await heading(page)).toBe(expectedHeading);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    if (layout === 'service layout') {
      // The stylesheet really applied: axe's contrast check is against govuk-frontend's colours.
      const font = await page.evaluate(`getComputedStyle(document.querySelector('h1')).fontFamily`);
      expect(String(font)).toMatch(/GDS Transport|arial/i);
    }
    const violations = await seriousViolations(page);
    expect(formatViolations(`${name} (${lang}, ${layout})`, violations)).toBe('');
  });
});
