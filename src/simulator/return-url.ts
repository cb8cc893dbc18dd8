import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { ROOT_ZONE_TLDS } from './tlds.js';

// GOV.UK Pay's connector checks return_url with Apache Commons UrlValidator: schemes http and
// https, ALLOW_LOCAL_URLS and ALLOW_2_SLASHES, and the extra local TLDs `internal` and `local`
// (FACTS.md §10). This is the same algorithm, step for step: java.net.URI must parse the whole
// string, then the authority, path and query are checked on their own.

/** Characters java.net.URI refuses anywhere in a URI (RFC 2396 leaves them out). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const URI_ILLEGAL = /[\u0000-\u0020\u007f"<>\\^`{|}]|%(?![0-9a-fA-F]{2})/;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** UrlValidator's AUTHORITY_REGEX: [ipv6], or optional userinfo@ then host, then :port, then the rest. */
const AUTHORITY =
  /^(?:\[(::FFFF:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]+)\]|(?:[a-zA-Z0-9%\-._~!$&'()*+,;=]+(?::[a-zA-Z0-9%\-._~!$&'()*+,;=]*)?@)?([a-zA-Z0-9\-.]*))(?::(\d*))?(.*)?$/s;
/** UrlValidator's PATH_REGEX, with Java's ASCII `\w`. */
const PATH = /^(\/[-\w:@&?=+,.!/~*'%$;()]*)?$/;
const DOMAIN_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const DOMAIN_NAME = new RegExp(
  `^(?:${DOMAIN_LABEL}\\.)+([a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)\\.?$`,
);
const SINGLE_LABEL = new RegExp(`^${DOMAIN_LABEL}$`);
/** DomainValidator's local TLDs, plus the two GOV.UK Pay's connector adds. */
const LOCAL_TLDS = new Set(['localdomain', 'localhost', 'internal', 'local']);
const MAX_DOMAIN_LENGTH = 253;

function isValidTld(tld: string): boolean {
  const lower = tld.toLowerCase();
  return LOCAL_TLDS.has(lower) || lower === 'arpa' || ROOT_ZONE_TLDS.has(lower);
}

/** DomainValidator.isValid with allowLocal: a name under a known TLD, or a single label. */
function isValidDomain(host: string): boolean {
  if (host.length === 0 || host.length > MAX_DOMAIN_LENGTH) return false;
  const match = DOMAIN_NAME.exec(host);
  if (match !== null) return isValidTld(match[1] as string);
  return SINGLE_LABEL.test(host);
}

/** InetAddressValidator.isValidInet4Address: four 0-255 parts, no leading zeros. */
function isValidIpv4(host: string): boolean {
  const parts = host.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p[0] === '0'))
  );
}

function isValidAuthority(authority: string): boolean {
  // IDNs are checked in their ASCII form; an unconvertible one is refused.
  const ascii = /[^ -~]/.test(authority) ? domainToASCII(authority) : authority;
  if (ascii === '') return false;
  const match = AUTHORITY.exec(ascii);
  if (match === null) return false;
  const [, ipv6, host, port, extra] = match;
  if (ipv6 !== undefined) {
    if (!isIPv6(ipv6)) return false;
  } else {
    if (!isValidDomain(host ?? '') && !isValidIpv4(host ?? '')) return false;
    if (port !== undefined && port !== '' && Number(port) > 65535) return false;
  }
  return extra === undefined || extra.trim() === '';
}

/** java.net.URI.normalize keeps a `..` that climbs above the root; UrlValidator refuses it. */
function climbsAboveRoot(path: string): boolean {
  let depth = 0;
  for (const segment of path.split('/').slice(1)) {
    if (segment === '..') {
      if (depth === 0) return true;
      depth--;
    } else if (segment !== '.' && segment !== '') {
      depth++;
    }
  }
  return false;
}

/** True when GOV.UK Pay accepts `value` as a return_url (before the live-account https rule). */
export function isValidReturnUrl(value: string): boolean {
  if (URI_ILLEGAL.test(value)) return false;
  const scheme = SCHEME.exec(value);
  if (scheme === null) return false;
  const lower = (scheme[1] as string).toLowerCase();
  if (lower !== 'http' && lower !== 'https') return false;
  const rest = value.slice(scheme[0].length);
  // Without `//` java.net.URI reads an opaque URI, which has no authority.
  if (!rest.startsWith('//')) return false;
  const hierarchical = rest.slice(2);
  const hashAt = hierarchical.indexOf('#');
  const beforeFragment = hashAt === -1 ? hierarchical : hierarchical.slice(0, hashAt);
  // A second `#` is not a legal URI character.
  if (hashAt !== -1 && hierarchical.indexOf('#', hashAt + 1) !== -1) return false;
  const queryAt = beforeFragment.indexOf('?');
  const beforeQuery = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const slashAt = beforeQuery.indexOf('/');
  const authority = slashAt === -1 ? beforeQuery : beforeQuery.slice(0, slashAt);
  const path = slashAt === -1 ? '' : beforeQuery.slice(slashAt);
  if (!isValidAuthority(authority)) return false;
  // Square brackets belong to an IPv6 host only.
  if (/[[\]]/.test(path)) return false;
  if (!PATH.test(path) || climbsAboveRoot(path)) return false;
  // The query only has to be free of whitespace, which URI_ILLEGAL has already ruled out;
  // fragments are allowed (NO_FRAGMENTS is off).
  return true;
}
