import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a state-changing request (start, cancel) plainly came from another site. Browsers
 * send Sec-Fetch-Site; older ones at least send Origin on a POST. Neither header is trusted to
 * admit a request, only to refuse one: with both absent (a non-browser client) it is allowed,
 * since a forged cross-site form post always carries at least one of them.
 */
export function isCrossSiteRequest(headers: IncomingHttpHeaders, publicOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  const origin = headers.origin;
  if (origin === undefined) return site === 'same-site';
  // 'null' (a sandboxed frame, a redirect chain) never equals a real origin.
  return origin.toLowerCase() !== publicOrigin;
}
