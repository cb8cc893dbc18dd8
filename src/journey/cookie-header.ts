/** A citizen's browser sends few cookies of one name; more is noise or an attack. */
const MAX_VALUES_PER_NAME = 4;

/**
 * Every value sent under `name` in a Cookie header, in the order sent (the browser puts the
 * most specific Path first). Read here rather than through cookie-parser, so the service need
 * not install it, and a stale cookie at another path cannot hide the right one.
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
    if (values.length === MAX_VALUES_PER_NAME) break;
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
