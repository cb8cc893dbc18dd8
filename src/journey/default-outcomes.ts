import type { Response } from 'express';
import type { Outcome } from './classify.js';
import type { OutcomeHandler } from './options.js';
import { missingPage, pendingPage, renderPage, unconfirmedPage } from './pages.js';
import type { DefaultPage } from './pages.js';
import type { ResolvedJourneyConfig } from './resolve-options.js';

/** Every outcome's handler: the service's own, or the safe default DESIGN.md gives. */
export function resolveOutcomeHandlers(
  config: ResolvedJourneyConfig,
): Readonly<Record<Outcome, OutcomeHandler>> {
  const { outcomes } = config;
  return {
    success: outcomes.success,
    failed: outcomes.failed,
    cancelled: outcomes.cancelled ?? outcomes.failed,
    error: outcomes.error ?? outcomes.failed,
    pending:
      outcomes.pending ??
      ((_req, res, result) => {
        // next_url is single-use; the GET that classified this payment minted a fresh one.
        const nextUrl = result.payment?._links.next_url?.href;
        if (nextUrl !== undefined && config.isAllowedNextUrl(nextUrl)) {
          res.status(303).setHeader('Location', nextUrl);
          res.end();
        } else {
          sendPage(res, pendingPage(config.startUrl));
        }
      }),
    unconfirmed: outcomes.unconfirmed ?? ((_req, res) => sendPage(res, unconfirmedPage())),
    missing: outcomes.missing ?? ((_req, res) => sendPage(res, missingPage(config.startUrl))),
  };
}

export function sendPage(res: Response, page: DefaultPage): void {
  res.status(page.status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(renderPage(page));
}
