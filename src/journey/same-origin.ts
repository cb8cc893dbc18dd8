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
