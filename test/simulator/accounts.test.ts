import { PayConfigError } from '../../src/config-error';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { Harness } from '../helpers/simulator-harness';
import { paymentRequest, startSimulator } from '../helpers/simulator-harness';

/** Accounts with several keys: payments, agreements and the POST budget belong to the account (FACTS.md §13). */

describe('two keys of one account', () => {
  const oldKey = generateTestApiKey();
  const newKey = generateTestApiKey();
  const otherKey = generateTestApiKey();
  let h: Harness;
  beforeAll(async () => {
    h = await startSimulator({
      accounts: [{ keys: [oldKey, newKey] }, { keys: [otherKey] }],
      rateLimit: { postsPerSecond: 3 },
    });
  });
  afterAll(() => h.close());

  it('read each other’s payments, refunds and agreements; another account sees none', async () => {
    h.sim.clock.advance(1000);
    const p = await h.createPayment({}, oldKey);
    expect((await h.get(`/v1/payments/${p.payment_id}`, { key: newKey })).status).toBe(200);
    expect((await h.get(`/v1/payments/${p.payment_id}`, { key: otherKey })).status).toBe(404);
    const search = await h.get('/v1/payments', { key: newKey });
    expect(search.body.results.map((r: { payment_id: string }) => r.payment_id)).toContain(
      p.payment_id,
    );
    expect((await h.get('/v1/payments', { key: otherKey })).body.total).toBe(0);
    h.sim.clock.advance(1000);
    h.sim.completePayment(p.payment_id, { card: '4444333322221111' });
    const refund = await h.post(
      `/v1/payments/${p.payment_id}/refunds`,
      { amount: 100 },
      {
        key: newKey,
      },
    );
    expect(refund.status).toBe(202);
    expect((await h.get('/v1/refunds', { key: oldKey })).body.total).toBe(1);
    const agreement = await h.post(
      '/v1/agreements',
      { reference: 'A-1', description: 'Subscription' },
      { key: newKey },
    );
    expect(agreement.status).toBe(201);
    expect(
      (await h.get(`/v1/agreements/${agreement.body.agreement_id}`, { key: oldKey })).status,
    ).toBe(200);
    expect(
      (await h.get(`/v1/agreements/${agreement.body.agreement_id}`, { key: otherKey })).status,
    ).toBe(404);
  });

  it('share one rate budget, which another account does not touch', async () => {
    // Each try starts a fresh one-second window on the simulator clock, and counts only if all
    // four posts landed in it (the clock also runs with real time, which a loaded machine slows).
    let statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      h.sim.clock.advance(1000 - (h.sim.clock.now() % 1000));
      const window = Math.floor(h.sim.clock.now() / 1000);
      statuses = [];
      for (const key of [oldKey, newKey, oldKey, newKey]) {
        statuses.push((await h.post('/v1/payments', paymentRequest(), { key })).status);
      }
      if (Math.floor(h.sim.clock.now() / 1000) === window) break;
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await h.post('/v1/payments', paymentRequest(), { key: otherKey })).status).toBe(201);
    h.sim.clock.advance(1000);
    expect((await h.post('/v1/payments', paymentRequest(), { key: newKey })).status).toBe(201);
  });

  it('accepts only the listed keys', async () => {
    expect((await h.get('/v1/payments', { key: generateTestApiKey() })).status).toBe(401);
  });
});

describe('without accounts, the simple forms keep working', () => {
  it('any key is its own account; apiKeys accepts only its keys, each its own account', async () => {
    const a = generateTestApiKey();
    const b = generateTestApiKey();
    const open = await startSimulator({ rateLimit: false });
    const listed = await startSimulator({ rateLimit: false, apiKeys: [a, b] });
    try {
      const p = await open.createPayment({}, a);
      expect((await open.get(`/v1/payments/${p.payment_id}`, { key: b })).status).toBe(404);
      const q = await listed.createPayment({}, a);
      expect((await listed.get(`/v1/payments/${q.payment_id}`, { key: a })).status).toBe(200);
      expect((await listed.get(`/v1/payments/${q.payment_id}`, { key: b })).status).toBe(404);
      expect((await listed.get('/v1/payments', { key: generateTestApiKey() })).status).toBe(401);
    } finally {
      await open.close();
      await listed.close();
    }
  });
});

describe('a live account', () => {
  it('takes live keys and refuses an http return_url with 422 P0920', async () => {
    const key = generateTestApiKey('live');
    const h = await startSimulator({ accounts: [{ keys: [key] }] });
    try {
      const res = await h.post(
        '/v1/payments',
        paymentRequest({ return_url: 'http://a.gov.uk/r' }),
        {
          key,
        },
      );
      expect([res.status, res.body.code]).toEqual([422, 'P0920']);
    } finally {
      await h.close();
    }
  });
});

describe('accounts option checks', () => {
  const key = generateTestApiKey();
  const bad: Array<[string, unknown, string, RegExp]> = [
    ['an empty list', [], 'ERR_PAY_INVALID_OPTION', /non-empty array/],
    ['an account without keys', [{}], 'ERR_PAY_INVALID_OPTION', /accounts\[0\]\.keys/],
    ['a malformed key', [{ keys: ['abc'] }], 'ERR_PAY_API_KEY', /accounts\[0\]\.keys\[0\]/],
    [
      'a key in two accounts',
      [{ keys: [key] }, { keys: [key] }],
      'ERR_PAY_API_KEY',
      /listed twice/,
    ],
    [
      'test and live keys mixed',
      [{ keys: [key, generateTestApiKey('live')] }],
      'ERR_PAY_INVALID_OPTION',
      /mixes api_test_ and api_live_/,
    ],
    ['live: true with test keys', [{ keys: [key], live: true }], 'ERR_PAY_INVALID_OPTION', /live/],
    ['a non-boolean moto', [{ keys: [key], moto: 'yes' }], 'ERR_PAY_INVALID_OPTION', /moto/],
    ['an unknown setting', [{ keys: [key], threeDs: true }], 'ERR_PAY_UNKNOWN_OPTION', /threeDs/],
    [
      'a negative surcharge',
      [{ keys: [key], corporateSurcharge: { credit: -1 } }],
      'ERR_PAY_INVALID_OPTION',
      /pence/,
    ],
  ];
  it.each(bad)('refuses %s, saying how to fix it', (_name, accounts, code, message) => {
    let error: unknown;
    try {
      createSimulator({ accounts: accounts as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayConfigError);
    expect((error as PayConfigError).code).toBe(code);
    expect((error as Error).message).toMatch(/^govuk-pay-express: /);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses apiKeys and accounts together', () => {
    expect(() => createSimulator({ apiKeys: [key], accounts: [{ keys: [key] }] })).toThrow(
      /apiKeys and accounts cannot both be given/,
    );
  });
});
