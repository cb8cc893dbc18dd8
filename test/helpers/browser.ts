import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A tiny browser for integration tests: plain HTTP over node:http with a cookie jar, manual
 * redirects and form posts. It records every URL requested and every Set-Cookie received, so
 * tests can scan them for secrets.
 */

export interface BrowserResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  url: string;
  /** The Location header resolved against `url`, for a redirect. */
  location?: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | undefined;
  maxAge: number | undefined;
}

/** One Set-Cookie header, split into its name, value and attributes (lower-cased keys). */
export interface ParsedSetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): ParsedSetCookie {
  const [pair = '', ...parts] = header.split(';');
  const equals = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) attributes[part.trim().toLowerCase()] = true;
    else attributes[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim(), attributes };
}

export class Browser {
  /** Every URL this browser requested, in order. */
  readonly requested: string[] = [];
  /** Every Set-Cookie header received, with the URL that sent it. */
  readonly setCookies: { url: string; header: string }[] = [];
  private cookies: StoredCookie[] = [];

  constructor(
    /** Send Secure cookies over http too, to test an https publicUrl on a local http server. */
    private readonly treatHttpAsSecure = false,
  ) {}

  async get(url: string, options: RequestOptions = {}): Promise<BrowserResponse> {
    return this.request('GET', url, options);
  }

  async post(url: string, options: RequestOptions = {}): Promise<BrowserResponse> {
    return this.request('POST', url, options);
  }

  /** Makes one request, then follows redirects (as GETs) up to `maxHops`. */
  async navigate(
    method: string,
    url: string,
    options: RequestOptions = {},
    maxHops = 10,
  ): Promise<BrowserResponse> {
    let response = await this.request(method, url, options);
    for (let hop = 0; hop < maxHops && response.location !== undefined; hop += 1) {
      response = await this.request('GET', response.location, {});
    }
    return response;
  }

  /** One request with this browser's cookies; no redirect is followed. */
  async request(
    method: string,
    url: string,
    options: RequestOptions = {},
  ): Promise<BrowserResponse> {
    const target = new URL(url);
    const body =
      options.form === undefined ? undefined : new URLSearchParams(options.form).toString();
    const headers: Record<string, string> = { ...options.headers };
    const cookieHeader = this.cookieHeaderFor(target);
    if (cookieHeader !== '' && headers.cookie === undefined) headers.cookie = cookieHeader;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    this.requested.push(url);

    const response = await new Promise<BrowserResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const location = res.headers.location;
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              url,
              ...(location === undefined ||
              (res.statusCode ?? 0) < 300 ||
              (res.statusCode ?? 0) >= 400
                ? {}
                : { location: new URL(location, url).href }),
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

    for (const header of response.headers['set-cookie'] ?? []) {
      this.setCookies.push({ url, header });
      this.store(target, parseSetCookie(header));
    }
    return response;
  }

  /** The value of a cookie as this browser holds it, for tampering tests. */
  cookie(name: string): string | undefined {
    return this.cookies.find((cookie) => cookie.name === name)?.value;
  }

  /** Replaces a held cookie's value (keeping its attributes), as an attacker or a bug would. */
  setCookieValue(name: string, value: string): void {
    const cookie = this.cookies.find((c) => c.name === name);
    if (cookie === undefined) throw new Error(`no cookie ${name} to change`);
    cookie.value = value;
  }

  deleteCookie(name: string): void {
    this.cookies = this.cookies.filter((cookie) => cookie.name !== name);
  }

  private store(target: URL, parsed: ParsedSetCookie): void {
    const path = typeof parsed.attributes.path === 'string' ? parsed.attributes.path : '/';
    const maxAgeText = parsed.attributes['max-age'];
    const maxAge = typeof maxAgeText === 'string' ? Number(maxAgeText) : undefined;
    this.cookies = this.cookies.filter(
      (c) => !(c.name === parsed.name && c.host === target.hostname && c.path === path),
    );
    if (maxAge !== undefined && maxAge <= 0) return;
    const sameSite = parsed.attributes.samesite;
    this.cookies.push({
      name: parsed.name,
      value: parsed.value,
      // Browsers do not separate cookies by port: the simulator's and the app's share a jar.
      host: target.hostname,
      path,
      secure: parsed.attributes.secure === true,
      httpOnly: parsed.attributes.httponly === true,
      sameSite: typeof sameSite === 'string' ? sameSite : undefined,
      maxAge,
    });
  }

  /** The Cookie header this browser would send to `url`, or undefined when it sends none. */
  cookieHeader(url: string): string | undefined {
    const header = this.cookieHeaderFor(new URL(url));
    return header === '' ? undefined : header;
  }

  private cookieHeaderFor(target: URL): string {
    const secureChannel = target.protocol === 'https:' || this.treatHttpAsSecure;
    return this.cookies
      .filter(
        (c) =>
          c.host === target.hostname &&
          pathMatches(target.pathname, c.path) &&
          (!c.secure || secureChannel),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}
