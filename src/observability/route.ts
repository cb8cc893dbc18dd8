import type { TracingChannel } from 'node:diagnostics_channel';
import { withRequestLogger } from '../logger.js';
import { cancelChannel, returnChannel, startChannel, webhookChannel } from './channels.js';
import type { JourneyTrace, WebhookTrace } from './channels.js';
import { traced } from './publish.js';

/** The parts of an Express request read here. */
interface RoutedRequest {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** `/return/:returnId` to `/return/{returnId}`: the template, in the style of the client's paths. */
function template(routePath: string): string {
  return routePath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function journeyChannel(routePath: string): TracingChannel<unknown, JourneyTrace> | undefined {
  if (routePath === '/start') return startChannel;
  if (routePath === '/cancel') return cancelChannel;
  if (routePath.startsWith('/return')) return returnChannel;
  return undefined;
}

/**
 * Handles one journey request: its lines go to `req.log` when present, and it is traced on the
 * channel of its route (start, return, cancel) with the route's template, never the real path.
 * `mountPath` is the journey's, or the one it was routed under (`req.baseUrl`, which holds no id).
 */
export function observeJourneyRequest<T>(
  req: object,
  mountPath: string | undefined,
  run: () => Promise<T>,
  routePath?: string,
): Promise<T> {
  return withRequestLogger(req, () => {
    const routed = req as RoutedRequest;
    const path =
      routePath ?? (typeof routed.route?.path === 'string' ? routed.route.path : undefined);
    const channel = path === undefined ? undefined : journeyChannel(path);
    if (channel === undefined || path === undefined) return run();
    return traced(
      channel,
      'journey',
      () => ({ route: `${mountPath ?? routed.baseUrl ?? ''}${template(path)}` }),
      run,
    );
  });
}

/** Handles one `POST {mount}/webhooks`: `req.log` for its lines, traced on the webhook channel. */
export function observeWebhookRequest(req: object, run: () => Promise<void>): Promise<void> {
  return withRequestLogger(req, () =>
    traced<WebhookTrace, void>(
      webhookChannel,
      'webhook',
      () => ({ route: `${(req as RoutedRequest).baseUrl ?? ''}/webhooks` }),
      run,
    ),
  );
}
