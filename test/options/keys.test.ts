import {
  editDistance,
  isPlainObject,
  optionsObject,
  rejectUnknownKeys,
  suggestOption,
} from '../../src/options';
import { thrownConfigError } from '../helpers/config-error';

describe('rejectUnknownKeys', () => {
  const known = ['apiKey', 'apiBaseUrl', 'timeoutMs', 'maxRetries'];

  it('accepts known keys', () => {
    expect(() => rejectUnknownKeys({ apiKey: 1, timeoutMs: 2 }, known, 'PayClient')).not.toThrow();
  });

  it('names the option with its path, suggests the nearest and lists them all', () => {
    const error = thrownConfigError(() => rejectUnknownKeys({ timeoutMS: 5 }, known, 'PayClient'));
    expect(error.code).toBe('ERR_PAY_UNKNOWN_OPTION');
    expect(error.message).toBe(
      'govuk-pay-express: PayClient.timeoutMS is not an option. Did you mean PayClient.timeoutMs? ' +
        'The options are: PayClient.apiKey, PayClient.apiBaseUrl, PayClient.timeoutMs, PayClient.maxRetries',
    );
  });

  it('at the top of a factory, the path is the key alone', () => {
    const error = thrownConfigError(() => rejectUnknownKeys({ apikey: 'x' }, known, ''));
    expect(error.message).toMatch(
      /^govuk-pay-express: apikey is not an option\. Did you mean apiKey\?/,
    );
  });

  it('suggests nothing when no key is close', () => {
    const error = thrownConfigError(() => rejectUnknownKeys({ colour: 'red' }, known, 'cookie'));
    expect(error.message).not.toContain('Did you mean');
    expect(error.message).toContain(
      'cookie.colour is not an option. The options are: cookie.apiKey',
    );
  });
});

describe('suggestOption', () => {
  const known = ['secrets', 'name', 'secure', 'maxAgeMinutes'];
  it.each([
    ['secret', 'secrets'],
    ['SECRETS', 'secrets'],
    ['maxAgeMinute', 'maxAgeMinutes'],
    ['maxAgeMins', 'maxAgeMinutes'],
    ['nmae', 'name'],
    ['sceure', 'secure'],
  ])('%s -> %s', (typo, expected) => {
    expect(suggestOption(typo, known)).toBe(expected);
  });

  it.each(['path', 'domain', 'x', 'httpOnly'])('%s -> nothing', (unrelated) => {
    expect(suggestOption(unrelated, known)).toBeUndefined();
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['same', 'same', 0],
  ])('%s / %s = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('optionsObject and isPlainObject', () => {
  it('a missing options object is ERR_PAY_MISSING_OPTION with an example', () => {
    const error = thrownConfigError(() =>
      optionsObject(undefined, 'PayClient', 'new PayClient({ apiKey })'),
    );
    expect(error.code).toBe('ERR_PAY_MISSING_OPTION');
    expect(error.message).toBe(
      'govuk-pay-express: PayClient needs an options object: new PayClient({ apiKey })',
    );
  });

  it.each([null, [], 'apiKey', 5, new (class Options {})(), () => ({})])(
    '%p is not an options object',
    (value) => {
      expect(isPlainObject(value)).toBe(false);
      expect(thrownConfigError(() => optionsObject(value, 'cookie', '{ secrets }')).code).toBe(
        'ERR_PAY_INVALID_OPTION',
      );
    },
  );

  it('an object literal and a null-prototype object are', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
  });
});
