import { PayResponseError } from './errors.js';

/**
 * Links GOV.UK Pay returns are followed with the API key attached. A response that pointed a link
 * at another origin (a compromised proxy, a misconfigured simulator, a tampered cookie holding a
 * self link) would otherwise make the client send the key there. So every link is checked against
 * the configured API origin before it is followed.
 */

/** Parses an absolute http(s) URL with no credentials, or returns undefined. */
function parseLink(href: unknown): URL | undefined {
  if (typeof href !== 'string' || href.length === 0 || href.length > 4096) return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url;
}

/** True when `href` is an absolute link on exactly `apiOrigin` (scheme, host and port). */
export function isTrustedApiLink(href: unknown, apiOrigin: string): boolean {
  const url = parseLink(href);
  return url !== undefined && url.origin === apiOrigin;
}

/**
 * Returns the path and query of a link once it is proven to be on `apiOrigin` and its path
 * matches `pathPattern`. Otherwise throws a `PayResponseError` that names the link, never its
 * value (a link can hold a payment id).
 */
export function trustedApiPath(
  href: unknown,
  apiOrigin: string,
  linkName: string,
  pathPattern: RegExp,
): { path: string; query: string; match: RegExpExecArray } {
  const url = parseLink(href);
  if (url === undefined) {
    throw new PayResponseError(
      `govuk-pay-express: the ${linkName} link is not an absolute http(s) URL; refusing to follow it`,
    );
  }
  if (url.origin !== apiOrigin) {
    throw new PayResponseError(
      `govuk-pay-express: the ${linkName} link points outside the configured API origin ` +
        `${apiOrigin}; refusing to follow it with the API key`,
    );
  }
  const match = pathPattern.exec(url.pathname);
  if (match === null || url.hash !== '') {
    throw new PayResponseError(
      `govuk-pay-express: the ${linkName} link does not have the expected path; refusing to follow it`,
    );
  }
  return { path: url.pathname, query: url.search, match };
}
