import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient } from 'redis';
import { Browser } from '../helpers/browser';
import { describeWithServer } from '../helpers/store-servers';

/**
 * `npm start` runs `node demo-app/server.js` after the build: with no key and no network it must
 * start the simulator and the demo, print where to go, serve pages, and stop cleanly on Ctrl-C.
 */
const ROOT = resolve(__dirname, '../..');
const built = existsSync(resolve(ROOT, 'dist/cjs/index.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/demo: dist/ is missing; run `npm run build` (npm test does)');

/** Tests of the demo on a shared store: they need the build and the server. */
function describeBuiltWithServer(
  name: 'REDIS_URL' | 'DATABASE_URL',
  title: string,
  body: () => void,
): void {
  if (built) describeWithServer(name, title, body);
  else describe.skip(title, body);
}

interface SpawnedDemo {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts the demo as `npm start` does, with no key and no admin, and waits for its banner. */
async function spawnDemo(store: { REDIS_URL?: string; DATABASE_URL?: string }) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...store };
  delete env.GOVUK_PAY_API_KEY;
  delete env.DEMO_ADMIN_PASSWORD;
  if (store.REDIS_URL === undefined) delete env.REDIS_URL;
  if (store.DATABASE_URL === undefined) delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['demo-app/server.js'], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL printed:\n${output}`)), 20_000);
      child.on('exit', () => fail(new Error(`the demo exited:\n${output}`)));
      child.stdout.on('data', () => {
        const match = /Open (http:\/\/127\.0\.0\.1:\d+) in your browser/.exec(output);
        if (match?.[1] !== undefined && output.includes('Press Ctrl-C to stop.')) {
          clearTimeout(timer);
          done(match[1]);
        }
      });
    });
    return { child, url, output: () => output, exited } satisfies SpawnedDemo;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

async function stopWithCtrlC(demo: SpawnedDemo): Promise<void> {
  demo.child.kill('SIGINT');
  expect(await demo.exited).toBe(0);
  expect(demo.output()).toContain('Stopped.');
}

describeBuilt('the demo server, as npm start runs it', () => {
  it('prints its URL and the test cards, serves the start page, and stops on SIGINT with exit 0', async () => {
    // No shared store: the in-memory default, which must need no server either.
    const demo = await spawnDemo({});
    try {
      const output = demo.output();
      expect(output).toContain('4444333322221111');
      expect(output).toMatch(/embedded simulator at http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toMatch(/card pages on http:\/\/localhost:\d+/);
      expect(output).toMatch(
        /Payment state: in memory \(MemoryStore.*the demo keeps its own permit orders in memory/,
      );

      const page = await fetch(demo.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Pay for a resident parking permit');

      await stopWithCtrlC(demo);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
  });
});

describeBuiltWithServer('REDIS_URL', 'the demo server with REDIS_URL', () => {
  it('says it uses RedisStore, keeps a started payment there, and closes it on SIGINT', async () => {
    const redisUrl = process.env.REDIS_URL ?? '';
    const demo = await spawnDemo({ REDIS_URL: redisUrl });
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    try {
      expect(demo.output()).toMatch(
        /Payment state: RedisStore at redis:\/\/.*the demo keeps its own permit orders in memory/,
      );
      const before = (await redis.keys('govuk-pay-demo:*')).length;

      const citizen = new Browser();
      await citizen.get(`${demo.url}/vehicle-registration`);
      await citizen.post(`${demo.url}/vehicle-registration`, {
        form: { vehicleRegistration: 'CU57 ABC' },
      });
      await citizen.post(`${demo.url}/permit-length`, { form: { months: '3' } });
      const started = await citizen.post(`${demo.url}/payment/start`);
      expect(started.status).toBe(303);
      expect(started.location).toMatch(/^http:\/\/localhost:\d+\//);
      // The pending payment is recorded in Redis, for reconciliation by any instance.
      expect((await redis.keys('govuk-pay-demo:*')).length).toBeGreaterThan(before);

      await stopWithCtrlC(demo);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
      await redis.close();
    }
  });
});

describeBuiltWithServer('DATABASE_URL', 'the demo server with DATABASE_URL', () => {
  it('says it uses PostgresStore, migrated at start, takes a payment, and closes it on SIGINT', async () => {
    const demo = await spawnDemo({ DATABASE_URL: process.env.DATABASE_URL ?? '' });
    try {
      expect(demo.output()).toMatch(
        /Payment state: PostgresStore at postgres(ql)?:\/\/.*the demo keeps its own permit orders in memory/,
      );
      const citizen = new Browser();
      await citizen.get(`${demo.url}/vehicle-registration`);
      await citizen.post(`${demo.url}/vehicle-registration`, {
        form: { vehicleRegistration: 'CU57 ABC' },
      });
      await citizen.post(`${demo.url}/permit-length`, { form: { months: '3' } });
      const started = await citizen.post(`${demo.url}/payment/start`);
      // A store that could not record the pending payment would cancel it and show an error.
      expect(started.status).toBe(303);
      expect(started.location).toMatch(/^http:\/\/localhost:\d+\//);
      await stopWithCtrlC(demo);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
  });
});
