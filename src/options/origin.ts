import type { PayConfigErrorCode } from '../config-error.js';
import { invalidOption } from './values.js';

/**
 * The one rule for plain http: it is allowed only to a loopback host, which never puts a byte on
 * a network. That is `localhost`, any IPv4 address in 127.0.0.0/8, and `[::1]`. A LAN address, a
 * container name or a `*.localhost` name is not loopback to every resolver, so it needs https,
 * like any other host: an API key or a return URL sent over it could be read on the way.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

export interface OriginRule {
  /** A working value for the message, e.g. `'https://apply.example.gov.uk'`. */
  example: string;
  /** Why http is refused here, added to the message. */
  httpsBecause: string;
  code?: PayConfigErrorCode;
}

/**
 * An origin: an absolute https URL (http on loopback) with no credentials, path, query or
 * fragment. A trailing slash is accepted and dropped. Returns the parsed URL, whose `origin` is
 * the normalised value.
 */
export function originOption(value: unknown, path: string, rule: OriginRule): URL | undefined {
  if (value === undefined) return undefined;
  const shape = `must be an origin with no path, query or fragment, e.g. ${rule.example}`;
  if (typeof value !== 'string') return invalidOption(path, shape, rule.code);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalidOption(path, shape, rule.code);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    // new URL drops an empty query or fragment: 'https://x?' is still a typo worth refusing.
    /[?#]/.test(value)
  ) {
    return invalidOption(path, shape, rule.code);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    invalidOption(
      path,
      `must use https (${rule.httpsBecause}); http is allowed only for localhost, 127.0.0.1 and [::1]`,
      rule.code,
    );
  }
  return url;
}
