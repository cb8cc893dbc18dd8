/**
 * The journey's own pages, reached the way a citizen reaches them, in English and Welsh: the
 * payment's language decides where there is a payment, the browser's Accept-Language where not.
 * And a start refused because the browser is not on `publicUrl` says why.
 */
import type http from 'node:http';
import { describeCrossSiteRefusal } from '../../src/journey/same-origin';
import { MOUNT, sameOriginHeaders, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import type { BrowserResponse } from '../helpers/browser';

const LANGUAGES = [
  { lang: 'en', acceptLanguage: 'en-GB,en;q=0.9', other: 'cy' },
  { lang: 'cy', acceptLanguage: 'cy-GB,cy;q=0.9,en;q=0.5', other: 'en' },
] as const;

const TITLES = {
  unconfirmed: {
    en: 'We could not confirm your payment',
    cy: 'Nid oeddem yn gallu cadarnhau eich taliad',
  },
  missing: {
    en: 'We could not find your payment',
    cy: 'Nid oeddem yn gallu dod o hyd i’ch taliad',
  },
  pending: { en: 'Your payment is not finished', cy: 'Nid yw eich taliad wedi’i orffen' },
  tooLarge: { en: 'Request too large', cy: 'Mae’r cais yn rhy fawr' },
  forbidden: {
    en: 'Sorry, this request was refused',
    cy: 'Mae’n ddrwg gennym, gwrthodwyd y cais hwn',
  },
};

function expectPage(response: BrowserResponse, status: number, lang: 'en' | 'cy', title: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.body).toContain(`<html lang="${lang}">`);
  expect(response.body).toContain(`<h1>${title}</h1>`);
}

describe('default pages in the citizen’s language', () => {
  let h: JourneyHarness;
  /** When set, the next payment read loses its next_url, so the pending page must be shown. */
  let hideNextUrl = false;

  beforeAll(async () => {
    h = await startJourneyHarness({
      onSimulatorRequest: (req, res) => {
        if (!hideNextUrl || req.method !== 'GET' || req.url?.startsWith('/v1/payments/') !== true)
          return;
        hideNextUrl = false;
        renameJsonKey(res, '"next_url"', '"nexx_url"');
      },
    });
  });

  afterAll(async () => {
    await h.close();
  });

  afterEach(() => {
    h.simulator.faults.clear();
    hideNextUrl = false;
  });

  describe.each(LANGUAGES)('$lang', ({ lang, acceptLanguage, other }) => {
    it('missing: the browser’s language, since there is no payment', async () => {
      const browser = h.browser();
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: { 'accept-language': acceptLanguage },
      });
      expectPage(page, 400, lang, TITLES.missing[lang]);
      expect(page.body).toContain('href="/"');
    });

    it('pending: the payment’s language, whatever the browser prefers', async () => {
      h.payment = { amount: 1200, reference: `PEND-${lang}`, description: 'Fee', language: lang };
      const browser = h.browser();
      const started = await h.start(browser);
      expect(started.status).toBe(303);
      hideNextUrl = true;
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: {
          'accept-language': LANGUAGES.find((l) => l.lang === other)?.acceptLanguage ?? '',
        },
      });
      expect(hideNextUrl).toBe(false);
      expectPage(page, 200, lang, TITLES.pending[lang]);
    });

    it('unconfirmed: the browser’s language, since the payment could not be read', async () => {
      h.payment = { amount: 1300, reference: `UNCF-${lang}`, description: 'Fee', language: other };
      const browser = h.browser();
      expect((await h.start(browser)).status).toBe(303);
      h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 503 } });
      const page = await browser.get(`${h.appUrl}${MOUNT}/return`, {
        headers: { 'accept-language': acceptLanguage },
      });
      expectPage(page, 503, lang, TITLES.unconfirmed[lang]);
    });

    it('too large: the browser’s language', async () => {
      const page = await h.browser().post(`${h.appUrl}${MOUNT}/start`, {
        headers: { ...sameOriginHeaders(h.appUrl), 'accept-language': acceptLanguage },
        form: { filler: 'x'.repeat(70 * 1024) },
      });
      expectPage(page, 413, lang, TITLES.tooLarge[lang]);
    });

    it('forbidden: the browser’s language', async () => {
      const page = await h.start(h.browser(), {
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.example',
        'accept-language': acceptLanguage,
      });
      expectPage(page, 403, lang, TITLES.forbidden[lang]);
      expect(page.body).not.toContain('For developers');
    });
  });
});

describe('a start refused because the browser is not on publicUrl', () => {
  let h: JourneyHarness;
  let publicUrl: string;
  const savedNodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    h = await startJourneyHarness();
    // The service is opened at 127.0.0.1 but configured as localhost: the usual slip.
    publicUrl = h.appUrl.replace('127.0.0.1', 'localhost');
    await h.redeploy({ publicUrl });
  });

  afterAll(async () => {
    await h.close();
  });

  afterEach(() => {
    process.env.NODE_ENV = savedNodeEnv;
  });

  const startFromTheAppItself = () =>
    h.start(h.browser(), {
      ...sameOriginHeaders(h.appUrl),
      referer: `${h.appUrl}/apply/check?reference=APP-0001`,
    });

  it('logs a warning naming both origins, and nothing more of the URL', async () => {
    const before = h.logger.entries.length;
    const page = await startFromTheAppItself();
    expect(page.status).toBe(403);
    const warnings = h.logger.entries.slice(before).filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.msg).toContain(h.appUrl);
    expect(warning?.msg).toContain(publicUrl);
    expect(warning?.obj).toMatchObject({ browserOrigin: h.appUrl, publicUrl });
    const logged = h.logger.text();
    expect(logged).not.toContain('/apply/check');
    expect(logged).not.toContain('APP-0001');
    expect(h.createPaymentCalls).toBe(0);
  });

  it('in development, the 403 page says why and how to fix it', async () => {
    process.env.NODE_ENV = 'development';
    const page = await startFromTheAppItself();
    expect(page.status).toBe(403);
    expect(page.body).toContain('For developers');
    expect(page.body).toContain(`The browser is on ${h.appUrl}, but publicUrl is ${publicUrl}`);
  });

  it('in production, the 403 page does not', async () => {
    process.env.NODE_ENV = 'production';
    const page = await startFromTheAppItself();
    expect(page.status).toBe(403);
    expect(page.body).toContain('Payments can only be started and cancelled');
    expect(page.body).not.toContain(publicUrl);
    expect(page.body).not.toContain('For developers');
  });

  it('a start from publicUrl itself still goes through', async () => {
    const started = await h.start(h.browser(), sameOriginHeaders(publicUrl));
    expect(started.status).toBe(303);
  });
});

describe('describeCrossSiteRefusal', () => {
  const PUBLIC = 'https://apply.example.gov.uk';

  it('names a same-origin browser on another origin as a publicUrl mismatch', () => {
    const refusal = describeCrossSiteRefusal(
      { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:3000' },
      PUBLIC,
      false,
    );
    expect(refusal.fields).toEqual({ browserOrigin: 'http://localhost:3000', publicUrl: PUBLIC });
    expect(refusal.message).toContain('is not publicUrl');
    expect(refusal.developerNote).toContain('http://localhost:3000');
  });

  it('gives no developer note in production', () => {
    const refusal = describeCrossSiteRefusal(
      { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:3000' },
      PUBLIC,
      true,
    );
    expect(refusal.developerNote).toBeUndefined();
    expect(refusal.message).toContain('http://localhost:3000');
  });

  it('calls a real cross-site request just that', () => {
    const refusal = describeCrossSiteRefusal(
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      PUBLIC,
      false,
    );
    expect(refusal.message).toBe('govuk-pay-express: refused a cross-site request');
    expect(refusal.developerNote).toBeUndefined();
  });

  it.each(['null', 'javascript:alert(1)', 'http://a\nforged: line', 'x'.repeat(400)])(
    'never logs an Origin it cannot re-serialise (%j)',
    (origin) => {
      const refusal = describeCrossSiteRefusal(
        { 'sec-fetch-site': 'same-origin', origin },
        PUBLIC,
        false,
      );
      expect(refusal.fields).toEqual({});
      expect(refusal.message).not.toContain('\n');
    },
  );

  it('logs only the origin of an Origin header that carries a path', () => {
    const refusal = describeCrossSiteRefusal(
      { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:3000/secret?id=1' },
      PUBLIC,
      false,
    );
    expect(refusal.fields.browserOrigin).toBe('http://localhost:3000');
    expect(refusal.message).not.toContain('secret');
  });
});

/** Renames a key in a JSON answer, keeping its length, so Content-Length still holds. */
function renameJsonKey(res: http.ServerResponse, from: string, to: string): void {
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse;
  (res as unknown as { end: (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse }).end = (
    chunk?: unknown,
    ...rest: unknown[]
  ) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
      return end(chunk.toString().split(from).join(to), ...rest);
    }
    return end(chunk, ...rest);
  };
}
