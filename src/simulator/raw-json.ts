/**
 * The raw text of each top-level number in a JSON object that has already parsed. GOV.UK Pay's
 * Jackson parser tells `100` from `100.0` and `1e3`, which JSON.parse makes the same number; an
 * integer field given a fraction or an exponent is a 400 P0102 there (FACTS.md §3.1).
 */
export function topLevelNumberTokens(raw: string): Map<string, string> {
  const tokens = new Map<string, string>();
  let i = 0;
  const skipSpace = (): void => {
    while (i < raw.length && ' \t\n\r'.includes(raw[i] as string)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(raw.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    let depth = 0;
    do {
      const c = raw[i];
      if (c === '"') {
        readString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
    } while (depth > 0 && i < raw.length);
  };

  skipSpace();
  if (raw[i] !== '{') return tokens;
  i++;
  for (;;) {
    skipSpace();
    if (raw[i] !== '"') return tokens;
    const key = readString();
    skipSpace();
    i++; // the colon
    skipSpace();
    const c = raw[i] as string;
    if (c === '-' || (c >= '0' && c <= '9')) {
      const start = i;
      while (i < raw.length && /[-+.eE0-9]/.test(raw[i] as string)) i++;
      tokens.set(key, raw.slice(start, i));
    } else if (c === '"' || c === '{' || c === '[') {
      tokens.delete(key);
      skipValue();
    } else {
      tokens.delete(key);
      while (i < raw.length && /[a-z]/.test(raw[i] as string)) i++;
    }
    skipSpace();
    if (raw[i] !== ',') return tokens;
    i++;
  }
}

/** True when the token is a JSON integer: digits only, no fraction and no exponent. */
export function isIntegerToken(token: string | undefined): boolean {
  return token !== undefined && /^-?\d+$/.test(token);
}
