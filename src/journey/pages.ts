/**
 * The library's own minimal pages, for the outcomes a service need not design. Plain, accessible
 * HTML with no scripts or external resources, so they work under any Content-Security-Policy.
 * Each page is written in English and Welsh, the two languages GOV.UK Pay's own pages speak.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { escapeHtml } from '../govuk-pay/index.js';

/** The languages of GOV.UK Pay's `language` field, and so of these pages. */
export type PageLanguage = 'en' | 'cy';

export interface DefaultPage {
  status: number;
  lang: PageLanguage;
  title: string;
  paragraphs: readonly string[];
  link?: { href: string; text: string };
  /** Shown only outside production, in English: what a developer must change. */
  developerNote?: string;
}

interface PageCopy {
  title: string;
  paragraphs: readonly string[];
  linkText?: string;
}

type Copy = Readonly<Record<PageLanguage, PageCopy>>;

const UNCONFIRMED: Copy = {
  en: {
    title: 'We could not confirm your payment',
    paragraphs: [
      'We could not confirm your payment. Do not try to pay again: your payment may already have been taken.',
      'We will check it and update your application. Please wait a few minutes, then refresh this page.',
    ],
  },
  cy: {
    title: 'Nid oeddem yn gallu cadarnhau eich taliad',
    paragraphs: [
      'Nid oeddem yn gallu cadarnhau eich taliad. Peidiwch â cheisio talu eto: efallai bod eich taliad eisoes wedi’i gymryd.',
      'Byddwn yn ei wirio ac yn diweddaru eich cais. Arhoswch ychydig funudau, yna adnewyddwch y dudalen hon.',
    ],
  },
};

const MISSING: Copy = {
  en: {
    title: 'We could not find your payment',
    paragraphs: [
      'We could not find a payment for you. This can happen if you waited too long, used another browser or cleared your cookies.',
      'If you have been told your payment was taken, do not pay again.',
    ],
    linkText: 'Go back to the start',
  },
  cy: {
    title: 'Nid oeddem yn gallu dod o hyd i’ch taliad',
    paragraphs: [
      'Nid oeddem yn gallu dod o hyd i daliad ar eich cyfer. Gall hyn ddigwydd os gwnaethoch aros yn rhy hir, defnyddio porwr arall neu glirio eich cwcis.',
      'Os ydych wedi cael gwybod bod eich taliad wedi’i gymryd, peidiwch â thalu eto.',
    ],
    linkText: 'Mynd yn ôl i’r dechrau',
  },
};

const PENDING: Copy = {
  en: {
    title: 'Your payment is not finished',
    paragraphs: ['Your payment has not finished yet.'],
    linkText: 'Go back to the start',
  },
  cy: {
    title: 'Nid yw eich taliad wedi’i orffen',
    paragraphs: ['Nid yw eich taliad wedi’i orffen eto.'],
    linkText: 'Mynd yn ôl i’r dechrau',
  },
};

const TOO_LARGE: Copy = {
  en: {
    title: 'Request too large',
    paragraphs: ['The request was too large. Go back and try again.'],
  },
  cy: {
    title: 'Mae’r cais yn rhy fawr',
    paragraphs: ['Roedd y cais yn rhy fawr. Ewch yn ôl a rhowch gynnig arall arni.'],
  },
};

const FORBIDDEN: Copy = {
  en: {
    title: 'Sorry, this request was refused',
    paragraphs: ['Payments can only be started and cancelled from this service’s own pages.'],
  },
  cy: {
    title: 'Mae’n ddrwg gennym, gwrthodwyd y cais hwn',
    paragraphs: ['Dim ond o dudalennau’r gwasanaeth hwn y gellir dechrau a chanslo taliadau.'],
  },
};

function page(status: number, copy: Copy, lang: PageLanguage, linkHref?: string): DefaultPage {
  const { title, paragraphs, linkText } = copy[lang];
  return {
    status,
    lang,
    title,
    paragraphs,
    ...(linkHref === undefined || linkText === undefined
      ? {}
      : { link: { href: linkHref, text: linkText } }),
  };
}

export function unconfirmedPage(lang: PageLanguage): DefaultPage {
  return page(503, UNCONFIRMED, lang);
}

export function missingPage(lang: PageLanguage, startUrl: string): DefaultPage {
  return page(400, MISSING, lang, startUrl);
}

export function pendingPage(lang: PageLanguage, startUrl: string): DefaultPage {
  return page(200, PENDING, lang, startUrl);
}

export function tooLargePage(lang: PageLanguage): DefaultPage {
  return page(413, TOO_LARGE, lang);
}

export function forbiddenPage(lang: PageLanguage, developerNote?: string): DefaultPage {
  const refused = page(403, FORBIDDEN, lang);
  return developerNote === undefined ? refused : { ...refused, developerNote };
}

/**
 * The page's language: the payment's, which the citizen chose when GOV.UK Pay's pages spoke it to
 * them, or else the browser's preference between Welsh and English.
 */
export function pageLanguage(headers: IncomingHttpHeaders, paymentLanguage?: string): PageLanguage {
  if (paymentLanguage === 'cy' || paymentLanguage === 'en') return paymentLanguage;
  return acceptedLanguage(headers['accept-language']);
}

/**
 * Welsh when Accept-Language ranks it above English (`cy`, `cy-GB`), else English. Only these two
 * matter, so this reads the q-values of those tags and `*` and ignores the rest.
 */
export function acceptedLanguage(header: string | undefined): PageLanguage {
  if (header === undefined) return 'en';
  let welsh = 0;
  let english = 0;
  let any = 0;
  // Bounded: a header is at most a few hundred bytes in practice, and only 32 entries are read.
  for (const entry of header.split(',').slice(0, 32)) {
    const [rawTag = '', ...params] = entry.split(';');
    const primary = rawTag.trim().toLowerCase().split('-')[0];
    const q = qualityOf(params);
    if (primary === 'cy') welsh = Math.max(welsh, q);
    else if (primary === 'en') english = Math.max(english, q);
    else if (primary === '*') any = Math.max(any, q);
  }
  if (english === 0) english = any;
  return welsh > english ? 'cy' : 'en';
}

function qualityOf(params: readonly string[]): number {
  for (const param of params) {
    const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
    if (match?.[1] !== undefined) return Math.min(1, Number(match[1]));
  }
  return 1;
}

export function renderPage(page: DefaultPage): string {
  const paragraphs = page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n');
  const link =
    page.link === undefined
      ? ''
      : `\n<p><a href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>`;
  const note =
    page.developerNote === undefined
      ? ''
      : `\n<p lang="en"><strong>For developers (not shown when NODE_ENV=production):</strong> ${escapeHtml(page.developerNote)}</p>`;
  return `<!DOCTYPE html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs}${link}${note}
</main>
</body>
</html>
`;
}
