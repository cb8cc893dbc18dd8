import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeWithServer, serverUrl } from '../helpers/store-servers';

interface DemoStore {
  store: { claim(key: string, ttlMs: number): Promise<boolean> } | undefined;
  description: string;
  close(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');
// demo-app/lib/store.js loads the stores by the package name, from the built dist/.
const built = existsSync(join(ROOT, 'dist/cjs/stores/redis.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the demo is plain CommonJS
const { createDemoStore } = require(join(ROOT, 'demo-app/lib/store.js')) as {
  createDemoStore(env: Record<string, string>): Promise<DemoStore>;
};

if (!built) console.warn('test/stores: dist/ is missing; run `npm run build` (npm test does)');
const describeBuiltWith: typeof describeWithServer = (name, title, body) =>
  built ? describeWithServer(name, title, body) : describe.skip(title, () => body(''));

describe('the demo store choice', () => {
  it('keeps the in-memory default, and says so, with neither REDIS_URL nor DATABASE_URL', async () => {
    const chosen = await createDemoStore({});
    expect(chosen.store).toBeUndefined();
    expect(chosen.description).toMatch(/^in memory \(MemoryStore/);
    expect(chosen.description).toMatch(/orders in memory/);
    await chosen.close();
  });
});

describeBuiltWith('REDIS_URL', 'the demo on Redis', () => {
  it('uses RedisStore when REDIS_URL is set', async () => {
    const chosen = await createDemoStore({ REDIS_URL: serverUrl('REDIS_URL') ?? '' });
    try {
      expect(chosen.description).toMatch(/^RedisStore at redis:\/\/127\.0\.0\.1/);
      expect(await chosen.store?.claim(`demo-test:{${Date.now()}}`, 1000)).toBe(true);
    } finally {
      await chosen.close();
    }
  });
});

describeBuiltWith('DATABASE_URL', 'the demo on PostgreSQL', () => {
  it('uses PostgresStore, migrated, when only DATABASE_URL is set', async () => {
    const chosen = await createDemoStore({ DATABASE_URL: serverUrl('DATABASE_URL') ?? '' });
    try {
      expect(chosen.description).toMatch(/^PostgresStore at postgres:\/\//);
      expect(await chosen.store?.claim(`demo-test:{${Date.now()}}`, 1000)).toBe(true);
    } finally {
      await chosen.close();
    }
  });
});
