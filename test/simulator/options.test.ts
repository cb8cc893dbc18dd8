import { PayConfigError } from '../../src/config-error';
import { createSimulator } from '../../src/simulator';

describe('createSimulator options', () => {
  const bad: Array<[string, unknown, string, RegExp]> = [
    [
      'an unknown option',
      { port: 1 },
      'ERR_PAY_UNKNOWN_OPTION',
      /^govuk-pay-express: createSimulator\.port is not an option\. The options are: createSimulator\.apiKeys, /,
    ],
    ['a non-object', 'fast', 'ERR_PAY_INVALID_OPTION', /createSimulator must be an options object/],
    ['a zero rate', { rateLimit: { postsPerSecond: 0 } }, 'ERR_PAY_INVALID_OPTION', /rateLimit/],
    ['rateLimit true', { rateLimit: true }, 'ERR_PAY_INVALID_OPTION', /rateLimit must be false or/],
    [
      'a fractional rate',
      { rateLimit: { postsPerSecond: 1.5 } },
      'ERR_PAY_INVALID_OPTION',
      /whole number/,
    ],
    [
      'a baseUrl with a path',
      { baseUrl: 'http://localhost:1/x' },
      'ERR_PAY_INVALID_OPTION',
      /origin with no path/,
    ],
    ['a baseUrl that is not a URL', { baseUrl: 'localhost' }, 'ERR_PAY_INVALID_OPTION', /baseUrl/],
    ['a string startTime', { startTime: '2030' }, 'ERR_PAY_INVALID_OPTION', /startTime/],
    ['a string admin', { admin: 'yes' }, 'ERR_PAY_INVALID_OPTION', /admin/],
    ['an empty provider', { paymentProvider: '' }, 'ERR_PAY_INVALID_OPTION', /paymentProvider/],
    ['a non-function random', { random: 0.5 }, 'ERR_PAY_INVALID_OPTION', /random/],
  ];

  it.each(bad)(
    'refuses %s with a PayConfigError that says how to fix it',
    (_name, options, code, message) => {
      let error: unknown;
      try {
        createSimulator(options as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PayConfigError);
      expect((error as PayConfigError).code).toBe(code);
      expect((error as Error).message).toMatch(/^govuk-pay-express: /);
      expect((error as Error).message).toMatch(message);
    },
  );

  it('accepts every documented option', () => {
    const sim = createSimulator({
      apiKeys: [`api_test_${'a'.repeat(58)}`],
      rateLimit: false,
      baseUrl: 'http://localhost:4567/',
      startTime: 0,
      admin: true,
      paymentProvider: 'stripe',
      random: () => 0,
    });
    expect(sim.clock.now()).toBeLessThan(60_000);
  });
});

describe('baseUrl and paymentProvider', () => {
  it('builds every link and next_url on baseUrl and reports the provider', async () => {
    const { startSimulator } = await import('../helpers/simulator-harness');
    const h = await startSimulator({
      baseUrl: 'https://pay.test.example',
      paymentProvider: 'stripe',
    });
    try {
      const p = await h.createPayment();
      expect(p.payment_provider).toBe('stripe');
      expect(p._links.self.href).toBe(`https://pay.test.example/v1/payments/${p.payment_id}`);
      expect(p._links.next_url?.href).toMatch(/^https:\/\/pay\.test\.example\/secure\//);
      expect(h.sim.payments.get(p.payment_id)?._links.self.href).toMatch(
        /^https:\/\/pay\.test\.example\//,
      );
    } finally {
      await h.close();
    }
  });
});
