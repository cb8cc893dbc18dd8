/**
 * Every value sent under `name` in a Cookie header, in the order sent (the browser puts the
 * most specific Path first). Read here rather than through cookie-parser, so the service need
 * not install it, and a stale cookie at another path cannot hide the right one. There is no cap
 * on how many: junk values tossed in by a sibling subdomain must not push the real one out, and
 * Node's header size limit already bounds the work.
 */
export function readCookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined || header === '') return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

export interface PaymentCookieAttributes {
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

/**
 * The Set-Cookie value. SameSite=Lax, not Strict: GOV.UK Pay sends the citizen back with a
 * cross-site redirect, on which a Strict cookie is not sent. HttpOnly keeps it from scripts;
 * Path keeps it to the journey's own routes. `value` is sealed base64url and needs no escaping.
 */
export function serializePaymentCookie(
  name: string,
  value: string,
  { path, maxAgeSeconds, secure }: PaymentCookieAttributes,
): string {
  return `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Lax`;
}
