/**
 * The library's own minimal pages, for the outcomes a service need not design. Plain, accessible
 * HTML with no scripts or external resources, so they work under any Content-Security-Policy.
 */
import { escapeHtml } from '../govuk-pay/index.js';

export interface DefaultPage {
  status: number;
  title: string;
  paragraphs: readonly string[];
  link?: { href: string; text: string };
}

export function unconfirmedPage(): DefaultPage {
  return {
    status: 503,
    title: 'We could not confirm your payment',
    paragraphs: [
      'We could not confirm your payment. Do not try to pay again: your payment may already have been taken.',
      'We will check it and update your application. Please wait a few minutes, then refresh this page.',
    ],
  };
}

export function missingPage(startUrl: string): DefaultPage {
  return {
    status: 400,
    title: 'We could not find your payment',
    paragraphs: [
      'We could not find a payment for you. This can happen if you waited too long, used another browser or cleared your cookies.',
      'If you have been told your payment was taken, do not pay again.',
    ],
    link: { href: startUrl, text: 'Go back to the start' },
  };
}

export function pendingPage(startUrl: string): DefaultPage {
  return {
    status: 200,
    title: 'Your payment is not finished',
    paragraphs: ['Your payment has not finished yet.'],
    link: { href: startUrl, text: 'Go back to the start' },
  };
}

export function tooLargePage(): DefaultPage {
  return {
    status: 413,
    title: 'Request too large',
    paragraphs: ['The request was too large. Go back and try again.'],
  };
}

export function forbiddenPage(): DefaultPage {
  return {
    status: 403,
    title: 'Sorry, this request was refused',
    paragraphs: ['Payments can only be started and cancelled from this service’s own pages.'],
  };
}

export function renderPage(page: DefaultPage): string {
  const paragraphs = page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join('\n');
  const link =
    page.link === undefined
      ? ''
      : `\n<p><a href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
${paragraphs}${link}
</main>
</body>
</html>
`;
}
