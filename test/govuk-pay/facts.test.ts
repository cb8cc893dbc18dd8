import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  API_KEY_PATTERN,
  MAX_AMOUNT,
  PAYMENT_EXPIRY_MS,
  PAYMENT_ID_PATTERN,
  escapeHtml,
  isTestApiKey,
  rateLimitPauseMs,
} from '../../src/govuk-pay';
import { generateTestApiKey } from '../../src/simulator/ids';

const SHARED = path.join(__dirname, '../../../shared/govuk-pay');
const FACTS = readFileSync(path.join(SHARED, 'FACTS.md'), 'utf8');

describe('API_KEY_PATTERN (FACTS §1)', () => {
  it("accepts the docs' example live key quoted in FACTS", () => {
    const example = /`(api_live_[0-9a-z]+)`/.exec(FACTS)?.[1];
    expect(example).toHaveLength(67);
    expect(API_KEY_PATTERN.test(example as string)).toBe(true);
  });

  it("accepts every key the simulator's generator makes, test and live", () => {
    for (let i = 0; i < 50; i++) {
      expect(API_KEY_PATTERN.test(generateTestApiKey('test'))).toBe(true);
      expect(API_KEY_PATTERN.test(generateTestApiKey('live'))).toBe(true);
    }
  });

  const hmac = 'a'.repeat(32);
  it.each([
    ['a full 26-character random id', `api_test_${'0'.repeat(26)}${hmac}`],
    ['a random id that lost its leading zeros', `api_test_${'1'}${hmac}`],
    ['a very old key with no prefix', `${'v'.repeat(26)}${hmac}`],
  ])('accepts %s', (_label, key) => {
    expect(API_KEY_PATTERN.test(key)).toBe(true);
  });

  it.each([
    ['only the 32-character checksum', `api_test_${hmac}`],
    ['a random id longer than 130 bits', `api_test_${'1'.repeat(27)}${hmac}`],
    ['a letter past v (not base32hex)', `api_test_${'w'.repeat(26)}${hmac}`],
    ['upper case', `api_test_${'A'.repeat(26)}${hmac}`],
    ['an unknown prefix', `api_prod_${'1'.repeat(26)}${hmac}`],
    ['a trailing newline', `api_test_${'1'.repeat(26)}${hmac}\n`],
    ['Bearer in front', `Bearer api_test_${'1'.repeat(26)}${hmac}`],
  ])('refuses %s', (_label, key) => {
    expect(API_KEY_PATTERN.test(key)).toBe(false);
  });

  it('calls only an api_test_ key a test key: an old unprefixed key may be live', () => {
    expect(isTestApiKey(`api_test_${'1'.repeat(58)}`)).toBe(true);
    expect(isTestApiKey(`api_live_${'1'.repeat(58)}`)).toBe(false);
    expect(isTestApiKey('1'.repeat(58))).toBe(false);
  });
});

describe('PAYMENT_ID_PATTERN', () => {
  it('matches every payment_id and agreement_id in the official fixtures', () => {
    const ids: string[] = [];
    for (const file of readdirSync(path.join(SHARED, 'fixtures'))) {
      const text = readFileSync(path.join(SHARED, 'fixtures', file), 'utf8');
      for (const m of text.matchAll(/"(?:payment_id|agreement_id)"\s*:\s*"([^"]*)"/g)) {
        ids.push(m[1] as string);
      }
    }
    expect(ids.length).toBeGreaterThan(2);
    for (const id of ids) expect(PAYMENT_ID_PATTERN.test(id)).toBe(true);
  });

  it.each(['short', 'a'.repeat(25), 'a'.repeat(27), 'W'.repeat(26), `${'a'.repeat(25)}/`])(
    'refuses %s',
    (id) => {
      expect(PAYMENT_ID_PATTERN.test(id)).toBe(false);
    },
  );
});

describe('limits', () => {
  it('MAX_AMOUNT is the AMOUNT_MAX_VALUE FACTS quotes from publicapi', () => {
    expect(FACTS).toContain(`AMOUNT_MAX_VALUE = ${MAX_AMOUNT}`);
  });

  it("the payment expiry is connector's 5400-second threshold", () => {
    expect(FACTS).toContain('defaultChargeExpiryThreshold: 5400');
    expect(PAYMENT_EXPIRY_MS).toBe(5400 * 1000);
  });
});

describe('rateLimitPauseMs', () => {
  it.each([
    [undefined, 1000],
    [Number.NaN, 1000],
    [-5, 1000],
    ['2000', 1000],
    [0, 0],
    [2500, 2500],
    [60_000, 60_000],
    [3_600_000, 60_000],
    [Number.POSITIVE_INFINITY, 1000],
  ])('a 429 with retryAfterMs %p pauses %p ms', (retryAfterMs, pause) => {
    expect(rateLimitPauseMs(retryAfterMs)).toBe(pause);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that can end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('leaves other text, Welsh letters included, as it is', () => {
    expect(escapeHtml('Talu am drwydded ŵ ŷ – £12.50')).toBe('Talu am drwydded ŵ ŷ – £12.50');
  });
});
