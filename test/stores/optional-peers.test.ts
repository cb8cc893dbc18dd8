import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * redis, ioredis and pg are optional peer dependencies: a service using neither store must be
 * able to leave them uninstalled. So neither the main entry nor the store entries may load
 * them; the stores take the client or pool from the service and use only its types.
 */
const ROOT = resolve(__dirname, '../..');
const built = existsSync(join(ROOT, 'dist/cjs/stores/redis.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/stores: dist/ is missing; run `npm run build` (npm test does)');

const PEER = /[\\/]node_modules[\\/](redis|@redis[\\/][^\\/]+|ioredis|pg|pg-[a-z-]+)[\\/]/;

/** Loads the given entries by the package's own name in a fresh node, listing modules loaded. */
function modulesLoadedBy(entries: string[]): string[] {
  const script = `
    for (const entry of ${JSON.stringify(entries)}) require(entry);
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describeBuilt('optional peer dependencies', () => {
  it('requiring the main entry loads none of redis, ioredis or pg', () => {
    const loaded = modulesLoadedBy(['govuk-pay-express']);
    expect(loaded.some((path) => path.includes(join('dist', 'cjs', 'index.js')))).toBe(true);
    expect(loaded.filter((path) => PEER.test(path))).toEqual([]);
  });

  it('requiring the redis and postgres entries loads none of them either', () => {
    const loaded = modulesLoadedBy(['govuk-pay-express/redis', 'govuk-pay-express/postgres']);
    expect(loaded.some((path) => path.includes(join('dist', 'cjs', 'stores', 'redis.js')))).toBe(
      true,
    );
    expect(loaded.filter((path) => PEER.test(path))).toEqual([]);
  });

  it('the check itself sees a peer when one is loaded', () => {
    expect(modulesLoadedBy(['pg']).some((path) => PEER.test(path))).toBe(true);
  });

  it('the ESM entries import RedisStore and PostgresStore by the package name', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const r = await import('govuk-pay-express/redis');
         const p = await import('govuk-pay-express/postgres');
         process.stdout.write(JSON.stringify([typeof r.RedisStore, typeof p.PostgresStore, typeof p.postgresMigrationSql]));`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function']);
  });
});
