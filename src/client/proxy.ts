import { isIP } from 'node:net';
import { PayConfigError } from '../config-error.js';
import { invalidOption } from '../options/index.js';

/**
 * An egress proxy that calls to GOV.UK Pay are tunnelled through (HTTP `CONNECT`). Its
 * credentials, if the URL had any, are held in a private field: `util.inspect` of a client never
 * shows them, and `label` (for messages) is `host:port` only.
 */
export class ProxyRoute {
  /** `host:port`, for messages and logs: never the credentials. */
  readonly label: string;
  /** The proxy's host name or IP address, with no brackets. */
  readonly host: string;
  readonly port: number;
  readonly #authorization: string | undefined;

  constructor(url: URL) {
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = url.port === '' ? 80 : Number(url.port);
    this.label = `${url.hostname}:${this.port}`;
    this.#authorization =
      url.username === '' && url.password === ''
        ? undefined
        : `Basic ${Buffer.from(`${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`, 'utf8').toString('base64')}`;
  }

  /** Headers of the `CONNECT` request: `Proxy-Authorization` when the URL had credentials. */
  connectHeaders(target: string): Record<string, string> {
    return this.#authorization === undefined
      ? { host: target }
      : { host: target, 'proxy-authorization': this.#authorization };
  }
}

function decodeUserinfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The variables read, lower case first, as curl and most HTTP clients do. */
const PROXY_VARIABLES = {
  'https:': ['https_proxy', 'HTTPS_PROXY'],
  'http:': ['http_proxy', 'HTTP_PROXY'],
} as const;
const NO_PROXY_VARIABLES = ['no_proxy', 'NO_PROXY'] as const;

const PROXY_URL_EXAMPLE =
  "'http://proxy.internal:3128' (with credentials, 'http://user:password@proxy.internal:3128')";

/**
 * Parses a proxy URL, or returns why it is unusable. Only `http://` proxies: the tunnel inside
 * carries TLS end to end to GOV.UK Pay, so the hop to the proxy needs none of its own.
 */
function parseProxyUrl(value: string): URL | string {
  // A bare `host:port` is what many environments set; curl takes it as http.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `must be an http:// proxy URL such as ${PROXY_URL_EXAMPLE}`;
  }
  if (url.protocol !== 'http:') {
    return `must be an http:// proxy URL such as ${PROXY_URL_EXAMPLE}; ${url.protocol.slice(0, -1)} proxies are not supported (the tunnel to GOV.UK Pay is TLS end to end already)`;
  }
  if (url.hostname === '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return `must be an http:// proxy URL with no path, query or fragment, such as ${PROXY_URL_EXAMPLE}`;
  }
  return url;
}

/**
 * Checks the `proxy` option: `false`, or an http:// proxy URL. Undefined means "not given": the
 * environment decides. The value is never echoed, since a proxy URL may hold credentials.
 */
export function proxyOption(value: unknown, path: string): string | false | undefined {
  if (value === undefined || value === false) return value;
  const problem =
    typeof value === 'string'
      ? parseProxyUrl(value)
      : `must be false (connect directly, whatever HTTPS_PROXY says) or an http:// proxy URL such as ${PROXY_URL_EXAMPLE}`;
  if (typeof problem === 'string') return invalidOption(path, problem);
  return value as string;
}

/** Where the proxy settings come from: `process.env`, or a test's own. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

function firstSet(env: ProxyEnvironment, names: readonly string[]): [string, string] | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return [name, value];
  }
  return undefined;
}

/**
 * The proxy that calls to `origin` go through, decided once, at construction:
 * - `proxy: false`: none;
 * - `proxy: 'http://…'`: that one, for every call (NO_PROXY is the environment's, for the
 *   environment's proxy);
 * - not given: `https_proxy`/`HTTPS_PROXY` for an https origin (`http_proxy`/`HTTP_PROXY` for
 *   http), unless `no_proxy`/`NO_PROXY` names the origin's host.
 * A malformed variable throws `PayConfigError` naming the variable, never its value.
 */
export function proxyRouteFor(
  origin: URL,
  option: string | false | undefined,
  env: ProxyEnvironment,
  path: string,
): ProxyRoute | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    const parsed = parseProxyUrl(option);
    if (typeof parsed === 'string') return invalidOption(path, parsed);
    return new ProxyRoute(parsed);
  }
  const variables =
    origin.protocol === 'https:' ? PROXY_VARIABLES['https:'] : PROXY_VARIABLES['http:'];
  const found = firstSet(env, variables);
  if (found === undefined) return undefined;
  const noProxy = firstSet(env, NO_PROXY_VARIABLES);
  if (noProxy !== undefined && noProxyMatches(noProxy[1], origin)) return undefined;
  const [name, value] = found;
  const parsed = parseProxyUrl(value);
  if (typeof parsed === 'string') {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `the ${name} environment variable ${parsed} (its value is not shown: it may hold credentials); fix it, list the GOV.UK Pay host in NO_PROXY, or pass ${path}: false`,
    );
  }
  return new ProxyRoute(parsed);
}

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Splits `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
function splitEntry(entry: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    return {
      host: bracketed[1] as string,
      port: bracketed[2] === undefined ? undefined : Number(bracketed[2]),
    };
  }
  if (isIP(entry) === 6) return { host: entry, port: undefined };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  if (withPort !== null) return { host: withPort[1] as string, port: Number(withPort[2]) };
  return { host: entry, port: undefined };
}

/**
 * NO_PROXY, as curl reads it: a list separated by commas or spaces; `*` alone matches every
 * host; a name matches itself and every subdomain (a leading `.` or `*.` is ignored); an entry
 * with a port matches that port only. Addresses match exactly (no CIDR ranges).
 */
export function noProxyMatches(noProxy: string, origin: URL): boolean {
  const host = origin.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = defaultPort(origin);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const split = splitEntry(entry);
    if (split.port !== undefined && split.port !== port) continue;
    const name = split.host.replace(/^\*?\./, '');
    if (name === '') continue;
    if (host === name) return true;
    if (isIP(host) === 0 && host.endsWith(`.${name}`)) return true;
  }
  return false;
}
