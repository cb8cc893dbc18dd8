import { silentLogger } from '../../src/logger';
import {
  booleanOption,
  enumOption,
  functionOption,
  listOption,
  loggerOption,
  methodsOption,
  numberOption,
  optionPath,
  requireOption,
  secretOption,
  stringOption,
} from '../../src/options';
import { thrownConfigError } from '../helpers/config-error';

const SECRET = 's3cr3t-value-that-must-not-be-printed';

describe('optionPath', () => {
  it('joins a group and a key, or indexes a list', () => {
    expect(optionPath('', 'timeoutMs')).toBe('timeoutMs');
    expect(optionPath('PayClient', 'timeoutMs')).toBe('PayClient.timeoutMs');
    expect(optionPath('cookie.secrets', 2)).toBe('cookie.secrets[2]');
  });
});

describe('requireOption', () => {
  it('passes a given value through and names a missing one with the hint', () => {
    expect(requireOption(0, 'maxRetries', 'x')).toBe(0);
    const error = thrownConfigError(() =>
      requireOption(undefined, 'publicUrl', "your service's origin"),
    );
    expect(error.code).toBe('ERR_PAY_MISSING_OPTION');
    expect(error.message).toBe("govuk-pay-express: publicUrl is required: your service's origin");
  });

  it('takes another code when the option has its own', () => {
    expect(
      thrownConfigError(() => requireOption(undefined, 'apiKey', 'x', 'ERR_PAY_API_KEY')).code,
    ).toBe('ERR_PAY_API_KEY');
  });
});

describe('numberOption', () => {
  const rule = { min: 1, max: 120_000, integer: true, unit: 'milliseconds' };

  it('returns the fallback when not given, and the value when in bounds', () => {
    expect(numberOption(undefined, 'timeoutMs', rule)).toBeUndefined();
    expect(numberOption(undefined, 'timeoutMs', rule, 10_000)).toBe(10_000);
    expect(numberOption(1, 'timeoutMs', rule, 10_000)).toBe(1);
    expect(numberOption(120_000, 'timeoutMs', rule)).toBe(120_000);
  });

  it.each([0, 120_001, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '100', null])(
    'refuses %p, naming the unit and the bounds',
    (value) => {
      const error = thrownConfigError(() => numberOption(value, 'PayClient.timeoutMs', rule));
      expect(error.code).toBe('ERR_PAY_INVALID_OPTION');
      expect(error.message).toBe(
        'govuk-pay-express: PayClient.timeoutMs must be a whole number of milliseconds from 1 to 120000',
      );
    },
  );

  it('allows fractions unless integer, and gives the reason for the bounds', () => {
    const minutes = { min: 90, max: 10_080, unit: 'minutes', why: 'payments live 90 minutes' };
    expect(numberOption(90.5, 'cookie.maxAgeMinutes', minutes)).toBe(90.5);
    expect(thrownConfigError(() => numberOption(60, 'cookie.maxAgeMinutes', minutes)).message).toBe(
      'govuk-pay-express: cookie.maxAgeMinutes must be a number of minutes from 90 to 10080 (payments live 90 minutes)',
    );
  });
});

describe('booleanOption', () => {
  it('reads true and false, and only those', () => {
    expect(booleanOption(undefined, 'cookie.secure', true)).toBe(true);
    expect(booleanOption(false, 'cookie.secure', true)).toBe(false);
    expect(booleanOption(undefined, 'cookie.secure')).toBeUndefined();
    for (const value of ['false', 0, 1, null]) {
      expect(thrownConfigError(() => booleanOption(value, 'cookie.secure')).message).toBe(
        'govuk-pay-express: cookie.secure must be true or false',
      );
    }
  });
});

describe('enumOption', () => {
  const modes = ['cookie', 'return-id'] as const;
  it('reads one of the choices, or the default', () => {
    expect(enumOption(undefined, 'match', modes, 'cookie')).toBe('cookie');
    expect(enumOption('return-id', 'match', modes, 'cookie')).toBe('return-id');
  });

  it('lists the choices and the default when the value is not one', () => {
    expect(thrownConfigError(() => enumOption('Cookie', 'match', modes, 'cookie')).message).toBe(
      "govuk-pay-express: match must be 'cookie' or 'return-id' (the default is 'cookie')",
    );
  });
});

describe('stringOption', () => {
  const rule = { pattern: /^[a-z_]{1,8}$/, describe: '1 to 8 letters or _' };
  it('reads a matching string, or the default', () => {
    expect(stringOption(undefined, 'cookie.name', rule, 'pay')).toBe('pay');
    expect(stringOption('my_pay', 'cookie.name', rule)).toBe('my_pay');
  });

  it('says what a valid value looks like, never echoing the value', () => {
    const error = thrownConfigError(() => stringOption(`${SECRET}!`, 'cookie.name', rule));
    expect(error.message).toBe('govuk-pay-express: cookie.name must be 1 to 8 letters or _');
    expect(error.message).not.toContain(SECRET);
    expect(
      thrownConfigError(() => stringOption(5, 'publicUrl', { ...rule, code: 'ERR_PAY_PUBLIC_URL' }))
        .code,
    ).toBe('ERR_PAY_PUBLIC_URL');
  });
});

describe('functionOption', () => {
  it('reads a function or the fallback', () => {
    const now = (): number => 5;
    expect(functionOption(undefined, 'now', 'a clock', Date.now)).toBe(Date.now);
    expect(functionOption(now, 'now', 'a clock')).toBe(now);
  });

  it('refuses anything else, with the hint', () => {
    expect(
      thrownConfigError(() => functionOption({}, 'onSettled', 'an async (result) => void')).message,
    ).toBe('govuk-pay-express: onSettled must be a function: an async (result) => void');
  });
});

describe('loggerOption', () => {
  it('is silent when not given, and takes a pino-shaped object', () => {
    expect(loggerOption(undefined, 'logger')).toBe(silentLogger);
    const lines: string[] = [];
    const logger = {
      debug: (_obj: object, msg?: string) => lines.push(`debug ${msg}`),
      info: (_obj: object, msg?: string) => lines.push(`info ${msg}`),
      warn: (_obj: object, msg?: string) => lines.push(`warn ${msg}`),
      error: (_obj: object, msg?: string) => lines.push(`error ${msg}`),
    };
    // Wrapped so that a request's own req.log can take its lines; outside one, they reach it.
    const resolved = loggerOption(logger, 'logger');
    resolved.info({}, 'a');
    resolved.error({}, 'b');
    expect(lines).toEqual(['info a', 'error b']);
  });

  it('refuses a logger missing a level, and console-like functions alone', () => {
    const error = thrownConfigError(() =>
      loggerOption({ debug() {}, info() {}, error() {} }, 'logger'),
    );
    expect(error.message).toMatch(
      /^govuk-pay-express: logger must have debug, info, warn and error/,
    );
    expect(thrownConfigError(() => loggerOption(() => undefined, 'logger')).code).toBe(
      'ERR_PAY_INVALID_OPTION',
    );
  });
});

describe('secretOption and listOption', () => {
  const rule = {
    minLength: 32,
    hint: 'generate one with `openssl rand -base64 48`',
    code: 'ERR_PAY_COOKIE_SECRET' as const,
  };
  const read = (value: unknown): string[] | undefined =>
    listOption(
      value,
      'cookie.secrets',
      { describe: 'secrets, newest first', code: 'ERR_PAY_COOKIE_SECRET' },
      (item, path) => secretOption(item, path, rule) as string,
    );

  it('reads a list of long enough secrets', () => {
    expect(read([SECRET, SECRET])).toEqual([SECRET, SECRET]);
    expect(read(undefined)).toBeUndefined();
  });

  it('names the short item by its index, with its code, never its value', () => {
    const error = thrownConfigError(() => read([SECRET, 'short']));
    expect(error.code).toBe('ERR_PAY_COOKIE_SECRET');
    expect(error.message).toBe(
      'govuk-pay-express: cookie.secrets[1] must be a string of at least 32 characters; generate one with `openssl rand -base64 48`',
    );
    expect(error.message).not.toContain('short');
  });

  it('refuses an empty list or a single string', () => {
    for (const value of [[], SECRET]) {
      const error = thrownConfigError(() => read(value));
      expect(error.message).toBe(
        'govuk-pay-express: cookie.secrets must be a non-empty array of secrets, newest first',
      );
      expect(error.message).not.toContain(SECRET);
    }
  });
});

describe('methodsOption', () => {
  const rule = {
    required: ['savePending', 'claim'],
    optional: ['close'],
    describe: 'a PaymentStore',
    hint: 'leave store out to use a MemoryStore',
  };

  it('takes an object or class instance with the methods', () => {
    class Store {
      savePending(): void {}
      claim(): void {}
    }
    const store = new Store();
    expect(methodsOption(store, 'store', rule)).toBe(store);
    expect(methodsOption(undefined, 'store', rule)).toBeUndefined();
  });

  it('lists every missing method, and an optional one that is not a function', () => {
    expect(
      thrownConfigError(() => methodsOption({ claim() {}, close: 5 }, 'store', rule)).message,
    ).toBe(
      'govuk-pay-express: store must be a PaymentStore: it lacks savePending and close must be a function; leave store out to use a MemoryStore',
    );
    expect(thrownConfigError(() => methodsOption('redis://x', 'store', rule)).message).toContain(
      'it lacks savePending, claim',
    );
  });
});
