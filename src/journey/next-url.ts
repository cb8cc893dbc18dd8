import { PayConfigError } from '../config-error.js';
import { isLoopbackHost } from '../options/index.js';

/** GOV.UK Pay's hosted payment pages live under this domain. */
export const DEFAULT_NEXT_URL_HOSTS: readonly string[] = ['*.payments.service.gov.uk'];

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_ENTRY = new RegExp(`^(\\*\\.)?((?:${LABEL}\\.)*${LABEL})(?::(\\d{1,5}))?$`);

interface HostRule {
  /** True for `*.example.gov.uk`: any subdomain, not the domain itself. */
  wildcard: boolean;
  host: string;
  /** An explicit port; undefined means the scheme's default port. */
  port: string | undefined;
}

/** True when `url` is a next_url the citizen may be sent to. */
export type NextUrlCheck = (url: unknown) => boolean;

/**
 * Compiles the `nextUrlHosts` allow-list once. A next_url is followed only when its scheme, host
 * and port all match: following one elsewhere would hand the citizen, and their card details,
 * to whoever controls it.
 */
export function compileNextUrlHosts(entries: unknown): NextUrlCheck {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new PayConfigError(
      'ERR_PAY_NEXT_URL_HOSTS',
      "nextUrlHosts must be a non-empty array of hosts such as '*.payments.service.gov.uk' or '127.0.0.1:9090'",
    );
  }
  const rules = entries.map((entry: unknown, index): HostRule => {
    const match = typeof entry === 'string' ? HOST_ENTRY.exec(entry.toLowerCase()) : null;
    const port = match?.[3];
    if (!match || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
      throw new PayConfigError(
        'ERR_PAY_NEXT_URL_HOSTS',
        `nextUrlHosts[${index}] must be a host with an optional port and an optional leading '*.', such as '*.payments.service.gov.uk' or '127.0.0.1:9090', with no scheme or path`,
      );
    }
    const wildcard = match[1] !== undefined;
    const host = match[2] as string;
    if (wildcard && !host.includes('.')) {
      throw new PayConfigError(
        'ERR_PAY_NEXT_URL_HOSTS',
        `nextUrlHosts[${index}] wildcards a whole top-level domain; name the domain, such as '*.payments.service.gov.uk'`,
      );
    }
    return { wildcard, host, port: port === undefined ? undefined : String(Number(port)) };
  });

  return (url: unknown): boolean => {
    if (typeof url !== 'string') return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.username !== '' || parsed.password !== '') return false;
    const { hostname } = parsed;
    if (parsed.protocol === 'http:') {
      // The toolkit's one rule: plain http never leaves the machine.
      if (!isLoopbackHost(hostname)) return false;
    } else if (parsed.protocol !== 'https:') {
      return false;
    }
    // URL drops a default port, so compare effective ports: ':443' matches a URL with none.
    const defaultPort = parsed.protocol === 'http:' ? '80' : '443';
    const port = parsed.port === '' ? defaultPort : parsed.port;
    return rules.some(
      (rule) =>
        (rule.port ?? defaultPort) === port &&
        (rule.wildcard ? hostname.endsWith(`.${rule.host}`) : hostname === rule.host),
    );
  };
}

/**
 * The next_url to send the citizen to: the serialised form of the URL that was checked, so what
 * goes in the Location header is exactly what passed. A URL with whitespace or control
 * characters (which the parser would silently drop) is refused outright, not repaired: GOV.UK Pay
 * never sends one, so it is a sign of tampering.
 */
export function serialiseNextUrl(raw: unknown, check: NextUrlCheck): string | undefined {
  if (typeof raw !== 'string' || hasWhitespaceOrControl(raw) || !check(raw)) return undefined;
  return new URL(raw).href;
}

function hasWhitespaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}
