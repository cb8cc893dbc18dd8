import type { Response } from 'express';
import type { Outcome } from '../settlement/index.js';
import type { OutcomeHandler } from './options.js';
import { serialiseNextUrl } from './next-url.js';
import { missingPage, pageLanguage, pendingPage, renderPage, unconfirmedPage } from './pages.js';
import type { DefaultPage } from './pages.js';
import type { ResolvedJourneyConfig } from './resolve-options.js';

/** One handler per outcome, each taking the results of its own outcome. */
export type OutcomeHandlerTable = { readonly [O in Outcome]: OutcomeHandler<O> };

/** Every outcome's handler: the service's own, or the safe default DESIGN.md gives. */
export function resolveOutcomeHandlers(config: ResolvedJourneyConfig): OutcomeHandlerTable {
  const { outcomes } = config;
  return {
    success: outcomes.success,
    failed: outcomes.failed as OutcomeHandler<'failed'>,
    cancelled: outcomes.cancelled ?? (outcomes.failed as OutcomeHandler<'cancelled'>),
    error: outcomes.error ?? (outcomes.failed as OutcomeHandler<'error'>),
    pending:
      outcomes.pending ??
      ((req, res, result) => {
        // next_url is single-use; the GET that classified this payment minted a fresh one.
        const nextUrl = serialiseNextUrl(
          result.payment?._links.next_url?.href,
          config.isAllowedNextUrl,
        );
        if (nextUrl !== undefined) {
          res.status(303).setHeader('Location', nextUrl);
          res.end();
        } else {
          sendPage(
            res,
            pendingPage(pageLanguage(req.headers, result.payment?.language), config.startUrl),
          );
        }
      }),
    unconfirmed:
      outcomes.unconfirmed ??
      // The payment could not be read, so neither could its language.
      ((req, res) => sendPage(res, unconfirmedPage(pageLanguage(req.headers)))),
    missing:
      outcomes.missing ??
      ((req, res) => sendPage(res, missingPage(pageLanguage(req.headers), config.startUrl))),
  };
}

export function sendPage(res: Response, page: DefaultPage): void {
  res.status(page.status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(renderPage(page));
}
