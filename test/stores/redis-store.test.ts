import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { PayConfigError } from '../../src/config-error';
import type { Logger } from '../../src/logger';
import type { PaymentRecord } from '../../src/store/types';
import { PayStoreError, RedisStore } from '../../src/stores/redis';
import { describeWithServer } from '../helpers/store-servers';
import { freePort, keySlot, startRedis } from '../helpers/redis-servers';

function record(paymentId: string, createdAt = Date.UTC(2026, 0, 1)): PaymentRecord {
  return {
    paymentId,
    selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${paymentId}`,
    reference: 'REF-1',
    amount: 1250,
    createdAt,
  };
}

function recordingLogger(): Logger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  const ignore = (): void => undefined;
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (...args) => errors.push(args),
    errors,
  };
}

describe('RedisStore options', () => {
  const client = { sendCommand: async () => 'OK' };

  it.each([
    [undefined, 'ERR_PAY_MISSING_OPTION', /RedisStore needs an options object/],
    [{}, 'ERR_PAY_MISSING_OPTION', /RedisStore\.client is required/],
    [
      { client, prefx: 'a' },
      'ERR_PAY_UNKNOWN_OPTION',
      /RedisStore\.prefx is not an option\. Did you mean RedisStore\.prefix\?/,
    ],
    [{ client, prefix: 'app:{x}:' }, 'ERR_PAY_INVALID_OPTION', /no braces/],
    [{ client, commandTimeoutMs: 0 }, 'ERR_PAY_INVALID_OPTION', /commandTimeoutMs/],
    [{ client, batchSize: 1.5 }, 'ERR_PAY_INVALID_OPTION', /batchSize/],
    [{ client, logger: console.log }, 'ERR_PAY_INVALID_OPTION', /logger/],
    [{ client: { get: () => 1 } }, 'ERR_PAY_INVALID_OPTION', /node-redis/],
  ])('rejects %j with %s', (options, code, message) => {
    const make = () => new RedisStore(options as never);
    expect(make).toThrow(PayConfigError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (error) {
      expect((error as PayConfigError).code).toBe(code);
      expect((error as Error).message).toMatch(/^govuk-pay-express: /);
    }
  });

  it('accepts a bare { sendCommand } and sends it plain arrays of strings', async () => {
    const sent: string[][] = [];
    const store = new RedisStore({
      client: {
        sendCommand: async (args: string[]) => {
          sent.push(args);
          return 'OK';
        },
      },
      prefix: 'svc:',
    });
    expect(await store.claim('claim:{pay1}', 1000)).toBe(true);
    expect(sent).toEqual([['SET', 'svc:claim:claim:{pay1}', '1', 'NX', 'PX', '1000']]);
  });

  it('a client that throws or rejects gives a PayStoreError, not a crash', async () => {
    const store = new RedisStore({
      client: {
        sendCommand: async () => {
          throw new Error('socket hang up');
        },
      },
    });
    await expect(store.claim('k', 1000)).rejects.toMatchObject({
      name: 'PayStoreError',
      code: 'ERR_PAY_STORE_UNAVAILABLE',
    });
  });

  it('a client that never answers is given up on after commandTimeoutMs', async () => {
    const store = new RedisStore({
      client: { sendCommand: () => new Promise<never>(() => undefined) },
      commandTimeoutMs: 50,
    });
    await expect(store.getPending('p')).rejects.toThrow(/did not answer within 50 ms/);
  });
});

async function cachedScripts(
  url: string,
): Promise<{ scripts: number; evalsha: number; eval: number }> {
  const c = createClient({ url });
  await c.connect();
  try {
    const info = String(await c.sendCommand(['INFO', 'all']));
    const field = (pattern: RegExp): number => Number(pattern.exec(info)?.[1] ?? 0);
    return {
      scripts: field(/number_of_cached_scripts:(\d+)/),
      evalsha: field(/cmdstat_evalsha:calls=(\d+)/),
      eval: field(/cmdstat_eval:calls=(\d+)/),
    };
  } finally {
    c.destroy();
  }
}

describeWithServer('REDIS_URL', 'RedisStore against a real server', (url) => {
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    client = createClient({ url });
    await client.connect();
  });
  afterAll(() => {
    client.destroy();
  });

  it('keeps every key of one payment on its hash tag, and only two global keys', async () => {
    const own = `layout-${randomUUID().slice(0, 8)}:`;
    const store = new RedisStore({ client, prefix: own });
    const paymentId = 'hu20sqlact5260q2nanm0q8u93';
    await store.savePending(record(paymentId), 60_000);
    await store.markDue(paymentId);
    await store.saveReturnId('rid-abc', record(paymentId), 60_000);
    await store.claim(`claim:j:{${paymentId}}`, 60_000);
    await store.beginSettlement(`settle:j:{${paymentId}}`, 60_000);
    const keys = (await client.sendCommand(['KEYS', `${own}*`])) as string[];
    const perPayment = keys.filter((key) => key.includes(`{${paymentId}}`));
    expect(perPayment.sort()).toEqual(
      [
        `${own}claim:claim:j:{${paymentId}}`,
        `${own}due:{${paymentId}}`,
        `${own}pending:{${paymentId}}`,
        `${own}settle:settle:j:{${paymentId}}`,
      ].sort(),
    );
    expect(new Set(perPayment.map(keySlot)).size).toBe(1);
    expect(keys.filter((key) => !perPayment.includes(key)).sort()).toEqual(
      [`${own}due-index`, `${own}pending-index`, `${own}return:{rid-abc}`].sort(),
    );
  });

  it("gives node-redis's sendCommand the command alone, never a key where its options go", async () => {
    // node-redis v5 reads a second argument as command options and spreads it: a key string
    // there became an object of one property per character, on every command.
    const own = `plain-${randomUUID().slice(0, 8)}:`;
    const store = new RedisStore({ client, prefix: own });
    const spy = jest.spyOn(client, 'sendCommand');
    try {
      await store.claim('shown:{pay-plain}', 60_000);
      await store.beginSettlement('settle:{pay-plain}', 60_000);
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
      for (const call of spy.mock.calls) expect(call).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('lists a thousand pending payments in order, in batches, through ties, while deleting each', async () => {
    const own = `paged-${randomUUID().slice(0, 8)}:`;
    // A batch smaller than the runs of equal createdAt: the keyset must page within ties.
    const store = new RedisStore({ client, prefix: own, batchSize: 5 });
    const ids = Array.from({ length: 1000 }, (_, i) => `p${String(i).padStart(5, '0')}`);
    await Promise.all(
      ids.map((id, i) => store.savePending(record(id, Math.floor(i / 12)), 60_000)),
    );
    const seen: string[] = [];
    for await (const r of store.listPending(Number.MAX_SAFE_INTEGER)) {
      seen.push(r.paymentId);
      await store.deletePending(r.paymentId);
    }
    expect(seen).toEqual(ids);
    expect(await client.sendCommand(['ZCARD', `${own}pending-index`])).toBe(0);
  });

  it('listPending takes any number as its bound: infinities, NaN, fractions', async () => {
    const own = `bounds-${randomUUID().slice(0, 8)}:`;
    const store = new RedisStore({ client, prefix: own });
    await store.savePending(record('at10', 10), 60_000);
    const list = async (before: number): Promise<string[]> => {
      const found: string[] = [];
      for await (const r of store.listPending(before)) found.push(r.paymentId);
      return found;
    };
    expect(await list(Number.POSITIVE_INFINITY)).toEqual(['at10']);
    expect(await list(10.5)).toEqual(['at10']);
    expect(await list(10)).toEqual([]);
    expect(await list(Number.NEGATIVE_INFINITY)).toEqual([]);
    expect(await list(Number.NaN)).toEqual([]);
  });

  it('removes index entries whose record expired, when it lists them', async () => {
    const own = `stale-${randomUUID().slice(0, 8)}:`;
    const store = new RedisStore({ client, prefix: own });
    await store.savePending(record('expiring', 1), 1);
    await store.savePending(record('kept', 2), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const listed: string[] = [];
    for await (const r of store.listPending(Number.MAX_SAFE_INTEGER)) listed.push(r.paymentId);
    expect(listed).toEqual(['kept']);
    expect(await client.sendCommand(['ZRANGE', `${own}pending-index`, '0', '-1'])).toEqual([
      'kept',
    ]);
  });

  it('runs its scripts by EVALSHA, and sends them again only after SCRIPT FLUSH (NOSCRIPT)', async () => {
    // A server of its own: the counters must not see other test files' commands.
    const own = await startRedis();
    const c = createClient({ url: own.url });
    await c.connect();
    try {
      const store = new RedisStore({ client: c, prefix });
      const key = `settle:j:{${randomUUID()}}`;
      const begun = await store.beginSettlement(key, 60_000);
      if (begun.status !== 'acquired') throw new Error('not acquired');
      await c.sendCommand(['SCRIPT', 'FLUSH']);
      expect((await cachedScripts(own.url)).scripts).toBe(0);
      const before = await cachedScripts(own.url);
      expect(await store.renewSettlement(key, begun.lease.token, 60_000)).toBe(true);
      const reloaded = await cachedScripts(own.url);
      expect(reloaded.scripts).toBe(1);
      expect(reloaded.eval).toBe(before.eval + 1);
      expect(await store.renewSettlement(key, begun.lease.token, 60_000)).toBe(true);
      const after = await cachedScripts(own.url);
      expect(after.eval).toBe(reloaded.eval);
      expect(after.evalsha).toBeGreaterThan(reloaded.evalsha);
    } finally {
      c.destroy();
      await own.stop();
    }
  });

  describe('a corrupted value is a typed error for that payment, never a crash', () => {
    const paymentId = `corrupt-${randomUUID().slice(0, 8)}`;

    it.each([
      ['not JSON', '{"paymentId":'],
      ['JSON of the wrong shape', '{"paymentId":"x","amount":"ten"}'],
      ['a JSON array', '[1,2]'],
    ])('getPending and getReturnId of %s reject ERR_PAY_STORE_CORRUPT', async (_what, value) => {
      const store = new RedisStore({ client, prefix });
      await client.sendCommand(['SET', `${prefix}pending:{${paymentId}}`, value]);
      await client.sendCommand(['SET', `${prefix}return:{rid-${paymentId}}`, value]);
      for (const read of [store.getPending(paymentId), store.getReturnId(`rid-${paymentId}`)]) {
        const error: unknown = await read.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PayStoreError);
        expect((error as PayStoreError).code).toBe('ERR_PAY_STORE_CORRUPT');
        expect((error as Error).message).not.toContain(paymentId);
      }
    });

    it('listPending logs and skips a corrupted record and yields the others', async () => {
      const logger = recordingLogger();
      const own = `list-${randomUUID().slice(0, 8)}:`;
      const store = new RedisStore({ client, prefix: own, logger });
      await store.savePending(record('good1', 1), 60_000);
      await store.savePending(record('bad', 2), 60_000);
      await store.savePending(record('good2', 3), 60_000);
      await client.sendCommand(['SET', `${own}pending:{bad}`, 'garbage']);
      const listed: string[] = [];
      for await (const r of store.listPending(Number.MAX_SAFE_INTEGER)) listed.push(r.paymentId);
      expect(listed).toEqual(['good1', 'good2']);
      expect(logger.errors).toHaveLength(1);
      expect(JSON.stringify(logger.errors)).not.toContain('bad"');
    });

    it.each([
      ['a string where a settlement hash belongs', ['SET', 'KEY', 'x']],
      ['an attempt that is not a number', ['HSET', 'KEY', 'a', 'lots']],
    ])('beginSettlement over %s rejects ERR_PAY_STORE_CORRUPT', async (_what, command) => {
      const store = new RedisStore({ client, prefix });
      const key = `settle:j:{${randomUUID()}}`;
      await client.sendCommand(
        command.map((arg) => (arg === 'KEY' ? `${prefix}settle:${key}` : arg)),
      );
      await expect(store.beginSettlement(key, 1000)).rejects.toMatchObject({
        code: 'ERR_PAY_STORE_CORRUPT',
      });
    });
  });

  describe('Redis down: every operation rejects with ERR_PAY_STORE_UNAVAILABLE', () => {
    it('node-redis, after the server is killed mid-run', async () => {
      const own = await startRedis();
      const c = createClient({ url: own.url, socket: { reconnectStrategy: 50 } });
      const clientErrors: unknown[] = [];
      c.on('error', (error: unknown) => clientErrors.push(error));
      await c.connect();
      const store = new RedisStore({ client: c, prefix, commandTimeoutMs: 500 });
      try {
        expect(await store.claim('claim:{down1}', 60_000)).toBe(true);
        await own.stop();
        for (const op of [
          store.claim('claim:{down2}', 60_000),
          store.beginSettlement('settle:{down2}', 60_000),
          store.getReturnId('rid'),
          store.savePending(record('down2'), 60_000),
        ]) {
          await expect(op).rejects.toMatchObject({
            name: 'PayStoreError',
            code: 'ERR_PAY_STORE_UNAVAILABLE',
          });
        }
      } finally {
        c.destroy();
      }
    });

    it('ioredis, after the server is killed mid-run', async () => {
      const own = await startRedis();
      const c = new Redis(own.url, {
        maxRetriesPerRequest: 1,
        connectTimeout: 300,
        // A closed socket is otherwise given 2 s to close, outliving the test.
        disconnectTimeout: 50,
        retryStrategy: (times: number) => (times > 10 ? null : 50),
      });
      c.on('error', () => undefined);
      const store = new RedisStore({ client: c, prefix, commandTimeoutMs: 500 });
      try {
        expect(await store.claim('claim:{down3}', 60_000)).toBe(true);
        await own.stop();
        await expect(store.beginSettlement('settle:{down3}', 60_000)).rejects.toMatchObject({
          code: 'ERR_PAY_STORE_UNAVAILABLE',
        });
        await expect(store.getPending('down3')).rejects.toBeInstanceOf(PayStoreError);
      } finally {
        c.disconnect();
      }
    });

    it('a node-redis client that never connected (a closed port)', async () => {
      const c = createClient({ url: `redis://127.0.0.1:${await freePort()}` });
      const store = new RedisStore({ client: c, prefix });
      await expect(store.claim('claim:{never}', 1000)).rejects.toMatchObject({
        code: 'ERR_PAY_STORE_UNAVAILABLE',
        message: expect.stringMatching(/client is closed/i) as unknown,
      });
    });
  });
});
