import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a state-changing request (start, cancel) plainly came from another site.
 *
 * Sec-Fetch-Site is set by the browser and cannot be forged by a page, so when it is present it
 * decides. `same-origin` is accepted even with `Origin: null`: Chrome sends that on same-origin
 * form posts under `Referrer-Policy: no-referrer`, which helmet sets by default. `same-site` (a
 * sibling subdomain) is only accepted with an Origin equal to `publicUrl`.
 *
 * Browsers too old for Sec-Fetch-Site still send Origin on a POST, so then Origin decides. With
 * both absent (a non-browser client) the request is allowed, since a forged cross-site form post
 * from a browser always carries at least one of them.
 */
export function isCrossSiteRequest(headers: IncomingHttpHeaders, publicOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site === 'cross-site') return true;
  if (site === 'same-origin' || site === 'none') {
    return origin !== undefined && origin !== 'null' && origin.toLowerCase() !== publicOrigin;
  }
  if (origin === undefined) return site !== undefined;
  // 'null' (a sandboxed frame, a redirect chain) never equals a real origin.
  return origin.toLowerCase() !== publicOrigin;
}

/** What to log, and tell a developer, when a start or cancel is refused as cross-site. */
export interface CrossSiteRefusal {
  fields: { browserOrigin?: string; publicUrl?: string };
  message: string;
  /** Outside production only: why this is refused, for the 403 page. */
  developerNote?: string;
}

/**
 * Explains a refusal. When the browser says it posted from this very site (`Sec-Fetch-Site:
 * same-origin`) with an Origin that is not `publicUrl`, the likeliest cause is the service opened
 * at another address than `publicUrl`, say `localhost` against `127.0.0.1`: both origins are
 * named so that the fix is plain. Only origins are logged, never a path or query, and the
 * browser's is re-serialised by URL so a forged header cannot inject text into the log.
 */
export function describeCrossSiteRefusal(
  headers: IncomingHttpHeaders,
  publicOrigin: string,
  production: boolean,
): CrossSiteRefusal {
  const browserOrigin = serialisedOrigin(headers.origin);
  if (headers['sec-fetch-site'] !== 'same-origin' || browserOrigin === undefined) {
    return {
      fields: browserOrigin === undefined ? {} : { browserOrigin, publicUrl: publicOrigin },
      message: 'govuk-pay-express: refused a cross-site request',
    };
  }
  const fix = `open the service at ${publicOrigin}, or set publicUrl to ${browserOrigin} if that is the address citizens use`;
  return {
    fields: { browserOrigin, publicUrl: publicOrigin },
    message: `govuk-pay-express: refused a request from ${browserOrigin}, which is not publicUrl (${publicOrigin}); ${fix}`,
    ...(production
      ? {}
      : {
          developerNote: `The browser is on ${browserOrigin}, but publicUrl is ${publicOrigin}, so this request looks cross-site. To fix it, ${fix}.`,
        }),
  };
}

function serialisedOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined || origin === 'null' || origin.length > 300) return undefined;
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
