import axios from 'axios';
import { PayConfigError } from '../../src/config-error';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { Harness, Loose } from '../helpers/simulator-harness';
import { paymentRequest, recorded, startSimulator } from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

afterAll(() => expectRecordedBodiesMatchSpec(recorded));

describe('authentication by Bearer key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSimulator();
  });
  afterAll(() => h.close());

  it.each([
    ['no Authorization header', null],
    ['an empty key', ''],
    ['a key without a prefix', 'a'.repeat(40)],
    ['a short key', 'api_test_abc'],
    ['a key with characters outside base32hex', `api_test_${'z'.repeat(40)}`],
    ['an unknown prefix', `api_demo_${'a'.repeat(40)}`],
  ])('answers 401 for %s', async (_name, key) => {
    const res = await h.get('/v1/payments', { key });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers 401 without the Bearer scheme', async () => {
    const res = await h.get('/v1/payments', { key: null, headers: { authorization: h.key } });
    expect(res.status).toBe(401);
    const basic = await h.get('/v1/payments', {
      key: null,
      headers: { authorization: `Basic ${h.key}` },
    });
    expect(basic.status).toBe(401);
  });

  it('authenticates before anything else, including on unknown paths', async () => {
    const res = await axios.get(`${h.url}/v1/nothing-here`, { validateStatus: () => true });
    expect(res.status).toBe(401);
    const known = await axios.get(`${h.url}/v1/nothing-here`, {
      validateStatus: () => true,
      headers: { authorization: `Bearer ${h.key}` },
    });
    expect(known.status).toBe(404);
  });

  it('accepts any well-formed test or live key, each its own account', async () => {
    const live = generateTestApiKey('live');
    expect(live).toMatch(/^api_live_[0-9a-v]{58}$/);
    expect(generateTestApiKey()).toHaveLength(67);
    const mine = await h.createPayment({}, live);
    expect((await h.get(`/v1/payments/${mine.payment_id}`, { key: live })).status).toBe(200);
    expect((await h.get(`/v1/payments/${mine.payment_id}`)).status).toBe(404);
    expect((await h.post(`/v1/payments/${mine.payment_id}/cancel`)).status).toBe(404);
    const search = await h.get('/v1/payments');
    expect(search.body.results.map((p: Loose) => p.payment_id)).not.toContain(mine.payment_id);
  });
});

describe('apiKeys restricts the accepted keys', () => {
  it('accepts only the configured keys', async () => {
    const allowed = generateTestApiKey();
    const h = await startSimulator({ apiKeys: [allowed] });
    try {
      expect((await h.post('/v1/payments', paymentRequest(), { key: allowed })).status).toBe(201);
      expect(
        (await h.post('/v1/payments', paymentRequest(), { key: generateTestApiKey() })).status,
      ).toBe(401);
    } finally {
      await h.close();
    }
  });

  it('refuses a malformed configured key at construction', () => {
    expect(() => createSimulator({ apiKeys: ['secret'] })).toThrow(PayConfigError);
    expect(() => createSimulator({ apiKeys: ['secret'] })).toThrow(
      /apiKeys\[0\] is not a well-formed key/,
    );
    expect(() => createSimulator({ apiKeys: [] })).toThrow(/non-empty array/);
  });
});
