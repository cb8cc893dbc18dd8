import { API_KEY_FORMAT_HINT, API_KEY_PATTERN, isTestApiKey } from '../govuk-pay/index.js';
import { invalidOption } from './values.js';

/**
 * A GOV.UK Pay API key, checked against the format publicauth issues (FACTS §1) so a pasted
 * placeholder, a stray newline or a `Bearer ` prefix fails at start-up rather than as a 401 on a
 * citizen's payment. Messages never show the key.
 */
export function apiKeyOption(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    return invalidOption(path, 'must be a GOV.UK Pay API key string', 'ERR_PAY_API_KEY');
  }
  if (/^bearer\s/i.test(value)) {
    invalidOption(
      path,
      'must be the key alone, without "Bearer "; it is added for you',
      'ERR_PAY_API_KEY',
    );
  }
  if (value.trim() !== value) {
    invalidOption(
      path,
      'has leading or trailing whitespace; trim the value read from the file or environment variable',
      'ERR_PAY_API_KEY',
    );
  }
  if (!API_KEY_PATTERN.test(value)) {
    invalidOption(
      path,
      `does not look like a GOV.UK Pay API key: ${API_KEY_FORMAT_HINT}`,
      'ERR_PAY_API_KEY',
    );
  }
  return value;
}

/**
 * Only a test key may go to an http origin (a local simulator). A live key, or an old key with no
 * prefix that may be live, is sent over https only.
 */
export function checkApiKeyTransport(
  key: string,
  origin: URL,
  path: string,
  originPath: string,
): void {
  if (origin.protocol === 'https:' || isTestApiKey(key)) return;
  invalidOption(
    path,
    `is not a test key (api_test_...), so it can only be sent to an https ${originPath}; use a test key with the simulator`,
    'ERR_PAY_API_KEY',
  );
}
