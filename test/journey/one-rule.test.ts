import { PayClient } from '../../src/client';
import { PayConfigError } from '../../src/config-error';
import { createPaymentCookieSealer } from '../../src/cookie';
import { resolveJourneyOptions } from '../../src/journey/resolve-options';
import { silentLogger } from '../../src/logger';
import { createReconcileTimer } from '../../src/reconcile';

/*
 * Issue 11: each of these options once had one rule in payJourney and another in the part it
 * configures. Each test puts the same values to both and expects the same answer.
 */

const TEST_KEY = `api_test_${'a'.repeat(26)}${'b'.repeat(32)}`;
const SECRET = 's'.repeat(32);

function journeyOptions(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    apiKey: TEST_KEY,
    publicUrl: 'https://apply.example.gov.uk',
    cookie: { secrets: [SECRET] },
    createPayment: () => ({ amount: 100, reference: 'R1', description: 'A licence' }),
    outcomes: { success: () => undefined, failed: () => undefined },
    ...extra,
  };
}

/** The error code, or 'ok' when the call succeeds. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof PayConfigError) return err.code;
    throw err;
  }
}

function client(options: Record<string, unknown>): string {
  return outcome(() => new PayClient({ apiKey: TEST_KEY, ...options } as never).close());
}

function journey(options: Record<string, unknown>): string {
  return outcome(() => resolveJourneyOptions(journeyOptions(options)));
}

describe('one rule for each option payJourney shares with the part it configures', () => {
  it.each<[string, string, string]>([
    ['a key of 26 + 32 base32hex characters', TEST_KEY, 'ok'],
    ['the shortest key publicauth issues (33)', `api_live_${'0'.repeat(33)}`, 'ok'],
    ['the longest key publicauth issues (58)', `api_test_${'v'.repeat(58)}`, 'ok'],
    ['an old key with no prefix', 'v'.repeat(58), 'ok'],
    ['a key one character too long', `api_test_${'a'.repeat(59)}`, 'ERR_PAY_API_KEY'],
    ['a key one character too short', `api_test_${'a'.repeat(32)}`, 'ERR_PAY_API_KEY'],
    ['letters outside base32hex', `api_test_${'z'.repeat(40)}`, 'ERR_PAY_API_KEY'],
    ['upper case', `api_test_${'A'.repeat(40)}`, 'ERR_PAY_API_KEY'],
    ['a printable placeholder', 'your-api-key-here', 'ERR_PAY_API_KEY'],
  ])('the API key pattern: %s', (_name, apiKey, expected) => {
    expect(client({ apiKey })).toBe(expected);
    expect(journey({ apiKey })).toBe(expected);
    expect(journey({ apiKey: TEST_KEY, reconcile: { apiKeys: [apiKey] } })).toBe(expected);
  });

  it.each<[string, string, string, string]>([
    ['https anywhere', 'https://pay.example.gov.uk', TEST_KEY, 'ok'],
    ['http on localhost', 'http://localhost:9090', TEST_KEY, 'ok'],
    ['http on 127.0.0.1', 'http://127.0.0.1:9090', TEST_KEY, 'ok'],
    ['http on another 127/8 address', 'http://127.0.0.2:9090', TEST_KEY, 'ok'],
    ['http on [::1]', 'http://[::1]:9090', TEST_KEY, 'ok'],
    ['http on a LAN address', 'http://192.168.1.10:9090', TEST_KEY, 'ERR_PAY_INVALID_OPTION'],
    ['http on a public host', 'http://pay.example.gov.uk', TEST_KEY, 'ERR_PAY_INVALID_OPTION'],
    ['http on a *.localhost name', 'http://sim.localhost:9090', TEST_KEY, 'ERR_PAY_INVALID_OPTION'],
    [
      'a live key over http on loopback',
      'http://127.0.0.1:9090',
      `api_live_${'c'.repeat(58)}`,
      'ERR_PAY_API_KEY',
    ],
    [
      'an unprefixed key over http on loopback',
      'http://127.0.0.1:9090',
      'c'.repeat(58),
      'ERR_PAY_API_KEY',
    ],
  ])('apiBaseUrl, http only on loopback: %s', (_name, apiBaseUrl, apiKey, expected) => {
    expect(client({ apiBaseUrl, apiKey })).toBe(expected);
    expect(journey({ apiBaseUrl, apiKey })).toBe(expected);
  });

  it.each<[number, string]>([
    [1, 'ok'],
    [50, 'ok'],
    [120_000, 'ok'],
    [0, 'ERR_PAY_INVALID_OPTION'],
    [120_001, 'ERR_PAY_INVALID_OPTION'],
    [1.5, 'ERR_PAY_INVALID_OPTION'],
  ])('timeoutMs %p', (timeoutMs, expected) => {
    expect(client({ timeoutMs })).toBe(expected);
    expect(journey({ timeoutMs })).toBe(expected);
  });

  it('timeoutMs: the journey gives its clients what it resolved', () => {
    expect(resolveJourneyOptions(journeyOptions({ timeoutMs: 50 })).timeoutMs).toBe(50);
  });

  it.each<[number, string]>([
    [1, 'ok'],
    [30, 'ok'],
    [1440, 'ok'],
    [0.5, 'ERR_PAY_INVALID_OPTION'],
    [1441, 'ERR_PAY_INVALID_OPTION'],
    [Number.NaN, 'ERR_PAY_INVALID_OPTION'],
  ])('reconcile.everyMinutes %p', async (everyMinutes, expected) => {
    const timers: { stop(): Promise<void> }[] = [];
    const timer = outcome(() =>
      timers.push(
        createReconcileTimer(async () => undefined, { everyMinutes, logger: silentLogger }),
      ),
    );
    await Promise.all(timers.map((t) => t.stop()));
    expect(timer).toBe(expected);
    expect(journey({ reconcile: { everyMinutes } })).toBe(expected);
  });

  it.each<[string, string]>([
    ['x'.repeat(64), 'ok'],
    ['x', 'ok'],
    ['x'.repeat(65), 'ERR_PAY_INVALID_OPTION'],
    ['', 'ERR_PAY_INVALID_OPTION'],
  ])('the cookie name %p', (name, expected) => {
    expect(outcome(() => createPaymentCookieSealer({ secrets: [SECRET], cookieName: name }))).toBe(
      expected,
    );
    expect(journey({ cookie: { secrets: [SECRET], name } })).toBe(expected);
  });
});
